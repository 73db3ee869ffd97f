from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .models import EpciMembership, User, ZoneMembership


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's own login page follows the same rules as ours: one spelling per address for the
    lockout, and the login written to the audit log (failures are audited by receivers.py)."""

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        if self.request is not None:
            services.record_login(request=self.request, user=self.get_user())
        return cleaned


admin.site.login_form = AdminLoginForm


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
