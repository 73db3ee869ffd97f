"""Form fields of the project that differ from Django's.

`ModelChoiceField` / `ModelMultipleChoiceField`: Django lists a model choice field's options with
``queryset.iterator()``, which on PostgreSQL opens a server-side cursor — three round trips (DECLARE, FETCH,
CLOSE) for a select of a dozen sites or programmes, on every render. These read the options with one
ordinary query and keep them on the form's copy of the queryset (a form instance's field has its own
queryset: nothing is cached across requests). Validation is unchanged.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # one query; the rows stay in this queryset's cache
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator
