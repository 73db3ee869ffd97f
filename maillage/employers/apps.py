from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "maillage.employers"
    verbose_name = "Relation employeurs"

    def ready(self) -> None:
        from maillage.core.home import HomePanel, register_home_panel

        from .access import WRITER_ROLES
        from .home import home_panel_context

        register_home_panel(
            HomePanel(
                name="employers",
                roles=frozenset(WRITER_ROLES),
                template="employers/home_panel.html",
                context=home_panel_context,
                order=30,
            )
        )
