"""The Forecast page with a large panel: upload to summary, and whether a click still answers
within a second while the panel trains (the issue's target), then Stop to the results.

The panel is benchmarks.panel_scale's generator: in its long layout at the size the server's
50 MB upload cap takes (5,000 series × 300 days, about 45 MB), or with ``--wide`` as one column
per series, which takes the benchmark's whole 10,000 series × 300 days in about 21 MB. A "click" changes a setting (the hidden size, for
the next Train) while the training runs: a whole rerun of the page, from the key press to the
page's new weight count on screen.

    python -m benchmarks.panel_page [--series 5000] [--days 300] [--clicks 7] [--wide]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
from playwright.sync_api import sync_playwright

from benchmarks.app_latency import CHROMIUM_ARGS, READY, set_number, start_server
from benchmarks.panel_scale import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=5000)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--clicks", type=int, default=7)
    parser.add_argument("--wide", action="store_true", help="one column per series")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores")
    folder = Path(tempfile.mkdtemp())
    data = folder / "stores.csv"
    generate(data, args.series, args.days)
    if args.wide:
        long = pd.read_csv(data)
        long.pivot(index="date", columns="store", values="sales").to_csv(data)
    print(f"panel: {args.series:,} series × {args.days} days, {'wide' if args.wide else 'long'}, "
          f"{data.stat().st_size / 2**20:.1f} MB")
    server, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            measure(page, url, data, args.series, args.clicks)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


def measure(page, url: str, data: Path, series: int, clicks: int) -> None:
    """Upload, train, click while it trains, stop: each step's seconds printed."""
    page.goto(url + "/forecast")
    page.wait_for_selector(READY, timeout=60000)
    page.get_by_text("My own file").click()
    page.wait_for_selector(READY)
    started = time.perf_counter()
    page.locator('input[type="file"]').set_input_files(str(data))
    page.get_by_text(f"{series:,} series").first.wait_for(timeout=600000)
    page.wait_for_selector(READY, timeout=600000)
    print(f"upload → summary on screen: {time.perf_counter() - started:.1f} s")
    set_number(page, "fc_epochs", 50)
    page.get_by_text("More settings").click()  # patience is in there
    set_number(page, "fc_patience", 0)
    started = time.perf_counter()
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator(".st-key-fc_job_stop button").first.wait_for(timeout=600000)
    print(f"Train → the page answers (Stop on screen): {time.perf_counter() - started:.2f} s")
    page.locator(".st-key-fc_loss_chart .js-plotly-plot .scatterlayer .trace").first \
        .wait_for(timeout=600000)
    answers = []
    note = page.get_by_text("weights to learn from").first
    for i in range(clicks):
        before = note.inner_text()
        box = page.locator(".st-key-fc_hidden_size input").first
        box.fill(str(16 if i % 2 == 0 else 24))
        started = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(
            "([text]) => [...document.querySelectorAll('p')].some(p => "
            "p.innerText.includes('weights to learn from') && p.innerText !== text)",
            arg=[before], timeout=60000)
        answers.append(time.perf_counter() - started)
        time.sleep(1.0)
    print(f"a click while the panel trains → its answer on screen: median "
          f"{statistics.median(answers):.2f} s, slowest {max(answers):.2f} s "
          f"({', '.join(f'{a:.2f}' for a in answers)}; target ≤ 1 s)")
    started = time.perf_counter()
    page.locator(".st-key-fc_job_stop button").first.click()
    page.get_by_text("Every series").first.wait_for(timeout=600000)
    page.wait_for_selector(READY, timeout=600000)
    print(f"Stop → every series scored and the results on screen: "
          f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
