"""Owns measuring an uploaded workbook's sheets before the app reads any of them, in a child
process held to ``MEMORY`` bytes and ``SECONDS`` seconds.

The reader (python-calamine) lays out a sheet as one grid, from A1 to its farthest cell that
holds something. A workbook of a few kilobytes can put one cell at XFD1048576 (an .xlsx or .xlsb)
or repeat one cell a billion times in a line of XML (an .ods): a grid of hundreds of gigabytes.
Asking for that memory aborts the process that asks: were it the app's, every user's session
would end with it. A sheet's own account of its size (an .xlsx's ``<dimension>``) can say
anything, and the reader is more lenient than any check short of itself. So the reader itself
lays the sheets out first, in a child process that the operating system stops at ``MEMORY``;
the app reads the workbook only once its sheets' sizes are known to be within its limits.
"""

from __future__ import annotations

import json
import subprocess
import sys

MEMORY = 1536 * 2**20  # bytes: a sheet of the 5 million cells the app reads takes about 0.5 GB
SECONDS = 60

# python-calamine alone, not the app, is imported. Out of memory: the reader's own allocation
# aborts the child (a signal), Python's exits with OUT_OF_MEMORY.
OUT_OF_MEMORY = 3
CHILD = r"""
import io, json, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from python_calamine import CalamineWorkbook
sizes = {}
try:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
        names = book.sheet_names
    except Exception:  # damaged, locked, no workbook: the app's own reading says which
        names = []
    for name in names:
        try:
            sheet = book.get_sheet_by_name(name)
        except Exception:
            continue
        sizes[name] = [sheet.height, sheet.width]
except MemoryError:
    sys.exit(int(sys.argv[2]))
json.dump(sizes, sys.stdout)
"""


def sheet_sizes(raw: bytes) -> dict[str, tuple[int, int]] | None:
    """(rows, columns) of each sheet of the workbook ``raw`` that the reader can lay out (none
    of a workbook it cannot open); None where laying them out took more than ``MEMORY`` bytes or
    ``SECONDS`` seconds, and the child was stopped. Where the child cannot run at all (no
    python-calamine where this Python looks), {}: the app then reads as it did before."""
    try:
        done = subprocess.run(  # -P: no module of the working folder's is imported
            [sys.executable, "-P", "-c", CHILD, str(MEMORY), str(OUT_OF_MEMORY)], input=raw,
            capture_output=True, timeout=SECONDS)
    except subprocess.TimeoutExpired:
        return None
    except OSError:
        return {}
    if done.returncode < 0 or done.returncode == OUT_OF_MEMORY:
        return None
    try:
        return {name: (int(rows), int(columns))
                for name, (rows, columns) in json.loads(done.stdout).items()}
    except (ValueError, TypeError):
        return {}
