"""Intake: age rule, address → zone, duplicates before creation, consent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maillage.core.models import AuditEntry
from maillage.youth import services
from maillage.youth.enums import ConsentScope, SituationKind
from maillage.youth.models import Consent, Situation, Youth

from .conftest import assert_no_invalid_vars
from .factories import YouthFactory, years_ago
from .helpers import intake_data, today

AGE_CASES = [
    pytest.param(years_ago(16) + timedelta(days=1), False, id="15 (16 tomorrow)"),
    pytest.param(years_ago(16), True, id="16 today"),
    pytest.param(years_ago(26) + timedelta(days=1), True, id="25 (26 tomorrow)"),
    pytest.param(years_ago(26), False, id="26 today"),
]


@pytest.mark.parametrize(("birth_date", "accepted"), AGE_CASES)
def test_age_16_to_25_inclusive_on_the_intake_date(login, counsellor_a, commune_a, birth_date, accepted):
    response = login(counsellor_a).post(
        "/jeunes/nouveau/", intake_data(commune_a, birth_date=birth_date.isoformat())
    )
    if accepted:
        assert response.status_code == 302
        assert Youth.objects.count() == 1
    else:
        assert response.status_code == 200
        page = response.content.decode()
        assert "Le dossier n&#x27;a pas été créé" in page or "Le dossier n'a pas été créé" in page
        assert "ans le" in page
        assert 'aria-invalid="true"' in page
        assert Youth.objects.count() == 0
        assert Consent.objects.count() == 0


def test_age_rule_is_enforced_by_the_service_too(counsellor_a, commune_a):
    with pytest.raises(services.ValidationError) as error:
        services.create_youth(
            by=counsellor_a,
            last_name="Jeune",
            first_names="Trop",
            birth_date=years_ago(26),
            commune=commune_a,
            consent_given_on=today(),
        )
    assert "jusqu'à 25 ans inclus" in error.value.message_dict["birth_date"][0]
    assert not Youth.objects.exists()


def test_intake_records_consent_situation_and_audit(login, counsellor_a, commune_a):
    login(counsellor_a).post(
        "/jeunes/nouveau/", intake_data(commune_a, situation_kind="job", contract_type="cdd")
    )
    youth = Youth.objects.get()
    consent = Consent.objects.get(youth=youth)
    assert consent.scope == ConsentScope.PROCESSING and consent.given_on == today() and consent.text_version
    situation = Situation.objects.get(youth=youth)
    assert (situation.kind, situation.contract_type, situation.started_on) == (
        SituationKind.JOB,
        "cdd",
        today(),
    )
    assert youth.last_contact_on == today() == youth.intake_on
    assert youth.search_key == "le gall kevin"
    entry = AuditEntry.objects.get(action="youth.created")
    assert entry.object_type == "youth.youth" and entry.user == counsellor_a
    assert "Le Gall" not in str(entry.extra)


def test_consent_is_required(login, counsellor_a, commune_a):
    response = login(counsellor_a).post("/jeunes/nouveau/", intake_data(commune_a, consent=None))
    assert response.status_code == 200
    assert not Youth.objects.exists()


def test_job_needs_a_contract_type(login, counsellor_a, commune_a):
    response = login(counsellor_a).post("/jeunes/nouveau/", intake_data(commune_a, situation_kind="job"))
    assert "Précisez le type de contrat" in response.content.decode()
    assert not Youth.objects.exists()


def test_bad_phone_is_reported_on_the_field(login, counsellor_a, commune_a):
    response = login(counsellor_a).post("/jeunes/nouveau/", intake_data(commune_a, phone="06 12"))
    page = response.content.decode()
    assert "Numéro de téléphone invalide" in page
    assert 'id="id_phone_error"' in page
    assert not Youth.objects.exists()


def test_without_javascript_the_typed_commune_name_is_enough(login, counsellor_a, commune_a, zone_a):
    response = login(counsellor_a).post(
        "/jeunes/nouveau/", intake_data(commune_a, commune_label="montfort sur meu", commune="")
    )
    assert response.status_code == 302
    assert Youth.objects.get().zone == zone_a


def test_a_stale_commune_id_does_not_win_over_the_typed_name(
    login, counsellor_a, commune_a, commune_b, zone_b
):
    data = intake_data(commune_a, commune_label="Liffré", commune=str(commune_a.pk))
    response = login(counsellor_a).post("/jeunes/nouveau/", data)
    assert response.status_code == 302
    assert Youth.objects.get().commune == commune_b


def test_unknown_or_ambiguous_commune(login, counsellor_a, commune_a, commune_b, zone_a, epci_a):
    from tests.territory.factories import CommuneFactory

    CommuneFactory(insee_code="35001", name="Montfort-le-Petit", zone=zone_a, epci=epci_a)
    browser = login(counsellor_a)
    page = browser.post("/jeunes/nouveau/", intake_data(commune_a, commune_label="Paris", commune="")).content
    assert "Aucune commune du territoire ne correspond" in page.decode()
    page = browser.post(
        "/jeunes/nouveau/", intake_data(commune_a, commune_label="Montfort", commune="")
    ).content
    assert "Plusieurs communes correspondent" in page.decode()
    assert not Youth.objects.exists()


def test_quartier_decides_the_zone_in_rennes(login, counsellor_a, rennes, quartier_a, quartier_b, zone_b):
    browser = login(counsellor_a)
    response = browser.post("/jeunes/nouveau/", intake_data(rennes))
    assert "Précisez le quartier de Rennes" in response.content.decode()
    assert not Youth.objects.exists()
    response = browser.post("/jeunes/nouveau/", intake_data(rennes, quartier=str(quartier_b.pk)))
    youth = Youth.objects.get()
    assert youth.zone == zone_b
    # The counsellor of zone A created it for zone B: they are told where it went, and are not its counsellor.
    assert response.status_code == 302 and response["Location"] == "/jeunes/nouveau/"
    assert youth.counsellor is None


def test_quartier_of_another_commune_is_refused(login, counsellor_a, commune_a, quartier_b):
    response = login(counsellor_a).post(
        "/jeunes/nouveau/", intake_data(commune_a, quartier=str(quartier_b.pk))
    )
    assert (
        "Ce quartier n&#x27;est pas à" in response.content.decode()
        or "pas à Montfort" in response.content.decode()
    )
    assert not Youth.objects.exists()


def test_zone_manager_may_choose_another_zone_with_a_reason(login, zone_manager_a, commune_b, zone_a):
    browser = login(zone_manager_a)
    response = browser.post("/jeunes/nouveau/", intake_data(commune_b, zone=str(zone_a.pk)))
    assert "Indiquez le motif" in response.content.decode()
    assert not Youth.objects.exists()
    response = browser.post(
        "/jeunes/nouveau/",
        intake_data(commune_b, zone=str(zone_a.pk), zone_override_reason="Étudie à Montfort"),
    )
    youth = Youth.objects.get()
    assert youth.zone == zone_a and youth.zone_override_reason == "Étudie à Montfort"
    assert AuditEntry.objects.get(action="youth.created").extra["zone_overridden"] is True


def test_counsellors_do_not_get_the_zone_choice(login, counsellor_a, commune_b, zone_a):
    browser = login(counsellor_a)
    assert 'name="zone"' not in browser.get("/jeunes/nouveau/").content.decode()
    browser.post("/jeunes/nouveau/", intake_data(commune_b, zone=str(zone_a.pk), zone_override_reason="x"))
    assert Youth.objects.get().zone == commune_b.zone


# --------------------------------------------------------------------------------------------- duplicates


@pytest.mark.parametrize(
    ("existing", "typed", "reason"),
    [
        ({"last_name": "LE GALL", "first_names": "Kevin"}, {}, "même nom, prénom et date de naissance"),
        ({"phone": "+33612345678"}, {"last_name": "Autre"}, "même téléphone"),
        ({"email": "kevin.legall@example.test"}, {"last_name": "Autre"}, "même e-mail"),
    ],
)
def test_duplicates_are_shown_before_creating(login, counsellor_a, commune_a, existing, typed, reason):
    born = years_ago(19) - timedelta(days=40)
    YouthFactory(commune=commune_a, birth_date=born, **existing)
    response = login(counsellor_a).post(
        "/jeunes/nouveau/", intake_data(commune_a, birth_date=born.isoformat(), **typed)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce jeune a peut-être déjà un dossier" in page
    assert reason in page
    assert Youth.objects.count() == 1
    assert_no_invalid_vars(response)


def test_confirming_creates_a_new_file_and_audits_the_ignored_duplicate(login, counsellor_a, commune_a):
    born = years_ago(19) - timedelta(days=40)
    existing = YouthFactory(commune=commune_a, birth_date=born, last_name="Le Gall", first_names="Kévin")
    response = login(counsellor_a).post(
        "/jeunes/nouveau/", intake_data(commune_a, birth_date=born.isoformat(), confirm_new="on")
    )
    assert response.status_code == 302
    assert Youth.objects.count() == 2
    assert AuditEntry.objects.get(action="youth.created").extra["ignored_duplicates"] == [existing.pk]


def test_duplicates_of_another_zone_show_only_the_minimal_view(counsellor_b, youth_a):
    youth_a.phone = "+33611111111"
    youth_a.save()
    [match] = services.find_duplicates(
        user=counsellor_b, last_name="x", first_names="y", birth_date=None, phone="+33611111111"
    )
    assert match.visible is False
    assert (match.name, match.birth_year, match.zone_name) == (
        youth_a.full_name,
        youth_a.birth_date.year,
        "Antenne A",
    )
    assert match.birth_date is None and match.counsellor_name == "" and match.status_label == ""


def test_duplicates_of_my_zone_are_visible(counsellor_a, youth_a):
    [match] = services.find_duplicates(
        user=counsellor_a, last_name="MARTIN", first_names="louis", birth_date=youth_a.birth_date
    )
    assert match.visible and match.birth_date == youth_a.birth_date


def test_anonymised_files_are_not_duplicates(counsellor_a, youth_a):
    Youth.objects.filter(pk=youth_a.pk).update(status="anonymised")
    assert (
        services.find_duplicates(
            user=counsellor_a, last_name="Martin", first_names="Louis", birth_date=youth_a.birth_date
        )
        == []
    )


def test_commune_autocomplete_options(login, counsellor_a, commune_a, quartier_a):
    browser = login(counsellor_a)
    page = browser.get("/jeunes/communes/", {"q": "montf"}).content.decode()
    assert 'data-fill-target="id_commune"' in page
    assert f'data-fill-value="{commune_a.pk}"' in page
    assert 'data-has-quartiers="0"' in page
    page = browser.get("/jeunes/communes/", {"commune_label": "renn"}).content.decode()
    assert 'data-has-quartiers="1"' in page
    page = browser.get("/jeunes/communes/", {"q": "zzz"}).content.decode()
    assert "Aucune commune" in page


def test_communes_starting_with_the_typed_text_come_first(login, counsellor_a, commune_a, zone_a, epci_a):
    from tests.territory.factories import CommuneFactory

    CommuneFactory(insee_code="35037", name="Bréal-sous-Montfort", zone=zone_a, epci=epci_a)
    page = login(counsellor_a).get("/jeunes/communes/", {"q": "montf"}).content.decode()
    assert page.index("Montfort-sur-Meu") < page.index("Bréal-sous-Montfort")


def test_intake_page_renders_for_each_writer(login, counsellor_a, zone_manager_a, director, commune_a):
    for user in (counsellor_a, zone_manager_a, director):
        response = login(user).get("/jeunes/nouveau/")
        assert response.status_code == 200
        assert_no_invalid_vars(response)
