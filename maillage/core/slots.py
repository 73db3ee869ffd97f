"""Extension slots: a page of one app shows sections provided by apps that depend on it.

The youth file, for instance, shows referrals (partners) and applications (employers) without importing
those apps: each registers a section for the slot "youth_file" in its AppConfig.ready(), and the youth
template renders `{% render_slot "youth_file" youth=youth %}`. Dependencies stay one-way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class SlotSection:
    slot: str
    name: str
    template: str
    #: Returns the template context for this request and the slot's arguments, or None to hide it.
    context: Callable[..., dict | None]
    order: int = 100


_SECTIONS: dict[str, dict[str, SlotSection]] = {}


def register_section(section: SlotSection) -> None:
    _SECTIONS.setdefault(section.slot, {})[section.name] = section


def sections_for(slot: str, request: HttpRequest, **kwargs: Any) -> list[dict]:
    rendered = []
    for section in sorted(_SECTIONS.get(slot, {}).values(), key=lambda s: (s.order, s.name)):
        context = section.context(request, **kwargs)
        if context is not None:
            rendered.append({"template": section.template, "context": context, "name": section.name})
    return rendered
