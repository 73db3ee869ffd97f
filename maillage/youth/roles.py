"""Which roles reach the youth pages, and how far (access.py applies these sets)."""

from __future__ import annotations

from maillage.accounts.roles import Role

#: Roles that see the young people of their own zones.
ZONE_ROLES = frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER})
#: Roles that see every young person (the director's reads are audited like everyone's).
ALL_ZONES_ROLES = frozenset({Role.DIRECTOR, Role.ANALYST, Role.ADMIN})
#: Roles that reach the staff pages of this app; everyone else gets a 404.
YOUTH_ROLES = ZONE_ROLES | ALL_ZONES_ROLES
#: Roles that may write on a file they can see (analysts and administrators only read).
WRITER_ROLES = frozenset({Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR})
#: Roles that read every diagnosis they can see; counsellors only read their own caseload's.
DIAGNOSIS_ALL_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})
#: Roles that decide transfers and zone overrides, for the zones they manage.
ZONE_MANAGER_ROLES = frozenset({Role.ZONE_MANAGER})
#: Roles that manage every zone.
ALL_ZONES_MANAGER_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})
