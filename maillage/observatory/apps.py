from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    """Reads the other apps, never writes them."""

    name = "maillage.observatory"
    verbose_name = "Observatoire territorial"
