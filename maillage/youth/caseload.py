"""Read side of the lists: the counsellor's caseload (home page), the zone manager's team view, and the
search and filters of /jeunes/. Plus the one write of the team view: reassigning files.

Every function starts from `Youth.objects.visible_to(user)` and runs a fixed number of queries whatever
the data size: lists are paginated with a *capped* count (counting a million rows on every page is what
slows lists down), and what each row shows beside the file (current programme, current situation) is
loaded for the page's rows only, in one query each.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any, cast

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Func, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.core.text import search_key

from . import conf, services
from .access import can_manage_zone, managed_zone_ids
from .enums import YouthStatus
from .models import Action, Enrolment, Event, Situation, Youth, visible_youth_q
from .normalise import PHONE_ERROR, age_on, normalise_email, normalise_phone
from .roles import ALL_ZONES_ROLES, DIAGNOSIS_ALL_ROLES

#: Roles whose members hold caseloads (the counsellor list of a zone).
CASELOAD_ROLES = (Role.COUNSELLOR, Role.ZONE_MANAGER)
#: How many rows the blocks of the home page show (the count says how many there are in all).
BLOCK_LIMIT = 8
CASELOAD_PAGE_SIZE = 20
LIST_PAGE_SIZE = 50
#: Lists never count beyond this: "more than 10,000" is all anybody needs to know to refine the search.
COUNT_CAP = 10_000
#: … and beyond this when a filter looks into another table (programme, situation, barrier): each match
#: then costs an index probe, so the count stops sooner.
JOINED_COUNT_CAP = 500


_ID = re.compile(r"^[0-9]{1,18}$")


def parse_id(value: Any) -> int | None:
    """A database id typed in a URL or a form ("12"), or None for anything else (letters, "²", 10**30…)."""
    text = str(value or "").strip()
    return int(text) if _ID.match(text) else None


def today() -> date:
    return timezone.localdate()


def not_seen_cutoff(on: date | None = None) -> date:
    """Files whose last contact is before this date are "not seen for N weeks" (6 by default)."""
    return (on or today()) - timedelta(weeks=conf.not_seen_weeks())


# ---------------------------------------------------------------------------------------------- paginator


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` (SELECT COUNT(*) FROM (… LIMIT cap + 1)).

    Pages beyond the cap are not reachable: the list says "plus de 10 000" and invites to refine.
    """

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        # Counting needs neither the order nor the joined rows: COUNT(*) over at most cap + 1 ids.
        queryset = cast(QuerySet, self.object_list)
        counted = queryset.order_by().values("pk")[: self.cap + 1].count()
        self.is_capped = counted > self.cap
        return min(counted, self.cap)


# ------------------------------------------------------------------------------------------------ sorting

#: Sort keys of the lists (query string value → ordering, French label). Each one is served by an index
#: whose leading column is the zone or the counsellor (see docs/performance.md).
SORTS: dict[str, tuple[tuple[str, ...], str]] = {
    "nom": (("search_key", "id"), "Nom (A → Z)"),
    "-nom": (("-search_key", "-id"), "Nom (Z → A)"),
    "contact": (("last_contact_on", "id"), "Dernier contact (le plus ancien d'abord)"),
    "-contact": (("-last_contact_on", "-id"), "Dernier contact (le plus récent d'abord)"),
    "age": (("-birth_date", "-id"), "Âge (le plus jeune d'abord)"),
    "-age": (("birth_date", "id"), "Âge (le plus âgé d'abord)"),
    "accueil": (("-intake_on", "-id"), "Premier accueil (le plus récent d'abord)"),
    "-accueil": (("intake_on", "id"), "Premier accueil (le plus ancien d'abord)"),
}
DEFAULT_SORT = "nom"
SORT_CHOICES = [(key, label) for key, (_, label) in SORTS.items()]


def ordering_for(sort: str | None) -> tuple[str, ...]:
    return SORTS.get(sort or DEFAULT_SORT, SORTS[DEFAULT_SORT])[0]


# ------------------------------------------------------------------------------------------------- search

_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s.\-/()]+$")
QUERY_MAX_LENGTH = 100


