"""Walk the whole URL configuration: every URL that is not public on purpose sends an anonymous visitor
to the login page, and the public ones are exactly the listed ones."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

#: View names that are public on purpose (tests elsewhere prove what they show).
PUBLIC_VIEW_NAMES = {
    "core:healthz",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "employers:public_request",
    "portal:preregister",
    "portal:preregister_done",
    "portal:commune_search",
    "portal:login",
    "portal:login_code",
    "portal:login_link",
    "portal:invitation",
    "portal:set_language",
}

SAMPLE_VALUES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in {"admin"}:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry


def _concrete(route: str, pattern: URLPattern) -> str | None:
    converters = getattr(pattern.pattern, "converters", {})
    url = route
    if "^" in url or "(?P" in url:
        return None
    for key, converter in converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        for token in (f"<{kind}:{key}>", f"<{key}>"):
            url = url.replace(token, SAMPLE_VALUES.get(kind, "1"))
    return "/" + url


ROUTES = [
    (route, name, pattern)
    for route, name, pattern in _walk(get_resolver().url_patterns)
    if not route.startswith("static/") and not route.startswith("media/")
]


def test_the_walk_finds_the_urls():
    names = {name for _, name, _ in ROUTES}
    assert {"core:home", "core:audit", "territory:index", "accounts:login"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "pattern"), ROUTES, ids=[r[1] or r[0] for r in ROUTES])
def test_non_public_urls_send_anonymous_visitors_to_login(client, route, name, pattern):
    url = _concrete(route, pattern)
    if url is None:
        pytest.skip("regex route")
    response = client.get(url)
    if name in PUBLIC_VIEW_NAMES:
        assert not (response.status_code == 302 and response["Location"].startswith("/connexion/"))
    else:
        assert response.status_code == 302, (
            f"{url} ({name}) answered {response.status_code} to an anonymous visitor"
        )
        assert response["Location"].startswith("/connexion/?next="), response["Location"]


@pytest.mark.django_db
def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]
