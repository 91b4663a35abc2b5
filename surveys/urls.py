from django.urls import path

from . import views, views_chosen, views_exit

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("ny/", views.survey_create, name="create"),
    path("skicka-till-markerade/", views_chosen.invite_chosen, name="invite_chosen"),
    path("digcomp/", views.digcomp_create, name="digcomp_create"),
    path("uttrade/", views_exit.exit_overview, name="exit"),
    path("uttrade/installningar/", views_exit.exit_settings_save, name="exit_settings"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/andra/", views.survey_edit, name="edit"),
    path("<int:pk>/forhandsvisning/", views.survey_preview, name="preview"),
    path("<int:pk>/kopiera/", views.survey_copy, name="copy"),
    path("<int:pk>/delar/ny/", views.section_create, name="section_create"),
    path("<int:pk>/omgangar/ny/", views.round_create, name="round_create"),
    path("delar/<int:pk>/andra/", views.section_edit, name="section_edit"),
    path("delar/<int:pk>/flytta/", views.section_move, name="section_move"),
    path("delar/<int:pk>/ta-bort/", views.section_delete, name="section_delete"),
    path("delar/<int:pk>/fragor/ny/", views.question_create, name="question_create"),
    path("fragor/<int:pk>/andra/", views.question_edit, name="question_edit"),
    path("fragor/<int:pk>/flytta/", views.question_move, name="question_move"),
    path("fragor/<int:pk>/ta-bort/", views.question_delete, name="question_delete"),
    path("omgangar/<int:pk>/", views.round_detail, name="round"),
    path("omgangar/<int:pk>/skicka/", views.round_send, name="round_send"),
    path("omgangar/<int:pk>/resultat/", views.round_results, name="results"),
    path("omgangar/<int:pk>/export/", views.export_create, name="export_create"),
    path("export/<int:pk>/", views.export_detail, name="export"),
    path("export/<int:pk>/ladda-ner/", views.export_download, name="export_download"),
    path("mina/", views.my_surveys, name="mine"),
    path("mina/<int:pk>/", views.answer_own, name="answer_own"),
    path("svara/<str:token>/", views.answer_token, name="answer"),
    path("svara/<str:token>/inga-fler/", views_exit.exit_opt_out, name="exit_opt_out"),
]
