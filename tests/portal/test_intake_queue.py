"""The zone's intake queue: who sees what, the file opened pre-filled and created by youth's service,
merging into an existing file, classing, forwarding. Nothing is typed twice; everything is audited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from maillage.core.models import AuditEntry
from maillage.portal.models import PreRegistration
from maillage.youth.models import Note, Youth
from tests.youth.factories import YouthFactory
from tests.youth.helpers import intake_data

from .factories import PreRegistrationFactory
from .helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def prereg_a(commune_a):
    return PreRegistrationFactory(commune=commune_a, needs_detail="Je cherche dans la logistique.")


@pytest.fixture
def prereg_b(commune_b):
    return PreRegistrationFactory(commune=commune_b, last_name="Durand", first_names="Jade")


def test_counsellors_see_the_queue_of_their_zone_only(login, counsellor_a, prereg_a, prereg_b):
    response = login(counsellor_a).get("/accueil/file-attente/")
    assert response.status_code == 200
    content = text(response)
    assert "Léa RICARD" in content
    assert "Jade DURAND" not in content
    assert login(counsellor_a).get(reverse("portal:preregistration", args=[prereg_b.pk])).status_code == 404


def test_zone_manager_and_director(login, zone_manager_a, director, prereg_a, prereg_b):
    assert "Jade DURAND" not in text(login(zone_manager_a).get("/accueil/file-attente/"))
    content = text(login(director).get("/accueil/file-attente/"))
    assert "Léa RICARD" in content and "Jade DURAND" in content


@pytest.mark.parametrize(
    "persona", ["youth_user", "partner_user", "employer_officer", "elected_official", "analyst"]
)
def test_other_roles_get_404(request, login, persona, prereg_a):
    client = login(request.getfixturevalue(persona))
    assert client.get("/accueil/file-attente/").status_code == 404
    assert client.get(reverse("portal:preregistration", args=[prereg_a.pk])).status_code == 404
    assert client.get(reverse("portal:preregistration_create", args=[prereg_a.pk])).status_code == 404


def test_the_file_opens_prefilled(login, counsellor_a, prereg_a):
    response = login(counsellor_a).get(reverse("portal:preregistration_create", args=[prereg_a.pk]))
    assert response.status_code == 200
    content = text(response)
    assert 'value="Ricard"' in content
    assert 'value="Léa"' in content
    assert 'value="06 11 22 33 44"' in content
    assert 'value="lea.ricard@example.test"' in content
    assert 'value="Montfort-sur-Meu (35160)"' in content
    assert f'value="{prereg_a.birth_date.isoformat()}"' in content
    assert '<option value="unemployed" selected>' in content
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', content)


def _post_form(prereg, commune, **overrides):
    data = intake_data(
        commune,
        last_name=prereg.last_name,
        first_names=prereg.first_names,
        birth_date=prereg.birth_date.isoformat(),
        phone="06 11 22 33 44",
        email=prereg.email,
        sex="F",
        **overrides,
    )
    return data


def test_creating_the_file_links_the_preregistration(login, counsellor_a, prereg_a, commune_a, zone_a):
    client = login(counsellor_a)
    response = client.post(
        reverse("portal:preregistration_create", args=[prereg_a.pk]), _post_form(prereg_a, commune_a)
    )
    youth = Youth.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:staff_invite", args=[youth.pk])
    assert youth.zone == zone_a and youth.counsellor == counsellor_a
    assert youth.phone == "+33611223344"
    assert youth.consents.get().given_on == prereg_a.created.date()
    prereg_a.refresh_from_db()
    assert prereg_a.status == "created" and prereg_a.youth == youth and prereg_a.processed_by == counsellor_a
    note = Note.objects.get(youth=youth)
    assert note.is_internal and "logistique" in note.text and "Trouver un emploi" in note.text
    assert AuditEntry.objects.filter(action="youth.created", object_id=str(youth.pk)).exists()
    assert AuditEntry.objects.filter(
        action="portal.preregistration_created", object_id=str(prereg_a.pk)
    ).exists()
    # Processed: it left the queue.
    assert "Léa RICARD" not in text(client.get("/accueil/file-attente/")).split("Traitées récemment")[0]


def test_duplicates_are_shown_before_creating_and_merge_fills_the_missing_contact(
    login, counsellor_a, prereg_a, commune_a
):
    existing = YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="RICARD",
        first_names="Léa",
        birth_date=prereg_a.birth_date,
        phone="",
        email="",
    )
    client = login(counsellor_a)
    response = client.post(
        reverse("portal:preregistration_create", args=[prereg_a.pk]), _post_form(prereg_a, commune_a)
    )
    assert response.status_code == 200
    assert "Ce jeune a peut-être déjà un dossier" in text(response)
    assert Youth.objects.count() == 1
    detail = client.get(reverse("portal:preregistration", args=[prereg_a.pk]))
    assert "Rattacher à ce dossier" in text(detail)
    response = client.post(
        reverse("portal:preregistration_merge", args=[prereg_a.pk]), {"youth": existing.pk}
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.phone == "+33611223344" and existing.email == "lea.ricard@example.test"
    assert existing.last_name == "RICARD"  # the identity of the file is never overwritten
    prereg_a.refresh_from_db()
    assert prereg_a.status == "merged" and prereg_a.youth == existing
    assert Note.objects.filter(youth=existing, is_internal=True).exists()


def test_merging_needs_a_file_the_user_may_edit(login, counsellor_a, prereg_a, youth_b):
    response = login(counsellor_a).post(
        reverse("portal:preregistration_merge", args=[prereg_a.pk]), {"youth": youth_b.pk}
    )
    assert response.status_code == 404
    assert PreRegistration.objects.get().status == "new"


def test_forward_to_the_zone_that_follows_the_person(login, counsellor_a, prereg_a, zone_b, commune_b):
    YouthFactory(commune=commune_b, last_name="Ricard", first_names="Léa", birth_date=prereg_a.birth_date)
    client = login(counsellor_a)
    detail = client.get(reverse("portal:preregistration", args=[prereg_a.pk]))
    assert "Transmettre à « Antenne B »" in text(detail)
    response = client.post(reverse("portal:preregistration_forward", args=[prereg_a.pk]), {"zone": zone_b.pk})
    assert response.status_code == 302
    prereg_a.refresh_from_db()
    assert prereg_a.zone == zone_b


def test_forwarding_elsewhere_is_refused(login, counsellor_a, prereg_a, zone_b):
    response = login(counsellor_a).post(
        reverse("portal:preregistration_forward", args=[prereg_a.pk]), {"zone": zone_b.pk}
    )
    assert response.status_code == 404


def test_discard_needs_a_reason(login, counsellor_a, prereg_a):
    client = login(counsellor_a)
    client.post(reverse("portal:preregistration_discard", args=[prereg_a.pk]), {"reason": ""})
    assert PreRegistration.objects.get().status == "new"
    client.post(
        reverse("portal:preregistration_discard", args=[prereg_a.pk]), {"reason": "Demande en double"}
    )
    prereg_a.refresh_from_db()
    assert prereg_a.status == "discarded" and prereg_a.discard_reason == "Demande en double"
    response = client.get(reverse("portal:preregistration_create", args=[prereg_a.pk]))
    assert response.status_code == 302  # already processed


def test_queue_queries_are_bounded(login, counsellor_a, commune_a, django_assert_max_num_queries):
    PreRegistrationFactory.create_batch(20, commune=commune_a)
    client = login(counsellor_a)
    with django_assert_max_num_queries(12):
        assert client.get("/accueil/file-attente/").status_code == 200
