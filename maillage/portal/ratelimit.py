"""A fixed-window rate limit in Django's cache: pre-registrations, code requests and code checks."""

from __future__ import annotations

from django.core.cache import cache


def _key(scope: str, ident: str) -> str:
    return f"portal:ratelimit:{scope}:{ident}"


def is_limited(scope: str, ident: str | None, *, limit: int) -> bool:
    """True when `ident` has already used its `limit` hits in the current window."""
    if not ident:
        return False
    return int(cache.get(_key(scope, ident), 0)) >= limit


def hit(scope: str, ident: str | None, *, window_seconds: int) -> int:
    """Count one hit; the window starts with the first hit and lasts `window_seconds`."""
    if not ident:
        return 0
    key = _key(scope, ident)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        return 1


def check_and_hit(scope: str, ident: str | None, *, limit: int, window_seconds: int) -> bool:
    """Count one hit and say whether it was over the limit (True: refuse the request)."""
    if is_limited(scope, ident, limit=limit):
        return True
    hit(scope, ident, window_seconds=window_seconds)
    return False
