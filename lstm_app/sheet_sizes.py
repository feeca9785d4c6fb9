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

It fails closed: a child that cannot start, is stopped, runs out of time or fails in any way
but one is a refusal (``Unmeasured``); only a child that finds no reader installed leaves the
workbook to be read unmeasured (None), as before this check. At most ``AT_ONCE`` children run
together, and the last ``KEEP`` answers that do not hang on the machine's load (sizes, the
reader's own failure, its refused allocation) are remembered by the workbook's digest (a page
asks again on every rerun).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass

MEMORY = 1536 * 2**20  # bytes: a sheet of the 5 million cells the app reads takes about 0.5 GB
SECONDS = 60
AT_ONCE = 2
KEEP = 32
OUT_OF_MEMORY, CANNOT_RUN = 3, 4  # the child's exit codes

# -P: no module of the working folder's is imported. The answer: whether the reader opened the
# workbook, and each sheet of cells' size from A1 (null: the reader cannot lay it out, and the app does
# not either). Out of memory, the reader's own allocation aborts the child (a signal), Python's
# exits with OUT_OF_MEMORY.
CHILD = r"""
import io, json, resource, sys
limit, out_of_memory, cannot_run = map(int, sys.argv[1:4])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    from python_calamine import CalamineWorkbook, SheetTypeEnum
except ModuleNotFoundError:
    sys.exit(cannot_run)
sizes, opened = {}, True
try:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    except Exception:  # damaged, locked, no workbook: the app's own reading says which
        book, opened = None, False
    for name in [m.name for m in book.sheets_metadata
                 if m.typ == SheetTypeEnum.WorkSheet] if book is not None else []:
        try:
            end = book.get_sheet_by_name(name).end
        except Exception:
            sizes[name] = None
            continue
        sizes[name] = [end[0] + 1, end[1] + 1] if end else [0, 0]
except MemoryError:
    sys.exit(out_of_memory)
json.dump({"opened": opened, "sheets": sizes}, sys.stdout)
"""


class Unmeasured(Exception):
    """The workbook could not be measured: ``kind`` "memory", "time" or "failed"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Measured:
    """What the child found: whether the reader opened the workbook, and each sheet's (rows,
    columns) from A1 (None: the reader could not lay it out)."""

    opened: bool
    sheets: dict


_running = threading.BoundedSemaphore(AT_ONCE)
_answers: OrderedDict[str, Measured | str | None] = OrderedDict()
_answers_lock = threading.Lock()


def sheet_sizes(raw: bytes) -> Measured | None:
    """What the reader makes of the workbook ``raw``, measured apart; None where the child
    finds no reader to run. Raises ``Unmeasured`` where laying it out took more than
    ``MEMORY`` bytes or ``SECONDS`` seconds, or the child could not start or failed."""
    digest = hashlib.sha256(raw).hexdigest()
    with _answers_lock:
        known = _answers.get(digest, "")
    answer, lasting = (known, True) if known != "" else _measure(raw)
    if lasting:
        with _answers_lock:
            _answers[digest] = answer
            _answers.move_to_end(digest)
            while len(_answers) > KEEP:
                _answers.popitem(last=False)
    if isinstance(answer, str):
        raise Unmeasured(answer)
    return answer


def _measure(raw: bytes) -> tuple[Measured | str | None, bool]:
    """The child's answer (what it found, None where it finds no reader, or why it failed:
    "memory", "time", "failed"), and whether it is the same whatever the machine's load."""
    with _running:
        try:
            done = subprocess.run(
                [sys.executable, "-P", "-c", CHILD, str(MEMORY), str(OUT_OF_MEMORY),
                 str(CANNOT_RUN)], input=raw, capture_output=True, timeout=SECONDS)
        except subprocess.TimeoutExpired:
            return "time", False
        except OSError:  # no process to start (the machine's limits): try again next time
            return "failed", False
    if done.returncode == CANNOT_RUN:
        return None, True
    refused_allocation = b"memory allocation" in done.stderr  # the reader's own abort
    if done.returncode == OUT_OF_MEMORY or refused_allocation:
        return "memory", True
    if done.returncode < 0:  # another signal: the system's killer, a shutdown …
        return "failed", False
    if done.returncode != 0:
        return "failed", True  # the reader failed on the workbook (a panic)
    try:
        found = json.loads(done.stdout)
        sheets = {str(name): (None if size is None else (int(size[0]), int(size[1])))
                  for name, size in found["sheets"].items()}
        return Measured(bool(found["opened"]), sheets), True
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return "failed", True
