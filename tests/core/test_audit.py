import pytest

from maillage.core.audit import record
from maillage.core.models import AuditEntry


@pytest.mark.django_db
def test_record_keeps_author_object_and_request_context(client, director, login):
    login(director)
    response = client.get("/audit/")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32

    entry = record("test.action", by=director, obj=director, reason="contrôle")
    assert entry.user == director
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(director.pk)
    assert entry.extra == {"reason": "contrôle"}
    assert entry.user_role == "director"


def test_director_searches_the_audit_log(login, director, counsellor_a):
    record("youth.diagnosis_read", by=counsellor_a, object_type="youth.youth", object_id=42)
    record("auth.login", by=director, obj=director)
    client = login(director)
    response = client.get("/audit/", {"action": "youth.", "object_id": "42"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "youth.diagnosis_read" in content
    assert "auth.login" not in content


def test_audit_log_csv_export(login, director, counsellor_a):
    record("youth.diagnosis_read", by=counsellor_a, object_type="youth.youth", object_id=7)
    response = login(director).get("/audit/", {"action": "youth.", "format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "youth.diagnosis_read" in body
    assert body.count("\n") == 2  # header + one row


def test_audit_log_rejects_inverted_dates(login, director):
    response = login(director).get("/audit/", {"start": "2026-02-01", "end": "2026-01-01"})
    assert "La date de fin doit suivre la date de début." in response.content.decode()


@pytest.mark.parametrize(
    "persona",
    [
        "counsellor_a",
        "zone_manager_a",
        "employer_officer",
        "analyst",
        "partner_user",
        "elected_official",
        "youth_user",
    ],
)
def test_other_roles_get_404_on_audit_log(request, login, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get("/audit/").status_code == 404


@pytest.mark.django_db
def test_audit_entries_are_not_editable_in_admin(client, admin_user):
    record("x", by=admin_user)
    client.force_login(admin_user, backend="maillage.accounts.backends.EmailBackend")
    entry = AuditEntry.objects.get()
    assert client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code in {302, 403}
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_logout_is_audited(client, admin_user):
    client.force_login(admin_user, backend="maillage.accounts.backends.EmailBackend")
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", user=admin_user).exists()
    assert client.get("/").status_code == 302
