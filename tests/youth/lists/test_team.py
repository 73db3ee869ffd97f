"""Zone managers see their zone's caseloads by counsellor and reassign files (audited); nobody else does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maillage.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.youth.factories import YouthFactory
from tests.youth.helpers import today


@pytest.fixture
def files_a(commune_a, counsellor_a):
    return [
        YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name=f"Suivi{n}") for n in range(3)
    ] + [
        YouthFactory(commune=commune_a, counsellor=counsellor_a, last_contact_on=today() - timedelta(weeks=8))
    ]


def test_zone_manager_home_shows_caseloads_by_counsellor(
    login, zone_manager_a, counsellor_a, counsellor_a2, files_a, commune_a, file_b
):
    YouthFactory(commune=commune_a, counsellor=None)
    page = login(zone_manager_a).get("/").content.decode()
    assert "Les portefeuilles de mon équipe" in page
    assert "5 dossiers actifs · 1 pas vu depuis 6 semaines · 3 conseiller·ères" in " ".join(page.split())
    assert "1 sans conseiller·ère" in page
    table = page.split('class="zone-loads"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert str(counsellor_a) in rows[0]  # the most files not seen first
    assert '<td class="num">4</td>' in rows[0]  # 4 active files, 1 not seen for 6 weeks
    assert '<td class="num">1 <span class="help-inline">(25 %)</span></td>' in rows[0]
    assert str(counsellor_a2) in table
    assert "DURAND" not in page


def test_team_table_is_paginated(login, zone_manager_a, zone_a, files_a):
    from maillage.youth import views_lists

    for n in range(views_lists.TEAM_PAGE_SIZE + 5):
        UserFactory(
            email=f"collegue{n:02d}@example.test", role="counsellor", zones=[zone_a], last_name=f"Zz{n:02d}"
        )
    browser = login(zone_manager_a)
    first = browser.get("/jeunes/equipe/").content.decode()
    assert "equipe=2" in first and "Zz54" not in first
    assert "Zz54" in browser.get("/jeunes/equipe/?equipe=2").content.decode()


def test_zone_manager_reassigns_several_files_audited(
    login, zone_manager_a, counsellor_a, counsellor_a2, files_a
):
    browser = login(zone_manager_a)
    page = browser.get(f"/jeunes/equipe/?conseiller={counsellor_a.pk}").content.decode()
    assert 'name="dossiers"' in page and "SUIVI0" in page
    moved = files_a[:2]
    response = browser.post(
        "/jeunes/equipe/reaffecter/",
        {"dossiers": [y.pk for y in moved], "vers": counsellor_a2.pk, "conseiller": counsellor_a.pk},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/jeunes/equipe/?")
    for youth in moved:
        youth.refresh_from_db()
        assert youth.counsellor == counsellor_a2
        entry = AuditEntry.objects.get(action="youth.counsellor_assigned", object_id=str(youth.pk))
        assert entry.user == zone_manager_a
        assert entry.extra == {"from_user_id": counsellor_a.pk, "to_user_id": counsellor_a2.pk}
    files_a[2].refresh_from_db()
    assert files_a[2].counsellor == counsellor_a
    followed = browser.get(response["Location"]).content.decode()
    assert "2 dossiers réaffectés" in followed


def test_reassign_to_nobody_then_back(login, zone_manager_a, counsellor_a, files_a):
    browser = login(zone_manager_a)
    browser.post("/jeunes/equipe/reaffecter/", {"dossiers": [files_a[0].pk], "vers": "aucun"})
    files_a[0].refresh_from_db()
    assert files_a[0].counsellor is None
    page = browser.get("/jeunes/equipe/?conseiller=aucun").content.decode()
    assert "SUIVI0" in page


def test_a_counsellor_cannot_reassign(login, counsellor_a, counsellor_a2, files_a):
    browser = login(counsellor_a)
    assert browser.get("/jeunes/equipe/").status_code == 404
    response = browser.post(
        "/jeunes/equipe/reaffecter/", {"dossiers": [files_a[0].pk], "vers": counsellor_a2.pk}
    )
    assert response.status_code == 404
    files_a[0].refresh_from_db()
    assert files_a[0].counsellor == counsellor_a
    assert not AuditEntry.objects.filter(action="youth.counsellor_assigned").exists()


def test_zone_manager_cannot_touch_another_zone(
    login, zone_manager_a, counsellor_a, counsellor_b, file_b, files_a
):
    browser = login(zone_manager_a)
    # A file of zone B: refused, nothing changes.
    browser.post("/jeunes/equipe/reaffecter/", {"dossiers": [file_b.pk], "vers": counsellor_a.pk})
    file_b.refresh_from_db()
    assert file_b.counsellor == counsellor_b
    # A counsellor of zone B as the target: refused.
    response = browser.post(
        "/jeunes/equipe/reaffecter/", {"dossiers": [files_a[0].pk], "vers": counsellor_b.pk}
    )
    files_a[0].refresh_from_db()
    assert files_a[0].counsellor == counsellor_a
    assert "Choisissez le ou la conseiller·ère" in browser.get(response["Location"]).content.decode()
    # Zone B's counsellor is not listed, nor its files.
    page = browser.get(f"/jeunes/equipe/?conseiller={counsellor_b.pk}").content.decode()
    assert "DURAND" not in page


def test_junk_in_the_team_page_gives_a_message(login, zone_manager_a, files_a):
    browser = login(zone_manager_a)
    response = browser.get("/jeunes/equipe/?zone=9999&conseiller=x")
    assert response.status_code == 400
    assert "Zone inconnue ou que vous ne gérez pas." in response.content.decode()
    response = browser.post("/jeunes/equipe/reaffecter/", {"dossiers": ["abc"], "vers": "1"})
    assert response.status_code == 302
    response = browser.post("/jeunes/equipe/reaffecter/", {"vers": "aucun"})
    assert "Cochez au moins un dossier" in browser.get(response["Location"]).content.decode()


def test_director_sees_one_zone_at_a_time(login, director, zone_a, zone_b, files_a, file_b):
    browser = login(director)
    page = browser.get("/jeunes/equipe/").content.decode()
    assert "Antenne A" in page
    page = browser.get(f"/jeunes/equipe/?zone={zone_b.pk}").content.decode()
    assert "<h2>Antenne B</h2>" in page and "1 dossier actif" in page


def test_option_lists_are_escaped_and_mark_the_selection_and_me():
    from django.template import Context, Template

    html = Template('{% load youth %}{% options choices "2" me="3" exclude="4" %}').render(
        Context({"choices": [(1, "<b>Un</b>"), ("2", "Deux"), (3, "Trois"), (4, "Quatre")]})
    )
    assert html == (
        '<option value="1">&lt;b&gt;Un&lt;/b&gt;</option><option value="2" selected>Deux</option>'
        '<option value="3">Moi (Trois)</option>'
    )
