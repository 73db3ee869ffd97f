from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.accounts.roles import STAFF_ROLES
from maillage.core.access import role_required

from . import selectors
from .models import Commune


@role_required(*STAFF_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "territory/index.html", {"summary": selectors.area_summary(), "zones": selectors.zones_with_figures()})


@role_required(*STAFF_ROLES)
def commune_search(request: HttpRequest) -> HttpResponse:
    communes = Commune.objects.search(request.GET.get("q", "")).select_related("zone")[:20]
    return render(request, "territory/commune_search_results.html", {"communes": communes})
