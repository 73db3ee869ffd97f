"""Only the programmes table is edited in the admin: the files themselves are reached through the
application, where every access is checked and audited."""

from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "is_exclusive",
        "tracks_weekly_hours",
        "weekly_hours_target_min",
        "weekly_hours_target_max",
        "is_historic",
        "is_active",
        "position",
    ]
    list_editable = ["is_active", "position"]
    list_filter = ["is_exclusive", "tracks_weekly_hours", "is_historic", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # A programme with enrolments is protected by the database; deactivate it instead.
        return obj is None or not obj.enrolments.exists()
