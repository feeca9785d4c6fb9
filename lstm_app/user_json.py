"""Reading JSON that a user may have made or edited (a bundle's files, a run's saved files, the
run store's columns): whatever the text holds, a ValueError, never another error."""

from __future__ import annotations

import json

from .i18n import tr


def parse_json(data: bytes | str):
    """The JSON value of ``data``, or a ValueError: text that is not UTF-8 or not JSON, and
    JSON nested so deep that reading it would overflow Python's stack (a RecursionError)."""
    try:
        return json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except RecursionError:
        raise ValueError(tr("JSON nested too deeply")) from None
