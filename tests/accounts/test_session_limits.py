"""Young people have no password: expired or anonymous portal sessions go to the portal's code login."""

import time

from maillage.accounts.session_clock import SESSION_LAST_SEEN, SESSION_STARTED


def test_young_person_whose_session_expired_goes_back_to_the_portal_login(client, youth_user, settings):
    client.force_login(youth_user, backend="maillage.accounts.backends.EmailBackend")
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED] = now - 3600
    session[SESSION_LAST_SEEN] = now - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/portail/accueil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/portail/")
    assert not response["Location"].startswith("/portail/accueil/")
    assert "_auth_user_id" not in client.session


def test_anonymous_visitor_of_a_portal_page_is_sent_to_the_code_login(client, db):
    response = client.get("/portail/accueil/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/portail/?next=")
    assert response.status_code == 200


def test_staff_login_page_is_unchanged_for_other_destinations(client, db):
    response = client.get("/connexion/", {"next": "/jeunes/"})
    assert response.status_code == 200
