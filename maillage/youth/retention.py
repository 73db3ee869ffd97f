"""Retention: files with no contact for two years are anonymised, after 30 days' notice.

The CNIL reference for social accompaniment keeps a file two years after the last contact
(`YOUTH_RETENTION_DAYS`, 730 by default). The cycle, run daily by `manage.py anonymise_inactive` (or the
`anonymise_inactive` task):

1. **notice**: every file due (last contact — or intake, when none — older than the retention period, or
   the consent to processing withdrawn) gets a `RetentionNotice` with the date it will be anonymised
   (`YOUTH_RETENTION_NOTICE_DAYS`, 30 days later; given at once when the consent is withdrawn). Directors
   see the list at /jeunes/conservation/, counsellors a banner on the file and a block on their home page;
   a contact recorded in the meantime (or a consent given again) makes the file no longer due, and its
   notice is withdrawn on the next run;
2. **anonymisation**: files whose notice date has come and that are still due are anonymised.

What anonymisation keeps and removes (docs/imports-youths.md has the table):

- removed: names, phone, e-mail, address, external reference, the day of birth (the birth date becomes
  the 1st of its month), every free text (notes deleted, comments, labels, descriptions, outcomes
  emptied), documents (rows and stored files), the search and identity keys;
- kept, because the observatory counts them: sex, birth year and month (age band at each event),
  commune, quartier, QPV, zone, education level, how they heard of us, intake date, last contact date,
  programmes (dates, status, end reason), events (dates, kinds, channels, statuses, themes, durations),
  situations (kinds, contract types, dates, hours), barriers (domains, details, severities, dates),
  proposals (kinds, dates, statuses), goals and actions (statuses, dates), consents (scope and dates).

Another app holding personal data about a young person registers its own step with
`register_anonymiser()` (in its AppConfig.ready()), called with the ids of the files being anonymised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from maillage.core import audit

from .enums import YouthStatus
from .models import (
    Action,
    Barrier,
    CejWeek,
    Consent,
    Document,
    Enrolment,
    EnrolmentSuspension,
    Event,
    Goal,
    Note,
    Proposal,
    RetentionNotice,
    Situation,
    TransferRequest,
    Youth,
)

ANONYMOUS_NAME = "ANONYME"
NOT_ANONYMISED = (YouthStatus.ACTIVE, YouthStatus.ARCHIVED)
BATCH_SIZE = 500


def retention_days() -> int:
    return int(getattr(settings, "YOUTH_RETENTION_DAYS", 730))


def notice_days() -> int:
    return int(getattr(settings, "YOUTH_RETENTION_NOTICE_DAYS", 30))


def retention_cutoff(on: date | None = None) -> date:
    """Files whose last contact is before this date are due."""
    return (on or timezone.localdate()) - timedelta(days=retention_days())


def due_condition(on: date | None = None) -> Q:
    """No contact within the retention period, or the consent to processing withdrawn (and not given
    again: services.record_consent clears `consent_withdrawn_on`)."""
    cutoff = retention_cutoff(on)
    return (
        Q(last_contact_on__lt=cutoff)
        | Q(last_contact_on__isnull=True, intake_on__lt=cutoff)
        | Q(consent_withdrawn_on__isnull=False)
    )


def due_files(on: date | None = None) -> QuerySet[Youth]:
    """Files not anonymised yet with no contact within the retention period (active or archived)."""
    return Youth.objects.filter(status__in=NOT_ANONYMISED).filter(due_condition(on))


# ------------------------------------------------------------------------------------------ anonymisers

Anonymiser = Callable[[Sequence[int]], None]
_ANONYMISERS: dict[str, Anonymiser] = {}


def register_anonymiser(key: str, anonymiser: Anonymiser) -> None:
    """Another app wipes its own personal data about these young people (idempotent by key)."""
    _ANONYMISERS[key] = anonymiser


def _anonymise_rows(ids: Sequence[int], now: Any) -> list[str]:
    """Anonymise these files in place (one UPDATE per table). Returns the stored document names."""
    documents = list(Document.objects.filter(youth_id__in=ids).values_list("file", flat=True))
    Document.objects.filter(youth_id__in=ids).delete()
    Note.objects.filter(youth_id__in=ids).delete()
    Youth.objects.filter(pk__in=ids).update(
        last_name=ANONYMOUS_NAME,
        first_names="",
        birth_date=TruncMonth("birth_date"),
        phone="",
        email="",
        address="",
        zone_override_reason="",
        counsellor=None,
        external_ref="",
        search_key="",
        identity_key="",
        status=YouthStatus.ANONYMISED,
        anonymised_at=now,
        version=F("version") + 1,
        updated=now,
    )
    Consent.objects.filter(youth_id__in=ids).update(detail="")
    Barrier.objects.filter(youth_id__in=ids).update(comment="")
    Enrolment.objects.filter(youth_id__in=ids).update(end_comment="")
    EnrolmentSuspension.objects.filter(enrolment__youth_id__in=ids).update(comment="")
    CejWeek.objects.filter(enrolment__youth_id__in=ids).update(added_comment="")
    Event.objects.filter(youth_id__in=ids).update(notes="")
    Proposal.objects.filter(youth_id__in=ids).update(description="", outcome="")
    Situation.objects.filter(youth_id__in=ids).update(label="", notes="")
    Goal.objects.filter(youth_id__in=ids).update(title="")
    Action.objects.filter(goal__youth_id__in=ids).update(title="")
    TransferRequest.objects.filter(youth_id__in=ids).update(reason="", decision_comment="")
    RetentionNotice.objects.filter(youth_id__in=ids).delete()
    for anonymiser in _ANONYMISERS.values():
        anonymiser(ids)
    return [name for name in documents if name]


def _delete_stored_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def anonymise_youths(ids: Sequence[int], *, by: Any = None, reason: str = "retention") -> int:
    """Anonymise these files now (whatever their last contact): one audit entry per file.

    The stored document files are deleted once the transaction is committed.
    """
    ids = list(
        Youth.objects.filter(status__in=NOT_ANONYMISED, pk__in=list(ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    now = timezone.now()
    names = _anonymise_rows(ids, now)
    for pk in ids:
        audit.record("youth.anonymised", by=by, object_type="youth.youth", object_id=pk, reason=reason)
    if names:
        transaction.on_commit(lambda: _delete_stored_files(names))
    return len(ids)


# ------------------------------------------------------------------------------------------- the cycle


@dataclass
class RetentionReport:
    on: date
    dry_run: bool = False
    noticed: int = 0
    withdrawn: int = 0
    anonymised: int = 0
    waiting: int = 0
    anonymise_on: date | None = None
    anonymised_ids: list[int] = field(default_factory=list)


def give_notice(*, on: date | None = None, by: Any = None, dry_run: bool = False) -> tuple[int, int]:
    """Notice to every due file without one; withdraw the notices of files no longer due.

    Returns (notices given, notices withdrawn).
    """
    on = on or timezone.localdate()
    lapsed = RetentionNotice.objects.exclude(youth__in=due_files(on))
    new_ids = list(
        due_files(on).filter(retention_notice__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    if dry_run:
        return len(new_ids), lapsed.count()
    with transaction.atomic():
        withdrawn, _ = lapsed.delete()
        anonymise_on = on + timedelta(days=notice_days())
        RetentionNotice.objects.bulk_create(
            [RetentionNotice(youth_id=pk, notified_on=on, anonymise_on=anonymise_on) for pk in new_ids],
            batch_size=1000,
        )
        if new_ids or withdrawn:
            audit.record(
                "youth.retention_notice",
                by=by,
                noticed=len(new_ids),
                withdrawn=withdrawn,
                anonymise_on=anonymise_on.isoformat(),
            )
    return len(new_ids), withdrawn


def notice_after_withdrawal(youth: Youth, *, by: Any = None, on: date | None = None) -> RetentionNotice:
    """The consent to processing was withdrawn: the file is anonymised after the notice period (the
    young person may still change their mind, or the Mission locale finish what is under way). Called by
    services.withdraw_consent inside its transaction."""
    on = on or timezone.localdate()
    Youth.objects.filter(pk=youth.pk).update(consent_withdrawn_on=on, updated=timezone.now())
    anonymise_on = on + timedelta(days=notice_days())
    notice, created = RetentionNotice.objects.get_or_create(
        youth=youth, defaults={"notified_on": on, "anonymise_on": anonymise_on}
    )
    if not created and notice.anonymise_on > anonymise_on:
        notice.anonymise_on = anonymise_on
        notice.save(update_fields=["anonymise_on", "updated"])
    audit.record(
        "youth.retention_notice",
        by=by,
        obj=youth,
        reason="consent_withdrawn",
        anonymise_on=anonymise_on.isoformat(),
    )
    return notice


def consent_restored(youth: Youth) -> None:
    """A consent to processing was recorded again: the file is no longer due for that reason (its notice,
    if it is not also due for lack of contact, is withdrawn at the next daily run)."""
    Youth.objects.filter(pk=youth.pk).update(consent_withdrawn_on=None, updated=timezone.now())


def expired_notices(on: date | None = None) -> QuerySet[RetentionNotice]:
    """Notices whose date has come, on files still due."""
    on = on or timezone.localdate()
    return RetentionNotice.objects.filter(anonymise_on__lte=on, youth__in=due_files(on))


def run_retention(*, on: date | None = None, by: Any = None, dry_run: bool = False) -> RetentionReport:
    """The daily cycle: give and withdraw notices, then anonymise the files whose notice expired."""
    on = on or timezone.localdate()
    report = RetentionReport(on=on, dry_run=dry_run, anonymise_on=on + timedelta(days=notice_days()))
    report.noticed, report.withdrawn = give_notice(on=on, by=by, dry_run=dry_run)
    expired = list(expired_notices(on).order_by("youth_id").values_list("youth_id", flat=True))
    if dry_run:
        report.anonymised = len(expired)
        report.anonymised_ids = expired
    else:
        for start in range(0, len(expired), BATCH_SIZE):
            batch = expired[start : start + BATCH_SIZE]
            report.anonymised += anonymise_youths(batch, by=by, reason="retention")
            report.anonymised_ids.extend(batch)
        if report.anonymised:
            audit.record("youth.retention_run", by=by, anonymised=report.anonymised, on=on.isoformat())
    report.waiting = RetentionNotice.objects.filter(anonymise_on__gt=on).count()
    return report


def notice_of(youth: Youth) -> RetentionNotice | None:
    """The file's notice, or None (loaded with select_related: no query)."""
    try:
        return youth.retention_notice
    except RetentionNotice.DoesNotExist:
        return None


def notices_for_listing(on: date | None = None) -> QuerySet[Youth]:
    """Due files with their notice (if any), soonest anonymisation first, for the directors' page."""
    return (
        due_files(on)
        .select_related("zone", "counsellor", "retention_notice")
        .order_by(F("retention_notice__anonymise_on").asc(nulls_last=True), "last_contact_on", "id")
    )
