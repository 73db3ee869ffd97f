from datetime import date

import pytest

from maillage.youth.normalise import (
    age_on,
    format_phone,
    normalise_email,
    normalise_phone,
    youth_identity_key,
    youth_search_key,
)


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        " 06 12 34 56 78 ",
    ],
)
def test_french_phone_numbers_are_normalised(raw):
    assert normalise_phone(raw) == "+33612345678"


def test_foreign_numbers_are_kept_in_international_form():
    assert normalise_phone("+32 470 12 34 56") == "+32470123456"
    assert normalise_phone("0032 470 12 34 56") == "+32470123456"


@pytest.mark.parametrize(
    "raw", ["12345", "06 12 34", "061234567890", "abc", "00 12", "+33 0 12", "6 12 34 56 78"]
)
def test_bad_phone_numbers_are_refused_in_french(raw):
    with pytest.raises(ValueError, match="Numéro de téléphone invalide"):
        normalise_phone(raw)


def test_empty_phone_stays_empty_and_display():
    assert normalise_phone("") == "" and normalise_phone(None) == ""
    assert format_phone("+33612345678") == "06 12 34 56 78"
    assert format_phone("+32470123456") == "+32470123456"


def test_email_is_lower_cased():
    assert normalise_email("  Kevin.LeGall@Example.TEST ") == "kevin.legall@example.test"


def test_identity_key_ignores_case_accents_spaces_and_extra_first_names():
    born = date(2006, 5, 4)
    key = youth_identity_key("Le Gall", "Kévin", born)
    assert key == youth_identity_key("LEGALL", "kevin", born)
    assert key == youth_identity_key("le-gall", "Kevin Marie", born)
    assert key != youth_identity_key("Le Gall", "Kévin", date(2006, 5, 5))
    assert youth_identity_key("Martin", "Jean-Pierre", born) == youth_identity_key(
        "MARTIN", "jean-pierre Yves", born
    )
    assert youth_identity_key("Martin", "Jean-Pierre", born) != youth_identity_key("Martin", "Jean", born)
    assert youth_identity_key("", "Kévin", born) == ""


def test_search_key_is_last_name_then_first_names():
    assert youth_search_key("Le Gall", "Kévin") == "le gall kevin"


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2000, 6, 15), date(2025, 6, 14), 24),
        (date(2000, 6, 15), date(2025, 6, 15), 25),
        (date(2004, 2, 29), date(2021, 2, 28), 16),
        (date(2004, 2, 29), date(2021, 3, 1), 17),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age
