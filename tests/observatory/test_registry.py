"""The indicator registry is the one definition: documented in docs/indicators.md, consistent in itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from maillage.observatory import indicators
from maillage.observatory.management.commands.document_indicators import synced
from maillage.observatory.sources import SOURCES

DOC = Path(settings.BASE_DIR) / "docs" / "indicators.md"


def test_every_indicator_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for indicator in indicators.REGISTRY.values():
        assert f"`{indicator.code}`" in text, indicator.code
        assert indicator.label in text, indicator.label


def test_the_generated_table_is_up_to_date():
    text = DOC.read_text(encoding="utf-8")
    assert synced(text) == text, "docs/indicators.md n'est pas à jour : manage.py document_indicators"


def test_the_check_command(capsys):
    call_command("document_indicators", "--check")
    assert "à jour" in capsys.readouterr().out


def test_the_check_fails_without_markers(tmp_path):
    with pytest.raises(CommandError):
        synced("no markers here")


def test_the_registry_is_consistent():
    for indicator in indicators.REGISTRY.values():
        assert indicator.family in indicators.FAMILIES
        assert indicators.FAMILIES[indicator.family].source in SOURCES
        assert indicator.label and indicator.definition and indicator.unit
        if indicator.kind == indicators.Kind.RATIO:
            assert indicator.numerator in indicators.REGISTRY
            assert all(code in indicators.REGISTRY for code in indicator.denominator)
            assert all(code in indicators.REGISTRY for code in indicator.secrecy_parts)
        else:
            assert not indicator.numerator


def test_the_youth_source_is_always_there():
    assert SOURCES["youth"].available
