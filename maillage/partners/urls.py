from django.urls import path

from .views import directory, governance, projects, referrals

app_name = "partners"

urlpatterns = [
    # Directory
    path("partenaires/", directory.directory, name="directory"),
    path("partenaires/structures/", directory.organisation_list, name="organisation_list"),
    path("partenaires/structures/nouvelle/", directory.organisation_create, name="organisation_create"),
    path("partenaires/structures/<int:pk>/", directory.organisation_detail, name="organisation_detail"),
    path("partenaires/structures/<int:pk>/modifier/", directory.organisation_edit, name="organisation_edit"),
    path(
        "partenaires/structures/<int:pk>/verifiee/",
        directory.organisation_confirm,
        name="organisation_confirm",
    ),
    path(
        "partenaires/structures/<int:pk>/contacts/nouveau/", directory.contact_create, name="contact_create"
    ),
    path("partenaires/structures/<int:pk>/comptes/", directory.membership_create, name="membership_create"),
    path(
        "partenaires/structures/<int:pk>/services/nouveau/", directory.service_create, name="service_create"
    ),
    path("partenaires/contacts/<int:pk>/modifier/", directory.contact_edit, name="contact_edit"),
    path("partenaires/contacts/<int:pk>/supprimer/", directory.contact_delete, name="contact_delete"),
    path("partenaires/comptes/<int:pk>/retirer/", directory.membership_delete, name="membership_delete"),
    path("partenaires/services/<int:pk>/", directory.service_detail, name="service_detail"),
    path("partenaires/services/<int:pk>/modifier/", directory.service_edit, name="service_edit"),
    path("partenaires/services/<int:pk>/verifie/", directory.service_confirm, name="service_confirm"),
    path(
        "partenaires/export/data-inclusion.json",
        directory.data_inclusion_export,
        name="data_inclusion_export",
    ),
    path("partenaires/import/data-inclusion/", directory.data_inclusion_import, name="data_inclusion_import"),
    # Referrals
    path("orientations/", referrals.referral_list, name="referral_list"),
    path("orientations/recues/", referrals.referral_inbox, name="referral_inbox"),
    path("orientations/jeunes/<int:youth_pk>/nouvelle/", referrals.referral_create, name="referral_create"),
    path("orientations/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("orientations/<int:pk>/repondre/<slug:action>/", referrals.referral_answer, name="referral_answer"),
    # Projects and funding
    path("projets/", projects.project_list, name="project_list"),
    path("projets/nouveau/", projects.project_create, name="project_create"),
    path("projets/echeances/", projects.deadlines, name="deadlines"),
    path("projets/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", projects.project_edit, name="project_edit"),
    path("projets/<int:pk>/statut/", projects.project_transition, name="project_transition"),
    path("projets/<int:pk>/consortium/", projects.project_member_add, name="project_member_add"),
    path("projets/<int:pk>/documents/", projects.project_document_add, name="project_document_add"),
    path("projets/<int:pk>/taches/", projects.project_task_add, name="project_task_add"),
    path(
        "projets/consortium/<int:pk>/retirer/", projects.project_member_remove, name="project_member_remove"
    ),
    path("projets/documents/<int:pk>/", projects.project_document_download, name="project_document_download"),
    path(
        "projets/documents/<int:pk>/supprimer/",
        projects.project_document_delete,
        name="project_document_delete",
    ),
    path("projets/taches/<int:pk>/", projects.project_task_toggle, name="project_task_toggle"),
    path("projets/financements/", projects.funding_line_list, name="funding_line_list"),
    path("projets/financements/nouvelle/", projects.funding_line_create, name="funding_line_create"),
    path("projets/financements/<int:pk>/", projects.funding_line_detail, name="funding_line_detail"),
    path("projets/financements/<int:pk>/modifier/", projects.funding_line_edit, name="funding_line_edit"),
    path(
        "projets/financements/<int:pk>/cofinancements/",
        projects.funding_line_shares,
        name="funding_line_shares",
    ),
    path(
        "projets/financements/<int:pk>/justificatifs.csv",
        projects.evidence_pack_csv,
        name="evidence_pack_csv",
    ),
    path(
        "projets/financements/<int:pk>/justificatifs.pdf",
        projects.evidence_pack_pdf,
        name="evidence_pack_pdf",
    ),
    # Governance
    path("instances/", governance.meeting_list, name="meeting_list"),
    path("instances/nouvelle/", governance.meeting_create, name="meeting_create"),
    path("instances/decisions/", governance.decision_list, name="decision_list"),
    path("instances/decisions/<int:pk>/modifier/", governance.decision_edit, name="decision_edit"),
    path("instances/<int:pk>/", governance.meeting_detail, name="meeting_detail"),
    path("instances/<int:pk>/modifier/", governance.meeting_edit, name="meeting_edit"),
    path("instances/<int:pk>/participants/", governance.attendee_add, name="attendee_add"),
    path("instances/<int:pk>/decisions/", governance.decision_add, name="decision_add"),
    path("instances/participants/<int:pk>/retirer/", governance.attendee_remove, name="attendee_remove"),
]
