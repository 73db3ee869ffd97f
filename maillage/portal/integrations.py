"""Sections fed by apps being built beside the portal. Each is shown only when the app provides the
documented selector (docs/portal.md, "Sections from other apps"); otherwise the page says it will come.

- job profile and skills: `maillage.employers.selectors.job_profile_for_portal(youth)` (the job profile is
  built in the employers app; `maillage.youth.selectors` is looked at too) → None or an object with
  `occupations` (list of str), `skills` (list of str), `driving_licence` (bool or None), `mobility` (str);
- offers suggested by the counsellor: `maillage.employers.selectors.offers_suggested_to(youth)` → an
  iterable of objects with `title`, `company` (str), `commune` (str), `contract` (str), `status` (str);
- referrals: `maillage.partners.selectors.referrals_for_youth(youth)` → an iterable of objects with
  `service` (str), `organisation` (str), `status` (str), `updated` (datetime).

They must return only what the young person may see (no internal notes, no staff remarks).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps

#: section → where its selector may be, in order: (app, module, function name)
SECTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "job_profile": (
        ("maillage.employers", "maillage.employers.selectors", "job_profile_for_portal"),
        ("maillage.youth", "maillage.youth.selectors", "job_profile_for_portal"),
    ),
    "offers": (("maillage.employers", "maillage.employers.selectors", "offers_suggested_to"),),
    "referrals": (("maillage.partners", "maillage.partners.selectors", "referrals_for_youth"),),
}


def selector(section: str) -> Callable[[Any], Any] | None:
    for app, module_name, function in SECTIONS[section]:
        if not apps.is_installed(app):
            continue
        try:
            module = import_module(module_name)
        except ImportError:
            continue
        found = getattr(module, function, None)
        if callable(found):
            return found
    return None


def section_data(section: str, youth: Any) -> tuple[bool, Any]:
    """(available, data): data is the selector's answer, a list for the list sections."""
    function = selector(section)
    if function is None:
        return False, None
    data = function(youth)
    if section != "job_profile" and data is not None:
        data = list(data)
    return True, data
