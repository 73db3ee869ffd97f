import pytest
from django.template import Context, Template
from django.test import RequestFactory

from maillage.core import slots


@pytest.fixture
def temporary_slot():
    yield "test_slot"
    slots._SECTIONS.pop("test_slot", None)


def test_render_slot_renders_registered_sections_in_order(temporary_slot, tmp_path, settings):
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], tmp_path]
    (tmp_path / "a.html").write_text("<p>A {{ value }}</p>")
    (tmp_path / "b.html").write_text("<p>B {{ value }}</p>")
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
