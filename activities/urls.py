from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("ny/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/andra/", views.activity_edit, name="edit"),
    path("<int:pk>/nytt-tillfalle/", views.session_create, name="session_create"),
    path("kalender/", views.calendar, name="calendar"),
    path("tillfalle/<int:pk>/", views.session_detail, name="session"),
    path("tillfalle/<int:pk>/andra/", views.session_edit, name="session_edit"),
    path("tillfalle/<int:pk>/anmal/", views.enrol, name="enrol"),
    path("tillfalle/<int:pk>/anmal-grupp/", views.enrol_group, name="enrol_group"),
    path("anmal-markerade/", views.enrol_chosen, name="enrol_chosen"),
    path("tillfalle/<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("tillfalle/<int:pk>/narvaro/utskrift/", views.attendance_print, name="attendance_print"),
    path("tillfalle/<int:pk>/narvaro.xlsx", views.attendance_xlsx, name="attendance_xlsx"),
    path(
        "tillfalle/<int:pk>/narvaro/fran-mote/",
        views.attendance_import_upload,
        name="attendance_import_upload",
    ),
    path("narvaroimport/<int:pk>/", views.attendance_import, name="attendance_import"),
    path(
        "narvaroimport/<int:pk>/bekrafta/",
        views.attendance_import_confirm,
        name="attendance_import_confirm",
    ),
    path(
        "narvaroimport/<int:pk>/avbryt/",
        views.attendance_import_cancel,
        name="attendance_import_cancel",
    ),
    path("tillfalle/<int:pk>/kalender.ics", views.session_ical, name="session_ical"),
    path("anmalan/<int:pk>/avboka/", views.enrolment_cancel, name="cancel"),
    path("tid/", views.self_report_list, name="self_reports"),
    path("tid/<int:pk>/beslut/", views.self_report_decide, name="self_report_decide"),
    path("tid/godkann-markerade/", views.self_reports_approve, name="self_reports_approve"),
    path("timmar/", views.hours_overview, name="hours"),
    path("timmar/skicka-for-underskrift/", views.certificates_send, name="certificates_send"),
    path("timmar/sammanstallning.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path(
        "intyg/<int:participation_id>/<int:year>/<int:month>/",
        views.certificate,
        name="certificate",
    ),
    path(
        "intyg/<int:participation_id>/<int:year>/<int:month>/rapport.<str:fmt>",
        views.certificate_file,
        name="certificate_file",
    ),
    path(
        "intyg/<int:participation_id>/<int:year>/<int:month>/chef/",
        views.certificate_request_manager,
        name="certificate_request_manager",
    ),
    path("mina/anmal/<int:pk>/", views.my_enrol, name="my_enrol"),
    path("mina/tid/", views.my_self_report, name="my_self_report"),
    path("mina/intyg/<int:year>/<int:month>/signera/", views.certificate_sign, name="sign"),
]
