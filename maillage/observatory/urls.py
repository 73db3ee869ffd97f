from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
    path("actualisation/", views.refresh, name="refresh"),
    path("actualisation/etat/", views.refresh_status, name="refresh_status"),
    path("diagnostic/<str:kind>/<int:pk>/", views.diagnosis_page, name="diagnosis"),
    path("diagnostic/<str:kind>/<int:pk>/pdf/", views.diagnosis_pdf, name="diagnosis_pdf"),
    path("diagnostic/<str:kind>/<int:pk>/archiver/", views.diagnosis_archive, name="diagnosis_archive"),
    path("rapports/<int:pk>/", views.report_download, name="report"),
]
