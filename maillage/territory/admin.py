"""Territory in the admin: reference data comes from the data pack (manage.py load_territory), so the
tables it loads are read-only here; reception sites are managed here."""

from django.contrib import admin

from .models import EPCI, QPV, Commune, FormerCommune, Quartier, Site, Zone


class PackDataAdmin(admin.ModelAdmin):
    """Loaded by `load_territory`: editing here would be undone by the next load."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Zone)
class ZoneAdmin(PackDataAdmin):
    list_display = ["name", "code", "position"]


@admin.register(EPCI)
class EPCIAdmin(PackDataAdmin):
    list_display = ["name", "siren", "kind"]
    search_fields = ["name", "siren"]


@admin.register(Commune)
class CommuneAdmin(PackDataAdmin):
    list_display = ["name", "insee_code", "postal_codes", "population", "epci", "zone"]
    list_filter = ["zone", "epci"]
    list_select_related = ["epci", "zone"]
    search_fields = ["search_name", "insee_code", "postal_codes"]

    def get_search_results(self, request, queryset, search_term):
        """The site's own search: accent-insensitive names ("chateaugiron"), postal codes, former names."""
        if not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(pk__in=Commune.objects.search(search_term).values("pk")), False


@admin.register(FormerCommune)
class FormerCommuneAdmin(PackDataAdmin):
    list_display = ["name", "insee_code", "commune", "effective_date"]
    list_select_related = ["commune"]


@admin.register(Quartier)
class QuartierAdmin(PackDataAdmin):
    list_display = ["number", "name", "commune", "zone"]
    list_select_related = ["commune", "zone"]


@admin.register(QPV)
class QPVAdmin(PackDataAdmin):
    list_display = ["code", "name", "commune", "quartier"]
    list_select_related = ["commune", "quartier"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "zone", "is_illustrative", "is_active"]
    list_filter = ["kind", "zone", "is_illustrative", "is_active"]
    list_select_related = ["commune", "zone"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["commune"]
