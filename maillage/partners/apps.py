from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "maillage.partners"
    verbose_name = "Partenaires"
