from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("korningar/<int:pk>/", views.report_run_detail, name="run"),
    path("korningar/<int:pk>/fil/", views.report_run_download, name="download"),
    path("indikatorer/", views.indicators, name="indicators"),
    path("underlag/", views.drilldown, name="drilldown"),
    path("deltagare/", views.register, name="register"),
    path("tid/", views.time_overview, name="time"),
    path("kompetens/", views.competence_overview, name="competence"),
    path("aktiviteter/", views.activities_overview, name="activities"),
    path("aktiviteter/personer/", views.activity_people, name="activity_people"),
    path("aktiviteter/tillfallen/", views.activity_sessions, name="activity_sessions"),
    path("kompetens/personer/", views.competence_people, name="competence_people"),
    path("tid/underlag/", views.time_rows, name="time_rows"),
    path("scb/", views.scb_overview, name="scb"),
    path("scb/bestall/", views.scb_order, name="scb_order"),
    path("scb/skickad/", views.scb_mark_sent, name="scb_mark_sent"),
]
