"""Text messages through a pluggable backend (settings.PORTAL_SMS_BACKEND, a dotted path).

- `ConsoleSMSBackend` (the default, used in demo mode) prints each message on the standard output;
- `LocmemSMSBackend` keeps them in `outbox` (tests);
- a real provider is a class with the same `send(to=, text=)` method, named in the setting.
"""

from __future__ import annotations

import sys

from django.utils.module_loading import import_string

from . import conf

#: Messages kept by LocmemSMSBackend: (to, text) tuples.
outbox: list[tuple[str, str]] = []


class BaseSMSBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Prints the message (demo mode: the code to type is read in the server's output)."""

    def send(self, *, to: str, text: str) -> None:
        stream = sys.stdout
        stream.write(f"[SMS] à {to} : {text}\n")
        stream.flush()


class LocmemSMSBackend(BaseSMSBackend):
    def send(self, *, to: str, text: str) -> None:
        outbox.append((to, text))


def send_sms(*, to: str, text: str) -> None:
    backend = import_string(conf.sms_backend())()
    backend.send(to=to, text=text)
