"""The widgets rendered in Python (maillage.core.widgets) give exactly the HTML of Django's templates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.core.widgets import RENDERERS, FastTemplates

FAST, TEMPLATES = FastTemplates(), DjangoTemplates()

# Text with what HTML escapes, accents and newlines; names and ids without spaces.
text = st.text(alphabet=st.sampled_from("ab é<>&\"'\n1-_"), max_size=12)
name = st.text(alphabet=st.sampled_from("abz_-0"), min_size=1, max_size=8)
attr_value = st.one_of(
    st.booleans(), text, st.integers(-5, 500), st.builds(mark_safe, text), st.just(gettext_lazy("Nom"))
)
attrs = st.dictionaries(
    st.sampled_from(["class", "id", "rows", "placeholder", "required", "data-x"]), attr_value
)
label = st.one_of(text, st.builds(mark_safe, text), st.integers(0, 2000), st.just(gettext_lazy("Prénom")))
value = st.one_of(st.none(), text, st.integers(0, 99), st.builds(mark_safe, text))
choices = st.lists(st.tuples(st.one_of(text, st.integers(0, 9)), label), max_size=6)
grouped = st.lists(
    st.one_of(
        st.tuples(text, label), st.tuples(text.filter(bool), st.lists(st.tuples(text, label), max_size=3))
    ),
    max_size=4,
)


def both(widget: forms.Widget, widget_name: str, widget_value, widget_attrs) -> tuple[str, str]:
    return (
        widget.render(widget_name, widget_value, attrs=widget_attrs, renderer=FAST),
        widget.render(widget_name, widget_value, attrs=widget_attrs, renderer=TEMPLATES),
    )


INPUTS = [
    forms.TextInput,
    forms.EmailInput,
    forms.URLInput,
    forms.NumberInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.Textarea,
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(INPUTS), name, value, attrs)
def test_inputs_render_as_the_templates(widget_class, widget_name, widget_value, widget_attrs):
    fast, slow = both(widget_class(), widget_name, widget_value, widget_attrs)
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([forms.Select, forms.SelectMultiple, forms.CheckboxSelectMultiple, forms.RadioSelect]),
    name,
    st.one_of(choices, grouped),
    st.one_of(value, st.lists(text, max_size=3)),
    attrs,
)
def test_choices_render_as_the_templates(
    widget_class, widget_name, widget_choices, widget_value, widget_attrs
):
    widget = widget_class(choices=widget_choices)
    fast, slow = both(widget, widget_name, widget_value, widget_attrs)
    assert fast == slow
    for option in widget.subwidgets(
        widget_name, widget_value, widget_attrs
    ):  # {{ choice.tag }} in a template
        assert FAST.render(option["template_name"], {"widget": option}) == TEMPLATES.render(
            option["template_name"], {"widget": option}
        )


def test_values_the_engine_localises_go_through_the_templates(settings):
    """Dates and decimals are printed by the template engine with the locale: left to it."""
    settings.USE_THOUSAND_SEPARATOR = True
    widget = forms.Select(choices=[(1, 12345), (2, Decimal("1.5")), (3, datetime.date(2026, 12, 7))])
    fast, slow = both(widget, "n", 1, {"id": "id_n"})
    assert fast == slow
    assert ">12\xa0345<" in fast and ">1,5<" in fast and ">7 décembre 2026<" in fast


def test_every_form_of_the_project_renders_the_same(rf):
    """A real form with every kind of field: same HTML through both renderers."""

    class Everything(forms.Form):
        title = forms.CharField(label="Titre <b>", help_text="aide")
        email = forms.EmailField()
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        count = forms.IntegerField(min_value=0)
        notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
        agree = forms.BooleanField(required=False)
        kind = forms.ChoiceField(choices=[("a", "Alpha"), ("b", "Bêta & co")])
        themes = forms.MultipleChoiceField(
            choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
        )
        level = forms.ChoiceField(choices=[("1", "Un"), ("2", "Deux")], widget=forms.RadioSelect)

    for data in (None, {"title": "<script>", "count": "-1", "kind": "b", "themes": ["y"], "level": "2"}):
        form = Everything(data=data, initial={"notes": "ligne 1\nligne 2"})
        form.renderer = FAST
        fast = str(form)
        form.renderer = TEMPLATES
        slow = str(form)
        assert fast == slow


def test_the_project_uses_the_fast_renderer():
    assert isinstance(get_default_renderer(), FastTemplates)
    assert "django/forms/widgets/select.html" in RENDERERS