@dataclass(frozen=True)
class ParsedQuery:
    """What a typed search means: a name, a birth date, a phone number or an e-mail address."""

    kind: str = ""  # "", "name", "birth_date", "phone", "email"
    words: tuple[str, ...] = ()
    day: date | None = None
    value: str = ""

    KIND_LABELS = {"name": "nom", "birth_date": "date de naissance", "phone": "téléphone", "email": "e-mail"}

    @property
    def label(self) -> str:
        return self.KIND_LABELS.get(self.kind, "")


def parse_query(raw: str | None) -> ParsedQuery:
    """Recognise what was typed; raises ValidationError with a French message for what cannot be meant.

    - "12/03/2006", "12-03-2006", "2006-03-12": a birth date (dd/mm/yyyy);
    - "06 12 34 56 78", "+33 6…": a phone number, normalised as stored;
    - anything with "@": an e-mail address (exact, case-insensitive);
    - anything else: words of the name, each matching the start of a word of the last name or first
      names, accents and case ignored ("le ga" finds "Le Gall", "kevin" finds "Kévin").
    """
    text = "".join(ch for ch in (raw or "") if ch.isprintable()).strip()  # no NUL nor control characters
    if not text:
        return ParsedQuery()
    if len(text) > QUERY_MAX_LENGTH:
        raise ValidationError(f"La recherche est trop longue ({QUERY_MAX_LENGTH} caractères au plus).")
    match = _DATE.match(text)
    iso = _ISO_DATE.match(text)
    if match or iso:
        day_, month, year = match.groups() if match else tuple(reversed(iso.groups()))  # type: ignore[union-attr]
        try:
            return ParsedQuery(kind="birth_date", day=date(int(year), int(month), int(day_)))
        except ValueError:
            raise ValidationError(
                f"« {text} » n'est pas une date valide : saisissez la date de naissance au format jj/mm/aaaa "
                "(par exemple 05/09/2006)."
            ) from None
    if "@" in text:
        return ParsedQuery(kind="email", value=normalise_email(text))
    digits = sum(ch.isdigit() for ch in text)
    if _PHONE_LIKE.match(text) and digits >= 6:
        try:
            return ParsedQuery(kind="phone", value=normalise_phone(text))
        except ValueError:
            raise ValidationError(f"Recherche par téléphone : {PHONE_ERROR}") from None
    words = tuple(search_key(text).split())
    if not words:
        raise ValidationError(
            "Saisissez un nom, une date de naissance (jj/mm/aaaa), un téléphone ou un e-mail."
        )
    return ParsedQuery(kind="name", words=words[:6])


#: Words shorter than this are left out of the full-text query (a one- or two-letter prefix matches a large
#: part of the index); the LIKE conditions still apply them.
FULL_TEXT_MIN_LENGTH = 3


def name_matches(
    queryset: QuerySet[Youth], words: Sequence[str], *, full_text: bool = True
) -> QuerySet[Youth]:
    """Each word starts a word of the stored search key ("last first", see normalise.youth_search_key).

    Always: `search_key LIKE 'w%' OR search_key LIKE '% w%'` for each word — cheap to check on the entries of
    `youth_active_zone_name_idx` while reading a zone in name order (a zone of 50,000 files in 5 ms). With
    `full_text` on PostgreSQL (a search over every zone), the same words of 3 letters or more also as a
    full-text prefix query (`to_tsquery('simple', 'gall:*')`) served by the GIN index of migration 0003. Both
    conditions select the same rows (the key holds only [a-z0-9] words separated by single spaces): the
    second only gives the planner an index.
    """
    if not words:
        return queryset
    condition = Q()
    for word in words:
        condition &= Q(search_key__startswith=word) | Q(search_key__contains=" " + word)
    queryset = queryset.filter(condition)
    long_words = [word for word in words if len(word) >= FULL_TEXT_MIN_LENGTH]
    if full_text and connection.vendor == "postgresql" and long_words:
        query = " & ".join(f"{word}:*" for word in long_words)
        queryset = queryset.alias(name_vector=SearchVector("search_key", config="simple")).filter(
            name_vector=SearchQuery(query, search_type="raw", config="simple")
        )
    return queryset


_KEY_WORD = re.compile(r"[a-z0-9]+")


