from django.urls import path

from . import views

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
    path("referentiels/competences-du-metier/", views.fiche_skills, name="fiche_skills"),
    path("referentiels/<slug:name>/", views.lookup, name="lookup"),
    path("recrutement/", views.public_request, name="public_request"),
]
