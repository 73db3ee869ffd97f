from django.contrib import admin

from .models import CorrectionRequest, Feedback, Invitation, PortalAccount, PreRegistration, Slot


@admin.register(PreRegistration)
class PreRegistrationAdmin(admin.ModelAdmin):
    list_display = ("id", "created", "zone", "status")
    list_filter = ("status", "zone")
    readonly_fields = [f.name for f in PreRegistration._meta.fields]


@admin.register(PortalAccount)
class PortalAccountAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "youth", "is_active", "last_login_at")
    list_filter = ("is_active",)
    raw_id_fields = ("user", "youth", "created_by")
    readonly_fields = ("last_login_at",)


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("id", "counsellor", "starts_at", "channel", "youth")
    list_filter = ("zone", "channel")
    raw_id_fields = ("counsellor", "youth", "event", "site", "created_by")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("id", "created", "counsellor", "channel", "status")
    list_filter = ("status", "channel")
    raw_id_fields = ("youth", "counsellor", "sent_by", "slot")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("id", "created", "rating")
    raw_id_fields = ("youth", "event")


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "created", "topic", "status")
    list_filter = ("status", "topic")
    raw_id_fields = ("youth", "handled_by")
