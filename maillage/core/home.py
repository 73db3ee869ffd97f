"""Home pages per role, assembled from panels that each domain app registers in its AppConfig.ready().

core does not import the domain apps (they depend on core, never the reverse): an app calls
`register_home_panel(...)` and the home page renders the panels whose roles include the user's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    name: str
    roles: frozenset[str]
    template: str
    #: Returns the template context, or None to hide the panel.
    context: Callable[[HttpRequest], dict | None]
    order: int = 100
    #: A lazy panel is not computed with the page: the page shows a placeholder that htmx replaces with the
    #: panel (views.home_panel) once the page is shown, or a link to it without JavaScript. For the panels
    #: that are not the page's main content: the home page of a counsellor gathers six apps.
    lazy: bool = False
    #: The placeholder's link text (lazy panels).
    title: str = ""


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    _PANELS[panel.name] = panel


def panel_for(request: HttpRequest, name: str) -> HomePanel | None:
    """The panel of that name if the user's role has it."""
    panel = _PANELS.get(name)
    if panel is None or getattr(request.user, "role", None) not in panel.roles:
        return None
    return panel


def panels_for(request: HttpRequest) -> list[dict]:
    role = getattr(request.user, "role", None)
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        if role not in panel.roles:
            continue
        if panel.lazy:
            rendered.append({"name": panel.name, "lazy": True, "title": panel.title})
            continue
        context = panel.context(request)
        if context is not None:
            rendered.append({"template": panel.template, "context": context, "name": panel.name})
    return rendered
