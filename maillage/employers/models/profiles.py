"""The job profile of a young person: what they look for and what they can bring (issue 4, item 4).

It belongs to the young person's file (OneToOne to `youth.Youth`) but lives in this app, because it is made of
ROME occupations and skills: the youth app must not depend on the ROME referential, which lives here. The file
shows it through the "youth_file" extension slot (`maillage.employers.slots`).

Matching reads the profile in bulk, so the services keep three derived columns (never computed in `save()`):
`fiche_codes`, `domain_codes` and `skill_codes`, space-separated codes, rebuilt by
`services.refresh_profile_keys()` after every change of the occupations, skills or experiences. The sought
occupations are also rows (`SoughtOccupation`, with the fiche's domain stored) so that SQL can preselect the
profiles of an offer's occupation, its ROME mobilities and its domain through an index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import BaseModel

from ..enums import ContractType, ExperienceKind
from .referentials import Appellation, Fiche, ProfessionalDomain, Skill

#: Sought occupations a profile holds at most (the form offers this many fields).
MAX_SOUGHT_OCCUPATIONS = 3


class JobProfileQuerySet(models.QuerySet["JobProfile"]):
    def looking(self) -> JobProfileQuerySet:
        """Profiles of young people who look for a job now, whose file is active (the copy on the profile)."""
        return self.filter(is_looking=True, file_active=True)


class JobProfile(BaseModel):
    youth = models.OneToOneField(
        "youth.Youth", verbose_name=_("jeune"), on_delete=models.CASCADE, related_name="job_profile"
    )
    is_looking = models.BooleanField(
        _("en recherche d'emploi"),
        default=True,
        help_text=_("Décochez quand le jeune ne cherche plus : il ne sera plus proposé pour les offres."),
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("compétences"), blank=True, related_name="job_profiles"
    )
    driving_licence = models.BooleanField(_("permis B"), default=False)
    has_vehicle = models.BooleanField(_("véhicule personnel (voiture, deux-roues)"), default=False)
    max_distance_km = models.PositiveSmallIntegerField(
        _("distance maximale (km)"),
        null=True,
        blank=True,
        help_text=_("Jusqu'où le jeune peut aller travailler. Vide : selon ses moyens de déplacement."),
    )
    public_transport_only = models.BooleanField(_("transports en commun uniquement"), default=False)
    #: Contract types the young person wishes (ContractType values); empty means any.
    contracts = models.JSONField(_("contrats souhaités"), default=list, blank=True)
    available_from = models.DateField(
        _("disponible à partir du"), null=True, blank=True, help_text=_("Vide : disponible tout de suite.")
    )
    #: Copied from the file (services.refresh_profile_keys, and nightly services.sync_job_profiles) so that
    #: the preselection reads one table; the rows shown are checked against the file itself (ranking.py).
    zone = models.ForeignKey(
        "territory.Zone",
        verbose_name=_("zone du dossier"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune du dossier"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    file_active = models.BooleanField(_("dossier actif"), default=True, editable=False)
    education_level = models.CharField(
        _("niveau de qualification"), max_length=10, blank=True, editable=False
    )
    #: Derived (services.refresh_profile_keys): codes of the sought fiches, their domains, every skill.
    fiche_codes = models.CharField(_("codes ROME recherchés"), max_length=60, blank=True, editable=False)
    domain_codes = models.CharField(_("domaines recherchés"), max_length=60, blank=True, editable=False)
    skill_codes = models.TextField(_("codes des compétences"), blank=True, editable=False)
    #: Optimistic lock (see services.StaleEditError).
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mis à jour par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = JobProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profil professionnel")
        verbose_name_plural = _("profils professionnels")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_distance_km__isnull=True) | Q(max_distance_km__lte=500),
                name="job_profile_distance_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["zone"],
                condition=Q(is_looking=True, file_active=True),
                name="job_profile_zone_looking_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Profil professionnel de {self.youth}"

    @property
    def contract_labels(self) -> list[str]:
        labels = dict(ContractType.choices)
        return [str(labels.get(value, value)) for value in self.contracts or []]

    @property
    def mobility_display(self) -> str:
        """ "Permis B et véhicule · jusqu'à 30 km" (what the pages show of the mobility)."""
        from ..matching import REACH_WITH_VEHICLE_KM, REACH_WITHOUT_VEHICLE_KM

        means = []
        if self.driving_licence:
            means.append("permis B")
        if self.has_vehicle:
            means.append("véhicule")
        if self.public_transport_only:
            means.append("transports en commun uniquement")
        text = " et ".join(means) if means else "ni permis ni véhicule"
        text = text[0].upper() + text[1:]
        if self.max_distance_km is not None:
            reach = f"jusqu'à {self.max_distance_km} km"
        elif self.driving_licence and self.has_vehicle and not self.public_transport_only:
            reach = f"jusqu'à {REACH_WITH_VEHICLE_KM} km (par défaut)"
        else:
            reach = f"jusqu'à {REACH_WITHOUT_VEHICLE_KM} km (par défaut)"
        return f"{text} · {reach}"

    @property
    def fiche_set(self) -> frozenset[str]:
        return frozenset(self.fiche_codes.split())

    @property
    def skill_set(self) -> frozenset[int]:
        return frozenset(int(code) for code in self.skill_codes.split())


class SoughtOccupation(models.Model):
    """One occupation the young person looks for: a ROME appellation, with its fiche and domain stored."""

    profile = models.ForeignKey(JobProfile, on_delete=models.CASCADE, related_name="occupations")
    appellation = models.ForeignKey(
        Appellation, verbose_name=_("métier (appellation ROME)"), on_delete=models.PROTECT, related_name="+"
    )
    fiche = models.ForeignKey(Fiche, verbose_name=_("fiche ROME"), on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey(
        ProfessionalDomain,
        verbose_name=_("domaine professionnel"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rank = models.PositiveSmallIntegerField(_("ordre"), default=1)

    class Meta:
        verbose_name = _("métier recherché")
        verbose_name_plural = _("métiers recherchés")
        ordering = ["profile", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "appellation"], name="sought_occupation_unique"),
        ]
        indexes = [
            models.Index(fields=["fiche", "profile"], name="sought_fiche_idx"),
            models.Index(fields=["domain", "profile"], name="sought_domain_idx"),
        ]

    def __str__(self) -> str:
        return str(self.appellation)


class Experience(BaseModel):
    """A work or personal experience (volunteering, sport, family…), with the skills it shows."""

    profile = models.ForeignKey(JobProfile, on_delete=models.CASCADE, related_name="experiences")
    kind = models.CharField(_("type d'expérience"), max_length=14, choices=ExperienceKind.choices)
    title = models.CharField(
        _("intitulé"), max_length=160, help_text=_("Par exemple : équipier polyvalent, entraîneur de foot.")
    )
    organisation = models.CharField(_("structure"), max_length=160, blank=True)
    appellation = models.ForeignKey(
        Appellation,
        verbose_name=_("métier exercé (ROME)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField(_("début"), null=True, blank=True)
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    description = models.TextField(_("ce que le jeune y a fait"), blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("compétences mises en œuvre"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("expérience")
        verbose_name_plural = _("expériences")
        ordering = ["profile", "-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="experience_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title
