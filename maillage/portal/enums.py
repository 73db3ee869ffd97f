"""Choices of the portal: stored values in English, labels in plain French (translated for the portal)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmittedBy(models.TextChoices):
    SELF = "self", _("Moi-même : c'est moi, le ou la jeune")
    RELATIVE = "relative", _("Un proche (parent, ami, famille)")
    PROFESSIONAL = "professional", _("Un ou une professionnelle (partenaire, école, association)")


class CurrentSituation(models.TextChoices):
    """What the young person does today, in their words; mapped to youth's SituationKind on intake."""

    UNEMPLOYED = "unemployed", _("Je cherche un emploi ou je ne fais rien en ce moment")
    SCHOOL = "school", _("Je vais encore à l'école ou au lycée")
    TRAINING = "training", _("Je suis en formation")
    JOB = "job", _("Je travaille")
    CIVIC_SERVICE = "civic_service", _("Je fais un service civique")
    OTHER = "other", _("Autre chose")


class Need(models.TextChoices):
    JOB = "job", _("Trouver un emploi")
    TRAINING = "training", _("Trouver une formation")
    HOUSING = "housing", _("Le logement")
    MOBILITY = "mobility", _("Me déplacer (permis, transport)")
    HEALTH = "health", _("La santé")
    MONEY = "money", _("L'argent, les aides")
    OTHER = "other", _("Autre chose")


class Availability(models.TextChoices):
    MORNING = "morning", _("Le matin")
    AFTERNOON = "afternoon", _("L'après-midi")
    ANY = "any", _("N'importe quand")


class PreRegistrationStatus(models.TextChoices):
    NEW = "new", _("À traiter")
    CREATED = "created", _("Dossier créé")
    MERGED = "merged", _("Rattachée à un dossier existant")
    DISCARDED = "discarded", _("Classée sans suite")


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class SlotChannel(models.TextChoices):
    """How the appointment takes place (the values are youth's Channel values)."""

    IN_PERSON = "in_person", _("Sur place")
    PHONE = "phone", _("Par téléphone")
    VIDEO = "video", _("En visio")


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Envoyée, sans réponse")
    BOOKED = "booked", _("Rendez-vous choisi")
    CANCELLED = "cancelled", _("Annulée")


class CorrectionTopic(models.TextChoices):
    IDENTITY = "identity", _("Mon nom, ma date de naissance")
    CONTACT = "contact", _("Mon adresse, mon téléphone, mon e-mail")
    SITUATION = "situation", _("Ma situation (emploi, formation…)")
    APPOINTMENTS = "appointments", _("Mes rendez-vous")
    PLAN = "plan", _("Mon plan d'actions")
    OTHER = "other", _("Autre chose")


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("En attente")
    DONE = "done", _("Traitée")
