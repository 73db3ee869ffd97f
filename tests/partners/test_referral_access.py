"""Who reaches which referral: a partner user only the referrals addressed to their organisation (and no
young person, no staff page); staff only the referrals of the young people they see; a counsellor of
zone B cannot refer a young person of zone A. Outsiders get a 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.partners.models import Referral
from tests.partners.factories import ReferralFactory
from tests.youth.factories import YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_referral(mobility_youth, own_service):
    return ReferralFactory(youth=mobility_youth, service=own_service)


@pytest.fixture
def other_referral(commune_b, counsellor_b, other_service):
    """A referral of a zone-B young person to another organisation."""
    youth = YouthFactory(commune=commune_b, counsellor=counsellor_b, last_name="Durand", first_names="Léa")
    return ReferralFactory(youth=youth, service=other_service)


@pytest.fixture
def same_youth_other_organisation(mobility_youth, other_service):
    """The partner's own young person, referred to another organisation too: still not theirs to see."""
    return ReferralFactory(youth=mobility_youth, service=other_service)


def test_partner_sees_only_their_organisations_referrals(
    login, client, partner, own_referral, other_referral, same_youth_other_organisation
):
    client = login(partner)
    assert client.get(reverse("partners:referral_detail", args=[own_referral.pk])).status_code == 200
    for referral in (other_referral, same_youth_other_organisation):
        assert client.get(reverse("partners:referral_detail", args=[referral.pk])).status_code == 404
        for action in ("accuser-reception", "accepter", "refuser", "realisee", "non-venu"):
            url = reverse("partners:referral_answer", args=[referral.pk, action])
            assert client.post(url, {"refuser-decline_reason": "no_capacity"}).status_code == 404
        referral.refresh_from_db()
        assert referral.status == "sent"
    inbox = client.get(reverse("partners:referral_inbox"), {"status": "all"}).content.decode()
    assert reverse("partners:referral_detail", args=[own_referral.pk]) in inbox
    assert "Léa DURAND" not in inbox
    assert reverse("partners:referral_detail", args=[same_youth_other_organisation.pk]) not in inbox
    # An unknown id is a 404 too, like any other referral.
    assert client.get(reverse("partners:referral_detail", args=[999999])).status_code == 404


def test_partner_reaches_no_young_person_and_no_staff_page(
    login, client, partner, mobility_youth, own_referral, own_organisation
):
    client = login(partner)
    youth_urls = [
        reverse("youth:file", args=[mobility_youth.pk]),
        reverse("youth:identity", args=[mobility_youth.pk]),
        reverse("youth:note_add", args=[mobility_youth.pk]),
        reverse("youth:proposal_add", args=[mobility_youth.pk]),
        reverse("youth:intake"),
        reverse("youth:agenda"),
    ]
    staff_urls = [
        reverse("partners:referral_list"),
        reverse("partners:referral_create", args=[mobility_youth.pk]),
        reverse("partners:directory"),
        reverse("partners:organisation_list"),
        reverse("partners:project_list"),
        reverse("partners:meeting_list"),
    ]
    for url in youth_urls + staff_urls:
        assert client.get(url).status_code == 404, url
    # Their own listing stays theirs to edit.
    assert client.get(reverse("partners:organisation_edit", args=[own_organisation.pk])).status_code == 200


def test_staff_see_the_referrals_of_the_young_people_they_see(
    login, client, counsellor_a, counsellor_b, director, analyst, own_referral, other_referral
):
    own_url = reverse("partners:referral_detail", args=[own_referral.pk])
    other_url = reverse("partners:referral_detail", args=[other_referral.pk])
    assert login(counsellor_a).get(own_url).status_code == 200
    assert client.get(other_url).status_code == 404
    assert login(counsellor_b).get(own_url).status_code == 404
    assert client.get(other_url).status_code == 200
    for persona in (director, analyst):
        c = login(persona)
        assert c.get(own_url).status_code == 200 and c.get(other_url).status_code == 200
    listing = login(counsellor_a).get(reverse("partners:referral_list")).content.decode()
    assert own_url in listing and other_url not in listing


def test_staff_cannot_answer_for_the_partner(login, client, counsellor_a, director, own_referral):
    for persona in (counsellor_a, director):
        url = reverse("partners:referral_answer", args=[own_referral.pk, "accepter"])
        assert login(persona).post(url).status_code == 404
    own_referral.refresh_from_db()
    assert own_referral.status == "sent"


def test_counsellor_of_zone_b_cannot_refer_a_young_person_of_zone_a(
    login, client, counsellor_b, mobility_youth, own_service
):
    client = login(counsellor_b)
    url = reverse("partners:referral_create", args=[mobility_youth.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"service": own_service.pk}).status_code == 404
    response = client.post(
        f"{url}?service={own_service.pk}",
        {"consent": "on", "consent_given_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["elected_official", "youth_user", "employer_officer"])
def test_other_roles_get_404_everywhere(request, login, persona, mobility_youth, own_referral):
    client = login(request.getfixturevalue(persona))
    urls = [
        reverse("partners:referral_list"),
        reverse("partners:referral_inbox"),
        reverse("partners:referral_detail", args=[own_referral.pk]),
        reverse("partners:referral_create", args=[mobility_youth.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("partners:referral_answer", args=[own_referral.pk, "accepter"])).status_code
        == 404
    )


def test_staff_do_not_reach_the_partner_inbox(login, counsellor_a, director):
    for persona in (counsellor_a, director):
        assert login(persona).get(reverse("partners:referral_inbox")).status_code == 404


def test_analyst_reads_but_does_not_refer(login, analyst, mobility_youth):
    client = login(analyst)
    assert client.get(reverse("partners:referral_list")).status_code == 200
    assert client.get(reverse("partners:referral_create", args=[mobility_youth.pk])).status_code == 404


def test_anonymous_visitors_go_to_the_login_page(client, mobility_youth, own_referral):
    urls = [
        reverse("partners:referral_list"),
        reverse("partners:referral_inbox"),
        reverse("partners:referral_detail", args=[own_referral.pk]),
        reverse("partners:referral_create", args=[mobility_youth.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/?next="), url
