from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The young person's own space: its own audience, its own templates."""

    name = "maillage.portal"
    verbose_name = "Portail des jeunes"

    def ready(self) -> None:
        from maillage.accounts.roles import Role
        from maillage.core.home import HomePanel, register_home_panel

        from . import panels

        # Staff: what the portal brings them (intake queue, messages, requests, their free slots).
        register_home_panel(
            HomePanel(
                name="portal.staff",
                roles=frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR}),
                template="portal/staff/_home_panel.html",
                context=panels.staff_panel_context,
                order=8,
                lazy=True,
                title="Espace en ligne des jeunes : messages et préinscriptions",
            )
        )
        # A young person who lands on the staff home page is shown the way to their own space.
        register_home_panel(
            HomePanel(
                name="portal.youth",
                roles=frozenset({Role.YOUTH}),
                template="portal/staff/_youth_home_panel.html",
                context=panels.youth_panel_context,
                order=1,
            )
        )
