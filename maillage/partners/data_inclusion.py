"""Export and import of the directory in the national data·inclusion schema (version 1.0, see
docs/data-inclusion.md for the field mapping).

One JSON document holds both lists, the way data·inclusion publishes them separately::

    {"schema": "data-inclusion-schema", "schema_version": "1.0.1", "source": "maillage",
     "generated_at": "…", "structures": [...], "services": [...],
     "maillage": {"structures": {"<id>": {...}}, "services": {"<id>": {...}}}}

Each record of `structures` and `services` carries only fields of the schema. What the schema cannot say
(organisation kind, our themes, a territory of zones, contacts, freshness) travels in the optional
`maillage` block, keyed by record id, so that a Maillage export re-imports to the very same directory;
strip it (`schema_only=True`) before sending the file to data·inclusion.

The import is idempotent (records are matched by their data·inclusion `id`), all or nothing (every record
is checked before anything is written) and names each error in French (which structure or service, which
field).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from maillage.core.audit import record
from maillage.territory.models import EPCI, Commune, Zone

from . import conf
from .enums import OrganisationKind, ServiceKind, Theme
from .models import Contact, Organisation, Service, ServiceTheme

SCHEMA_NAME = "data-inclusion-schema"
SCHEMA_VERSION = "1.0.1"

#: Our service kinds ↔ the schema's `type` (référentiel types_de_services).
KIND_TO_TYPE: dict[str, str] = {
    ServiceKind.SUPPORT: "accompagnement",
    ServiceKind.FINANCIAL_AID: "aide-financiere",
    ServiceKind.MATERIAL_AID: "aide-materielle",
    ServiceKind.WORKSHOP: "atelier",
    ServiceKind.TRAINING: "formation",
    ServiceKind.INFORMATION: "information",
}
TYPE_TO_KIND = {value: key for key, value in KIND_TO_TYPE.items()}
#: v0 files call it `types` (a list) and have two more values.
V0_TYPE_TO_KIND = {**TYPE_TO_KIND, "accueil": ServiceKind.INFORMATION, "numerique": ServiceKind.INFORMATION}

#: The sub-thematique written for each of our themes (référentiel thematiques, schema 1.0).
THEME_TO_THEMATIQUE = {
    Theme.HOUSING: "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
    Theme.MOBILITY: "mobilite--etre-accompagne-dans-son-parcours-mobilite",
    Theme.HEALTH: "sante--acces-aux-soins",
    Theme.CHILDCARE: "famille--garde-denfants",
    Theme.JUSTICE: (
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire"
    ),
    Theme.LANGUAGE: "lecture-ecriture-calcul--maitriser-le-francais",
    Theme.DIGITAL: "numerique--maitriser-les-fondamentaux-du-numerique",
    Theme.RESOURCES: "difficultes-financieres--acquerir-une-autonomie-budgetaire",
    Theme.EMPLOYMENT: "trouver-un-emploi--repondre-a-des-offres-demploi",
    Theme.TRAINING: "se-former--trouver-sa-formation",
    Theme.RIGHTS: "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
    Theme.FOOD_EQUIPMENT: "equipement-et-alimentation--alimentation",
    Theme.REMOBILISATION: "remobilisation--lien-social",
    Theme.ENTREPRENEURSHIP: "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
}
#: Sub-thematiques read as a theme other than their category's.
THEMATIQUE_EXCEPTIONS = {
    THEME_TO_THEMATIQUE[Theme.JUSTICE]: Theme.JUSTICE,
    "acces-aux-droits-et-citoyennete--accompagnement-juridique": Theme.JUSTICE,
    "illettrisme--utiliser-numerique": Theme.DIGITAL,
    "mobilite--aides-a-la-reprise-demploi-ou-a-la-formation": Theme.MOBILITY,
}
#: Thematique categories (schema 1.0, and the former 0.x ones) → our themes.
CATEGORY_TO_THEME = {
    "logement-hebergement": Theme.HOUSING,
    "mobilite": Theme.MOBILITY,
    "sante": Theme.HEALTH,
    "handicap": Theme.HEALTH,
    "famille": Theme.CHILDCARE,
    "difficultes-administratives-ou-juridiques": Theme.RIGHTS,
    "acces-aux-droits-et-citoyennete": Theme.RIGHTS,
    "lecture-ecriture-calcul": Theme.LANGUAGE,
    "apprendre-francais": Theme.LANGUAGE,
    "illettrisme": Theme.LANGUAGE,
    "numerique": Theme.DIGITAL,
    "difficultes-financieres": Theme.RESOURCES,
    "gestion-financiere": Theme.RESOURCES,
    "equipement-et-alimentation": Theme.FOOD_EQUIPMENT,
    "trouver-un-emploi": Theme.EMPLOYMENT,
    "preparer-sa-candidature": Theme.EMPLOYMENT,
    "choisir-un-metier": Theme.EMPLOYMENT,
    "souvrir-a-linternational": Theme.EMPLOYMENT,
    "accompagnement-social-et-professionnel-personnalise": Theme.EMPLOYMENT,
    "se-former": Theme.TRAINING,
    "remobilisation": Theme.REMOBILISATION,
    "creer-une-entreprise": Theme.ENTREPRENEURSHIP,
    "creation-activite": Theme.ENTREPRENEURSHIP,
}

#: Written in `reseaux_porteurs` only where the kind names the network without doubt.
KIND_TO_NETWORKS: dict[str, list[str]] = {
    OrganisationKind.CCAS: ["ccas-cias"],
    OrganisationKind.PAE: ["maisons-de-l-emploi"],
}
#: Read from `reseaux_porteurs` when the file has no `maillage` block (first match wins).
NETWORK_TO_KIND = {
    "ccas-cias": OrganisationKind.CCAS,
    "maisons-de-l-emploi": OrganisationKind.PAE,
    "france-travail": OrganisationKind.PUBLIC_EMPLOYMENT,
    "mission-locale": OrganisationKind.PUBLIC_EMPLOYMENT,
    "cap-emploi-reseau-cheops": OrganisationKind.PUBLIC_EMPLOYMENT,
    "plie": OrganisationKind.PUBLIC_EMPLOYMENT,
    "spip": OrganisationKind.JUSTICE,
    "pjj": OrganisationKind.JUSTICE,
    "points-justice": OrganisationKind.JUSTICE,
    "residences-fjt": OrganisationKind.HOUSING,
    "action-logement": OrganisationKind.HOUSING,
    "siao": OrganisationKind.HOUSING,
    "chrs": OrganisationKind.HOUSING,
    "chu": OrganisationKind.HOUSING,
    "cada": OrganisationKind.HOUSING,
    "huda": OrganisationKind.HOUSING,
    "cph": OrganisationKind.HOUSING,
    "cms": OrganisationKind.HEALTH,
    "cmp": OrganisationKind.HEALTH,
    "csapa": OrganisationKind.HEALTH,
    "caarud": OrganisationKind.HEALTH,
    "cpam": OrganisationKind.HEALTH,
    "wimoov": OrganisationKind.MOBILITY,
    "mobin": OrganisationKind.MOBILITY,
    "creches-avip": OrganisationKind.CHILDCARE,
    "afpa": OrganisationKind.TRAINING,
    "cnam": OrganisationKind.TRAINING,
    "reseau-app": OrganisationKind.TRAINING,
    "ecoles-de-la-deuxieme-chance": OrganisationKind.TRAINING,
    "epide": OrganisationKind.TRAINING,
    "simplon": OrganisationKind.TRAINING,
    "grandes-ecoles-du-numerique": OrganisationKind.TRAINING,
}
#: Former 0.x `typologie` values of structures, read the same way.
TYPOLOGIE_TO_KIND = {
    "CCAS": OrganisationKind.CCAS,
    "CIAS": OrganisationKind.CCAS,
    "SPIP": OrganisationKind.JUSTICE,
    "PJJ": OrganisationKind.JUSTICE,
    "FT": OrganisationKind.PUBLIC_EMPLOYMENT,
    "ML": OrganisationKind.PUBLIC_EMPLOYMENT,
    "CAP_EMPLOI": OrganisationKind.PUBLIC_EMPLOYMENT,
    "MDE": OrganisationKind.PAE,
    "OF": OrganisationKind.TRAINING,
    "AFPA": OrganisationKind.TRAINING,
    "E2C": OrganisationKind.TRAINING,
    "ASSO": OrganisationKind.ASSOCIATION,
    "CHRS": OrganisationKind.HOUSING,
    "CHU": OrganisationKind.HOUSING,
    "RS_FJT": OrganisationKind.HOUSING,
    "CMS": OrganisationKind.HEALTH,
    "CMP": OrganisationKind.HEALTH,
    "AVIP": OrganisationKind.CHILDCARE,
}

_INSEE = re.compile(r"^(\d[\dAB]\d{3})$")
_SIREN = re.compile(r"^\d{9}$")
_DEPARTEMENT = re.compile(r"^(\d{2}|2A|2B|97\d)$")
_POSTAL = re.compile(r"^\d{5}$")
_SIRET = re.compile(r"^\d{14}$")
_ID_MAX = 200
_TEXT_MAX = 10_000


def departement_of(insee_code: str) -> str:
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


# --------------------------------------------------------------------------------------------- export


def _clean_name(name: str) -> str:
    return name.strip().rstrip(".").strip()


def _date_maj(listing: Organisation | Service) -> str:
    day = listing.last_checked_on or timezone.localtime(listing.updated).date()
    return day.isoformat()


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value not in (None, "", [], {})}


class _TerritoryCodes:
    """Turns a listing's territory into COG codes (communes, EPCI, départements)."""

    def __init__(self) -> None:
        self.zone_communes: dict[int, list[str]] = defaultdict(list)
        departements: set[str] = set()
        for insee, zone_id in Commune.objects.values_list("insee_code", "zone_id").order_by("insee_code"):
            self.zone_communes[zone_id].append(insee)
            departements.add(departement_of(insee))
        self.departements = sorted(departements)

    def codes(self, listing: Organisation | Service) -> list[str]:
        if listing.whole_area:
            return list(self.departements)
        codes: list[str] = []
        seen: set[str] = set()
        for code in [c.insee_code for c in listing.communes.all()] + [e.siren for e in listing.epcis.all()]:
            if code not in seen:
                seen.add(code)
                codes.append(code)
        for zone in listing.zones.all():
            for code in self.zone_communes.get(zone.pk, []):
                if code not in seen:
                    seen.add(code)
                    codes.append(code)
        return codes


