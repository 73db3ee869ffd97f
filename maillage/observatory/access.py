"""Who may read the observatory, and over which territory.

- Direction, chargé·e d'études, administrateur·rice: the whole area.
- Responsable d'antenne, and also conseiller·ère and chargé·e de relation entreprises: the communes of their
  zones (antennes). Counsellors and employer officers are let in on purpose: what the page shows today is
  public open data (census, job seekers, recruitment plans), useful to prepare an interview or an employer
  visit; the youth indicators of part 2 will apply the same zone scope and the same secrecy rule.
- Élu·e: the aggregates of their EPCI and of the zone(s) their EPCI belongs to; commune by commune, only the
  communes of their EPCI. Any zone, EPCI or commune outside that scope is a 404.
- Partenaire, jeune: 404 (anonymous visitors are sent to the login page by the middleware).
- A staff member bound to no zone, or an elected official bound to no EPCI, has nothing to read: 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from maillage.accounts.roles import ALL_ZONES_ROLES, Role
from maillage.territory.models import Commune

ZONE_SCOPED_ROLES = frozenset({Role.ZONE_MANAGER, Role.COUNSELLOR, Role.EMPLOYER_OFFICER})
OBSERVATORY_ROLES = frozenset({*ALL_ZONES_ROLES, *ZONE_SCOPED_ROLES, Role.ELECTED})


@dataclass(frozen=True)
class ObservatoryScope:
    """What a user may select and see. None means "no restriction"."""

    kind: str  # "all", "zones" or "epcis"
    #: Zones the user may select (and whose aggregates they may read).
    zone_ids: frozenset[int] | None = None
    #: EPCI the user may select.
    epci_ids: frozenset[int] | None = None
    #: Communes the user may select and see one by one.
    commune_ids: frozenset[int] | None = None
    #: Whether aggregates are limited to `commune_ids` (zone staff) or may cover a whole zone (elected).
    clip_aggregates: bool = False

    @property
    def sees_everything(self) -> bool:
        return self.kind == "all"

    def allows_zone(self, zone_id: int) -> bool:
        return self.zone_ids is None or zone_id in self.zone_ids

    def allows_epci(self, epci_id: int) -> bool:
        return self.epci_ids is None or epci_id in self.epci_ids

    def allows_commune(self, commune_id: int) -> bool:
        return self.commune_ids is None or commune_id in self.commune_ids


def get_observatory_scope(user) -> ObservatoryScope:
    """The user's scope, or 404 for anyone the observatory does not serve."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or role not in OBSERVATORY_ROLES:
        raise Http404
    if role in ALL_ZONES_ROLES:
        return ObservatoryScope(kind="all")
    if role in ZONE_SCOPED_ROLES:
        zone_ids = frozenset(user.zone_ids())
        if not zone_ids:
            raise Http404
        communes = list(Commune.objects.filter(zone_id__in=zone_ids).values_list("pk", "epci_id"))
        return ObservatoryScope(
            kind="zones",
            zone_ids=zone_ids,
            epci_ids=frozenset(epci for _, epci in communes),
            commune_ids=frozenset(pk for pk, _ in communes),
            clip_aggregates=True,
        )
    epci_ids = frozenset(user.epci_ids())
    if not epci_ids:
        raise Http404
    communes = list(Commune.objects.filter(epci_id__in=epci_ids).values_list("pk", "zone_id"))
    return ObservatoryScope(
        kind="epcis",
        zone_ids=frozenset(zone for _, zone in communes),
        epci_ids=epci_ids,
        commune_ids=frozenset(pk for pk, _ in communes),
        clip_aggregates=False,
    )
