"""Concurrent edits never lose an update silently (item 12)."""

from __future__ import annotations

import re

import pytest

from maillage.youth import services
from maillage.youth.models import Youth

from .factories import years_ago


def _identity_post(page: str) -> dict:
    """The identity form as the browser would post it back, from the rendered page."""
    data = dict(
        re.findall(r'<input type="(?:text|hidden|email|tel|date)" name="([^"]+)" value="([^"]*)"', page)
    )
    data.update(
        {
            name: value
            for name, value in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page)
            if name not in data
        }
    )
    for name in ("sex", "quartier", "qpv", "education_level", "heard_from"):
        match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
        selected = re.search(r'<option value="([^"]*)" selected>', match.group(1)) if match else None
        data[name] = selected.group(1) if selected else ""
    data.pop("csrfmiddlewaretoken", None)
    return {k: v.replace("&#x27;", "'").replace("&amp;", "&") for k, v in data.items()}


def _snapshot(youth):
    return {name: getattr(youth, name) for name in services.IDENTITY_FIELDS}


def test_the_second_of_two_saves_on_the_same_version_is_refused(youth_a, counsellor_a, counsellor_a2):
    first = Youth.objects.get(pk=youth_a.pk)
    second = Youth.objects.get(pk=youth_a.pk)
    services.update_youth(
        by=counsellor_a, youth=first, version=1, data={**_snapshot(first), "phone": "0611111111"}
    )
    second_data = {**_snapshot(second), "email": "nouveau@example.test"}
    with pytest.raises(services.ConcurrentEditError) as error:
        # `second` still holds the old row: the conditional UPDATE is what refuses it.
        services.update_youth(by=counsellor_a2, youth=second, version=1, data=second_data)
    assert error.value.current.version == 2
    youth_a.refresh_from_db()
    assert (youth_a.phone, youth_a.email, youth_a.version) == ("+33611111111", "", 2)


def test_update_recomputes_the_derived_keys_and_zone(youth_a, counsellor_a, commune_b, zone_b):
    data = {**_snapshot(youth_a), "last_name": "Le Bihan", "commune": commune_b}
    changed = services.update_youth(by=counsellor_a, youth=youth_a, version=1, data=data)
    assert set(changed) == {"last_name", "commune"}
    youth_a.refresh_from_db()
    assert youth_a.search_key == "le bihan louis" and youth_a.identity_key.startswith("lebihan|louis|")
    assert youth_a.zone == zone_b


def test_update_keeps_the_age_rule(youth_a, counsellor_a):
    with pytest.raises(services.ValidationError):
        services.update_youth(
            by=counsellor_a,
            youth=youth_a,
            version=1,
            data={**_snapshot(youth_a), "birth_date": years_ago(30)},
        )


def test_nothing_changed_writes_nothing(youth_a, counsellor_a):
    assert services.update_youth(by=counsellor_a, youth=youth_a, version=1, data=_snapshot(youth_a)) == []
    youth_a.refresh_from_db()
    assert youth_a.version == 1


def test_concurrent_edit_over_http_shows_both_versions_and_keeps_both_inputs(
    client, login, youth_a, counsellor_a, zone_manager_a
):
    url = f"/jeunes/{youth_a.pk}/identite/"
    # The counsellor opens the form…
    mine = _identity_post(login(counsellor_a).get(url).content.decode())
    assert mine["version"] == "1" and mine["commune"] == str(youth_a.commune_id)
    # … meanwhile the zone manager saves a new phone number and address.
    client.logout()
    theirs = _identity_post(login(zone_manager_a).get(url).content.decode())
    theirs.update(phone="07 00 00 00 01", address="2 place de l'Église")
    assert login(zone_manager_a).post(url, theirs).status_code == 302
    client.logout()

    # The counsellor saves an e-mail and a different address, on the version they opened.
    mine.update(email="louis@example.test", address="8 rue des Forges")
    response = login(counsellor_a).post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Quelqu&#x27;un a modifié ce dossier" in page or "Quelqu'un a modifié ce dossier" in page
    # Nothing of the counsellor's was written.
    youth_a.refresh_from_db()
    assert (youth_a.email, youth_a.address, youth_a.phone) == ("", "2 place de l'Église", "+33700000001")
    # Both changed the address: shown side by side, the counsellor's input kept in the form.
    conflict = page[page.index("Modifiés des deux côtés") :]
    assert "2 place de l&#x27;Église" in conflict and "8 rue des Forges" in conflict
    # Only the manager changed the phone: taken into the form, and listed.
    assert "Modifiés seulement par" in page
    again = _identity_post(page)
    assert again["version"] == "2"
    assert again["address"] == "8 rue des Forges"
    assert again["email"] == "louis@example.test"
    assert again["phone"] == "07 00 00 00 01"

    # Saving the merged form now keeps everyone's work.
    assert login(counsellor_a).post(url, again).status_code == 302
    youth_a.refresh_from_db()
    assert (youth_a.email, youth_a.address, youth_a.phone, youth_a.version) == (
        "louis@example.test",
        "8 rue des Forges",
        "+33700000001",
        3,
    )


def test_zone_changes_bump_the_version_so_a_stale_form_cannot_undo_them(
    youth_a, zone_manager_a, zone_b, counsellor_a
):
    stale = Youth.objects.get(pk=youth_a.pk)
    services.override_zone(by=zone_manager_a, youth=youth_a, zone=zone_b, reason="Suivi à Liffré")
    with pytest.raises(services.ConcurrentEditError):
        services.update_youth(
            by=counsellor_a, youth=stale, version=1, data={**_snapshot(stale), "address": "x"}
        )
