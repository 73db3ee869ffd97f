"""SIRET validation: 14 digits, Luhn key, La Poste's exception, French messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maillage.employers.siret import (
    is_valid_siret,
    luhn_check_digit,
    luhn_is_valid,
    normalise_siret,
    siret_error,
    validate_siret,
)

VALID = "73282932000074"  # a real, Luhn-valid SIRET


@pytest.mark.parametrize("value", [VALID, "732 829 320 00074", "732.829.320.00074", "\u00a0732829320 00074 "])
def test_valid_siret_with_or_without_separators(value):
    assert is_valid_siret(value)
    assert normalise_siret(value) == VALID


def test_bad_key_is_refused_with_a_french_message():
    error = siret_error("73282932000075")
    assert error is not None and "clé de contrôle" in error
    with pytest.raises(ValidationError) as excinfo:
        validate_siret("73282932000075")
    assert excinfo.value.code == "invalid_siret"


@pytest.mark.parametrize(("value", "count"), [("7328293200007", 13), ("732829320000745", 15), ("123", 3)])
def test_wrong_length(value, count):
    assert siret_error(value) == f"Le SIRET doit compter 14 chiffres ; celui-ci en compte {count}."


@pytest.mark.parametrize("value", ["7328293200007A", "ABCDEFGHIJKLMN", "73282932O00074", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤"])
def test_letters_and_non_ascii_digits_are_refused(value):
    assert "que des chiffres" in siret_error(value)


def test_empty():
    assert siret_error("") == "Le SIRET est vide."
    assert not is_valid_siret(None)


def test_la_poste_exception():
    # La Poste's establishments: SIREN 356 000 000, valid when the sum of the digits is a multiple of 5,
    # even though the Luhn key does not match.
    la_poste = "35600000049837"
    assert sum(int(c) for c in la_poste) % 5 == 0
    assert not luhn_is_valid(la_poste)
    assert is_valid_siret(la_poste)
    # ... and refused when the sum is not a multiple of 5, even if Luhn-valid.
    luhn_only = "356000000" + "0001" + luhn_check_digit("3560000000001")
    assert luhn_is_valid(luhn_only) and sum(int(c) for c in luhn_only) % 5 != 0
    assert not is_valid_siret(luhn_only)
    # The head office keeps the ordinary Luhn key.
    assert is_valid_siret("35600000000048")


def test_sum_of_digits_rule_applies_to_la_poste_only():
    prefix = "3560000010001"  # SIREN 356000001: not La Poste, the Luhn key applies
    siret = prefix + luhn_check_digit(prefix)
    assert is_valid_siret(siret)
    for digit in "0123456789":
        if digit != siret[-1]:
            assert not is_valid_siret(prefix + digit)


thirteen_digits = st.text(alphabet="0123456789", min_size=13, max_size=13).filter(
    lambda s: not s.startswith("356000000")
)


@given(thirteen_digits)
def test_exactly_one_check_digit_completes_a_prefix(prefix):
    valid = [digit for digit in "0123456789" if is_valid_siret(prefix + digit)]
    assert valid == [luhn_check_digit(prefix)]


@given(thirteen_digits, st.integers(min_value=0, max_value=13), st.integers(min_value=1, max_value=9))
def test_any_single_digit_error_is_detected(prefix, position, delta):
    siret = prefix + luhn_check_digit(prefix)
    wrong = siret[:position] + str((int(siret[position]) + delta) % 10) + siret[position + 1 :]
    if wrong.startswith("356000000"):
        return  # La Poste's rule, tested above
    assert is_valid_siret(siret)
    assert not is_valid_siret(wrong)


@given(thirteen_digits, st.integers(min_value=0, max_value=12))
def test_swapping_two_different_adjacent_digits_is_detected_unless_09(prefix, position):
    siret = prefix + luhn_check_digit(prefix)
    a, b = siret[position], siret[position + 1]
    if a == b or {a, b} == {"0", "9"}:
        return  # Luhn cannot see these transpositions
    swapped = siret[:position] + b + a + siret[position + 2 :]
    if swapped.startswith("356000000"):
        return
    assert not is_valid_siret(swapped)
