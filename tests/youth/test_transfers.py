"""Transfer requests: asked from the intake's duplicate list, decided by the manager of the file's zone."""

from __future__ import annotations

import re

import pytest
from django.core import signing

from maillage.core.models import AuditEntry
from maillage.youth import services
from maillage.youth.enums import TransferStatus
from maillage.youth.models import TransferRequest, Youth

from .conftest import assert_no_invalid_vars
from .helpers import intake_data


def _ask_transfer_from_intake(browser, youth, commune, reason="A déménagé à Liffré"):
    page = browser.post(
        "/jeunes/nouveau/",
        intake_data(
            commune,
            last_name=youth.last_name,
            first_names=youth.first_names,
            birth_date=youth.birth_date.isoformat(),
            phone="",
            email="",
        ),
    ).content.decode()
    token = re.search(r'name="transfert0-token" value="([^"]+)"', page).group(1)
    zone = re.search(r'<option value="(\d+)" selected>', page[page.index("transfert0-to_zone") :]).group(1)
    return browser.post(
        "/jeunes/transferts/demander/",
        {
            "prefix": "transfert0",
            "transfert0-token": token,
            "transfert0-to_zone": zone,
            "transfert0-reason": reason,
        },
    )


def test_transfer_requested_by_zone_b_and_accepted_by_zone_a_manager(
    client, login, youth_a, counsellor_a, counsellor_b, commune_b, zone_a, zone_b, zone_manager_a
):
    response = _ask_transfer_from_intake(login(counsellor_b), youth_a, commune_b)
    assert response.status_code == 302 and response["Location"] == "/jeunes/transferts/"
    transfer = TransferRequest.objects.get()
    assert (transfer.youth, transfer.from_zone, transfer.to_zone) == (youth_a, zone_a, zone_b)
    assert transfer.requested_by == counsellor_b and transfer.status == TransferStatus.PENDING
    # The requester sees their request, with the minimal view only.
    page = login(counsellor_b).get("/jeunes/transferts/").content.decode()
    assert "Mes demandes" in page and youth_a.full_name in page and f"/jeunes/{youth_a.pk}/" not in page

    client.logout()
    manager = login(zone_manager_a)
    response = manager.get("/jeunes/transferts/")
    assert response.status_code == 200
    assert_no_invalid_vars(response)
    assert "A déménagé à Liffré" in response.content.decode()
    response = manager.post(
        f"/jeunes/transferts/{transfer.pk}/decision/",
        {f"decision{transfer.pk}-decision": "accept", f"decision{transfer.pk}-comment": ""},
    )
    assert response.status_code == 302
    youth_a.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED and transfer.decided_by == zone_manager_a
    assert youth_a.zone == zone_b and youth_a.counsellor == counsellor_b
    assert youth_a.zone_override_reason.startswith("Transfert accepté")
    assert youth_a.version == 2
    entry = AuditEntry.objects.get(action="youth.transfer_accepted")
    assert entry.extra["from_zone_id"] == zone_a.pk and entry.extra["to_zone_id"] == zone_b.pk

    client.logout()
    assert login(counsellor_b).get(f"/jeunes/{youth_a.pk}/").status_code == 200
    client.logout()
    assert login(counsellor_a).get(f"/jeunes/{youth_a.pk}/").status_code == 404


def test_refused_transfer_keeps_the_file_where_it_is(youth_a, counsellor_b, zone_b, zone_a, zone_manager_a):
    transfer = services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b)
    services.decide_transfer(
        by=zone_manager_a, transfer=transfer, accept=False, comment="Toujours à Montfort"
    )
    youth_a.refresh_from_db()
    assert youth_a.zone == zone_a
    assert TransferRequest.objects.get().status == TransferStatus.REFUSED


def test_only_the_manager_of_the_files_zone_decides(
    login, youth_a, counsellor_b, zone_b, zone_manager_b, counsellor_a
):
    transfer = services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b)
    url = f"/jeunes/transferts/{transfer.pk}/decision/"
    data = {f"decision{transfer.pk}-decision": "accept"}
    assert login(zone_manager_b).post(url, data).status_code == 404
    assert login(counsellor_a).post(url, data).status_code == 404
    with pytest.raises(services.ValidationError):
        services.decide_transfer(by=zone_manager_b, transfer=transfer, accept=True)
    assert TransferRequest.objects.get().status == TransferStatus.PENDING


def test_a_request_is_idempotent_while_pending(youth_a, counsellor_b, zone_b):
    first = services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b)
    second = services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b)
    assert first.pk == second.pk and TransferRequest.objects.count() == 1


def test_a_decided_request_cannot_be_decided_again(youth_a, counsellor_b, zone_b, zone_manager_a):
    transfer = services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b)
    services.decide_transfer(by=zone_manager_a, transfer=transfer, accept=False)
    with pytest.raises(services.ValidationError, match="déjà été traitée"):
        services.decide_transfer(by=zone_manager_a, transfer=transfer, accept=True)


def test_transfer_only_towards_ones_own_zone(youth_a, counsellor_b, zone_a):
    with pytest.raises(services.ValidationError):
        services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_a)


@pytest.mark.parametrize("forgery", ["bad-token", "other-user"])
def test_forged_or_borrowed_tokens_get_404(login, youth_a, counsellor_b, zone_b, counsellor_a, forgery):
    if forgery == "bad-token":
        token = "abc:def"
    else:
        token = signing.dumps({"y": youth_a.pk, "u": counsellor_a.pk}, salt="youth.transfer-request")
    response = login(counsellor_b).post(
        "/jeunes/transferts/demander/",
        {"prefix": "transfert0", "transfert0-token": token, "transfert0-to_zone": zone_b.pk},
    )
    assert response.status_code == 404
    assert not TransferRequest.objects.exists()


def test_pending_transfer_is_shown_on_the_duplicate_and_the_file(
    login, youth_a, counsellor_b, zone_b, commune_b
):
    services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b)
    page = (
        login(counsellor_b)
        .post(
            "/jeunes/nouveau/",
            intake_data(
                commune_b,
                last_name=youth_a.last_name,
                first_names=youth_a.first_names,
                birth_date=youth_a.birth_date.isoformat(),
            ),
        )
        .content.decode()
    )
    assert "Transfert déjà demandé" in page
    assert Youth.objects.count() == 1


def test_the_managers_home_page_counts_the_requests_to_decide(
    login, youth_a, counsellor_b, zone_b, zone_manager_a, zone_manager_b
):
    assert "demande de transfert" not in login(zone_manager_a).get("/").content.decode()
    services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b)
    page = login(zone_manager_a).get("/").content.decode()
    assert "1 demande de transfert</strong> à traiter" in page and "/jeunes/transferts/" in page
    # The requesting zone's manager does not decide it: nothing to do on their home page.
    assert "demande de transfert" not in login(zone_manager_b).get("/").content.decode()
