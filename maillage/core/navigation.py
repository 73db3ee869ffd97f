"""Navigation by role: one list, so that menus and home pages never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from maillage.accounts.roles import STAFF_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


ITEMS: list[NavItem] = [
    NavItem("Accueil", "core:home", frozenset(r.value for r in Role)),
    NavItem("Territoire", "territory:index", frozenset(STAFF_ROLES)),
    NavItem("Journal d'audit", "core:audit", frozenset({Role.DIRECTOR, Role.ADMIN})),
]


def menu_for(user, path: str) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for item in ITEMS:
        if user.role not in item.roles:
            continue
        url = reverse(item.url_name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
