from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .factories import years_ago


def intake_data(place, /, **overrides) -> dict:
    """What the intake form posts when a counsellor picked the commune in the autocomplete."""
    data = {
        "last_name": "Le Gall",
        "first_names": "Kévin",
        "birth_date": (years_ago(19) - timedelta(days=40)).isoformat(),
        "sex": "M",
        "phone": "06 12 34 56 78",
        "email": "Kevin.LeGall@Example.test",
        "address": "3 rue de Gaël",
        "commune_label": f"{place.name} ({place.postal_code_list[0]})",
        "commune": str(place.pk),
        "education_level": "3",
        "heard_from": "outreach",
        "situation_kind": "unemployed",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def today():
    return timezone.localdate()


def full_file(client, youth_pk: int) -> str:
    """The file page once loaded, with the sections of the other apps in place of their placeholder."""
    return loaded(client, f"/jeunes/{youth_pk}/")


LAZY = r'<div [^>]*class="lazy(?: [^"]*)?"[^>]*hx-get="([^"]+)"[^>]*>(?:(?!<div).)*?</div><!--/lazy-->'


def loaded(client, url: str) -> str:
    """A page as a browser shows it once loaded: each placeholder (class "lazy") replaced by what htmx
    fetches for it (the home page's panels, the caseload's CEJ block, the file's linked sections)."""
    import html
    import re

    page = client.get(url).content.decode()

    def fetch(match) -> str:
        return client.get(html.unescape(match.group(1)), headers={"HX-Request": "true"}).content.decode()

    return re.sub(LAZY, fetch, page, flags=re.S)
