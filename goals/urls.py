from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("nytt/", views.goal_create, name="create"),
    path("<int:pk>/", views.goal_detail, name="detail"),
    path("<int:pk>/andra/", views.goal_edit, name="edit"),
    path("<int:pk>/ta-bort/", views.goal_delete, name="delete"),
    path("<int:pk>/underlag/", views.goal_units, name="units"),
    path("forandringsteori/", views.change_theory, name="change_theory"),
    path("forandringsteori/andra/", views.change_theory_edit, name="change_theory_edit"),
    path("kartlaggning/", views.mapping, name="mapping"),
    path("slutrapport/", views.final_report, name="final_report"),
]
