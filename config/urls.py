from django.contrib import admin
from django.urls import include, path

from maillage.accounts.views import LogoutView

urlpatterns = [
    path("", include("maillage.core.urls")),
    path("", include("maillage.accounts.urls")),
    path("territoire/", include("maillage.territory.urls")),
    path("jeunes/", include("maillage.youth.urls")),
    path("", include("maillage.employers.urls")),
    path("", include("maillage.partners.urls")),
    path("observatoire/", include("maillage.observatory.urls")),
    path("", include("maillage.portal.urls")),
    # The admin logs out through our audited logout view.
    path("admin/logout/", LogoutView.as_view(), name="admin_logout"),
    path("admin/", admin.site.urls),
]
