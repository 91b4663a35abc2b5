"""Pages outside a project's staff area: the participant's own pages and the anonymous
ways in (invitation link, open registration link)."""

from django.urls import path

from . import views_own

app_name = "selfservice"

urlpatterns = [
    path("mina-sidor/", views_own.my_data, name="my_data"),
    path("inbjudan/<str:token>/", views_own.invitation, name="invitation"),
    path("registrera/<str:slug>/", views_own.register, name="register"),
    path(
        "registrera/bekrafta/<str:token>/",
        views_own.register_confirm,
        name="register_confirm",
    ),
    path("mina-sidor/samtycke/", views_own.my_consent, name="my_consent"),
    path("mina-sidor/rattelse/", views_own.my_correction, name="my_correction"),
    path(
        "mina-sidor/mina-uppgifter.<str:fmt>",
        views_own.my_data_download,
        name="my_data_download",
    ),
]
