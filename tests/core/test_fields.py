"""``{% field_row %}`` (maillage/core/templatetags/fields.py) gives the markup of the template it replaced."""

from __future__ import annotations

import re

from django import forms
from django.template import Context, Template

from maillage.core.templatetags.fields import render_field

#: templates/youth/_field.html before it became a template tag.
ORIGINAL = """
{% if field.is_hidden %}{{ field }}{% else %}
<div class="field{% if field.errors %} has-error{% endif %}{% if wrapper_class %} {{ wrapper_class }}{% endif %}"{% if wrapper_id %} id="{{ wrapper_id }}"{% endif %}{% if hide_initially %} data-initially-hidden="1"{% endif %}>
  {% if field.field.widget.input_type == "checkbox" and not field.field.widget.allow_multiple_selected %}
    <div class="check">{{ field }} <label for="{{ field.id_for_label }}">{{ field.label }}</label></div>
  {% elif field.field.widget.input_type == "radio" or field.field.widget.allow_multiple_selected and field.field.widget.input_type == "checkbox" %}
    <fieldset class="choices">
      <legend>{{ field.label }}{% if field.field.required %} <span aria-hidden="true">*</span>{% endif %}</legend>
      {% for choice in field %}<div class="check">{{ choice.tag }} <label for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}
    </fieldset>
  {% else %}
    <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span aria-hidden="true">*</span>{% endif %}</label>
    {{ field }}
  {% endif %}
  {% if field.help_text %}<span class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</span>{% endif %}
  {% if field.errors %}<ul class="errorlist" id="{{ field.auto_id }}_error">{% for error in field.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
</div>
{% endif %}
"""  # noqa: E501


def normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


class Everything(forms.Form):
    title = forms.CharField(label="Titre <b>", help_text="Aide & conseils", max_length=5)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    agree = forms.BooleanField(label="J'accepte", required=False)
    kind = forms.ChoiceField(choices=[("a", "Alpha"), ("b", "Bêta & co")])
    themes = forms.MultipleChoiceField(
        choices=[("x", "X <i>"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    level = forms.ChoiceField(choices=[("1", "Un"), ("2", "Deux")], widget=forms.RadioSelect)
    counsellors = forms.MultipleChoiceField(choices=[("1", "Un")], required=False)


def test_every_kind_of_field_renders_as_the_template():
    template = Template(ORIGINAL)
    for data in (None, {"title": "beaucoup trop long", "kind": "z", "themes": ["y"], "level": "2"}):
        form = Everything(data=data)
        for field in form:
            for extra in ({}, {"wrapper_class": "wide", "wrapper_id": "bloc-x", "hide_initially": True}):
                expected = template.render(Context({"field": field, **extra}))
                assert normalised(render_field(field, **extra)) == normalised(expected), field.name


def test_errors_are_linked_and_escaped():
    form = Everything(data={"title": "<script>trop long", "level": "1", "kind": "a"})
    html = render_field(form["title"])
    assert 'class="field has-error"' in html
    assert 'id="id_title_error"' in html
    assert "<script>" not in html
    assert "Titre &lt;b&gt;" in html


def test_the_include_still_works_with_its_variables():
    form = Everything()
    html = Template('{% include "youth/_field.html" with field=form.title wrapper_id="bloc" %}').render(
        Context({"form": form})
    )
    assert 'id="bloc"' in html and 'for="id_title"' in html
