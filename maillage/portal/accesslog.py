"""« Qui a consulté mon dossier » : the audit entries about the file, told in plain words.

Every entry whose object is the youth file is listed (reads of the sensitive parts, changes, messages…),
except the young person's own actions. Action codes are mapped to short sentences; a code not listed here
still shows, with a general sentence, so that nothing is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.accounts.roles import Role
from maillage.core.audit import object_type_of
from maillage.core.models import AuditEntry
from maillage.youth.models import Youth

#: What happened, as the young person reads it (the subject is the person named beside it).
ACTION_TEXTS = {
    "youth.created": _("a créé votre dossier"),
    "youth.file_viewed": _("a ouvert votre dossier"),
    "youth.updated": _("a modifié votre nom, vos coordonnées ou votre adresse"),
    "youth.diagnosis_read": _(
        "a regardé la partie « difficultés » de votre dossier (logement, santé, transport…)"
    ),
    "youth.barrier_recorded": _("a noté une difficulté dans votre dossier"),
    "youth.barrier_resolved": _("a noté qu'une difficulté est réglée"),
    "youth.document_downloaded": _("a ouvert un de vos documents"),
    "youth.document_added": _("a ajouté un document à votre dossier"),
    "youth.note_added": _("a écrit une note sur votre suivi"),
    "youth.event_recorded": _("a noté un rendez-vous ou un échange avec vous"),
    "youth.event_status": _("a mis à jour un de vos rendez-vous"),
    "youth.enrolled": _("vous a inscrit dans un programme (CEJ, PACEA…)"),
    "youth.enrolment_ended": _("a noté la fin d'un programme"),
    "youth.enrolment_suspended": _("a mis un programme en pause"),
    "youth.enrolment_resumed": _("a repris un programme"),
    "youth.week_validated": _("a validé vos heures d'activité de la semaine"),
    "youth.proposal_added": _("vous a fait une proposition (emploi, formation…)"),
    "youth.proposal_outcome": _("a noté la suite d'une proposition"),
    "youth.situation_added": _("a noté votre situation (emploi, formation…)"),
    "youth.situation_ended": _("a noté la fin d'une situation"),
    "youth.goal_added": _("a ajouté un objectif à votre plan"),
    "youth.goal_status": _("a mis à jour un objectif de votre plan"),
    "youth.action_added": _("a ajouté une action à votre plan"),
    "youth.action_done": _("a coché une action de votre plan"),
    "youth.zone_overridden": _("a changé l'antenne qui vous suit"),
    "youth.counsellor_assigned": _("a changé votre conseiller ou votre conseillère"),
    "youth.transfer_requested": _("a demandé que votre dossier change d'antenne"),
    "youth.transfer_accepted": _("a accepté que votre dossier change d'antenne"),
    "youth.transfer_refused": _("a refusé que votre dossier change d'antenne"),
    "youth.event_updated": _("a corrigé un de vos rendez-vous"),
    "youth.event_deleted": _("a supprimé un rendez-vous noté par erreur"),
    "youth.proposal_deleted": _("a supprimé une proposition notée par erreur"),
    "youth.situation_deleted": _("a supprimé une situation notée par erreur"),
    "youth.note_deleted": _("a supprimé une note"),
    "youth.note_visibility": _("a changé qui peut lire une note"),
    "youth.document_deleted": _("a supprimé un document de votre dossier"),
    "youth.barrier_deleted": _("a supprimé une difficulté notée par erreur"),
    "youth.enrolment_deleted": _("a supprimé une entrée en dispositif notée par erreur"),
    "youth.consent_recorded": _("a noté votre accord pour l'utilisation de vos données"),
    "youth.consent_withdrawn": _("a noté que vous retirez votre accord"),
    "youth.retention_notice": _("a prévu l'effacement des informations qui permettent de vous reconnaître"),
    "youth.anonymised": _("a effacé les informations qui permettent de vous reconnaître"),
    "portal.account_opened": _("a ouvert votre espace en ligne"),
    "portal.invitation_sent": _("vous a invité à choisir un rendez-vous"),
    "portal.messages_read": _("a lu vos messages"),
    "portal.attachment_downloaded": _("a ouvert un fichier joint à vos messages"),
    "portal.message_sent": _("vous a écrit un message"),
    "portal.preregistration_linked": _("a relié votre pré-inscription en ligne à votre dossier"),
    "portal.correction_handled": _("a répondu à votre demande de correction"),
}
DEFAULT_TEXT = _("a consulté ou modifié votre dossier")

#: Roles in plain words (the portal's own labels, translated with the portal).
ROLE_LABELS: dict[str, Any] = {
    Role.COUNSELLOR: _("Conseiller ou conseillère"),
    Role.EMPLOYER_OFFICER: _("Chargé ou chargée de relations avec les entreprises"),
    Role.ZONE_MANAGER: _("Responsable d'antenne"),
    Role.DIRECTOR: _("Direction"),
    Role.ANALYST: _("Chargé ou chargée d'études"),
    Role.PARTNER: _("Partenaire"),
    Role.ELECTED: _("Élu ou élue"),
    Role.ADMIN: _("Administrateur ou administratrice"),
    Role.YOUTH: _("Jeune"),
}
SYSTEM_LABEL = _("Le système (automatique)")


@dataclass(frozen=True)
class AccessLine:
    at: datetime
    who: str
    role: str
    what: str


def entries_about(youth: Youth, *, exclude_user=None) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.for_object(object_type_of(youth), youth.pk).order_by("-at", "-id")
    if exclude_user is not None:
        entries = entries.exclude(user=exclude_user)
    return entries


def describe(entry: AuditEntry) -> AccessLine:
    if entry.user_id is None and not entry.user_role:
        who, role = str(SYSTEM_LABEL), ""
    else:
        who = entry.user_label
        role = str(ROLE_LABELS.get(entry.user_role, entry.user_role))
    return AccessLine(at=entry.at, who=who, role=role, what=str(ACTION_TEXTS.get(entry.action, DEFAULT_TEXT)))


def access_lines(entries) -> list[AccessLine]:
    return [describe(entry) for entry in entries]
