"""Owns measuring an uploaded workbook's sheets before the app reads any of them, in a child
process held to ``MEMORY`` bytes and ``SECONDS`` seconds.

The reader (python-calamine) lays out a sheet as one grid, from A1 to its farthest cell that
holds something. A workbook of a few kilobytes can put one cell at XFD1048576 (an .xlsx or .xlsb)
or repeat one cell a billion times in a line of XML (an .ods): a grid of hundreds of gigabytes.
Asking for that memory aborts the process that asks: were it the app's, every user's session
would end with it. A sheet's own account of its size (an .xlsx's ``<dimension>``) can say
anything, and the reader is more lenient than any check short of itself. So the reader itself
lays the sheets out first, in a child process that the operating system stops at ``MEMORY``;
the app reads a sheet only once its size from A1 is known to be within its limits.

It fails closed: a child stopped, out of time, or failing in any way but one is a refusal
(``Unmeasured``); only a child that cannot import the reader at all leaves the workbook to be
read unmeasured (None), as before this check. At most ``AT_ONCE`` children run together, and
the last ``KEEP`` answers are remembered by the workbook's digest (a page asks again on every
rerun).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections import OrderedDict

MEMORY = 1536 * 2**20  # bytes: a sheet of the 5 million cells the app reads takes about 0.5 GB
SECONDS = 60
AT_ONCE = 2
KEEP = 32
OUT_OF_MEMORY, CANNOT_RUN = 3, 4  # the child's exit codes

# -P: no module of the working folder's is imported. A sheet the reader cannot lay out is
# null (the app then does not lay it out either); out of memory, the reader's own allocation
# aborts the child (a signal), Python's exits with OUT_OF_MEMORY.
CHILD = r"""
import io, json, resource, sys
limit, out_of_memory, cannot_run = map(int, sys.argv[1:4])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    from python_calamine import CalamineWorkbook
except ImportError:
    sys.exit(cannot_run)
sizes = {}
try:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    except Exception:  # damaged, locked, no workbook: the app's own reading says which
        book = None
    for name in book.sheet_names if book is not None else []:
        try:
            end = book.get_sheet_by_name(name).end
        except Exception:
            sizes[name] = None
            continue
        sizes[name] = [end[0] + 1, end[1] + 1] if end else [0, 0]
except MemoryError:
    sys.exit(out_of_memory)
json.dump(sizes, sys.stdout)
"""


class Unmeasured(Exception):
    """The workbook could not be measured: ``kind`` "memory", "time" or "failed"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


_running = threading.BoundedSemaphore(AT_ONCE)
_answers: OrderedDict[str, dict | str | None] = OrderedDict()
_answers_lock = threading.Lock()


def sheet_sizes(raw: bytes) -> dict[str, tuple[int, int] | None] | None:
    """(rows, columns) from A1 of each sheet of the workbook ``raw`` (None for a sheet the
    reader cannot lay out; no sheets for a workbook it cannot open); None where the child
    cannot run at all. Raises ``Unmeasured`` where laying them out took more than ``MEMORY``
    bytes or ``SECONDS`` seconds or failed otherwise."""
    digest = hashlib.sha256(raw).hexdigest()
    with _answers_lock:
        known = _answers.get(digest, "")
    answer = known if known != "" else _measure(raw)
    with _answers_lock:
        _answers[digest] = answer
        _answers.move_to_end(digest)
        while len(_answers) > KEEP:
            _answers.popitem(last=False)
    if isinstance(answer, str):
        raise Unmeasured(answer)
    return None if answer is None else dict(answer)


def _measure(raw: bytes) -> dict | str | None:
    """The child's answer: sizes, None (it cannot run) or why it failed ("memory", …)."""
    with _running:
        try:
            done = subprocess.run(
                [sys.executable, "-P", "-c", CHILD, str(MEMORY), str(OUT_OF_MEMORY),
                 str(CANNOT_RUN)], input=raw, capture_output=True, timeout=SECONDS)
        except subprocess.TimeoutExpired:
            return "time"
        except OSError:  # no Python to start: as if the reader could not run
            return None
    if done.returncode == CANNOT_RUN:
        return None
    if done.returncode == OUT_OF_MEMORY or done.returncode < 0:
        return "memory" if done.returncode == OUT_OF_MEMORY or _memory_signal(done) else "failed"
    if done.returncode != 0:
        return "failed"
    try:
        found = json.loads(done.stdout)
        return {str(name): (None if size is None else (int(size[0]), int(size[1])))
                for name, size in found.items()}
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return "failed"


def _memory_signal(done: subprocess.CompletedProcess) -> bool:
    """Whether the child was stopped for memory: the reader aborts (SIGABRT) when an allocation
    is refused, saying so; the system's own killer sends SIGKILL."""
    return done.returncode == -9 or b"memory allocation" in done.stderr
