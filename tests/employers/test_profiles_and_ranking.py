"""Job profiles edited from the youth file; the SQL preselection; fixed query counts of the ranked pages
and of the youth file sections; hires in the GPEC-T tables; retention."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.employers import ranking, services
from maillage.employers.models import Experience, JobProfile
from maillage.employers.selectors import gpec_tables
from maillage.youth import retention
from tests.youth.factories import YouthFactory
from tests.youth.helpers import full_file

from .factories import (
    AppellationFactory,
    CompanyFactory,
    FicheFactory,
    OfferFactory,
    make_profile,
    set_offer_skills,
)

pytestmark = pytest.mark.django_db


def _profile_data(referential, **overrides):
    data = {
        "profil-occupation_1": referential["fresh"].pk,
        "profil-occupation_1_text": referential["fresh"].label,
        "profil-occupation_2": "",
        "profil-occupation_2_text": "",
        "profil-occupation_3": "",
        "profil-occupation_3_text": "",
        "profil-is_looking": "on",
        "profil-driving_licence": "on",
        "profil-max_distance_km": "25",
        "profil-contracts": ["cdd", "interim"],
        "profil-available_from": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_counsellor_creates_and_edits_the_profile_from_the_file(
    login, referential, counsellor_a, commune_a
):
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a)
    client = login(counsellor_a)
    file = full_file(client, youth.pk)
    assert "Créer le profil professionnel" in file and f"/emploi/jeunes/{youth.pk}/profil/" in file
    form = client.get(f"/emploi/jeunes/{youth.pk}/profil/").content.decode()
    assert (
        "Enregistrez d&#x27;abord les métiers recherchés" in form
        or "Enregistrez d'abord les métiers recherchés" in form
    )
    response = client.post(f"/emploi/jeunes/{youth.pk}/profil/", _profile_data(referential))
    assert response["Location"] == f"/jeunes/{youth.pk}/#profil-emploi"
    profile = JobProfile.objects.get(youth=youth)
    assert (profile.fiche_codes, profile.domain_codes, profile.contracts) == (
        "D1106",
        "D11",
        ["cdd", "interim"],
    )
    assert (profile.max_distance_km, profile.driving_licence, profile.version) == (25, True, 1)
    assert AuditEntry.objects.filter(
        action="employers.job_profile_created", object_id=str(profile.pk)
    ).exists()
    # Now the skills of the sought occupation are offered.
    file = full_file(client, youth.pk)
    assert "Modifier le profil professionnel" in file and "Ajouter une expérience" in file
    assert "Tenir une caisse" in client.get(f"/emploi/jeunes/{youth.pk}/profil/").content.decode()
    cash = referential["skills"]["cash"]
    response = client.post(
        f"/emploi/jeunes/{youth.pk}/profil/",
        _profile_data(
            referential,
            **{
                "profil-skills": [cash.pk],
                "profil-occupation_2": referential["developer"].pk,
                "profil-occupation_2_text": referential["developer"].label,
                "profil-version": "1",
            },
        ),
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.fiche_codes, profile.skill_codes, profile.version) == ("D1106 M1805", str(cash.pk), 2)
    # An edit made on an outdated page is refused.
    stale = client.post(
        f"/emploi/jeunes/{youth.pk}/profil/", _profile_data(referential, **{"profil-version": "1"})
    )
    assert stale.status_code == 200 and "modifiée par quelqu" in stale.content.decode()
    # The same occupation twice, or none, is refused.
    twice = _profile_data(
        referential,
        **{
            "profil-occupation_2": referential["fresh"].pk,
            "profil-occupation_2_text": referential["fresh"].label,
        },
    )
    assert (
        "Ce métier est déjà indiqué."
        in client.post(f"/emploi/jeunes/{youth.pk}/profil/", twice).content.decode()
    )


def test_experiences_add_their_skills_to_the_profile(login, referential, counsellor_a, commune_a):
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a)
    client = login(counsellor_a)
    assert (
        client.get(f"/emploi/jeunes/{youth.pk}/experiences/")["Location"]
        == f"/emploi/jeunes/{youth.pk}/profil/"
    )
    profile = make_profile(youth, [referential["fresh"]])
    rigour = referential["skills"]["rigour"]
    response = client.post(
        f"/emploi/jeunes/{youth.pk}/experiences/",
        {
            "experience-kind": "sport",
            "experience-title": "Entraîneur de foot des U11",
            "experience-organisation": "US Montfort",
            "experience-started_on": "2024-09-01",
            "experience-ended_on": "2023-06-30",
            "experience-skills": [rigour.pk],
        },
    )
    assert "La fin doit suivre le début." in response.content.decode()
    response = client.post(
        f"/emploi/jeunes/{youth.pk}/experiences/",
        {
            "experience-kind": "sport",
            "experience-title": "Entraîneur de foot des U11",
            "experience-organisation": "US Montfort",
            "experience-started_on": "2024-09-01",
            "experience-skills": [rigour.pk],
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.skill_codes == str(rigour.pk)
    file = full_file(client, youth.pk)
    assert "Entraîneur de foot des U11" in file and "Compétences : Faire preuve de rigueur" in file
    experience = Experience.objects.get()
    client.post(f"/emploi/jeunes/{youth.pk}/experiences/{experience.pk}/supprimer/")
    profile.refresh_from_db()
    assert profile.skill_codes == "" and not Experience.objects.exists()


def test_preselection_by_occupation_mobility_domain_zone_and_status(
    referential, market, employer_officer, director, counsellor_b, commune_b
):
    company = CompanyFactory(commune=commune_b)
    offer = OfferFactory(company=company, appellation=referential["fresh"], contract="cdd")
    offer = type(offer).objects.select_related("fiche__domain", "commune").get(pk=offer.pk)
    ids = lambda user: {row.youth.pk for row in ranking.candidates_for_offer(offer, user=user).rows}  # noqa: E731
    hugo, ines, theo, lea = market["hugo"], market["ines"], market["theo"], market["lea"]
    assert ids(employer_officer) == {hugo.pk, ines.pk}  # zone A; Théo seeks another domain
    assert ids(director) == {hugo.pk, ines.pk, lea.pk}
    assert ids(counsellor_b) == {lea.pk}
    # Same domain, no mobility: preselected too.
    other = AppellationFactory(
        code=99001,
        label="Crémier",
        fiche=FicheFactory(code="D1199", label="Crèmerie", code_ogr=9, domain=referential["seller"].domain),
    )
    theo_profile = JobProfile.objects.get(youth=theo)
    services.save_job_profile(
        by=None, youth=theo, expected_version=theo_profile.version, appellations=[other]
    )
    assert theo.pk in ids(employer_officer)
    # Not looking, or an archived file: out.
    services.save_job_profile(
        by=None, youth=hugo, expected_version=None, appellations=[referential["fresh"]], is_looking=False
    )
    theo.status = "archived"
    theo.save()
    assert ids(employer_officer) == {ines.pk}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_candidates_page_and_youth_file_run_a_fixed_number_of_queries(
    login, referential, market, places, employer_officer, counsellor_a, commune_b
):
    company = CompanyFactory(commune=commune_b)
    offer = OfferFactory(company=company, appellation=referential["fresh"], contract="cdd")
    set_offer_skills(offer, [referential["skills"]["cash"]])
    officer, counsellor = Client(), Client()
    officer.force_login(employer_officer)
    counsellor.force_login(counsellor_a)
    small = _count(officer, f"/offres/{offer.pk}/candidats/")
    hugo = market["hugo"]
    file_small = _count(counsellor, f"/jeunes/{hugo.pk}/")
    for i in range(30):
        youth = YouthFactory(commune=places["thorigne" if i % 2 else "montfort"])
        make_profile(
            youth,
            [referential["fresh"] if i % 3 else market["butcher"]],
            list(referential["skills"].values())[: i % 4],
        )
        OfferFactory(company=company, appellation=referential["fresh"] if i % 2 else market["butcher"])
    profile = JobProfile.objects.get(youth=hugo)
    services.add_experience(
        by=None,
        profile=profile,
        kind="volunteering",
        title="Restos du cœur",
        skills=[referential["skills"]["rigour"]],
    )
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=hugo)
    services.send_application(by=employer_officer, application=application)
    services.hire(by=employer_officer, application=application, hired_on=timezone.localdate())
    large = _count(officer, f"/offres/{offer.pk}/candidats/")
    assert small == large, (small, large)
    assert (
        large <= 19
    )  # session, user, zones; offer, mobilities, communes, two preselections, labels, rows shown
    file_large = _count(counsellor, f"/jeunes/{hugo.pk}/")
    assert file_small == file_large, (file_small, file_large)
    print(f"candidates page: {large} queries; youth file: {file_large} queries")


def test_offers_for_a_young_person_are_ranked_and_explained(
    login, referential, market, counsellor_a, commune_b
):
    company = CompanyFactory(name="Biocoop Liffré", commune=commune_b)
    near = OfferFactory(
        company=company, title="Vendeur bio", appellation=referential["fresh"], contract="cdd"
    )
    OfferFactory(company=company, title="Boucher", appellation=market["butcher"], contract="cdi")
    OfferFactory(company=company, title="Développeur", appellation=referential["developer"])
    OfferFactory(company=company, title="Ancienne offre", appellation=referential["fresh"], status="filled")
    hugo = market["hugo"]
    total, offers = ranking.offers_for_youth(hugo, JobProfile.objects.get(youth=hugo))
    assert total == 2
    assert [row.offer.title for row in offers] == ["Vendeur bio", "Boucher"]
    assert offers[0].offer == near and offers[0].match.score > offers[1].match.score
    assert "Recherche D1106" in offers[1].match.criteria[0].text  # a mobility from butchery
    file = full_file(login(counsellor_a), hugo.pk)
    assert "Vendeur bio" in file and "Pourquoi ce score" in file and "Proposer cette offre" in file
    response = login(counsellor_a).post(
        "/mises-en-relation/proposer/", {"offer": near.pk, "youth": hugo.pk, "back": "dossier"}
    )
    assert response["Location"] == f"/jeunes/{hugo.pk}/#mises-en-relation"


def test_gpec_tables_count_hires(referential, market, employer_officer, commune_b, zone_b):
    company = CompanyFactory(commune=commune_b, naf=referential["naf_food"])
    offer = OfferFactory(company=company, appellation=referential["fresh"], contract="cdd", positions=3)
    for youth in (market["hugo"], market["ines"]):
        application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
        services.send_application(by=employer_officer, application=application)
        services.hire(by=employer_officer, application=application, hired_on=timezone.localdate())
    month = timezone.localdate().replace(day=1)
    tables = {t.slug: t for t in gpec_tables(start=month, end=month)}
    assert {r.label: r.hires for r in tables["secteurs"].rows}[
        "G — Commerce ; réparation d'automobiles et de motocycles"
    ] == 2
    assert {r.key: r.hires for r in tables["metiers"].rows}["D"] == 2
    assert {r.key: r.hires for r in tables["zones"].rows}[zone_b.pk] == 2
    assert tables["mois"].total.hires == 2
    assert gpec_tables(start=month, end=month, zone=zone_b)[2].total.hires == 2
    previous = date(month.year - 1, month.month, 1)
    assert gpec_tables(start=previous, end=previous)[3].total.hires == 0


def test_anonymisation_wipes_the_free_texts(referential, market, employer_officer, commune_b):
    hugo = market["hugo"]
    profile = JobProfile.objects.get(youth=hugo)
    services.add_experience(
        by=None, profile=profile, kind="family", title="Garde de ma petite sœur", description="Tous les soirs"
    )
    offer = OfferFactory(company=CompanyFactory(commune=commune_b), appellation=referential["fresh"])
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=hugo)
    services.withdraw_application(
        by=employer_officer, application=application, reason="other", comment="Déménage à Brest"
    )
    retention.anonymise_youths([hugo.pk])  # the youth app calls the anonymiser registered by this app
    experience = Experience.objects.get()
    application.refresh_from_db()
    assert (experience.title, experience.description, application.comment) == ("(anonymisé)", "", "")
    assert application.steps.filter(note__contains="Brest").count() == 0


def test_the_profiles_copy_of_the_file_follows_it(referential, market, employer_officer, commune_b, zone_b):
    """Transfers and archiving reach the profiles nightly; the rows shown are checked against the file."""
    from maillage.youth.models import Youth

    hugo, ines = market["hugo"], market["ines"]
    profile = JobProfile.objects.get(youth=hugo)
    assert (profile.zone_id, profile.commune_id, profile.file_active) == (hugo.zone_id, hugo.commune_id, True)
    company = CompanyFactory(commune=commune_b)
    offer = OfferFactory(company=company, appellation=referential["fresh"], contract="cdd")
    offer = type(offer).objects.select_related("fiche__domain", "commune").get(pk=offer.pk)
    # Archived and moved to zone B behind the profiles' back (as a youth service would do it):
    Youth.objects.filter(pk=hugo.pk).update(status="archived")
    Youth.objects.filter(pk=ines.pk).update(zone=zone_b, commune=commune_b)
    shown = [row.youth.pk for row in ranking.candidates_for_offer(offer, user=employer_officer).rows]
    assert shown == []  # the officer works for zone A: neither is shown, although their copies say otherwise
    assert services.sync_job_profiles() == 2
    assert services.sync_job_profiles() == 0
    profile.refresh_from_db()
    assert profile.file_active is False
    assert JobProfile.objects.get(youth=ines).zone_id == zone_b.pk
    call_command("sync_job_profiles", stdout=StringIO())


def test_offers_keep_the_codes_of_their_skills(login, referential, employer_officer, commune_b):
    offer = services.create_offer(
        by=employer_officer,
        skills=[referential["skills"]["hygiene"], referential["skills"]["cash"]],
        company=CompanyFactory(commune=commune_b),
        title="Vendeur",
        appellation=referential["fresh"],
        contract="cdi",
        commune=commune_b,
    )
    assert offer.skill_codes == "100004 100005"
    services.update_offer(
        by=employer_officer,
        offer=offer,
        expected_version=offer.version,
        skills=[referential["skills"]["cash"]],
    )
    offer.refresh_from_db()
    assert offer.skill_codes == "100004"


def test_the_ranking_is_exact_despite_what_it_skips(referential, market, places, director, commune_b, zone_a):
    """The bounds skip rows; the top is still the top of every row scored."""
    import random

    from maillage.employers import matching
    from tests.territory.factories import CommuneFactory

    rng = random.Random(11)
    communes = (
        list(places.values())
        + [
            CommuneFactory(
                zone=zone_a,
                latitude=48.2136 + rng.uniform(-0.5, 0.5),
                longitude=-1.5075 + rng.uniform(-0.6, 0.6),
            )
            for _ in range(12)
        ]
        + [CommuneFactory(zone=zone_a, latitude=None, longitude=None)]
    )
    appellations = [referential["fresh"], market["butcher"], referential["developer"]]
    skills = list(referential["skills"].values())
    for _ in range(120):
        youth = YouthFactory(commune=rng.choice(communes), education_level=rng.choice(["", "3", "4"]))
        make_profile(
            youth,
            rng.sample(appellations, rng.randint(1, 2)),
            rng.sample(skills, rng.randint(0, 4)),
            driving_licence=rng.random() < 0.5,
            has_vehicle=rng.random() < 0.5,
            public_transport_only=rng.random() < 0.3,
            max_distance_km=rng.choice([None, None, 0, 3, 8, 25]),
            contracts=rng.sample(["cdi", "cdd", "interim"], rng.randint(0, 2)),
        )
    company = CompanyFactory(commune=commune_b)
    for contract in ("cdd", "cdi", "interim"):
        offer = OfferFactory(company=company, appellation=referential["fresh"], contract=contract)
        set_offer_skills(offer, skills[: rng.randint(0, 4)])
        offer = type(offer).objects.select_related("fiche__domain", "commune").get(pk=offer.pk)
        today = timezone.localdate()
        linked = ranking.mobility_sources(offer.fiche_id)
        facts = ranking.offer_facts(offer, linked=linked)
        places_by_pk = ranking.commune_places()
        every = [
            ranking._candidate(row, places_by_pk)
            for row in ranking.raw_rows(
                ranking.preselected_profiles(offer, director, linked).values_list(*ranking.CANDIDATE_COLUMNS)
            )
        ]
        for limit in (3, 10):
            expected = [
                (c.key, s) for c, s in matching.rank_candidates(facts, every, today=today, limit=limit)
            ]
            result = ranking.candidates_for_offer(offer, user=director, limit=limit)
            assert [(row.youth.pk, row.match.score) for row in result.rows] == expected
            assert result.preselected == len(every)
