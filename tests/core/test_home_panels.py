"""Lazy home panels (core.home.HomePanel.lazy): a placeholder on the page, the panel from its own URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.accounts.roles import Role
from maillage.core import home


@pytest.fixture
def lazy_panel():
    calls = []

    def context(request):
        calls.append(request.user.pk)
        return {"word": "Bonjour <b>"} if request.GET.get("vide") != "1" else None

    panel = home.HomePanel(
        name="test.lazy",
        roles=frozenset({Role.COUNSELLOR}),
        template="core/test_lazy_panel.html",
        context=context,
        order=999,
        lazy=True,
        title="Un panneau d'essai",
    )
    home.register_home_panel(panel)
    yield calls
    home._PANELS.pop("test.lazy", None)


@pytest.fixture
def panel_template(settings, tmp_path):
    folder = tmp_path / "core"
    folder.mkdir()
    (folder / "test_lazy_panel.html").write_text('<section id="essai">{{ panel.word }}</section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_the_page_shows_a_placeholder_and_the_panel_comes_apart(
    login, counsellor_a, lazy_panel, panel_template
):
    browser = login(counsellor_a)
    page = browser.get("/?x=1").content.decode()
    url = reverse("core:home_panel", args=["test.lazy"])
    assert f'hx-get="{url}?x=1"' in page and "Un panneau d&#x27;essai" in page
    assert lazy_panel == []  # not computed with the page
    fragment = browser.get(url, headers={"HX-Request": "true"})
    assert fragment.content.decode() == '<section id="essai">Bonjour &lt;b&gt;</section>'
    assert browser.get(url, {"vide": "1"}, headers={"HX-Request": "true"}).content == b""
    standalone = browser.get(url).content.decode()
    assert "<html" in standalone and 'id="essai"' in standalone and "Retour à l'accueil" in standalone


def test_a_panel_is_404_for_other_roles_and_unknown_names(login, director, lazy_panel, panel_template):
    assert login(director).get(reverse("core:home_panel", args=["test.lazy"])).status_code == 404
    assert login(director).get(reverse("core:home_panel", args=["nothing.here"])).status_code == 404
    assert lazy_panel == []


def test_every_lazy_panel_has_a_url_and_a_title():
    for panel in home._PANELS.values():
        if panel.lazy:
            assert panel.title
            assert reverse("core:home_panel", args=[panel.name]).startswith("/accueil/panneau/")
