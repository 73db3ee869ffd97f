from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import EpciMembership, User, ZoneMembership


class ZoneMembershipInline(admin.TabularInline):
    model = ZoneMembership
    extra = 0


class EpciMembershipInline(admin.TabularInline):
    model = EpciMembership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_demo_account"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [ZoneMembershipInline, EpciMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "role")}),
        ("Accès", {"fields": ("is_active", "is_staff", "is_superuser", "is_demo_account", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)