def _territory_block(listing: Organisation | Service) -> dict[str, Any]:
    return {
        "whole_area": listing.whole_area,
        "communes": sorted(c.insee_code for c in listing.communes.all()),
        "epcis": sorted(e.siren for e in listing.epcis.all()),
        "zones": sorted(z.code for z in listing.zones.all()),
    }


def structure_record(organisation: Organisation) -> dict[str, Any]:
    commune = organisation.commune
    return _drop_empty(
        {
            "source": organisation.source or conf.data_inclusion_source(),
            "id": organisation.external_id,
            "nom": _clean_name(organisation.name),
            "description": organisation.description.strip(),
            "date_maj": _date_maj(organisation),
            "siret": organisation.siret,
            "commune": commune.name if commune else "",
            "code_postal": organisation.postal_code or (commune.postal_code_list[0] if commune else ""),
            "code_insee": commune.insee_code if commune else "",
            "adresse": organisation.address,
            "telephone": organisation.phone,
            "courriel": organisation.email,
            "site_web": organisation.website,
            "horaires_accueil": organisation.opening_hours,
            "reseaux_porteurs": KIND_TO_NETWORKS.get(organisation.kind, []),
        }
    )


def service_record(service: Service, territory: _TerritoryCodes) -> dict[str, Any]:
    commune = service.commune
    zone_source = service.organisation if service.uses_organisation_territory else service
    modes = []
    if service.email or service.organisation.email:
        modes.append("envoyer-un-courriel")
    if service.place:
        modes.append("se-presenter")
    if service.phone or service.organisation.phone:
        modes.append("telephoner")
    if service.link:
        modes.append("utiliser-lien-mobilisation")
    return _drop_empty(
        {
            "source": service.source or conf.data_inclusion_source(),
            "structure_id": service.organisation.external_id,
            "id": service.external_id,
            "nom": _clean_name(service.name),
            "description": service.description.strip(),
            "date_maj": _date_maj(service),
            "type": KIND_TO_TYPE.get(service.kind),
            "thematiques": sorted({THEME_TO_THEMATIQUE[Theme(code)] for code in service.theme_codes}),
            "conditions_acces": service.eligibility,
            "commune": commune.name if commune else "",
            "code_postal": commune.postal_code_list[0] if commune and commune.postal_code_list else "",
            "code_insee": commune.insee_code if commune else "",
            "adresse": service.place,
            "telephone": service.phone,
            "courriel": service.email,
            "contact_nom_prenom": service.contact_name,
            "modes_accueil": ["en-presentiel"] if service.place else [],
            "zone_eligibilite": territory.codes(zone_source),
            "lien_mobilisation": service.link,
            "modes_mobilisation": modes,
            "mobilisation_precisions": service.how_to_refer,
            "horaires_accueil": service.opening_hours,
        }
    )


