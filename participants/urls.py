from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("ny/", views.participant_create, name="create"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/andra/", views.participant_edit, name="edit"),
    path("<int:pk>/avsluta/", views.participation_end, name="end"),
    path("<int:pk>/radera/", views.person_erase, name="erase"),
    path(
        "<int:pk>/rattelse/<int:correction_pk>/",
        views.correction_handled,
        name="correction_handled",
    ),
    path("<int:pk>/visa-personnummer/", views.personnummer_reveal, name="reveal"),
]
