"""Reference data: ROME 4.0 (occupations, skills, mobilities) and NAF rév. 2 (activities).

Loaded by `manage.py load_referentials` (maillage.employers.referentials) from data/rome and data/naf.
The official codes are the primary keys, so that a reload never changes a foreign key and other apps can
point at "M1805" or the OGR code of an appellation for ever. An occupation or a skill that disappears from
a new ROME version is kept, marked inactive (offers and profiles may still point at it), and no longer
proposed in searches.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.text import search_key

from ..enums import CoreLevel, SkillKind

#: Longest query the occupation search looks at.
SEARCH_MAX_LENGTH = 80


def words_query(key: str, field: str) -> Q:
    """Every word of the query starts a word of the stored key (" developpeur informatique ...").

    The stored keys begin with a space, so "a word starts with w" is one `contains(" w")` per word, the same
    on PostgreSQL and SQLite.
    """
    condition = Q()
    for word in key.split():
        condition &= Q(**{f"{field}__contains": " " + word})
    return condition


# --- ROME 4.0 -------------------------------------------------------------------------------------------


class GrandDomain(models.Model):
    code = models.CharField(_("code"), max_length=1, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    is_active = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("grand domaine ROME")
        verbose_name_plural = _("grands domaines ROME")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class ProfessionalDomain(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    grand_domain = models.ForeignKey(
        GrandDomain, verbose_name=_("grand domaine"), on_delete=models.PROTECT, related_name="domains"
    )
    is_active = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("domaine professionnel ROME")
        verbose_name_plural = _("domaines professionnels ROME")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class FicheQuerySet(models.QuerySet["Fiche"]):
    def active(self) -> FicheQuerySet:
        return self.filter(is_active=True)


class Fiche(models.Model):
    """A ROME fiche métier (code ROME such as M1805)."""

    code = models.CharField(_("code ROME"), max_length=5, primary_key=True)
    label = models.CharField(_("libellé ROME 4.0"), max_length=200)
    label_v3 = models.CharField(
        _("libellé ROME v3"),
        max_length=200,
        blank=True,
        help_text=_("Libellé de la fiche en ROME v3, pour les 532 fiches « parentes » qui existaient déjà."),
    )
    code_ogr = models.PositiveIntegerField(_("code OGR"), unique=True)
    domain = models.ForeignKey(
        ProfessionalDomain,
        verbose_name=_("domaine professionnel"),
        on_delete=models.PROTECT,
        related_name="fiches",
    )
    #: Denormalised from the domain: the GPEC-T tables and matching group by it without a join.
    grand_domain = models.ForeignKey(
        GrandDomain, verbose_name=_("grand domaine"), on_delete=models.PROTECT, related_name="fiches"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("fiche parente"),
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("ROME 4.0 regroupe des fiches sous une fiche parente (celle qui existait en v3)."),
    )
    riasec_major = models.CharField(_("RIASEC majeur"), max_length=1, blank=True)
    riasec_minor = models.CharField(_("RIASEC mineur"), max_length=1, blank=True)
    mobilities = models.ManyToManyField(
        "self",
        verbose_name=_("mobilités"),
        through="Mobility",
        symmetrical=False,
        through_fields=("source", "target"),
        related_name="mobility_sources",
    )
    is_active = models.BooleanField(_("en vigueur"), default=True)

    objects = FicheQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche métier ROME")
        verbose_name_plural = _("fiches métiers ROME")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class AppellationQuerySet(models.QuerySet["Appellation"]):
    def active(self) -> AppellationQuerySet:
        return self.filter(is_active=True)

    def search(self, query: str | None) -> AppellationQuerySet:
        """By any appellation, accent- and case-insensitive ("developpeur" finds M1805), or by code.

        - a code ROME ("M1805", "m18"): the appellations of the fiches whose code starts with it;
        - a number: the appellation with that OGR code;
        - words: appellations having a word starting with each word typed, best matches first (label
          starting with the query, then the fiche's main appellation, then alphabetical).
        """
        key = search_key((query or "")[:SEARCH_MAX_LENGTH])
        if not key:
            return self.none()
        compact = key.replace(" ", "")
        if compact.isdigit():
            return self.filter(code=int(compact[:9]))
        if len(compact) <= 5 and compact[0].isalpha() and compact[1:].isdigit() and len(compact) >= 2:
            return self.filter(fiche__code__startswith=compact.upper()).order_by(
                "fiche_id", "-is_main", "search_text"
            )
        return (
            self.filter(words_query(key, "search_text"))
            .annotate(
                match_rank=models.Case(
                    models.When(search_text__startswith=" " + key, then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                )
            )
            .order_by("match_rank", "-is_main", "search_text", "code")
        )


class Appellation(models.Model):
    """A job title (appellation) of a fiche, such as "Développeur / Développeuse informatique"."""

    code = models.PositiveIntegerField(_("code OGR"), primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    short_label = models.CharField(_("libellé court"), max_length=100, blank=True)
    fiche = models.ForeignKey(
        Fiche, verbose_name=_("fiche métier"), on_delete=models.PROTECT, related_name="appellations"
    )
    is_main = models.BooleanField(
        _("appellation principale"), default=False, help_text=_("L'appellation qui donne son nom à la fiche.")
    )
    is_rarely_used = models.BooleanField(_("peu usitée"), default=False)
    #: " " + search keys of the label and short label: every word is preceded by a space (see words_query).
    search_text = models.CharField(_("clé de recherche"), max_length=400, editable=False)
    is_active = models.BooleanField(_("en vigueur"), default=True)

    objects = AppellationQuerySet.as_manager()

    class Meta:
        verbose_name = _("appellation ROME")
        verbose_name_plural = _("appellations ROME")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    @staticmethod
    def build_search_text(label: str, short_label: str = "") -> str:
        keys = [search_key(label)]
        short = search_key(short_label)
        if short and short != keys[0]:
            keys.append(short)
        return " " + " ".join(keys)


class SkillQuerySet(models.QuerySet["Skill"]):
    def active(self) -> SkillQuerySet:
        return self.filter(is_active=True)


class Skill(models.Model):
    """A ROME 4.0 skill: savoir-faire or savoir-être (competences.csv) or savoir (savoirs.csv)."""

    code = models.PositiveIntegerField(_("code OGR"), primary_key=True)
    label = models.CharField(_("libellé"), max_length=300)
    kind = models.CharField(_("nature"), max_length=12, choices=SkillKind.choices)
    category = models.CharField(_("catégorie"), max_length=120, blank=True)
    subcategory = models.CharField(_("sous-catégorie"), max_length=120, blank=True)
    is_macro = models.BooleanField(
        _("macro-compétence"), default=False, help_text=_("Regroupe des compétences voisines.")
    )
    macro_code = models.PositiveIntegerField(_("code OGR de la macro-compétence"), null=True, blank=True)
    is_active = models.BooleanField(_("en vigueur"), default=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("compétence ROME")
        verbose_name_plural = _("compétences ROME")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class FicheSkill(models.Model):
    """The skills of a fiche (fiches_competences.csv), with how central they are."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="fiche_links")
    core = models.CharField(_("cœur de métier"), max_length=10, choices=CoreLevel.choices, blank=True)

    class Meta:
        verbose_name = _("compétence d'une fiche")
        verbose_name_plural = _("compétences des fiches")
        constraints = [models.UniqueConstraint(fields=["fiche", "skill"], name="fiche_skill_unique")]

    def __str__(self) -> str:
        return f"{self.fiche_id} — {self.skill_id}"


class Mobility(models.Model):
    """A career move ROME proposes from one fiche to a close one (mobilites.csv), used by matching."""

    source = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="mobility_links")
    target = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("mobilité ROME")
        verbose_name_plural = _("mobilités ROME")
        ordering = ["source", "rank"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="mobility_unique")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


