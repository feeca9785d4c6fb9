"""Who may see and change a run.

Without sign-in (``user`` is None) the app serves one person: every run is theirs. With sign-in
(team mode) a run belongs to its owner; others see it only once it is shared, with everyone
signed in or through its link (``?run=<id>&share=<token>``). Runs without an owner were made
before sign-in was configured, or on the command line, by whoever runs the server: everyone
signed in sees them.
"""

from __future__ import annotations

import hmac
import re
from typing import Mapping

from .row import Run

ADDRESS = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+")


def folded(text: str) -> str:
    """``text`` in lower case, a letter only where lower-casing it can be undone (Å is å, and å
    is Å again); a sign that only looks like a letter stays itself (the Kelvin sign K would
    become k, the Angstrom sign Å would become å: someone else's address)."""
    return "".join(lower if lower.upper() == c else c for c in text for lower in [c.lower()])


def identity(claims: Mapping) -> str | None:
    """Who a signed-in person is, from their provider's claims: their e-mail address
    ``folded`` (Alice@Example.test is alice@example.test; an address spelled with the Kelvin
    sign K never becomes one with k), where the provider sends one that reads as an address,
    does not start "sub:" and is not marked unverified (a provider that lets people type any
    address says so); else their subject, marked "sub:" (a subject that reads like an address
    must not be taken for one); None without either."""
    email = claims.get("email")
    unverified = str(claims.get("email_verified", True)).strip().lower() in ("false", "0")
    if isinstance(email, str) and not unverified:
        email = folded(email.strip())
        if ADDRESS.fullmatch(email) and not email.startswith("sub:"):
            return email
    subject = claims.get("sub")
    return None if subject is None or str(subject) == "" else f"sub:{subject}"


def owns(run: Run, user: str) -> bool:
    """Whether ``user`` is the run's owner: an e-mail address in any case (a provider may send
    Alice@Example.test one day and alice@example.test the next; ``user`` comes ``folded``, and
    so does the owner stored, by an earlier version's plain lower-casing), a
    provider's subject exactly (``sub:…``; one stored bare, before subjects were marked, still
    counts where it cannot be read as an address)."""
    if run.owner is None:
        return False
    if user.startswith("sub:"):
        return run.owner == user or ("@" not in run.owner and run.owner == user[4:])
    return folded(run.owner) == user


def can_open(run: Run, user: str | None, token: str | None = None) -> bool:
    if user is None or run.owner is None or owns(run, user) or run.shared:
        return True
    return bool(token and run.share_token and hmac.compare_digest(  # any characters at all
        token.encode("utf-8", "surrogatepass"), run.share_token.encode("utf-8", "surrogatepass")))


def can_change(run: Run, user: str | None) -> bool:
    """Rename, annotate, delete and share: its owner's (anyone's without sign-in)."""
    return user is None or run.owner is None or owns(run, user)


def visible(runs: list[Run], user: str | None, opened: dict[str, str] | None = None) -> list[Run]:
    """The runs a person's lists show: their own and those shared with them (``opened``: the
    runs they opened through a share link, each with its link's token: a link withdrawn since
    shows the run no more)."""
    opened = opened or {}
    return [run for run in runs if can_open(run, user, opened.get(run.id))]
