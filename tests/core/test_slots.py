import pytest
from django.template import Context, Template
from django.test import RequestFactory

from maillage.core import slots


@pytest.fixture
def temporary_slot():
    yield "test_slot"
    slots._SECTIONS.pop("test_slot", None)


def test_render_slot_renders_registered_sections_in_order(temporary_slot, settings):
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False, "DIRS": []}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            (
                "django.template.loaders.locmem.Loader",
                {"a.html": "<p>A {{ value }}</p>", "b.html": "<p>B {{ value }}</p>"},
            )
        ],
    }
    settings.TEMPLATES = [engine]
    slots.register_section(
        slots.SlotSection(temporary_slot, "b", "b.html", lambda r, **kw: {"value": kw["x"]}, 2)
    )
    slots.register_section(
        slots.SlotSection(temporary_slot, "a", "a.html", lambda r, **kw: {"value": "<i>"}, 1)
    )
    slots.register_section(slots.SlotSection(temporary_slot, "hidden", "a.html", lambda r, **kw: None, 0))
    request = RequestFactory().get("/")
    html = Template('{% load slots %}{% render_slot "test_slot" x=3 %}').render(Context({"request": request}))
    assert html == "<p>A &lt;i&gt;</p><p>B 3</p>"