# --- NAF rév. 2 -----------------------------------------------------------------------------------------


class NafSection(models.Model):
    code = models.CharField(_("code"), max_length=1, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    is_active = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("section NAF")
        verbose_name_plural = _("sections NAF")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.short_label}"

    @property
    def short_label(self) -> str:
        """INSEE prints section labels in capitals; the pages show them in sentence case."""
        return self.label[:1] + self.label[1:].lower()


class NafDivision(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    section = models.ForeignKey(
        NafSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="divisions"
    )
    romes = models.ManyToManyField(
        Fiche,
        verbose_name=_("fiches ROME du secteur"),
        through="NafDivisionRome",
        related_name="naf_divisions",
    )
    is_active = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("division NAF")
        verbose_name_plural = _("divisions NAF")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class NafGroup(models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    division = models.ForeignKey(
        NafDivision, verbose_name=_("division"), on_delete=models.PROTECT, related_name="groups"
    )
    is_active = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("groupe NAF")
        verbose_name_plural = _("groupes NAF")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class NafClass(models.Model):
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    group = models.ForeignKey(
        NafGroup, verbose_name=_("groupe"), on_delete=models.PROTECT, related_name="classes"
    )
    is_active = models.BooleanField(_("en vigueur"), default=True)

    class Meta:
        verbose_name = _("classe NAF")
        verbose_name_plural = _("classes NAF")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class NafSubclassQuerySet(models.QuerySet["NafSubclass"]):
    def search(self, query: str | None) -> NafSubclassQuerySet:
        """By code ("6201Z", "62.01", "62") or by words of the label, accent-insensitive."""
        raw = (query or "").strip()[:SEARCH_MAX_LENGTH]
        compact = raw.replace(".", "").replace(" ", "").upper()
        if compact[:2].isdigit() and len(compact) <= 5:
            code = compact[:2] + ("." + compact[2:] if len(compact) > 2 else "")
            return self.filter(code__startswith=code).order_by("code")
        key = search_key(raw)
        if not key:
            return self.none()
        return self.filter(words_query(key, "search_text")).order_by("code")


class NafSubclass(models.Model):
    """The activity code of an establishment (code APE), such as 62.01Z."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    naf_class = models.ForeignKey(
        NafClass, verbose_name=_("classe"), on_delete=models.PROTECT, related_name="subclasses"
    )
    #: Denormalised from the hierarchy: companies are grouped by section and division without joins.
    division = models.ForeignKey(
        NafDivision, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    section = models.ForeignKey(
        NafSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
    )
    search_text = models.CharField(_("clé de recherche"), max_length=300, editable=False)
    is_active = models.BooleanField(_("en vigueur"), default=True)

    objects = NafSubclassQuerySet.as_manager()

    class Meta:
        verbose_name = _("sous-classe NAF")
        verbose_name_plural = _("sous-classes NAF")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    @staticmethod
    def normalise_code(value: object) -> str:
        """ "6201z", "62.01Z", " 62 01 Z " → "62.01Z" (INSEE's printed form); anything else unchanged."""
        compact = str(value or "").replace(".", "").replace(" ", "").upper()
        if len(compact) == 5 and compact[:4].isdigit() and compact[4].isalpha():
            return f"{compact[:2]}.{compact[2:]}"
        return str(value or "").strip().upper()


class NafDivisionRome(models.Model):
    """The occupations France Travail associates with a NAF division (naf_divisions_rome.csv)."""

    division = models.ForeignKey(NafDivision, on_delete=models.CASCADE, related_name="rome_links")
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="naf_links")

    class Meta:
        verbose_name = _("lien division NAF – fiche ROME")
        verbose_name_plural = _("liens divisions NAF – fiches ROME")
        constraints = [models.UniqueConstraint(fields=["division", "fiche"], name="naf_division_rome_unique")]

    def __str__(self) -> str:
        return f"{self.division_id} — {self.fiche_id}"
