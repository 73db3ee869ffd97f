from django.contrib import admin

from .models import (
    ConsortiumMember,
    Contact,
    Decision,
    FundingLine,
    FundingShare,
    Meeting,
    MeetingAttendee,
    Organisation,
    PartnerMembership,
    Project,
    ProjectTask,
    Referral,
    Service,
    ServiceTheme,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class MembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "last_checked_on", "reminder_sent_on", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "external_id", "siret"]
    readonly_fields = ["external_id", "version"]
    filter_horizontal = ["communes", "epcis", "zones"]
    inlines = [ContactInline, MembershipInline]


class ServiceThemeInline(admin.TabularInline):
    model = ServiceTheme
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "last_checked_on", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "organisation__name", "external_id"]
    readonly_fields = ["external_id", "version"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["communes", "epcis", "zones"]
    inlines = [ServiceThemeInline]


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    raw_id_fields = ["organisation"]


class TaskInline(admin.TabularInline):
    model = ProjectTask
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "funder_name", "deadline", "status"]
    list_filter = ["status", "funder_kind"]
    search_fields = ["title", "funder_name", "call_title"]
    readonly_fields = ["status", "version"]
    inlines = [MemberInline, TaskInline]


class ShareInline(admin.TabularInline):
    model = FundingShare
    extra = 0


@admin.register(FundingLine)
class FundingLineAdmin(admin.ModelAdmin):
    list_display = ["title", "funder_name", "programme_code", "starts_on", "ends_on", "target_participants"]
    list_filter = ["funder_kind"]
    inlines = [ShareInline]


class AttendeeInline(admin.TabularInline):
    model = MeetingAttendee
    extra = 0
    raw_id_fields = ["user"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "zone"]
    list_filter = ["kind", "zone"]
    readonly_fields = ["version"]
    inlines = [AttendeeInline, DecisionInline]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: a referral changes status only through its transitions (services.py), which audit it;
    the shared snapshot is personal data and is not searchable here."""

    list_display = ["pk", "sent_at", "organisation", "service", "status", "reminder_sent_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "service"]
    fields = [
        "status",
        "service",
        "organisation",
        "referred_by",
        "sent_at",
        "acknowledged_at",
        "answered_at",
        "closed_at",
        "reminder_sent_at",
        "decline_reason",
        "consent_given_on",
        "shares_barriers",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
