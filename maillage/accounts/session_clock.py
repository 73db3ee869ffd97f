"""The two timestamps kept in the session to end it after idle time or in all (SessionLimitsMiddleware)."""

from __future__ import annotations

import time

from django.http import HttpRequest

SESSION_STARTED = "maillage_started"
SESSION_LAST_SEEN = "maillage_last_seen"


def start_session_clock(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
