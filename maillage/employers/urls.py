from django.urls import path

from . import views, views_placement, views_programmes

app_name = "employers"

urlpatterns = [
    path("entreprises/", views.company_list, name="company_list"),
    path("entreprises/nouvelle/", views.company_create, name="company_create"),
    path("entreprises/import/", views.company_import, name="company_import"),
    path("entreprises/tableau/", views.dashboard, name="dashboard"),
    path("entreprises/demandes/", views.request_list, name="request_list"),
    path("entreprises/demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("entreprises/demandes/<int:pk>/accepter/", views.request_accept, name="request_accept"),
    path("entreprises/demandes/<int:pk>/refuser/", views.request_reject, name="request_reject"),
    path("entreprises/<int:pk>/", views.company_detail, name="company_detail"),
    path("entreprises/<int:pk>/modifier/", views.company_update, name="company_update"),
    path("entreprises/<int:pk>/archiver/", views.company_archive, name="company_archive"),
    path("entreprises/<int:pk>/desarchiver/", views.company_unarchive, name="company_unarchive"),
    path("entreprises/<int:pk>/contacts/nouveau/", views.contact_create, name="contact_create"),
    path("entreprises/contacts/<int:pk>/modifier/", views.contact_update, name="contact_update"),
    path("entreprises/contacts/<int:pk>/supprimer/", views.contact_delete, name="contact_delete"),
    path("entreprises/<int:pk>/echanges/nouveau/", views.interaction_create, name="interaction_create"),
    path("entreprises/<int:pk>/besoins/nouveau/", views.need_create, name="need_create"),
    path("entreprises/besoins/<int:pk>/modifier/", views.need_update, name="need_update"),
    path("offres/", views.offer_list, name="offer_list"),
    path("offres/nouvelle/", views.offer_create, name="offer_create"),
    path("offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offres/<int:pk>/modifier/", views.offer_update, name="offer_update"),
    path("offres/<int:pk>/statut/", views.offer_status, name="offer_status"),
    # Part 2: matching, applications, immersions, cohorts
    path("offres/<int:pk>/candidats/", views_placement.offer_candidates, name="offer_candidates"),
    path("emploi/jeunes/<int:youth_pk>/profil/", views_placement.profile_edit, name="profile_edit"),
    path("emploi/jeunes/<int:youth_pk>/experiences/", views_placement.experience_add, name="experience_add"),
    path(
        "emploi/jeunes/<int:youth_pk>/experiences/<int:pk>/supprimer/",
        views_placement.experience_delete,
        name="experience_delete",
    ),
    path("mises-en-relation/", views_placement.application_list, name="application_list"),
    path("mises-en-relation/proposer/", views_placement.application_create, name="application_create"),
    path("mises-en-relation/<int:pk>/", views_placement.application_detail, name="application_detail"),
    path(
        "mises-en-relation/<int:pk>/etape/<slug:action>/",
        views_placement.application_step,
        name="application_step",
    ),
    path("mises-en-relation/suivis/<int:pk>/", views_placement.follow_up_record, name="follow_up_record"),
    path("immersions/", views_programmes.immersion_list, name="immersion_list"),
    path("immersions/nouvelle/", views_programmes.immersion_create, name="immersion_create"),
    path("immersions/<int:pk>/", views_programmes.immersion_detail, name="immersion_detail"),
    path("immersions/<int:pk>/modifier/", views_programmes.immersion_update, name="immersion_update"),
    path("immersions/<int:pk>/bilan/", views_programmes.immersion_assess, name="immersion_assess"),
    path("immersions/<int:pk>/annuler/", views_programmes.immersion_cancel, name="immersion_cancel"),
    path(
        "immersions/<int:pk>/convention.pdf", views_programmes.immersion_agreement, name="immersion_agreement"
    ),
    path("cohortes/", views_programmes.cohort_list, name="cohort_list"),
    path("cohortes/nouvelle/", views_programmes.cohort_create, name="cohort_create"),
    path("cohortes/<int:pk>/", views_programmes.cohort_detail, name="cohort_detail"),
    path("cohortes/<int:pk>/partenaires/", views_programmes.cohort_partner_add, name="cohort_partner_add"),
    path(
        "cohortes/<int:pk>/partenaires/<int:company_pk>/retirer/",
        views_programmes.cohort_partner_remove,
        name="cohort_partner_remove",
    ),
    path("cohortes/<int:pk>/inscrire/", views_programmes.cohort_enrol, name="cohort_enrol"),
    path("cohortes/<int:pk>/etapes/", views_programmes.cohort_stage_add, name="cohort_stage_add"),
    path("cohortes/etapes/<int:pk>/presences/", views_programmes.stage_attendance, name="stage_attendance"),
    path("cohortes/inscrits/<int:pk>/sortie/", views_programmes.member_outcome, name="member_outcome"),
    path("referentiels/competences-du-metier/", views.fiche_skills, name="fiche_skills"),
    path("referentiels/<slug:name>/", views.lookup, name="lookup"),
    path("recrutement/", views.public_request, name="public_request"),
]
