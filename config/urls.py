from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("maillage.core.urls")),
    path("", include("maillage.accounts.urls")),
    path("territoire/", include("maillage.territory.urls")),
    path("jeunes/", include("maillage.youth.urls")),
    path("", include("maillage.employers.urls")),
    path("", include("maillage.partners.urls")),
    path("observatoire/", include("maillage.observatory.urls")),
    # The admin logs out through our audited logout view.
    path("admin/logout/", RedirectView.as_view(pattern_name="accounts:logout", permanent=False)),
    path("admin/", admin.site.urls),
]