def export_directory(*, schema_only: bool = False) -> dict[str, Any]:
    """The whole directory (active and inactive listings; inactive ones only in the `maillage` block's
    eyes: data·inclusion receives the active ones)."""
    territory = _TerritoryCodes()
    organisations = list(
        Organisation.objects.select_related("commune")
        .prefetch_related("communes", "epcis", "zones", "contacts")
        .order_by("external_id")
    )
    services = list(
        Service.objects.select_related("commune", "organisation")
        .prefetch_related(
            "communes",
            "epcis",
            "zones",
            "themes",
            "organisation__communes",
            "organisation__epcis",
            "organisation__zones",
        )
        .order_by("external_id")
    )
    if schema_only:
        organisations = [o for o in organisations if o.is_active]
        services = [s for s in services if s.is_active and s.organisation.is_active]
    document: dict[str, Any] = {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "source": conf.data_inclusion_source(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "structures": [structure_record(o) for o in organisations],
        "services": [service_record(s, territory) for s in services],
    }
    if not schema_only:
        document["maillage"] = {
            "structures": {
                o.external_id: {
                    "kind": o.kind,
                    "is_active": o.is_active,
                    "last_checked_on": o.last_checked_on.isoformat() if o.last_checked_on else None,
                    "territory": _territory_block(o),
                    "contacts": [
                        {
                            "name": c.name,
                            "role": c.role,
                            "email": c.email,
                            "phone": c.phone,
                            "receives_reminders": c.receives_reminders,
                        }
                        for c in o.contacts.all()
                    ],
                }
                for o in organisations
            },
            "services": {
                s.external_id: {
                    "kind": s.kind,
                    "themes": s.theme_codes,
                    "is_active": s.is_active,
                    "last_checked_on": s.last_checked_on.isoformat() if s.last_checked_on else None,
                    "uses_organisation_territory": s.uses_organisation_territory,
                    "territory": _territory_block(s),
                }
                for s in services
            },
        }
    return document


def export_json(*, schema_only: bool = False) -> str:
    return json.dumps(export_directory(schema_only=schema_only), ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------------------------- import


class DataInclusionImportError(Exception):
    """The file was refused; `errors` lists every problem found, in French. Nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    structures_created: int = 0
    structures_updated: int = 0
    structures_unchanged: int = 0
    services_created: int = 0
    services_updated: int = 0
    services_unchanged: int = 0

    def as_text(self) -> str:
        return (
            f"Structures : {self.structures_created} créée(s), {self.structures_updated} modifiée(s), "
            f"{self.structures_unchanged} inchangée(s). Services : {self.services_created} créé(s), "
            f"{self.services_updated} modifié(s), {self.services_unchanged} inchangé(s)."
        )


@dataclass
class _Territory:
    whole_area: bool = False
    communes: list[int] = field(default_factory=list)
    epcis: list[int] = field(default_factory=list)
    zones: list[int] = field(default_factory=list)


@dataclass
class _Row:
    external_id: str
    fields: dict[str, Any]
    territory: _Territory | None
    themes: list[str] = field(default_factory=list)
    contacts: list[dict[str, Any]] | None = None
    structure_id: str = ""


class _Reference:
    """The territory and vocabularies, loaded once per import."""

    def __init__(self) -> None:
        self.communes = {c.insee_code: c for c in Commune.objects.all()}
        self.epcis = {siren: pk for pk, siren in EPCI.objects.values_list("pk", "siren")}
        self.zones = {code: pk for pk, code in Zone.objects.values_list("pk", "code")}
        self.departements = {departement_of(code) for code in self.communes}


class _Checker:
    """Collects French error messages naming the record and the field."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.where = ""

    def at(self, kind: str, index: int, record_id: Any) -> None:
        label = f" (id « {record_id} »)" if isinstance(record_id, str) and record_id else ""
        self.where = f"{kind} n° {index}{label}"

    def error(self, field_name: str | None, message: str) -> None:
        place = f"{self.where}, champ « {field_name} »" if field_name else self.where
        self.errors.append(f"{place} : {message}")

    def text(
        self,
        data: dict,
        name: str,
        *,
        required: bool = False,
        min_length: int = 0,
        max_length: int = _TEXT_MAX,
    ) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "obligatoire.")
            return ""
        if not isinstance(value, str):
            self.error(name, "doit être une chaîne de caractères.")
            return ""
        value = value.strip()
        if required and not value:
            self.error(name, "obligatoire.")
        elif len(value) < min_length:
            self.error(name, f"au moins {min_length} caractères.")
        elif len(value) > max_length:
            self.error(name, f"au plus {max_length} caractères.")
        return value

    def pattern(self, data: dict, name: str, regex: re.Pattern, explanation: str) -> str:
        value = self.text(data, name, max_length=40)
        if value and not regex.match(value):
            self.error(name, f"« {value} » n'est pas valide ({explanation}).")
            return ""
        return value

    def email(self, data: dict, name: str) -> str:
        value = self.text(data, name, max_length=254)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(name, f"« {value} » n'est pas une adresse e-mail valide.")
                return ""
        return value

    def url(self, data: dict, name: str) -> str:
        value = self.text(data, name, max_length=200)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.error(name, f"« {value} » n'est pas une adresse web valide (http ou https).")
                return ""
        return value

    def day(self, data: dict, name: str, *, required: bool = False) -> date | None:
        value = data.get(name)
        if value in (None, ""):
            if required:
                self.error(name, "obligatoire (date au format AAAA-MM-JJ).")
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        self.error(name, f"« {value} » n'est pas une date au format AAAA-MM-JJ.")
        return None

    def string_list(self, data: dict, name: str) -> list[str]:
        value = data.get(name)
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(name, "doit être une liste de chaînes de caractères.")
            return []
        return [item.strip() for item in value if item.strip()]

    def boolean(self, data: dict, name: str, default: bool) -> bool:
        value = data.get(name, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(name, "doit valoir true ou false.")
            return default
        return value


def _themes_from_thematiques(check: _Checker, values: list[str]) -> list[str]:
    themes: set[str] = set()
    for value in values:
        theme = THEMATIQUE_EXCEPTIONS.get(value) or CATEGORY_TO_THEME.get(value.split("--", 1)[0])
        if theme is None:
            check.error("thematiques", f"thématique inconnue « {value} ».")
        else:
            themes.add(theme)
    return sorted(themes)


def _territory_from_zone_eligibilite(check: _Checker, values: list[str], ref: _Reference) -> _Territory:
    territory = _Territory()
    for code in values:
        if code.lower() == "france" or code == "99100":
            territory.whole_area = True
        elif _DEPARTEMENT.match(code):
            if code in ref.departements:
                territory.whole_area = True
        elif _INSEE.match(code):
            commune = ref.communes.get(code)
            if commune is not None:  # communes outside our territory are not ours to list
                territory.communes.append(commune.pk)
        elif _SIREN.match(code):
            if code in ref.epcis:
                territory.epcis.append(ref.epcis[code])
        else:
            check.error(
                "zone_eligibilite",
                f"« {code} » n'est ni un code commune, ni un code EPCI, ni un code département.",
            )
    if territory.whole_area:
        return _Territory(whole_area=True)
    return territory


def _territory_from_block(check: _Checker, block: Any, ref: _Reference, name: str) -> _Territory | None:
    if not isinstance(block, dict):
        check.error(name, "doit être un objet (whole_area, communes, epcis, zones).")
        return None
    territory = _Territory(whole_area=check.boolean(block, "whole_area", False))
    for code in check.string_list(block, "communes"):
        if code in ref.communes:
            territory.communes.append(ref.communes[code].pk)
        else:
            check.error(name, f"commune inconnue « {code} » (code INSEE).")
    for code in check.string_list(block, "epcis"):
        if code in ref.epcis:
            territory.epcis.append(ref.epcis[code])
        else:
            check.error(name, f"EPCI inconnu « {code} » (SIREN).")
    for code in check.string_list(block, "zones"):
        if code in ref.zones:
            territory.zones.append(ref.zones[code])
        else:
            check.error(name, f"zone inconnue « {code} ».")
    return territory


def _check_id(check: _Checker, data: dict, seen: set[str], name: str = "id") -> str:
    record_id = check.text(data, name, required=True, max_length=_ID_MAX)
    if record_id and record_id in seen:
        check.error(name, f"l'identifiant « {record_id} » apparaît deux fois dans le fichier.")
    seen.add(record_id)
    return record_id


def _parse_structure(
    check: _Checker, data: dict, extra: dict, ref: _Reference, seen: set[str]
) -> _Row | None:
    record_id = _check_id(check, data, seen)
    name = check.text(data, "nom", required=True, min_length=3, max_length=150)
    description = check.text(data, "description")
    date_maj = check.day(data, "date_maj", required=True)
    siret = check.pattern(data, "siret", _SIRET, "14 chiffres")
    code_insee = check.pattern(data, "code_insee", _INSEE, "5 caractères")
    postal_code = check.pattern(data, "code_postal", _POSTAL, "5 chiffres")
    address = check.text(data, "adresse", max_length=255)
    complement = check.text(data, "complement_adresse", max_length=255)
    phone = check.text(data, "telephone", max_length=30)
    email = check.email(data, "courriel")
    website = check.url(data, "site_web")
    hours = check.text(data, "horaires_accueil", max_length=255)
    networks = check.string_list(data, "reseaux_porteurs")
    kind = next((NETWORK_TO_KIND[n] for n in networks if n in NETWORK_TO_KIND), None)
    if kind is None and isinstance(data.get("typologie"), str):
        kind = TYPOLOGIE_TO_KIND.get(data["typologie"])
    fields: dict[str, Any] = {
        "name": name,
        "description": description,
        "siret": siret,
        "address": ", ".join(part for part in (address, complement) if part)[:255],
        "postal_code": postal_code,
        "commune": ref.communes.get(code_insee) if code_insee else None,
        "phone": phone,
        "email": email,
        "website": website,
        "opening_hours": hours,
        "kind": kind or OrganisationKind.OTHER,
        "last_checked_on": date_maj,
        "is_active": True,
    }
    territory = None
    contacts = None
    if extra:
        fields.update(_parse_extra_common(check, extra, OrganisationKind.values))
        if "territory" in extra:
            territory = _territory_from_block(check, extra["territory"], ref, "maillage.territory")
        contacts = _parse_contacts(check, extra.get("contacts", []))
    return _Row(record_id, fields, territory, contacts=contacts)


def _parse_extra_common(check: _Checker, extra: dict, kinds: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if not isinstance(extra, dict):
        check.error("maillage", "doit être un objet.")
        return fields
    if "kind" in extra:
        if extra["kind"] in kinds:
            fields["kind"] = extra["kind"]
        else:
            check.error("maillage.kind", f"type inconnu « {extra['kind']} ».")
    if "is_active" in extra:
        fields["is_active"] = check.boolean(extra, "is_active", True)
    if "last_checked_on" in extra:
        fields["last_checked_on"] = check.day(extra, "last_checked_on")
    return fields


def _parse_contacts(check: _Checker, contacts: Any) -> list[dict[str, Any]] | None:
    if not isinstance(contacts, list):
        check.error("maillage.contacts", "doit être une liste.")
        return None
    parsed = []
    for position, contact in enumerate(contacts, start=1):
        if not isinstance(contact, dict):
            check.error("maillage.contacts", f"le contact n° {position} doit être un objet.")
            continue
        name = check.text(contact, "name", max_length=150)
        if not name:
            check.error("maillage.contacts", f"le contact n° {position} n'a pas de nom.")
        parsed.append(
            {
                "name": name,
                "role": check.text(contact, "role", max_length=150),
                "email": check.email(contact, "email"),
                "phone": check.text(contact, "phone", max_length=30),
                "receives_reminders": check.boolean(contact, "receives_reminders", True),
            }
        )
    return parsed


def _parse_service(
    check: _Checker, data: dict, extra: dict, ref: _Reference, seen: set[str], structure_ids: set[str]
) -> _Row | None:
    record_id = _check_id(check, data, seen)
    structure_id = check.text(data, "structure_id", required=True, max_length=_ID_MAX)
    if structure_id and structure_id not in structure_ids:
        check.error(
            "structure_id", f"aucune structure « {structure_id} » dans le fichier ni dans l'annuaire."
        )
    name = check.text(data, "nom", required=True, min_length=3, max_length=150)
    description = check.text(data, "description", required=True)
    date_maj = check.day(data, "date_maj", required=True)
    kind = None
    if data.get("type") not in (None, ""):
        kind = TYPE_TO_KIND.get(data["type"]) if isinstance(data["type"], str) else None
        if kind is None:
            check.error("type", f"type de service inconnu « {data['type']} ».")
    elif data.get("types"):
        types = check.string_list(data, "types")
        kind = next((V0_TYPE_TO_KIND[t] for t in types if t in V0_TYPE_TO_KIND), None)
    themes = _themes_from_thematiques(check, check.string_list(data, "thematiques"))
    code_insee = check.pattern(data, "code_insee", _INSEE, "5 caractères")
    check.pattern(data, "code_postal", _POSTAL, "5 chiffres")
    zone_codes = check.string_list(data, "zone_eligibilite")
    territory = _territory_from_zone_eligibilite(check, zone_codes, ref) if zone_codes else None
    address = check.text(data, "adresse", max_length=255)
    complement = check.text(data, "complement_adresse", max_length=255)
    fields: dict[str, Any] = {
        "name": name,
        "description": description,
        "kind": kind or ServiceKind.INFORMATION,
        "eligibility": "\n\n".join(
            part
            for part in (check.text(data, "conditions_acces"), check.text(data, "publics_precisions"))
            if part
        ),
        "how_to_refer": check.text(data, "mobilisation_precisions"),
        "opening_hours": check.text(data, "horaires_accueil", max_length=255),
        "place": ", ".join(part for part in (address, complement) if part)[:255],
        "commune": ref.communes.get(code_insee) if code_insee else None,
        "phone": check.text(data, "telephone", max_length=30),
        "email": check.email(data, "courriel"),
        "contact_name": check.text(data, "contact_nom_prenom", max_length=150),
        "link": check.url(data, "lien_mobilisation"),
        "last_checked_on": date_maj,
        "is_active": True,
        "uses_organisation_territory": territory is None,
    }
    if extra:
        fields.update(_parse_extra_common(check, extra, ServiceKind.values))
        if "themes" in extra:
            codes = check.string_list(extra, "themes")
            unknown = [c for c in codes if c not in Theme.values]
            if unknown:
                check.error("maillage.themes", f"thème inconnu « {', '.join(unknown)} ».")
            themes = sorted(set(codes) - set(unknown))
        if "uses_organisation_territory" in extra:
            fields["uses_organisation_territory"] = check.boolean(extra, "uses_organisation_territory", True)
        if "territory" in extra:
            territory = _territory_from_block(check, extra["territory"], ref, "maillage.territory")
    if not themes:
        check.error("thematiques", "au moins une thématique est nécessaire pour classer le service.")
    return _Row(record_id, fields, territory, themes=themes, structure_id=structure_id)


def parse_document(raw: bytes | str | dict) -> tuple[list[_Row], list[_Row]]:
    """Check the whole document; raise DataInclusionImportError listing every problem."""
    if isinstance(raw, (bytes, str)):
        try:
            document = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataInclusionImportError([f"Le fichier n'est pas un JSON valide : {exc}."]) from exc
    else:
        document = raw
    if isinstance(document, list):
        raise DataInclusionImportError(
            ["Le fichier contient une liste : attendu un objet avec les clés « structures » et « services »."]
        )
    if not isinstance(document, dict):
        raise DataInclusionImportError(["Le fichier doit contenir un objet JSON."])
    structures = document.get("structures", [])
    services = document.get("services", [])
    errors = []
    if not isinstance(structures, list):
        errors.append("La clé « structures » doit contenir une liste.")
    if not isinstance(services, list):
        errors.append("La clé « services » doit contenir une liste.")
    if "structures" not in document and "services" not in document:
        errors.append("Le fichier ne contient ni « structures » ni « services ».")
    extension = document.get("maillage") or {}
    if not isinstance(extension, dict):
        errors.append("La clé « maillage » doit contenir un objet.")
        extension = {}
    if errors:
        raise DataInclusionImportError(errors)
    extra_structures = extension.get("structures") or {}
    extra_services = extension.get("services") or {}

    ref = _Reference()
    check = _Checker()
    seen: set[str] = set()
    structure_rows: list[_Row] = []
    for index, data in enumerate(structures, start=1):
        check.at("Structure", index, data.get("id") if isinstance(data, dict) else None)
        if not isinstance(data, dict):
            check.error(None, "doit être un objet.")
            continue
        row = _parse_structure(check, data, extra_structures.get(data.get("id"), {}), ref, seen)
        if row:
            structure_rows.append(row)
    known = {row.external_id for row in structure_rows}
    missing = {
        s.get("structure_id")
        for s in services
        if isinstance(s, dict) and isinstance(s.get("structure_id"), str)
    } - known
    known |= set(Organisation.objects.filter(external_id__in=missing).values_list("external_id", flat=True))
    seen = set()
    service_rows: list[_Row] = []
    for index, data in enumerate(services, start=1):
        check.at("Service", index, data.get("id") if isinstance(data, dict) else None)
        if not isinstance(data, dict):
            check.error(None, "doit être un objet.")
            continue
        row = _parse_service(check, data, extra_services.get(data.get("id"), {}), ref, seen, known)
        if row:
            service_rows.append(row)
    if check.errors:
        raise DataInclusionImportError(check.errors)
    return structure_rows, service_rows


def _territory_state(listing) -> tuple:
    return (
        listing.whole_area,
        sorted(c.pk for c in listing.communes.all()),
        sorted(e.pk for e in listing.epcis.all()),
        sorted(z.pk for z in listing.zones.all()),
    )


def _write_territory(listing, territory: _Territory) -> bool:
    wanted = (
        territory.whole_area,
        sorted(set(territory.communes)),
        sorted(set(territory.epcis)),
        sorted(set(territory.zones)),
    )
    if _territory_state(listing) == wanted:
        return False
    listing.whole_area = territory.whole_area
    listing.save(update_fields=["whole_area"])
    listing.communes.set(wanted[1])
    listing.epcis.set(wanted[2])
    listing.zones.set(wanted[3])
    return True


def _upsert(model, row: _Row, extra_fields: dict[str, Any]) -> tuple[Any, str]:
    """Create or update by external id; returns the row and "created", "updated" or "unchanged"."""
    fields = {**row.fields, **extra_fields}
    instance = model.objects.filter(external_id=row.external_id).first()
    if instance is None:
        instance = model(external_id=row.external_id, **fields)
        instance.full_clean(validate_unique=False)
        instance.save()
        return instance, "created"
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, fields[name])
        instance.version += 1
        instance.full_clean(validate_unique=False)
        instance.save()
        return instance, "updated"
    return instance, "unchanged"


@transaction.atomic
def import_document(raw: bytes | str | dict, *, by: Any = None) -> ImportReport:
    """Import a data·inclusion document into the directory, all or nothing."""
    structure_rows, service_rows = parse_document(raw)
    report = ImportReport()
    organisations: dict[str, Organisation] = {}
    try:
        for row in structure_rows:
            organisation, outcome = _upsert(Organisation, row, {})
            touched = False
            if row.territory is not None:
                touched |= _write_territory(organisation, row.territory)
            if row.contacts is not None:
                touched |= _write_contacts(organisation, row.contacts)
            outcome = "updated" if outcome == "unchanged" and touched else outcome
            setattr(report, f"structures_{outcome}", getattr(report, f"structures_{outcome}") + 1)
            organisations[row.external_id] = organisation
        missing = {row.structure_id for row in service_rows} - set(organisations)
        organisations.update({o.external_id: o for o in Organisation.objects.filter(external_id__in=missing)})
        for row in service_rows:
            service, outcome = _upsert(Service, row, {"organisation": organisations[row.structure_id]})
            touched = _write_themes(service, row.themes)
            if row.territory is not None:
                touched |= _write_territory(service, row.territory)
            elif not row.fields["uses_organisation_territory"]:
                touched |= _write_territory(service, _Territory())
            outcome = "updated" if outcome == "unchanged" and touched else outcome
            setattr(report, f"services_{outcome}", getattr(report, f"services_{outcome}") + 1)
    except ValidationError as exc:  # a rule of the models that the checks above did not foresee
        raise DataInclusionImportError([f"Enregistrement refusé : {'; '.join(exc.messages)}"]) from exc
    record(
        "partners.data_inclusion_imported",
        by=by,
        object_type="partners.directory",
        structures=len(structure_rows),
        services=len(service_rows),
        created=report.structures_created + report.services_created,
        updated=report.structures_updated + report.services_updated,
    )
    return report


def _write_themes(service: Service, themes: list[str]) -> bool:
    current = set(ServiceTheme.objects.filter(service=service).values_list("theme", flat=True))
    if current == set(themes):
        return False
    ServiceTheme.objects.filter(service=service).exclude(theme__in=themes).delete()
    ServiceTheme.objects.bulk_create(
        ServiceTheme(service=service, theme=t) for t in themes if t not in current
    )
    return True


def _write_contacts(organisation: Organisation, contacts: list[dict[str, Any]]) -> bool:
    keys = ("name", "role", "email", "phone", "receives_reminders")

    def order(values: tuple) -> tuple:
        return tuple(str(v) for v in values)

    current = sorted((tuple(getattr(c, k) for k in keys) for c in organisation.contacts.all()), key=order)
    wanted = sorted((tuple(c[k] for k in keys) for c in contacts), key=order)
    if current == wanted:
        return False
    organisation.contacts.all().delete()
    Contact.objects.bulk_create(
        Contact(organisation=organisation, **dict(zip(keys, c, strict=True))) for c in wanted
    )
    return True