def zone_words_sql(key: str = '"search_key"', zone: str = '"zone_id"') -> str:
    """The words of the search key, each prefixed by the file's zone: "le gall kevin" in zone 3 gives the
    lexemes z3wle, z3wgall, z3wkevin. `key` and `zone`: the columns' SQL. The expression of the PostgreSQL
    index youth_active_zone_words_idx (migration 0007) and of the query that uses it (ZoneWordsMatch): the
    two must be written alike."""
    return (
        f"to_tsvector('simple'::regconfig, regexp_replace(({key})::text, '(^| )', "
        f"'\\1z' || ({zone})::text || 'w', 'g'))"
    )


class ZoneWordsMatch(Func):
    """`zone_words_sql() @@ to_tsquery('simple', query)`, as an expression: its columns are compiled by
    Django, so that the condition stays right when the queryset becomes a subquery (aliases relabelled)."""

    output_field = BooleanField()

    def __init__(self, query: str) -> None:
        super().__init__(F("search_key"), F("zone_id"), Value(query))

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        (key, key_params), (zone, zone_params), (query, query_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"{zone_words_sql(key, zone)} @@ to_tsquery('simple'::regconfig, {query})"
        return sql, [*key_params, *zone_params, *query_params]


def zone_words_useful(words: Sequence[str]) -> bool:
    """Several words, one of 3 letters or more: the words of one zone then narrow a zone of 50,000 files to a
    few dozen at once. A single word is better served by reading the zone in name order, which stops at the
    first page of matches (measured: docs/performance.md)."""
    return (
        len(words) >= 2
        and max(len(word) for word in words) >= FULL_TEXT_MIN_LENGTH
        and all(_KEY_WORD.fullmatch(word) for word in words)
    )


def in_zones_by_words(
    queryset: QuerySet[Youth], words: Sequence[str], zone_ids: Sequence[int]
) -> QuerySet[Youth]:
    """PostgreSQL, active files of known zones: the name words as prefixes of the zone's words
    (`zone_words_sql`), served by youth_active_zone_words_idx. Selects the same rows as name_matches (the
    words are [a-z0-9] only); the caller keeps the LIKE conditions and the zone and status filters."""
    alternatives = []
    for zone_id in zone_ids:
        alternatives.append("(" + " & ".join(f"z{int(zone_id)}w{word}:*" for word in words) + ")")
    return queryset.filter(ZoneWordsMatch(" | ".join(alternatives)))


def apply_query(
    queryset: QuerySet[Youth], parsed: ParsedQuery, *, full_text: bool = False
) -> QuerySet[Youth]:
    """Filter by what was typed. `full_text`: the scope spans every zone (see name_matches)."""
    if parsed.kind == "name":
        return name_matches(queryset, parsed.words, full_text=full_text)
    if parsed.kind == "birth_date" and parsed.day is not None:
        return queryset.filter(birth_date=parsed.day)
    if parsed.kind == "phone":
        return queryset.filter(phone=parsed.value)
    if parsed.kind == "email":
        return queryset.filter(email=parsed.value)
    return queryset


# ------------------------------------------------------------------------------------------- list filters

#: Age bands (label, youngest, oldest inclusive; None: no bound), by age today.
AGE_BANDS: dict[str, tuple[str, int | None, int | None]] = {
    "16-17": ("16-17 ans", None, 17),
    "18-21": ("18-21 ans", 18, 21),
    "22-25": ("22-25 ans", 22, 25),
    "26+": ("26 ans et plus", 26, None),
}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def in_age_band(queryset: QuerySet[Youth], band: str, on: date | None = None) -> QuerySet[Youth]:
    """Young people whose age on `on` is in the band, as a range on the indexed birth date."""
    on = on or today()
    _, youngest, oldest = AGE_BANDS[band]
    if youngest is not None:  # at least `youngest` years old: born on or before that birthday
        queryset = queryset.filter(birth_date__lte=_years_before(on, youngest))
    if oldest is not None:  # younger than oldest + 1: born after that birthday
        queryset = queryset.filter(birth_date__gt=_years_before(on, oldest + 1))
    return queryset


def can_filter_by_barrier(user: Any) -> bool:
    """The barrier filter reveals diagnoses: for the roles that read them (counsellors: own caseload)."""
    return getattr(user, "role", None) in {*DIAGNOSIS_ALL_ROLES, Role.ZONE_MANAGER, Role.COUNSELLOR}


@dataclass
class ListFilters:
    """Validated filters of the list (ids, codes and dates: never the typed text in the audit)."""

    query: ParsedQuery = field(default_factory=ParsedQuery)
    zone_id: int | None = None
    counsellor: str = ""  # "", "aucun" or a user id
    programme_id: int | None = None
    programme_code: str = ""
    situation: str = ""
    age_band: str = ""
    barrier: str = ""
    status: str = "actifs"
    not_seen: bool = False
    sort: str = DEFAULT_SORT

    @property
    def count_cap(self) -> int:
        return JOINED_COUNT_CAP if (self.programme_id or self.situation or self.barrier) else COUNT_CAP

    def audit_summary(self) -> dict[str, Any]:
        """The filters as the audit log keeps them: kinds and codes, no name, phone or e-mail."""
        summary: dict[str, Any] = {
            "recherche": self.query.label,
            "zone_id": self.zone_id,
            "conseiller": self.counsellor,
            "dispositif": self.programme_code,
            "situation": self.situation,
            "tranche_age": self.age_band,
            "frein": self.barrier,
            "statut": self.status,
            "pas_vu": self.not_seen,
            "tri": self.sort,
        }
        return {key: value for key, value in summary.items() if value not in ("", None, False)}


STATUS_FILTERS = {
    "actifs": ("Actifs", (YouthStatus.ACTIVE,)),
    "archives": ("Archivés", (YouthStatus.ARCHIVED,)),
    "tous": ("Actifs et archivés", (YouthStatus.ACTIVE, YouthStatus.ARCHIVED)),
}


def filtered_youths(user: Any, filters: ListFilters) -> QuerySet[Youth]:
    """The visible files matching the filters, in the chosen order (no query runs here)."""
    queryset: Any = Youth.objects.visible_to(user).filter(status__in=STATUS_FILTERS[filters.status][1])
    # Within zones, reading the zones' name index is the fastest way to match word prefixes; across every
    # zone (director, analyst), the full-text index narrows the search first.
    every_zone = getattr(user, "role", None) in ALL_ZONES_ROLES and not filters.zone_id
    queryset = apply_query(queryset, filters.query, full_text=every_zone)
    if filters.zone_id:
        queryset = queryset.filter(zone_id=filters.zone_id)
    words = filters.query.words if filters.query.kind == "name" else ()
    if (
        connection.vendor == "postgresql"
        and not every_zone
        and STATUS_FILTERS[filters.status][1] == (YouthStatus.ACTIVE,)
        and words
        and zone_words_useful(words)
    ):
        zone_ids = [filters.zone_id] if filters.zone_id else user.zone_ids()
        if zone_ids:
            queryset = in_zones_by_words(queryset, words, zone_ids)
    if filters.counsellor == "aucun":
        queryset = queryset.filter(counsellor__isnull=True)
    elif filters.counsellor:
        queryset = queryset.filter(counsellor_id=parse_id(filters.counsellor))
    if filters.programme_id:
        queryset = queryset.filter(
            pk__in=Enrolment.objects.open().filter(programme_id=filters.programme_id).values("youth_id")
        )
    if filters.situation:
        queryset = queryset.filter(
            pk__in=Situation.objects.current(today()).filter(kind=filters.situation).values("youth_id")
        )
    if filters.age_band:
        queryset = in_age_band(queryset, filters.age_band)
    if filters.not_seen:
        queryset = queryset.not_seen_since(not_seen_cutoff())
    if filters.barrier:
        restricted: Any = restrict_for_barrier_filter(user, queryset)
        queryset = restricted.with_open_barrier(filters.barrier)
    return queryset.order_by(*ordering_for(filters.sort))


def restrict_for_barrier_filter(user: Any, queryset: QuerySet[Youth]) -> QuerySet[Youth]:
    """Only the files whose diagnosis this user may read (access.can_read_diagnosis, as a query)."""
    role = getattr(user, "role", None)
    if role in DIAGNOSIS_ALL_ROLES:
        return queryset
    if role == Role.ZONE_MANAGER:
        return queryset.filter(zone_id__in=user.zone_ids())
    if role == Role.COUNSELLOR:
        return queryset.filter(counsellor=user, zone_id__in=user.zone_ids())
    return queryset.none()


# --------------------------------------------------------------------------------------------- list rows


_ACRONYM = re.compile(r"\(([^()]{2,12})\)\s*$")


def short_programme_name(name: str) -> str:
    """ "Contrat d'engagement jeune (CEJ)" -> "CEJ": the acronym in brackets at the end, else the name."""
    match = _ACRONYM.search(name)
    return match.group(1) if match else name


@dataclass
class Row:
    """One line of a list: the file and what the list shows beside it (computed once, for the template)."""

    youth: Youth
    programme: str = ""
    situation: str = ""
    on: date = field(default_factory=lambda: today())
    programme_short: str = field(init=False)
    age: int = field(init=False)
    not_seen: bool = field(init=False)
    weeks_since_contact: int | None = field(init=False)

    def __post_init__(self) -> None:
        names = self.programme.split(", ") if self.programme else []
        self.programme_short = ", ".join(short_programme_name(name) for name in names)
        self.age = age_on(self.youth.birth_date, self.on)
        last = self.youth.last_contact_on
        self.not_seen = last is None or last < not_seen_cutoff(self.on)
        self.weeks_since_contact = None if last is None else (self.on - last).days // 7


def rows_for(youths: Iterable[Youth]) -> list[Row]:
    """Rows with the current programme and situation: two queries for the whole page."""
    youths = list(youths)
    ids = [y.pk for y in youths]
    programmes: dict[int, list[str]] = defaultdict(list)
    situations: dict[int, str] = {}
    if ids:
        for youth_id, name in (
            Enrolment.objects.open()
            .filter(youth_id__in=ids)
            .order_by("youth_id", "-start_on", "-id")
            .values_list("youth_id", "programme__name")
        ):
            programmes[youth_id].append(name)
        for youth_id, kind, contract_type in (
            Situation.objects.current(today())
            .filter(youth_id__in=ids)
            .order_by("youth_id", "started_on", "id")
            .values_list("youth_id", "kind", "contract_type")
        ):
            situations[youth_id] = Situation.describe(kind, contract_type)  # the latest started wins
    on = today()
    return [Row(y, ", ".join(programmes.get(y.pk, [])), situations.get(y.pk, ""), on) for y in youths]


def list_queryset_for_display(queryset: QuerySet[Youth]) -> QuerySet[Youth]:
    return queryset.select_related("commune", "zone", "counsellor")


def paginate_rows(
    queryset: QuerySet[Youth], page_number: Any, per_page: int = LIST_PAGE_SIZE, cap: int | None = None
) -> tuple[Page, list[Row]]:
    """One page of files, in two steps: the page's ids (read from an index alone when the filters and the
    order are index columns, however deep the page), then those files with what the rows show.

    On the first page, the ids are read first (one more than a page): when they do not fill the page — an
    exact name, a birth date, a phone number — they are the count too, and no count query runs.
    """
    ids_queryset = queryset.values_list("pk", flat=True)
    paginator = CappedPaginator(ids_queryset, per_page, cap=cap)
    first: list[int] | None = None
    if str(page_number or "1").strip() == "1":
        first = list(ids_queryset[: per_page + 1])
        if len(first) <= per_page:
            paginator.__dict__["count"] = len(first)  # fills the cached_property: no COUNT query
    page = paginator.get_page(page_number)
    ids = first[:per_page] if first is not None and page.number == 1 else list(page.object_list)
    loaded = {y.pk: y for y in list_queryset_for_display(Youth.objects.filter(pk__in=ids))} if ids else {}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    return page, rows_for(page.object_list)


# --------------------------------------------------------------------------------------------- caseload


@dataclass
class CaseloadBlocks:
    """The counsellor's home page: what to do today, then the whole caseload."""

    today_events: list[Event]
    not_seen: list[Youth]
    not_seen_count: int
    overdue_actions: list[Action]
    overdue_count: int
    cutoff: date
    weeks: int
    #: Files of the caseload on notice of anonymisation (at most BLOCK_LIMIT + 1: "and more" beyond).
    on_notice: list[Youth] = field(default_factory=list)


def caseload_youths(user: Any) -> QuerySet[Youth]:
    """The counsellor's own active files, among those they may see."""
    return Youth.objects.visible_to(user).for_counsellor(user).active()


def caseload_blocks(user: Any) -> CaseloadBlocks:
    """Today's appointments, files not seen for 6+ weeks, overdue actions, CEJ weeks under target.

    Six queries whatever the caseload (two per capped block, one each for today and the notices). The CEJ
    block is computed apart (views_lists.caseload_cej, loaded after the page).
    """
    cutoff = not_seen_cutoff()
    mine: Any = caseload_youths(user)
    not_seen = mine.not_seen_since(cutoff).order_by("last_contact_on", "search_key", "id")
    # Only the files the user may open: a file moved to another zone is no longer theirs to follow.
    overdue = Action.objects.overdue_for_counsellor(user).filter(
        visible_youth_q(user, "goal__youth__"), goal__youth__status=YouthStatus.ACTIVE
    )
    return CaseloadBlocks(
        today_events=list(Event.objects.today_for_counsellor(user).filter(visible_youth_q(user, "youth__"))),
        not_seen=list(not_seen[:BLOCK_LIMIT]),
        not_seen_count=not_seen.count(),
        overdue_actions=list(overdue[:BLOCK_LIMIT]),
        overdue_count=overdue.count(),
        cutoff=cutoff,
        weeks=conf.not_seen_weeks(),
        on_notice=list(
            mine.filter(retention_notice__isnull=False)
            .select_related("retention_notice")
            .order_by("retention_notice__anonymise_on", "id")[: BLOCK_LIMIT + 1]
        ),
    )


def caseload_page(
    user: Any, *, query: str = "", sort: str = "", page: Any = 1
) -> tuple[Page, list[Row], str]:
    """One page of the counsellor's files, searched by name (or date, phone, e-mail) and sorted.

    Returns the page, its rows, and an error message for a query that cannot be understood.
    """
    queryset = caseload_youths(user)
    error = ""
    try:
        queryset = apply_query(queryset, parse_query(query))
    except ValidationError as exc:
        error = exc.messages[0]
        queryset = queryset.none()
    page_obj, rows = paginate_rows(queryset.order_by(*ordering_for(sort)), page, CASELOAD_PAGE_SIZE)
    return page_obj, rows, error


# -------------------------------------------------------------------------------------- the team (zones)


@dataclass(frozen=True)
class Person:
    """A counsellor as the team view shows them (no model instance: a zone may have hundreds)."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class CounsellorLoad:
    counsellor: Person | None  # None: the files nobody follows
    active: int = 0
    not_seen: int = 0

    @property
    def not_seen_share(self) -> int:
        return round(100 * self.not_seen / self.active) if self.active else 0


#: How many counsellors the home panel lists per zone (those with the most files not seen first).
PANEL_COUNSELLORS = 8


@dataclass
class ZoneLoads:
    zone_id: int
    zone_name: str
    loads: list[CounsellorLoad]
    #: The page of `loads` the team view shows (set by the view).
    page: Any = None

    @property
    def total(self) -> int:
        return sum(load.active for load in self.loads)

    @property
    def not_seen(self) -> int:
        return sum(load.not_seen for load in self.loads)

    @property
    def unassigned(self) -> int:
        return sum(load.active for load in self.loads if load.counsellor is None)

    @property
    def counsellor_count(self) -> int:
        return sum(1 for load in self.loads if load.counsellor is not None)

    @property
    def to_watch(self) -> list[CounsellorLoad]:
        """The counsellors with the most files not seen (for the home panel)."""
        ranked = sorted(
            (load for load in self.loads if load.counsellor is not None),
            key=lambda load: (-load.not_seen, load.counsellor.name),  # type: ignore[union-attr]
        )
        return ranked[:PANEL_COUNSELLORS]


def counsellors_of_zones(zone_ids: Iterable[int]) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, role__in=CASELOAD_ROLES, zone_memberships__zone_id__in=list(zone_ids)
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def team_zone_ids(user: Any) -> list[int]:
    """The zones whose caseloads this user manages (all zones for the director)."""
    from maillage.territory.models import Zone

    managed = managed_zone_ids(user)
    if managed is None:
        return list(Zone.objects.order_by("position", "name").values_list("pk", flat=True))
    return managed


def _person(first: str, last: str, email: str, pk: int) -> Person:
    return Person(pk, f"{first} {last}".strip() or email)


def zone_loads(zone_ids: Sequence[int]) -> list[ZoneLoads]:
    """Active files and files not seen for 6+ weeks, per counsellor of each zone. Four queries, the counts
    read from youth_active_zone_load_idx alone."""
    from maillage.accounts.models import ZoneMembership
    from maillage.territory.models import Zone

    zone_ids = list(zone_ids)
    cutoff = not_seen_cutoff()
    counts = (
        Youth.objects.active()
        .filter(zone_id__in=zone_ids)
        .values("zone_id", "counsellor_id")
        .annotate(  # no COUNT(id): PostgreSQL then reads youth_active_zone_load_idx alone
            active=Count("*"),
            not_seen=Sum(
                Case(
                    When(Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True), then=Value(1)),
                    default=Value(0),
                )
            ),
        )
        .order_by()
    )
    by_zone: dict[int, dict[int | None, tuple[int, int]]] = defaultdict(dict)
    for row in counts:
        by_zone[row["zone_id"]][row["counsellor_id"]] = (row["active"], row["not_seen"])
    members: dict[int, list[Person]] = defaultdict(list)
    for zone_id, pk, first, last, email in (
        ZoneMembership.objects.filter(
            zone_id__in=zone_ids, user__is_active=True, user__role__in=CASELOAD_ROLES
        )
        .order_by("user__last_name", "user__first_name", "user__email")
        .values_list("zone_id", "user_id", "user__first_name", "user__last_name", "user__email")
    ):
        members[zone_id].append(_person(first, last, email, pk))
    # Files still held by someone who is no longer a counsellor of the zone (left, changed role…).
    member_ids = {(zone_id, p.pk) for zone_id, people in members.items() for p in people}
    former_ids = {
        counsellor_id
        for zone_id, figures in by_zone.items()
        for counsellor_id in figures
        if counsellor_id is not None and (zone_id, counsellor_id) not in member_ids
    }
    former = {
        pk: _person(first, last, email, pk)
        for pk, first, last, email in User.objects.filter(pk__in=former_ids).values_list(
            "pk", "first_name", "last_name", "email"
        )
    }
    result = []
    for zone_id, zone_name in (
        Zone.objects.filter(pk__in=zone_ids).order_by("position", "name").values_list("pk", "name")
    ):
        figures = by_zone.get(zone_id, {})
        loads = [CounsellorLoad(p, *figures.get(p.pk, (0, 0))) for p in members.get(zone_id, [])]
        for counsellor_id, (active, not_seen) in sorted(figures.items(), key=lambda item: item[0] or 0):
            if counsellor_id is not None and (zone_id, counsellor_id) not in member_ids:
                loads.append(CounsellorLoad(former.get(counsellor_id), active, not_seen))
        if None in figures:
            loads.append(CounsellorLoad(None, *figures[None]))
        result.append(ZoneLoads(zone_id, zone_name, loads))
    return result


@transaction.atomic
def reassign_files(*, by: Any, youth_ids: Sequence[int], counsellor: User | None) -> int:
    """Give several files to a counsellor (None: to nobody). Each file is audited by
    services.assign_counsellor; the zone of every file must be one that `by` manages.

    Returns the number of files that changed hands. Raises ValidationError (French) otherwise.
    """
    ids = sorted({int(pk) for pk in youth_ids})
    if not ids:
        raise ValidationError("Cochez au moins un dossier à réaffecter.")
    youths = list(
        Youth.objects.visible_to(by).filter(pk__in=ids).select_related("zone").select_for_update(of=("self",))
    )
    if len(youths) != len(ids):
        raise ValidationError("Certains dossiers cochés n'existent pas ou ne sont pas dans vos zones.")
    for youth in youths:
        if not can_manage_zone(by, youth.zone_id):
            raise ValidationError(f"Vous ne gérez pas la zone {youth.zone.name}.")
    changed = 0
    for youth in youths:
        if youth.counsellor_id == (counsellor.pk if counsellor else None):
            continue
        services.assign_counsellor(by=by, youth=youth, counsellor=counsellor)
        changed += 1
    return changed
