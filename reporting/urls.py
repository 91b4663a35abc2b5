from django.urls import path

from .views import activities, competence, indicators, register, runs, scb, time

app_name = "reporting"

urlpatterns = [
    path("", runs.report_index, name="index"),
    path("korningar/<int:pk>/", runs.report_run_detail, name="run"),
    path("korningar/<int:pk>/fil/", runs.report_run_download, name="download"),
    path("indikatorer/", indicators.indicators, name="indicators"),
    path("underlag/", indicators.drilldown, name="drilldown"),
    path("deltagare/", register.register, name="register"),
    path("tid/", time.time_overview, name="time"),
    path("kompetens/", competence.competence_overview, name="competence"),
    path("aktiviteter/", activities.activities_overview, name="activities"),
    path("aktiviteter/personer/", activities.activity_people, name="activity_people"),
    path("aktiviteter/tillfallen/", activities.activity_sessions, name="activity_sessions"),
    path("kompetens/personer/", competence.competence_people, name="competence_people"),
    path("tid/underlag/", time.time_rows, name="time_rows"),
    path("scb/", scb.scb_overview, name="scb"),
    path("scb/bestall/", scb.scb_order, name="scb_order"),
    path("scb/skickad/", scb.scb_mark_sent, name="scb_mark_sent"),
]
