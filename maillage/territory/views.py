from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from maillage.accounts.roles import STAFF_ROLES
from maillage.core.access import role_required

from . import maps, selectors
from .forms import CommuneSearchForm


@role_required(*STAFF_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    overview = selectors.territory_overview()
    form = CommuneSearchForm(request.GET or None)
    context = {
        "overview": overview,
        "map": maps.zone_map(overview.zones),
        "form": form,
        "search": form.search() if form.is_bound else None,
    }
    return render(request, "territory/index.html", context)


@role_required(*STAFF_ROLES)
def commune_search(request: HttpRequest) -> HttpResponse:
    """The autocomplete fragment (htmx); without htmx, the same search on the territory page."""
    form = CommuneSearchForm(request.GET)
    if not request.htmx:  # type: ignore[attr-defined]
        query = urlencode({"q": request.GET.get("q", "")})
        return redirect(f"{reverse('territory:index')}?{query}#recherche")
    return render(request, "territory/commune_search_results.html", {"form": form, "search": form.search()})
