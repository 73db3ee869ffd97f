from django.apps import AppConfig


class YouthConfig(AppConfig):
    name = "maillage.youth"
    verbose_name = "Accompagnement des jeunes"
