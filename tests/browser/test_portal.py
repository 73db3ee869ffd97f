"""The youth portal's "Done when", in Chromium on a phone-sized window: a visitor pre-registers a young woman
living in Iffendic; the Brocéliande counsellor finds her in the intake queue, opens her file pre-filled and
sends an invitation; she signs in at /portail/ with the code printed by the console SMS backend, picks a
slot, sends a message, downloads her data and sees the counsellor's visit in "who looked at my file"."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from maillage.accounts.roles import Role
from maillage.portal import services
from maillage.portal.models import PreRegistration, Slot
from maillage.youth.models import Event, Youth
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import browser_login
from tests.territory.factories import CommuneFactory, SiteFactory
from tests.youth.factories import years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _printed_code(capsys) -> str:
    out = capsys.readouterr().out
    codes = re.findall(r"\[SMS\] à \+33611223344 : .*? (\d{6})\.", out)
    assert codes, out
    return codes[-1]


def test_preregistration_to_booked_appointment_on_a_phone(
    phone_page, page, live, zone_a, epci_a, capsys, settings
):
    settings.PORTAL_SMS_BACKEND = "maillage.portal.sms.ConsoleSMSBackend"
    settings.SITE_URL = live.url
    iffendic = CommuneFactory(
        insee_code="35135", name="Iffendic", postal_codes="35750", zone=zone_a, epci=epci_a
    )
    site = SiteFactory(name="Antenne de Montfort", commune=iffendic, address="2 rue de la Gare")
    counsellor = UserFactory(
        email="conseiller@demo.maillage.test",
        first_name="Camille",
        last_name="Le Goff",
        role=Role.COUNSELLOR,
        zones=[zone_a],
    )
    services.publish_slots(
        by=counsellor,
        zone=zone_a,
        day=timezone.localdate() + timedelta(days=3),
        start=time(9, 0),
        end=time(11, 0),
        duration_minutes=30,
        channel="in_person",
        site=site,
    )
    birth = years_ago(19) - timedelta(days=40)

    # 1. A relative pre-registers her, on a phone.
    phone = phone_page
    phone.goto(f"{live.url}/inscription/")
    assert not phone.locator("#pour-quelquun").is_visible()
    phone.get_by_label("Un proche (parent, ami, famille)").check()
    assert phone.locator("#pour-quelquun").is_visible()
    phone.get_by_label("Votre nom", exact=True).fill("Sophie Ricard")
    phone.get_by_label("Votre téléphone ou votre e-mail").fill("06 99 88 77 66")
    phone.get_by_label("Prénom du ou de la jeune").fill("Léa")
    phone.get_by_label("Nom du ou de la jeune", exact=True).fill("Ricard")
    phone.get_by_label("Date de naissance").fill(birth.isoformat())
    phone.get_by_label("Commune où il ou elle habite").press_sequentially("Iffen", delay=40)
    phone.locator("#commune-list option").first.wait_for(state="attached")
    assert phone.locator("#commune-list option").first.get_attribute("value") == "Iffendic (35750)"
    phone.get_by_label("Commune où il ou elle habite").fill("Iffendic (35750)")
    phone.get_by_label("Téléphone portable").fill("06 11 22 33 44")
    phone.get_by_label("Je cherche un emploi ou je ne fais rien en ce moment").check()
    phone.get_by_label("Trouver un emploi").check()
    phone.get_by_label("Me déplacer (permis, transport)").check()
    phone.get_by_label("Le matin").check()
    phone.get_by_label(
        re.compile("Je suis d'accord pour que la Mission locale garde ces informations")
    ).check()
    phone.get_by_role("button", name="Envoyer mon inscription").click()
    phone.get_by_role("heading", name="Merci, c'est envoyé !").wait_for()
    assert PreRegistration.objects.get().zone == zone_a
    assert phone.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )  # no sideways scrolling

    # 2. The counsellor finds her in the queue, opens her file pre-filled and sends an invitation.
    browser_login(page, live, counsellor.email, PASSWORD)
    page.goto(f"{live.url}/accueil/file-attente/")
    page.get_by_role("link", name="Léa RICARD").click()
    page.get_by_role("link", name="Créer le dossier (formulaire déjà rempli)").click()
    assert page.locator("#id_last_name").input_value() == "Ricard"
    assert page.locator("#id_first_names").input_value() == "Léa"
    assert page.locator("#id_birth_date").input_value() == birth.isoformat()
    assert page.locator("#id_phone").input_value() == "06 11 22 33 44"
    assert page.locator("#id_commune-label").input_value() == "Iffendic (35750)"
    page.locator("#id_sex").select_option("F")
    page.get_by_role("button", name="Vérifier les doublons et créer le dossier").click()
    page.get_by_role("heading", name=re.compile("Inviter Léa RICARD")).wait_for()
    youth = Youth.objects.get()
    assert (youth.commune, youth.zone, youth.counsellor) == (iffendic, zone_a, counsellor)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.get_by_role("heading", name=re.compile("Espace en ligne de Léa RICARD")).wait_for()
    page.get_by_role("link", name="← Le dossier").click()  # the counsellor opens her file
    page.get_by_role("heading", name="Léa RICARD", exact=True).wait_for()
    capsys.readouterr()  # the invitation text, printed too

    # 3. She signs in at /portail/ with the printed code, and picks a slot.
    phone.goto(f"{live.url}/portail/")
    phone.get_by_label("Votre e-mail ou votre numéro de portable").fill("06 11 22 33 44")
    phone.get_by_role("button", name="Recevoir mon code").click()
    phone.get_by_role("heading", name="Tapez votre code").wait_for()
    phone.get_by_label("Code à 6 chiffres").fill(_printed_code(capsys))
    phone.get_by_role("button", name="Entrer").click()
    phone.get_by_role("heading", name="Bonjour Léa").wait_for()
    phone.get_by_role("link", name="Choisir le jour et l'heure").click()
    phone.locator("a.slot").first.click()
    phone.get_by_role("button", name="Oui, je choisis ce moment").click()
    phone.get_by_text("C'est noté ! Votre rendez-vous est confirmé.").wait_for()
    booked = Slot.objects.get(youth=youth)
    assert Event.objects.get(youth=youth, status="planned").starts_at == booked.starts_at

    # 4. She writes to her counsellor.
    phone.get_by_role("link", name="Messages", exact=True).click()
    phone.get_by_label("Sujet", exact=True).fill("Mon permis")
    phone.get_by_label("Votre message").fill("Bonjour, je voudrais parler du permis de conduire.")
    phone.get_by_role("button", name="Envoyer").click()
    phone.get_by_text("Votre message est envoyé.").wait_for()

    # 5. She downloads her data and sees who looked at her file.
    phone.get_by_role("link", name="Mes données", exact=True).click()
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Télécharger (PDF, à lire)").click()
    download = download_info.value
    assert download.suggested_filename == "mes-donnees.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    table = phone.locator("table.access")
    assert table.get_by_text("Camille Le Goff").first.is_visible()
    assert table.get_by_text("a créé votre dossier").is_visible()
    assert table.get_by_text(
        "a regardé la partie « difficultés » de votre dossier", exact=False
    ).first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
