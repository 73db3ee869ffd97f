"""Navigation by role: one list, so that menus and home pages never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from maillage.accounts.roles import STAFF_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


_YOUTH_STAFF = frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR, Role.ANALYST, Role.ADMIN})
_EMPLOYER_STAFF = frozenset(
    {Role.EMPLOYER_OFFICER, Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR, Role.ADMIN}
)

#: Items whose URL name does not exist (an app not installed yet) are skipped.
ITEMS: list[NavItem] = [
    NavItem("Accueil", "core:home", frozenset(r.value for r in Role)),
    NavItem("Jeunes", "youth:list", _YOUTH_STAFF),
    NavItem("Nouveau jeune", "youth:intake", frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER})),
    NavItem("Agenda", "youth:agenda", frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER})),
    NavItem(
        "File d'attente",
        "portal:intake_queue",
        frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR}),
    ),
    NavItem("Transferts", "youth:transfers", frozenset({Role.ZONE_MANAGER, Role.DIRECTOR})),
    NavItem("Entreprises", "employers:company_list", _EMPLOYER_STAFF),
    NavItem("Offres", "employers:offer_list", _EMPLOYER_STAFF),
    NavItem("Partenaires", "partners:directory", frozenset(STAFF_ROLES)),
    NavItem("Orientations", "partners:referral_inbox", frozenset({Role.PARTNER})),
    NavItem("Orientations", "partners:referral_list", _YOUTH_STAFF),
    NavItem(
        "Projets",
        "partners:project_list",
        frozenset({Role.DIRECTOR, Role.ZONE_MANAGER, Role.ANALYST, Role.ADMIN}),
    ),
    NavItem("Instances", "partners:meeting_list", frozenset({Role.DIRECTOR, Role.ZONE_MANAGER, Role.ADMIN})),
    NavItem(
        "Observatoire",
        "observatory:index",
        frozenset(STAFF_ROLES | {Role.ELECTED}),
    ),
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
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
