from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: sits at the top of the dependency graph and only calls other apps' services."""

    name = "maillage.demo"
    verbose_name = "Démonstration"
