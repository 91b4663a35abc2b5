from django.urls import path

from . import views, views_bulk, views_import

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("ny/", views.participant_create, name="create"),
    path("flera/", views_bulk.participant_bulk, name="bulk"),
    path("import/", views_import.import_upload, name="import"),
    path("import/mall.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("import/<int:pk>/bekrafta/", views_import.import_confirm, name="import_confirm"),
    path("import/<int:pk>/tomma-celler/", views_import.import_defaults, name="import_defaults"),
    path("import/<int:pk>/kolumner/", views_import.import_mapping, name="import_mapping"),
    path("import/<int:pk>/arbetsgivare/", views_import.import_alias, name="import_alias"),
    path(
        "import/<int:pk>/rader-med-fel.xlsx", views_import.import_rejected, name="import_rejected"
    ),
    path("import/<int:pk>/avbryt/", views_import.import_cancel, name="import_cancel"),
    path("inbjudningar/", views.invitation_list, name="invitations"),
    path("inbjudningar/<int:pk>/skicka-igen/", views.invitation_resend, name="invitation_resend"),
    path("registreringslankar/", views.registration_link_create, name="link_create"),
    path("registreringslankar/<int:pk>/", views.registration_link_toggle, name="link_toggle"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/andra/", views.participant_edit, name="edit"),
    path("<int:pk>/avsluta/", views.participation_end, name="end"),
    path("<int:pk>/ateruppta/", views.participation_reopen, name="reopen"),
    path("<int:pk>/radera/", views.person_erase, name="erase"),
    path(
        "<int:pk>/rattelse/<int:correction_pk>/",
        views.correction_handled,
        name="correction_handled",
    ),
    path("<int:pk>/visa-personnummer/", views.personnummer_reveal, name="reveal"),
]
