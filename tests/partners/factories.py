import datetime

import factory
from django.utils import timezone

from maillage.partners.enums import (
    DecisionStatus,
    FunderKind,
    MeetingKind,
    OrganisationKind,
    ProjectStatus,
    ReferralStatus,
    ServiceKind,
)
from maillage.partners.models import (
    Contact,
    Decision,
    FundingLine,
    Meeting,
    Organisation,
    PartnerMembership,
    Project,
    Referral,
    Service,
    ServiceTheme,
)
from tests.territory.factories import ZoneFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.ASSOCIATION
    email = factory.Sequence(lambda n: f"structure{n}@partenaire.example.test")
    last_checked_on = factory.LazyFunction(timezone.localdate)

    class Params:
        stale = factory.Trait(
            last_checked_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
        )

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if extracted:
            self.communes.set(extracted)

    @factory.post_generation
    def epcis(self, create, extracted, **kwargs):
        if extracted:
            self.epcis.set(extracted)

    @factory.post_generation
    def zones(self, create, extracted, **kwargs):
        if extracted:
            self.zones.set(extracted)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    kind = ServiceKind.SUPPORT
    description = "Un accompagnement individuel pour lever les freins à l'emploi des jeunes du territoire."
    how_to_refer = "Appeler l'accueil."
    last_checked_on = factory.LazyFunction(timezone.localdate)
    uses_organisation_territory = False

    class Params:
        stale = factory.Trait(
            last_checked_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
        )

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        for theme in extracted or ["employment"]:
            ServiceTheme.objects.create(service=self, theme=theme)

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if extracted:
            self.communes.set(extracted)

    @factory.post_generation
    def epcis(self, create, extracted, **kwargs):
        if extracted:
            self.epcis.set(extracted)

    @factory.post_generation
    def zones(self, create, extracted, **kwargs):
        if extracted:
            self.zones.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@partenaire.example.test")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMembership


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Projet {n}")
    funder_kind = FunderKind.REGION
    funder_name = "Région Bretagne"
    status = ProjectStatus.IDEA
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    title = factory.Sequence(lambda n: f"Action {n}")
    funder_kind = FunderKind.STATE
    funder_name = "État (DREETS)"
    programme_code = "cej"
    starts_on = factory.LazyFunction(lambda: datetime.date(timezone.localdate().year, 1, 1))
    ends_on = factory.LazyFunction(lambda: datetime.date(timezone.localdate().year, 12, 31))
    target_participants = 100


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.ZONE_COMMITTEE
    zone = factory.SubFactory(ZoneFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    agenda = "1. Bilan d'activité\n2. Projets"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Décision {n}")
    owner_name = "Mairie"
    status = DecisionStatus.OPEN
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral as services.refer_youth writes it (snapshot copied from the young person).

    ReferralFactory(youth=youth, service=service, days_ago=12)      # sent twelve days ago, waiting
    ReferralFactory(..., answered_after_hours=30)                    # accepted 30 h after sending
    """

    class Meta:
        model = Referral

    class Params:
        days_ago = 0
        answered_after_hours = None

    youth = factory.SubFactory("tests.youth.factories.YouthFactory")
    service = factory.SubFactory(ServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")
    status = factory.LazyAttribute(
        lambda o: ReferralStatus.SENT if o.answered_after_hours is None else ReferralStatus.ACCEPTED
    )
    sent_at = factory.LazyAttribute(lambda o: timezone.now() - datetime.timedelta(days=o.days_ago))
    status_changed_at = factory.LazyAttribute(lambda o: o.answered_at or o.sent_at)
    acknowledged_at = factory.LazyAttribute(lambda o: o.answered_at)
    answered_at = factory.LazyAttribute(
        lambda o: (
            None
            if o.answered_after_hours is None
            else o.sent_at + datetime.timedelta(hours=o.answered_after_hours)
        )
    )
    response_seconds = factory.LazyAttribute(
        lambda o: None if o.answered_after_hours is None else int(o.answered_after_hours * 3600)
    )
    consent_given_on = factory.LazyFunction(timezone.localdate)
    shared_last_name = factory.SelfAttribute("youth.last_name")
    shared_first_names = factory.SelfAttribute("youth.first_names")
    shared_birth_date = factory.SelfAttribute("youth.birth_date")
    shared_commune = factory.LazyAttribute(lambda o: o.youth.commune.name)
