import pytest


@pytest.mark.django_db
def test_healthz_answers_200_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_home_for_counsellor_shows_own_zone(login, counsellor_a, commune_a):
    response = login(counsellor_a).get("/")
    assert response.status_code == 200
    assert "Antenne A" in response.content.decode()
