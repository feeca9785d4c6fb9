"""Who may see and change a run.

Without sign-in (``user`` is None) the app serves one person: every run is theirs. With sign-in
(team mode) a run belongs to its owner; others see it only once it is shared, with everyone
signed in or through its link (``?run=<id>&share=<token>``). Runs without an owner were made
before sign-in was configured, or on the command line, by whoever runs the server: everyone
signed in sees them.
"""

from __future__ import annotations

import hmac

from .store import Run


def owns(run: Run, user: str) -> bool:
    """Whether ``user`` is the run's owner: an e-mail address in any case (a provider may send
    Alice@Example.test one day and alice@example.test the next; ``user`` comes lower-cased), a
    provider's subject exactly (``sub:…``; one stored bare, before subjects were marked, still
    counts where it cannot be read as an address)."""
    if run.owner is None:
        return False
    if user.startswith("sub:"):
        return run.owner == user or ("@" not in run.owner and run.owner == user[4:])
    return run.owner.lower() == user


def can_open(run: Run, user: str | None, token: str | None = None) -> bool:
    if user is None or run.owner is None or owns(run, user) or run.shared:
        return True
    return bool(token and run.share_token and hmac.compare_digest(token, run.share_token))


def can_change(run: Run, user: str | None) -> bool:
    """Rename, annotate, delete and share: its owner's (anyone's without sign-in)."""
    return user is None or run.owner is None or owns(run, user)


def visible(runs: list[Run], user: str | None, opened: dict[str, str] | None = None) -> list[Run]:
    """The runs a person's lists show: their own and those shared with them (``opened``: the
    runs they opened through a share link, each with its link's token: a link withdrawn since
    shows the run no more)."""
    opened = opened or {}
    return [run for run in runs if can_open(run, user, opened.get(run.id))]
