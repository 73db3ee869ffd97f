from django.urls import path

from . import views

app_name = "youth"

urlpatterns = [
    path("nouveau/", views.intake, name="intake"),
    path("communes/", views.commune_options, name="commune_options"),
    path("agenda/", views.agenda, name="agenda"),
    path("transferts/", views.transfers, name="transfers"),
    path("transferts/demander/", views.transfer_request, name="transfer_request"),
    path("transferts/<int:transfer_pk>/decision/", views.transfer_decide, name="transfer_decide"),
    path("<int:pk>/", views.file, name="file"),
    path("<int:pk>/identite/", views.identity_edit, name="identity"),
    path("<int:pk>/formulaire/<slug:name>/", views.add_form, name="add_form"),
    path("<int:pk>/formulaire-ligne/<str:key>/", views.row_form, name="row_form"),
    path("<int:pk>/sections/", views.linked_sections, name="linked_sections"),
    path("<int:pk>/zone/", views.zone_override, name="zone_override"),
    path("<int:pk>/freins/", views.barrier_add, name="barrier_add"),
    path("<int:pk>/freins/<int:barrier_pk>/lever/", views.barrier_resolve, name="barrier_resolve"),
    path("<int:pk>/dispositifs/", views.enrol, name="enrol"),
    path("<int:pk>/dispositifs/<int:enrolment_pk>/fin/", views.enrolment_end, name="enrolment_end"),
    path("<int:pk>/dispositifs/<int:enrolment_pk>/semaine/", views.week_validate, name="week_validate"),
    path(
        "<int:pk>/dispositifs/<int:enrolment_pk>/suspension/",
        views.enrolment_suspend,
        name="enrolment_suspend",
    ),
    path("<int:pk>/dispositifs/<int:enrolment_pk>/reprise/", views.enrolment_resume, name="enrolment_resume"),
    path("<int:pk>/evenements/", views.event_add, name="event_add"),
    path("<int:pk>/evenements/<int:event_pk>/statut/", views.event_status, name="event_status"),
    path("<int:pk>/evenements/<int:event_pk>/", views.event_edit, name="event_edit"),
    path("<int:pk>/propositions/", views.proposal_add, name="proposal_add"),
    path(
        "<int:pk>/propositions/<int:proposal_pk>/resultat/", views.proposal_outcome, name="proposal_outcome"
    ),
    path("<int:pk>/situations/", views.situation_add, name="situation_add"),
    path("<int:pk>/situations/<int:situation_pk>/fin/", views.situation_end, name="situation_end"),
    path("<int:pk>/objectifs/", views.goal_add, name="goal_add"),
    path("<int:pk>/objectifs/<int:goal_pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/objectifs/<int:goal_pk>/statut/", views.goal_status, name="goal_status"),
    path("<int:pk>/actions/<int:action_pk>/faite/", views.action_done, name="action_done"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/notes/<int:note_pk>/visibilite/", views.note_visibility, name="note_visibility"),
    path("<int:pk>/consentements/", views.consent_add, name="consent_add"),
    path("<int:pk>/consentements/<int:consent_pk>/retrait/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/supprimer/<slug:kind>/<int:entry_pk>/", views.entry_delete, name="entry_delete"),
]
from .urls_lists import urlpatterns as _list_patterns  # noqa: E402

urlpatterns += _list_patterns
