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


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    _PANELS[panel.name] = panel


def panels_for(request: HttpRequest) -> list[dict]:
    role = getattr(request.user, "role", None)
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        if role not in panel.roles:
            continue
        context = panel.context(request)
        if context is not None:
            rendered.append({"template": panel.template, "context": context, "name": panel.name})
    return rendered
