from __future__ import annotations

import re
from datetime import timedelta

from tests.youth.factories import years_ago


def preregistration_data(commune, /, **overrides) -> dict:
    """What the pre-registration form posts (the commune typed, or chosen among the suggestions)."""
    data = {
        "website": "",
        "submitted_by": "self",
        "first_names": "Léa",
        "last_name": "Ricard",
        "birth_date": (years_ago(19) - timedelta(days=20)).isoformat(),
        "commune_label": f"{commune.name} ({commune.postal_code_list[0]})",
        "phone": "06 11 22 33 44",
        "email": "",
        "situation": "unemployed",
        "needs": ["job", "mobility"],
        "needs_detail": "",
        "availability": ["morning"],
        "availability_detail": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


def link_in(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, text
    return match.group(0).rstrip(".")


def text(response) -> str:
    """The page as a reader sees it (entities decoded: ' rather than &#x27;)."""
    import html

    return html.unescape(response.content.decode())


def drain(response) -> bytes:
    """The body of a FileResponse, its file closed (response.close() would also close the test's database
    connection, through the request_finished signal)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    body = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return body
