"""The issue's "Done when", through HTTP: the zone-A counsellor opens a young person with a mobility
barrier, sees the suggested mobility services of his commune, refers him to one with consent recorded;
the partner user sees the referral without internal notes nor unshared barriers, accepts it, then marks
it completed; the counsellor sees the status change on the file."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.partners.models import Referral
from maillage.youth.models import Proposal
from tests.partners.conftest import HOUSING_COMMENT, INTERNAL_NOTE, MOBILITY_COMMENT
from tests.youth.helpers import full_file, loaded

pytestmark = pytest.mark.django_db


def _barrier(youth, domain):
    return youth.barriers.get(domain=domain)


def test_counsellor_refers_partner_answers_counsellor_sees_it(
    login,
    client,
    counsellor_a,
    partner,
    mobility_youth,
    mobility_services,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://maillage.example.test"
    youth = mobility_youth
    own, zone_wide = mobility_services["own"], mobility_services["zone"]

    # 1. The file suggests the mobility services serving Montfort-sur-Meu, each with "Orienter".
    login(counsellor_a)
    file_url = reverse("youth:file", args=[youth.pk])
    page = full_file(client, youth.pk)
    assert "Orientations vers les partenaires" in page
    assert "Location de scooters" in page and "Conseil en mobilité" in page
    assert "Voitures à 1 euro" not in page  # serves Liffré only
    assert "Permis accompagné" not in page  # inactive
    create_url = reverse("partners:referral_create", args=[youth.pk])
    assert f"{create_url}?service={own.pk}" in page
    assert AuditEntry.objects.filter(action="youth.diagnosis_read", object_id=str(youth.pk)).exists()

    # 2. The picker lists the suggestions first; the consent page names what will be shared.
    pick = client.get(create_url).content.decode()
    assert pick.index("Location de scooters") < pick.index("Chercher un autre service")
    form_page = client.get(create_url, {"service": own.pk})
    assert form_page.status_code == 200
    assert "Accord du jeune" in form_page.content.decode()

    # 3. Without the consent box, nothing is sent.
    mobility = _barrier(youth, "mobility")
    today = timezone.localdate()
    refused = client.post(
        f"{create_url}?service={own.pk}", {"consent_given_on": today.isoformat(), "barriers": [mobility.pk]}
    )
    assert refused.status_code == 200
    assert "accord du jeune" in refused.content.decode()
    assert not Referral.objects.exists()

    # 4. Referred with consent: the mobility barrier is shared with its comment; housing is not.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{create_url}?service={own.pk}",
            {
                "consent": "on",
                "consent_given_on": (today - datetime.timedelta(days=1)).isoformat(),
                "barriers": [mobility.pk],
                "barrier_comments": [mobility.pk],
                "message": "Kévin cherche un moyen de transport pour une formation à Rennes.",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == file_url + "#orientations"
    referral = Referral.objects.get()
    assert referral.status == "sent"
    assert referral.consent_given_on == today - datetime.timedelta(days=1)
    assert referral.consent_recorded_by == counsellor_a
    assert referral.organisation == own.organisation
    assert referral.shared_barriers == [
        {"domain": "mobility", "severity": "high", "comment": MOBILITY_COMMENT}
    ]
    assert referral.shared_phone == "+33612345678"
    proposal = Proposal.objects.get(youth=youth)
    assert proposal.kind == "partner_service" and proposal.pk == referral.proposal_id
    assert AuditEntry.objects.filter(action="partners.referral_sent", object_id=str(referral.pk)).exists()

    # The partner organisation is told by e-mail: a link, no personal data.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [partner.email]
    assert "une nouvelle orientation" in message.body.lower()
    detail_url = reverse("partners:referral_detail", args=[referral.pk])
    assert f"https://maillage.example.test{detail_url}" in message.body
    for personal in (
        "Kévin",
        "Le Gall",
        "LE GALL",
        "+33612345678",
        "kevin.legall",
        "Montfort-sur-Meu",
        "permis",
    ):
        assert personal not in message.body and personal not in message.subject

    # The file shows the referral, sent.
    page = full_file(client, youth.pk)
    assert "Envoyée" in page and detail_url in page

    # 5. The partner sees it in the inbox and on its page: the snapshot only.
    client.logout()
    login(partner)
    inbox = client.get(reverse("partners:referral_inbox")).content.decode()
    assert "Kévin LE GALL" in inbox and detail_url in inbox
    home = loaded(client, "/")
    assert "Orientations en attente de votre réponse" in home and "Kévin LE GALL" in home
    detail = client.get(detail_url)
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Kévin LE GALL" in html and "+33612345678" in html and "Mobilité" in html
    assert MOBILITY_COMMENT in html
    assert INTERNAL_NOTE not in html
    assert HOUSING_COMMENT not in html and "Logement" not in html
    assert "3 impasse des Lilas" not in html  # the address is not shared
    assert "Santé" not in html  # resolved barrier: never shared
    assert AuditEntry.objects.filter(action="partners.referral_viewed", user=partner).exists()

    # 6. The partner accepts, then marks it completed.
    accept = client.post(reverse("partners:referral_answer", args=[referral.pk, "accepter"]))
    assert accept.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.answered_at is not None and referral.acknowledged_at is not None
    assert referral.response_seconds is not None
    empty = client.post(
        reverse("partners:referral_answer", args=[referral.pk, "realisee"]), {"realisee-outcome": ""}
    )
    assert empty.status_code == 200  # the outcome is required
    referral.refresh_from_db()
    assert referral.status == "accepted"
    done = client.post(
        reverse("partners:referral_answer", args=[referral.pk, "realisee"]),
        {"realisee-outcome": "Scooter prêté pour trois mois."},
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.closed_at is not None
    assert referral.outcome == "Scooter prêté pour trois mois."
    assert list(
        AuditEntry.objects.filter(object_type="partners.referral", object_id=str(referral.pk))
        .filter(action__in=["partners.referral_accepted", "partners.referral_completed"])
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["partners.referral_accepted", "partners.referral_completed"]
    proposal.refresh_from_db()
    assert proposal.status == "completed" and proposal.outcome == "Scooter prêté pour trois mois."

    # 7. The counsellor sees the status change on the file and on the home page.
    client.logout()
    login(counsellor_a)
    page = full_file(client, youth.pk)
    assert "Réalisée" in page
    home = loaded(client, "/")
    assert "Mes orientations vers les partenaires" in home and "Réalisée" in home
    # Suggestions still list the zone-wide service (the counsellor may refer again elsewhere).
    assert zone_wide.name in page


def test_declining_requires_a_reason(login, client, partner, mobility_youth, own_service):
    from tests.partners.factories import ReferralFactory

    referral = ReferralFactory(youth=mobility_youth, service=own_service)
    login(partner)
    url = reverse("partners:referral_answer", args=[referral.pk, "refuser"])
    response = client.post(url, {"refuser-decline_reason": ""})
    assert response.status_code == 200
    assert "Motif du refus" in response.content.decode()
    response = client.post(url, {"refuser-decline_reason": "other", "refuser-decline_detail": ""})
    assert response.status_code == 200
    assert "Précisez le motif du refus." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent"
    response = client.post(url, {"refuser-decline_reason": "no_capacity"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason == "no_capacity"
    assert referral.answered_at is not None


def test_partner_cannot_skip_a_step(login, client, partner, mobility_youth, own_service):
    from tests.partners.factories import ReferralFactory

    referral = ReferralFactory(youth=mobility_youth, service=own_service)
    login(partner)
    response = client.post(
        reverse("partners:referral_answer", args=[referral.pk, "realisee"]), {"realisee-outcome": "Fait."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "sent"
    page = client.get(response["Location"]).content.decode()
    assert "ne peut pas passer à" in page


def test_staff_without_the_diagnosis_do_not_see_shared_barriers(
    login, client, zone_a, mobility_youth, own_service
):
    from maillage.accounts.roles import Role
    from tests.accounts.factories import UserFactory
    from tests.partners.factories import ReferralFactory

    referral = ReferralFactory(
        youth=mobility_youth,
        service=own_service,
        shared_barriers=[{"domain": "mobility", "severity": "high", "comment": MOBILITY_COMMENT}],
    )
    colleague = UserFactory(email="collegue.a@example.test", role=Role.COUNSELLOR, zones=[zone_a])
    login(colleague)
    html = client.get(reverse("partners:referral_detail", args=[referral.pk])).content.decode()
    assert "Kévin LE GALL" in html
    assert MOBILITY_COMMENT not in html and "Freins partagés" not in html


def test_counsellor_without_the_diagnosis_refers_without_barriers(
    login, client, zone_a, mobility_youth, own_service
):
    from maillage.accounts.roles import Role
    from tests.accounts.factories import UserFactory

    colleague = UserFactory(email="collegue.a@example.test", role=Role.COUNSELLOR, zones=[zone_a])
    login(colleague)
    url = reverse("partners:referral_create", args=[mobility_youth.pk])
    page = client.get(url, {"service": own_service.pk}).content.decode()
    assert "réservé à son·sa conseiller·ère" in page
    assert MOBILITY_COMMENT not in page
    response = client.post(
        f"{url}?service={own_service.pk}",
        {
            "consent": "on",
            "consent_given_on": timezone.localdate().isoformat(),
            "barriers": [_barrier(mobility_youth, "mobility").pk],  # not offered: ignored by the form
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().shared_barriers == []


def test_a_second_open_referral_to_the_same_service_is_refused(
    login, client, counsellor_a, mobility_youth, own_service
):
    login(counsellor_a)
    url = reverse("partners:referral_create", args=[mobility_youth.pk]) + f"?service={own_service.pk}"
    data = {"consent": "on", "consent_given_on": timezone.localdate().isoformat()}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert "déjà une orientation en cours" in response.content.decode()
    assert Referral.objects.count() == 1


def test_consent_cannot_be_dated_in_the_future(login, client, counsellor_a, mobility_youth, own_service):
    login(counsellor_a)
    url = reverse("partners:referral_create", args=[mobility_youth.pk]) + f"?service={own_service.pk}"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"consent": "on", "consent_given_on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "dans le futur" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_comment_is_shared_only_with_its_barrier(login, client, counsellor_a, mobility_youth, own_service):
    login(counsellor_a)
    url = reverse("partners:referral_create", args=[mobility_youth.pk]) + f"?service={own_service.pk}"
    mobility, housing = _barrier(mobility_youth, "mobility"), _barrier(mobility_youth, "housing")
    response = client.post(
        url,
        {
            "consent": "on",
            "consent_given_on": timezone.localdate().isoformat(),
            "barriers": [mobility.pk],
            "barrier_comments": [housing.pk],
        },
    )
    assert response.status_code == 200
    assert "cochez aussi le frein" in response.content.decode()
    assert not Referral.objects.exists()
    # Both barriers ticked, no comment: domain and severity only.
    response = client.post(
        url,
        {
            "consent": "on",
            "consent_given_on": timezone.localdate().isoformat(),
            "barriers": [mobility.pk, housing.pk],
        },
    )
    assert response.status_code == 302
    shared = Referral.objects.get().shared_barriers
    assert sorted(row["domain"] for row in shared) == ["housing", "mobility"]
    assert all("comment" not in row for row in shared)


def test_directory_search_from_the_referral_page(
    login, client, counsellor_a, mobility_youth, mobility_services
):
    login(counsellor_a)
    url = reverse("partners:referral_create", args=[mobility_youth.pk])
    page = client.get(url, {"theme": "mobility"}).content.decode()
    assert "Conseil en mobilité" in page and "Location de scooters" in page
    assert "Voitures à 1 euro" not in page
    assert client.get(url, {"service": mobility_services["inactive"].pk}).status_code == 404
