from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("", views.index, name="index"),
    path("communes/recherche/", views.commune_search, name="commune_search"),
]
