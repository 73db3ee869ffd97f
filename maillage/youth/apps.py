from django.apps import AppConfig


class YouthConfig(AppConfig):
    name = "maillage.youth"
    verbose_name = "Accompagnement des jeunes"

    def ready(self) -> None:
        from maillage.accounts.roles import Role
        from maillage.core.home import HomePanel, register_home_panel

        from . import views_lists

        # The counsellor's home page is their caseload; a zone manager's adds the team's caseloads (and
        # their own caseload, when they hold files themselves).
        register_home_panel(
            HomePanel(
                name="youth.caseload",
                roles=frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER}),
                template="youth/lists/_caseload_panel.html",
                context=views_lists.caseload_panel_context,
                order=10,
            )
        )
        register_home_panel(
            HomePanel(
                name="youth.zone_caseloads",
                roles=frozenset({Role.ZONE_MANAGER}),
                template="youth/lists/_zone_panel.html",
                context=views_lists.zone_panel_context,
                order=5,
            )
        )
