from django.urls import path

from .views import public, space, staff

app_name = "portal"

urlpatterns = [
    # Public: pre-registration, passwordless login, invitation links, language switch.
    path("inscription/", public.preregister, name="preregister"),
    path("inscription/merci/", public.preregister_done, name="preregister_done"),
    path("inscription/communes/", public.commune_search, name="commune_search"),
    path("portail/", public.login, name="login"),
    path("portail/code/", public.login_code, name="login_code"),
    path("portail/lien/<str:token>/", public.login_link, name="login_link"),
    path("portail/invitation/<str:token>/", public.invitation, name="invitation"),
    path("portail/langue/", public.set_language, name="set_language"),
    # The young person's space.
    path("portail/accueil/", space.home, name="home"),
    path("portail/rendez-vous/", space.appointments, name="appointments"),
    path("portail/rendez-vous/choisir/", space.slots, name="slots"),
    path("portail/rendez-vous/choisir/<int:pk>/", space.slot_book, name="slot_book"),
    path("portail/rendez-vous/<int:pk>/agenda.ics", space.appointment_ics, name="appointment_ics"),
    path("portail/rendez-vous/<int:pk>/annuler/", space.appointment_cancel, name="appointment_cancel"),
    path("portail/rendez-vous/<int:pk>/deplacer/", space.appointment_move, name="appointment_move"),
    path(
        "portail/rendez-vous/<int:pk>/deplacer/<int:slot_pk>/",
        space.appointment_move_to,
        name="appointment_move_to",
    ),
    path("portail/rendez-vous/<int:pk>/avis/", space.feedback, name="feedback"),
    path("portail/plan/", space.plan, name="plan"),
    path("portail/plan/actions/<int:pk>/faite/", space.action_done, name="action_done"),
    path("portail/suivi/", space.shared_notes, name="shared_notes"),
    path("portail/messages/", space.message_list, name="messages"),
    path("portail/messages/<int:pk>/", space.thread, name="thread"),
    path("portail/messages/pieces/<int:pk>/", space.attachment, name="attachment"),
    path("portail/documents/", space.documents, name="documents"),
    path("portail/documents/<int:pk>/", space.document_download, name="document_download"),
    path("portail/emploi/", space.job, name="job"),
    path("portail/mes-donnees/", space.my_data, name="my_data"),
    path("portail/mes-donnees/consultations/", space.access_log, name="access_log"),
    path("portail/mes-donnees/accords/<int:pk>/retirer/", space.consent_withdraw, name="consent_withdraw"),
    path("portail/mes-donnees/mes-donnees.json", space.my_data_json, name="my_data_json"),
    path("portail/mes-donnees/mes-donnees.pdf", space.my_data_pdf, name="my_data_pdf"),
    path("portail/deconnexion/", space.logout, name="logout"),
    # Staff: the intake queue and the portal side of the files.
    path("accueil/file-attente/", staff.intake_queue, name="intake_queue"),
    path("accueil/file-attente/<int:pk>/", staff.preregistration_detail, name="preregistration"),
    path(
        "accueil/file-attente/<int:pk>/dossier/", staff.preregistration_create, name="preregistration_create"
    ),
    path(
        "accueil/file-attente/<int:pk>/rattacher/", staff.preregistration_merge, name="preregistration_merge"
    ),
    path(
        "accueil/file-attente/<int:pk>/classer/",
        staff.preregistration_discard,
        name="preregistration_discard",
    ),
    path(
        "accueil/file-attente/<int:pk>/transmettre/",
        staff.preregistration_forward,
        name="preregistration_forward",
    ),
    path("portail-gestion/creneaux/", staff.staff_slots, name="staff_slots"),
    path("portail-gestion/creneaux/<int:pk>/retirer/", staff.staff_slot_delete, name="staff_slot_delete"),
    path("portail-gestion/messages/", staff.staff_inbox, name="staff_inbox"),
    path("portail-gestion/demandes/", staff.staff_corrections, name="staff_corrections"),
    path("portail-gestion/demandes/<int:pk>/", staff.staff_correction_handle, name="staff_correction_handle"),
    path("portail-gestion/pieces/<int:pk>/", staff.staff_attachment, name="staff_attachment"),
    path("portail-gestion/jeunes/<int:pk>/", staff.staff_youth, name="staff_youth"),
    path("portail-gestion/jeunes/<int:pk>/invitation/", staff.staff_invite, name="staff_invite"),
    path(
        "portail-gestion/jeunes/<int:pk>/messages/", staff.staff_youth_messages, name="staff_youth_messages"
    ),
    path(
        "portail-gestion/jeunes/<int:pk>/messages/<int:thread_pk>/",
        staff.staff_thread_reply,
        name="staff_thread_reply",
    ),
]
