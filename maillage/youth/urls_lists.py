"""URLs of the lists, appended to youth/urls.py (namespace "youth"): no app_name here."""

from django.urls import path

from . import views_lists

urlpatterns = [
    path("", views_lists.youth_list, name="list"),
    path("export.csv", views_lists.youth_export, name="list_export"),
    path("equipe/", views_lists.team, name="team"),
    path("portefeuille/cej/", views_lists.caseload_cej, name="caseload_cej"),
    path("equipe/reaffecter/", views_lists.reassign, name="reassign"),
    path("import/", views_lists.import_page, name="import"),
    path("import/modele.csv", views_lists.import_template, name="import_template"),
    path("conservation/", views_lists.retention_page, name="retention"),
]
