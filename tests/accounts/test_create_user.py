"""manage.py create_user."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.accounts.management.commands import create_user
from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.accounts.validators import DEMO_PASSWORD
from maillage.core.models import AuditEntry
from tests.accounts.factories import PASSWORD

GOOD_PASSWORD = "trois petits chats blancs"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_user", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def typed(monkeypatch):
    """Simulate an administrator at a terminal typing the given passwords in turn."""

    def _typed(*answers):
        replies = iter(answers)
        monkeypatch.setattr(create_user.Command, "interactive", lambda self: True)
        monkeypatch.setattr(create_user.getpass, "getpass", lambda prompt="": next(replies))

    return _typed


def test_generated_password_is_printed_once_and_works(client, zone_a):
    out, _ = run(
        "Camille.Le-Goff@Example.test", "counsellor", "--zone", zone_a.code, "--first-name", "Camille"
    )
    user = User.objects.get()
    assert user.email == "camille.le-goff@example.test"
    assert user.role == Role.COUNSELLOR
    assert user.first_name == "Camille"
    assert list(user.zone_memberships.values_list("zone__code", flat=True)) == [zone_a.code]
    assert not user.is_staff and not user.is_superuser
    printed = re.findall(r"Mot de passe \(affiché une seule fois\) : (\S+)", out)
    assert len(printed) == 1
    assert user.check_password(printed[0])
    response = client.post(
        "/connexion/", {"username": "camille.le-goff@example.test", "password": printed[0]}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="accounts.user_created")
    assert entry.object_id == str(user.pk)
    assert entry.extra == {"role": "counsellor", "zones": [zone_a.code], "epcis": []}
    assert printed[0] not in str(entry.extra)


def test_typed_password_is_validated_and_asked_again(typed, zone_a):
    typed("court", "court", DEMO_PASSWORD, DEMO_PASSWORD, GOOD_PASSWORD, "typo", GOOD_PASSWORD, GOOD_PASSWORD)
    out, err = run("nolwenn@example.test", "zone_manager", "--zone", zone_a.code)
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in err
    assert "Ce mot de passe est celui de la démonstration : choisissez-en un autre." in err
    assert "Les deux saisies ne correspondent pas." in err
    assert "Mot de passe (affiché" not in out
    assert GOOD_PASSWORD not in out
    assert User.objects.get(email="nolwenn@example.test").check_password(GOOD_PASSWORD)


def test_several_zones_and_all_zones(zone_a, zone_b):
    run("a@example.test", "employer_officer", "--zone", f"{zone_a.code},{zone_b.code}")
    run("b@example.test", "employer_officer", "--all-zones")
    for email in ("a@example.test", "b@example.test"):
        zones = set(User.objects.get(email=email).zone_memberships.values_list("zone__code", flat=True))
        assert zones == {zone_a.code, zone_b.code}


def test_elected_official_with_epci(epci_a):
    out, _ = run("elu@example.test", "elected", "--epci", epci_a.siren)
    user = User.objects.get(email="elu@example.test")
    assert list(user.epci_ids()) == [epci_a.pk]
    assert "Communauté A" in out


def test_admin_gets_the_admin_site(db):
    run("admin@example.test", "admin")
    user = User.objects.get(email="admin@example.test")
    assert user.is_staff and user.is_superuser and user.role == Role.ADMIN


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["x@example.test", "counsellor", "--zone", "nulle-part"],
            "Zone inconnue : nulle-part. Zones existantes :",
        ),
        (["x@example.test", "counsellor"], "Le rôle « Conseiller·ère » demande au moins une zone."),
        (["x@example.test", "elected"], "Le rôle « Élu·e » demande au moins un EPCI."),
        (["x@example.test", "elected", "--epci", "999999999"], "EPCI inconnu (SIREN) : 999999999."),
        (["x@example.test", "wizard"], "Rôle inconnu : « wizard »."),
        (["pas-une-adresse", "director"], "Saisissez une adresse de courriel valide."),
    ],
)
def test_refusals_in_french_create_nothing(zone_a, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_partner_cannot_be_given_a_zone(zone_a):
    with pytest.raises(CommandError, match="ne se rattache pas à une zone"):
        run("p@example.test", "partner", "--zone", zone_a.code)


def test_existing_address_refused_whatever_the_case(director):
    with pytest.raises(CommandError, match="Un compte existe déjà avec cette adresse e-mail."):
        run(director.email.upper(), "analyst")
    assert User.objects.count() == 1
    assert User.objects.get().check_password(PASSWORD)


def test_help_documents_usage():
    command = create_user.Command()
    help_text = command.create_parser("manage.py", "create_user").format_help()
    assert "--zone CODE" in help_text
    assert "--epci SIREN" in help_text
    assert "--generate-password" in help_text
    for role in Role:
        assert role.value in help_text
