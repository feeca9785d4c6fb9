"""The Text page's live demo, timed in Chromium: Home's "Generate Shakespeare-like text" button to
the untrained sample, the first loss point, the first sample after an epoch and the verdict on
screen; and the demo's training seconds with the page open against the same work headless.

Needs Debian's Chromium at /usr/bin/chromium and Playwright (the test requirements).

    python -m benchmarks.text_page [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import platform
import tempfile
import time
from pathlib import Path

import torch
from playwright.sync_api import sync_playwright

from benchmarks.app_latency import CHROMIUM_ARGS, READY, start_server
from lstm_app.runs.recording import record, start_run
from lstm_app.runs.store import RunStore
from lstm_app.samples import sample_path
from lstm_app.text.corpus import read_text
from lstm_app.text.pipeline import run_text
from lstm_app.text.sizing import suggested_config
from lstm_app.training.trainer import Callbacks

DEMO = "shakespeare_excerpt"


def demo_run(page, url: str) -> dict:
    """Click the demo on Home; return the seconds to each milestone and the report it ends with."""
    page.goto(url)
    page.wait_for_selector(READY, timeout=60000)
    started = time.perf_counter()
    page.get_by_role("button", name="Generate Shakespeare-like text").click()
    seen = {}
    page.get_by_text("Before training").first.wait_for(timeout=60000)
    seen["untrained sample"] = time.perf_counter() - started
    page.locator(".st-key-tx_loss_chart .js-plotly-plot .scatterlayer .trace").first.wait_for(
        timeout=60000)
    seen["first loss point"] = time.perf_counter() - started
    page.get_by_text(re.compile(r"^Epoch \d+ ·")).first.wait_for(timeout=120000)
    seen["first trained sample"] = time.perf_counter() - started
    page.get_by_text("The sample at the end of training").wait_for(timeout=600000)
    seen["verdict"] = time.perf_counter() - started
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report (JSON)").click()
    seen["report"] = json.loads(Path(download.value.path()).read_text())
    return seen


def headless_seconds() -> tuple[float, float, int]:
    """The demo's training in this process, one torch thread as in the app's worker: recorded
    as a run with live samples (exactly the worker's work), and plain (no run, no samples)."""
    torch.set_num_threads(1)
    text, _ = read_text(sample_path(DEMO))
    config = suggested_config(text)  # what the page suggests for it
    store = RunStore(tempfile.mkdtemp())
    run_id = start_run(store, "text", text, config, DEMO, DEMO)
    recorded = record(store.home, run_id, "text", text, config,
                      Callbacks(on_live=lambda live: None))
    plain = run_text(text, config)
    return recorded.training.seconds, plain.training.seconds, len(recorded.training.history)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores")
    runs, headless = [], []
    server, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for _ in range(args.repeats):  # interleaved, so machine drift hits both alike
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                runs.append(demo_run(page, url))
                page.close()
                headless.append(headless_seconds())
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    median = lambda values: sorted(values)[len(values) // 2]
    for milestone in ("untrained sample", "first loss point", "first trained sample", "verdict"):
        values = [run[milestone] for run in runs]
        print(f"Home demo → {milestone} on screen: median {median(values):.2f} s "
              f"(runs: {', '.join(f'{v:.2f}' for v in values)})")
    page_best = min(run["report"]["training"]["seconds"] for run in runs)
    epochs = {len(run["report"]["history"]) for run in runs} | {e for _, _, e in headless}
    head_best, plain_best = min(s for s, _, _ in headless), min(s for _, s, _ in headless)
    report = runs[-1]["report"]
    print(f"demo training: page open {page_best:.2f} s, headless {head_best:.2f} s (recorded, "
          f"live samples; best of {args.repeats}, epochs {sorted(epochs)}); ratio "
          f"{page_best / head_best:.3f}. Plain training without a run or samples: "
          f"{plain_best:.2f} s (the run and the samples cost ×{head_best / plain_best:.3f})")
    print(f"demo result: {report['val_loss']:.3f} nats per character, "
          f"{report['bits_per_char']:.2f} bits per character, frequency guess "
          f"{report['baseline_val_loss']:.3f}")


if __name__ == "__main__":
    main()
