import factory

from maillage.accounts.models import EpciMembership, User, ZoneMembership
from maillage.accounts.roles import Role

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.COUNSELLOR
    password = factory.django.Password(PASSWORD)

    class Params:
        demo = factory.Trait(is_demo_account=True)

    @factory.post_generation
    def zones(self, create, extracted, **kwargs):
        for zone in extracted or []:
            ZoneMembership.objects.create(user=self, zone=zone)

    @factory.post_generation
    def epcis(self, create, extracted, **kwargs):
        for epci in extracted or []:
            EpciMembership.objects.create(user=self, epci=epci)


def confirmed_totp_device(user):
    """A confirmed TOTP device, as after a completed setup."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def current_totp(device) -> str:
    """The code the user's application shows right now for this device."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{totp.token():0{device.digits}d}"
