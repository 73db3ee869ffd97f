import factory

from maillage.territory.enums import SiteKind
from maillage.territory.models import EPCI, Commune, Quartier, Site, Zone


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Zone {n}")
    code = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class EPCIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EPCI
        django_get_or_create = ("siren",)

    siren = factory.Sequence(lambda n: f"{200000000 + n}")
    name = factory.Sequence(lambda n: f"Communauté {n}")
    kind = "CC"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = factory.Sequence(lambda n: f"{35500 + n}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    postal_codes = "35000"
    population = 1000
    population_vintage = 2023
    epci = factory.SubFactory(EPCIFactory)
    zone = factory.SubFactory(ZoneFactory)
    latitude = 48.1
    longitude = -1.7


class QuartierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quartier

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    commune = factory.SubFactory(CommuneFactory)
    zone = factory.SelfAttribute("commune.zone")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Lieu {n}")
    kind = SiteKind.OTHER
    address = "1 rue de la Gare"
    commune = factory.SubFactory(CommuneFactory)
    zone = factory.SelfAttribute("commune.zone")
