"""Public pre-registration: validation in plain words, age rule, anti-spam, the zone's queue, and a
confirmation that never says whether the person is already known."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from maillage.core.models import AuditEntry
from maillage.portal.models import PreRegistration
from tests.territory.factories import CommuneFactory
from tests.youth.factories import YouthFactory, years_ago

from .helpers import preregistration_data, text

pytestmark = pytest.mark.django_db

URL = "/inscription/"


def test_the_form_is_public_and_plain(client, commune_a):
    response = client.get(URL)
    assert response.status_code == 200
    content = text(response)
    assert "Je m'inscris à la Mission locale" in content
    assert 'name="website"' in content  # the honeypot, hidden by CSS
    assert "Vous pouvez aussi remplir ce formulaire pour quelqu'un d'autre" in content
    assert 'style="' not in content  # CSP: no inline style


def test_a_preregistration_lands_in_the_queue_of_the_commune_zone(client, commune_a, zone_a):
    response = client.post(URL, preregistration_data(commune_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:preregister_done")
    item = PreRegistration.objects.get()
    assert item.zone == zone_a
    assert item.commune == commune_a
    assert item.phone == "+33611223344"
    assert item.needs == ["job", "mobility"]
    assert item.consent_text_version and item.consent_given_at is not None
    assert item.status == "new"
    assert AuditEntry.objects.filter(
        action="portal.preregistration_received", object_id=str(item.pk)
    ).exists()


def test_the_commune_may_be_typed_without_postal_code(client, commune_a):
    client.post(URL, preregistration_data(commune_a, commune_label="montfort-sur-meu"))
    assert PreRegistration.objects.get().commune == commune_a


def test_an_unknown_commune_is_refused_clearly(client, commune_a):
    response = client.post(URL, preregistration_data(commune_a, commune_label="Paris"))
    assert response.status_code == 200
    assert "Nous ne trouvons pas « Paris »" in text(response)
    assert not PreRegistration.objects.exists()


@pytest.mark.parametrize(
    ("age", "submitted_by", "expected"),
    [
        (15, "self", "Vous avez 15 ans. La Mission locale accueille les jeunes de 16 à 25 ans."),
        (26, "self", "Vous avez 26 ans. La Mission locale accueille les jeunes jusqu'à 25 ans."),
        (15, "relative", "Cette personne a 15 ans."),
    ],
)
def test_age_rule_with_a_clear_message(client, commune_a, age, submitted_by, expected):
    data = preregistration_data(
        commune_a,
        birth_date=(years_ago(age) - timedelta(days=3)).isoformat(),
        submitted_by=submitted_by,
        submitter_name="Sophie Ricard",
        submitter_contact="06 99 88 77 66",
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    content = text(response)
    assert expected in content
    assert 'aria-invalid="true"' in content
    assert 'id="id_birth_date_error"' in content  # the error is linked to its field
    assert not PreRegistration.objects.exists()


def test_someone_filling_in_for_a_young_person_says_who_they_are(client, commune_a):
    response = client.post(URL, preregistration_data(commune_a, submitted_by="relative"))
    assert response.status_code == 200
    assert "Dites-nous qui vous êtes" in text(response)
    client.post(
        URL,
        preregistration_data(
            commune_a,
            submitted_by="relative",
            submitter_name="Sophie Ricard",
            submitter_contact="06 99 88 77 66",
        ),
    )
    item = PreRegistration.objects.get()
    assert item.on_behalf and item.submitter_name == "Sophie Ricard"


def test_a_phone_or_an_email_is_needed(client, commune_a):
    response = client.post(URL, preregistration_data(commune_a, phone="", email=""))
    assert "Donnez un numéro de téléphone ou une adresse e-mail." in text(response)
    response = client.post(URL, preregistration_data(commune_a, phone="12"))
    assert "Ce numéro ne marche pas" in text(response)
    assert not PreRegistration.objects.exists()


def test_consent_is_required(client, commune_a):
    response = client.post(URL, preregistration_data(commune_a, consent=None))
    assert response.status_code == 200
    assert not PreRegistration.objects.exists()


def test_a_commune_with_quartiers_asks_for_the_quartier(client, zone_a, zone_b, epci_a):
    from tests.territory.factories import QuartierFactory

    rennes = CommuneFactory(insee_code="35238", name="Rennes", postal_codes="35000", zone=zone_a, epci=epci_a)
    blosne = QuartierFactory(commune=rennes, number=2, name="Le Blosne", zone=zone_b)
    response = client.post(URL, preregistration_data(rennes))
    assert "Choisissez le quartier" in text(response)
    client.post(URL, preregistration_data(rennes, quartier=str(blosne.pk)))
    assert PreRegistration.objects.get().zone == zone_b


def test_the_honeypot_pretends_and_keeps_nothing(client, commune_a):
    response = client.post(URL, preregistration_data(commune_a, website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:preregister_done")
    assert not PreRegistration.objects.exists()


def test_rate_limit_per_ip(client, commune_a, settings):
    settings.PORTAL_PREREGISTRATIONS_PER_IP = 2
    for n in range(2):
        assert client.post(URL, preregistration_data(commune_a, first_names=f"Léa{n}")).status_code == 302
    response = client.post(URL, preregistration_data(commune_a, first_names="Léa3"))
    assert response.status_code == 429
    assert "Trop de demandes" in text(response)
    assert PreRegistration.objects.count() == 2
    other = client.post(URL, preregistration_data(commune_a), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_the_confirmation_never_reveals_an_existing_file(client, commune_a):
    new = client.post(URL, preregistration_data(commune_a), follow=True)
    birth = years_ago(19) - timedelta(days=20)
    YouthFactory(
        commune=commune_a, last_name="Ricard", first_names="Léa", birth_date=birth, phone="+33611223344"
    )
    known = client.post(URL, preregistration_data(commune_a), follow=True)
    assert new.redirect_chain == known.redirect_chain
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", text(new)) == token.sub("", text(known))
    assert PreRegistration.objects.count() == 2


def test_commune_suggestions(client, commune_a):
    response = client.get("/inscription/communes/", {"q": "montf"})
    assert response.status_code == 200
    assert response.json() == {"communes": [{"label": "Montfort-sur-Meu (35160)"}]}
    assert client.get("/inscription/communes/", {"q": "m"}).json() == {"communes": []}
