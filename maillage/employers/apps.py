from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "maillage.employers"
    verbose_name = "Relation employeurs"
