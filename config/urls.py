from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("maillage.core.urls")),
    path("", include("maillage.accounts.urls")),
    path("territoire/", include("maillage.territory.urls")),
    path("jeunes/", include("maillage.youth.urls")),
    path("", include("maillage.employers.urls")),
    path("", include("maillage.partners.urls")),
    path("observatoire/", include("maillage.observatory.urls")),
    path("admin/", admin.site.urls),
]
