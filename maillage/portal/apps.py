from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The young person's own space: its own audience, its own templates."""

    name = "maillage.portal"
    verbose_name = "Portail des jeunes"
