"""SIRET validation: 14 digits whose Luhn key is right, with La Poste's exception.

La Poste registered all its establishments under the SIREN 356 000 000, more than the Luhn key allows: their
SIRET are valid when the sum of their 14 digits is a multiple of 5. Its head office (35600000000048) keeps the
ordinary Luhn key. (Same rule as python-stdnum's `fr.siret`.)
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"
_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-]+")


def normalise_siret(value: object) -> str:
    """Strip the spaces, dots and dashes people type or paste ("123 456 789 00012")."""
    if value is None:
        return ""
    return _SEPARATORS.sub("", str(value)).strip()


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def luhn_check_digit(prefix: str) -> str:
    """The digit that makes `prefix + digit` pass the Luhn check (for tests and demo data)."""
    for digit in "0123456789":
        if luhn_is_valid(prefix + digit):
            return digit
    raise AssertionError("unreachable")  # pragma: no cover


def siret_key_is_valid(siret: str) -> bool:
    """The control rule only (the value must already be 14 digits)."""
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        return sum(int(char) for char in siret) % 5 == 0
    return luhn_is_valid(siret)


def siret_error(value: object) -> str | None:
    """The French reason why `value` is not a valid SIRET, or None when it is."""
    siret = normalise_siret(value)
    if not siret:
        return "Le SIRET est vide."
    if not siret.isascii() or not siret.isdigit():
        return "Le SIRET ne doit contenir que des chiffres (14 chiffres, les espaces sont tolérés)."
    if len(siret) != 14:
        return f"Le SIRET doit compter 14 chiffres ; celui-ci en compte {len(siret)}."
    if not siret_key_is_valid(siret):
        return (
            "Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas. "
            "Vérifiez les chiffres sur l'avis de situation SIRENE de l'établissement."
        )
    return None


def is_valid_siret(value: object) -> bool:
    return siret_error(value) is None


def validate_siret(value: object) -> None:
    """Django validator (model and form fields)."""
    error = siret_error(value)
    if error:
        raise ValidationError(error, code="invalid_siret")
