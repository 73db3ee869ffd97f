from django.contrib import admin

from .models import (
    Appellation,
    Company,
    Contact,
    Fiche,
    GrandDomain,
    Interaction,
    NafSection,
    NafSubclass,
    Offer,
    ProfessionalDomain,
    RecruitmentNeed,
    RecruitmentRequest,
    Skill,
)


class ReferentialAdmin(admin.ModelAdmin):
    """Reference data comes from `manage.py load_referentials`: read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GrandDomain, ProfessionalDomain, NafSection)
class SimpleReferentialAdmin(ReferentialAdmin):
    list_display = ["code", "label", "is_active"]
    search_fields = ["code", "label"]


@admin.register(Fiche)
class FicheAdmin(ReferentialAdmin):
    list_display = ["code", "label", "label_v3", "domain", "is_active"]
    list_filter = ["grand_domain", "is_active"]
    search_fields = ["code", "label", "label_v3"]


@admin.register(Appellation)
class AppellationAdmin(ReferentialAdmin):
    list_display = ["code", "label", "fiche", "is_main", "is_active"]
    list_filter = ["is_main", "is_active"]
    search_fields = ["label", "search_text", "fiche__code"]
    list_select_related = ["fiche"]


@admin.register(Skill)
class SkillAdmin(ReferentialAdmin):
    list_display = ["code", "label", "kind", "category", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["label"]


@admin.register(NafSubclass)
class NafSubclassAdmin(ReferentialAdmin):
    list_display = ["code", "label", "section", "is_active"]
    list_filter = ["section"]
    search_fields = ["code", "label"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "naf", "commune", "is_archived"]
    list_filter = ["is_archived", "size_band"]
    search_fields = ["name", "siret"]
    raw_id_fields = ["naf", "commune", "officer", "created_by"]
    readonly_fields = ["search_text", "version", "created", "updated"]
    inlines = [ContactInline]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "date", "officer"]
    list_filter = ["kind"]
    raw_id_fields = ["company", "officer", "contact"]


@admin.register(RecruitmentNeed)
class RecruitmentNeedAdmin(admin.ModelAdmin):
    list_display = ["company", "appellation", "quantity", "period_start", "status"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["company", "appellation", "fiche", "created_by"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "fiche", "contract", "status", "expires_on"]
    list_filter = ["status", "contract", "source"]
    search_fields = ["title", "company__name"]
    raw_id_fields = [
        "company",
        "appellation",
        "fiche",
        "commune",
        "contact",
        "need",
        "officer",
        "created_by",
        "skills",
    ]
    readonly_fields = ["version", "created", "updated"]


@admin.register(RecruitmentRequest)
class RecruitmentRequestAdmin(admin.ModelAdmin):
    list_display = ["company_name", "occupation_text", "status", "created"]
    list_filter = ["status"]
    raw_id_fields = ["appellation", "commune", "company", "need", "offer", "reviewed_by"]
