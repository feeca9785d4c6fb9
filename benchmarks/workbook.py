"""Reading an Excel workbook against reading the same table as a CSV: a business export of one
data sheet (a date, a store, and four number columns, typed as Excel stores them) behind a cover
sheet, at a few sizes, read by ``read_csv_table`` as an upload is; beside them, openpyxl's
read-only reader only going through the data sheet's cells (the app's reader until 2026-12-05,
whose whole read cost more); the median of three reads of each, one after the other in one run
(the machine is shared and noisy).

No target in an issue: the figure says what a workbook upload costs beside a CSV's.

    python -m benchmarks.workbook [--rows 1000 20000 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import platform
import statistics
import time
from importlib.metadata import version

import openpyxl

from lstm_app.csv_table import read_csv_table


def _book(rows: int) -> tuple[bytes, bytes]:
    """The workbook (a cover, then the data) and the same data as CSV."""
    book = openpyxl.Workbook(write_only=True)
    cover = book.create_sheet("封面")
    cover.append(["销售报告"])
    data = book.create_sheet("数据")
    header = ["日期", "门店", "销售额", "客流", "促销", "气温"]
    data.append(header)
    lines = [",".join(header)]
    start = dt.date(2020, 1, 1)
    for i in range(rows):
        row = [start + dt.timedelta(days=i // 10), f"门店{i % 10}", 1000.5 + i % 97,
               200 + i % 13, i % 5 == 0, 20.25 - i % 7]
        data.append(row)
        lines.append(",".join([row[0].isoformat(), row[1], str(row[2]), str(row[3]),
                               "TRUE" if row[4] else "FALSE", str(row[5])]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), "\n".join(lines).encode("utf-8")


def _median_seconds(read) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _openpyxl_cells(raw: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    return sum(len(row) for row in book["数据"].iter_rows(values_only=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 20000, 100000])
    args = parser.parse_args()
    print(f"workbook, {dt.date.today()}, {platform.machine()}, {platform.python_version()}, "
          f"python-calamine {version('python-calamine')}, openpyxl {openpyxl.__version__}")
    print(f"{'rows':>8} {'xlsx MB':>8} {'csv MB':>7} {'xlsx s':>7} {'csv s':>7} {'ratio':>6} "
          f"{'openpyxl s':>10}")
    for rows in args.rows:
        workbook, text = _book(rows)
        xlsx = _median_seconds(lambda: read_csv_table(io.BytesIO(workbook), "sales.xlsx", []))
        csv = _median_seconds(lambda: read_csv_table(io.BytesIO(text), "sales.csv", []))
        bare = _median_seconds(lambda: _openpyxl_cells(workbook))
        print(f"{rows:>8,} {len(workbook) / 1e6:>8.2f} {len(text) / 1e6:>7.2f} {xlsx:>7.2f} "
              f"{csv:>7.3f} {xlsx / csv:>5.1f}× {bare:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
