"""The live page against its targets: first loss point on screen, and training speed while polling.

1. Seconds from pressing Train on the airline sample to the first point of the loss curve on
   screen (target ≤ 2 s).
2. Training seconds of the same run (daily sales sample, fixed epochs, no early stopping) in the
   browser with the page open and polling, against the headless engine in this process
   (target: the page within 10% of headless).

Needs Debian's Chromium at /usr/bin/chromium and Playwright (the test requirements).

    python -m benchmarks.app_latency [--epochs 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from lstm_app.samples import sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import run_forecast
from lstm_app.series.settings import ForecastConfig

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
READY = ('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
         '[data-test-script-state="notRunning"]')


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, LSTM_APP_HOME=tempfile.mkdtemp())
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none"], cwd=REPO, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return server, url
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the app did not start")


def set_number(page, key: str, value) -> None:
    box = page.locator(f".st-key-{key} input").first
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_selector(READY)


def open_forecast(page, url: str, sample_title: str) -> None:
    page.goto(url + "/forecast")
    page.locator(".st-key-fc_train button").first.wait_for(timeout=60000)  # drawn to the end
    page.wait_for_selector(READY, timeout=60000)
    for _ in range(5):  # the dropdown can close if a rerun lands between click and choice
        page.locator(".st-key-fc_sample").first.click()
        option = page.get_by_role("option", name=sample_title)
        try:
            option.click(timeout=3000)
            break
        except Exception:
            page.keyboard.press("Escape")
    page.wait_for_selector(READY)
    page.locator(".st-key-fc_train button").first.wait_for()


def press_train(page, url: str, sample_title: str, epochs: int, patience: int) -> float:
    """Open the sample with these settings, press Train, and return the moment it was pressed."""
    open_forecast(page, url, sample_title)
    set_number(page, "fc_epochs", epochs)
    set_number(page, "fc_patience", patience)
    started = time.perf_counter()
    page.get_by_role("button", name="Train", exact=True).click()
    return started


def first_point_seconds(page, url: str) -> float:
    """Long enough a training (no early stop) that the live view must draw before it ends."""
    started = press_train(page, url, "Airline passengers", epochs=2000, patience=0)
    page.locator(".st-key-fc_loss_chart .js-plotly-plot .scatterlayer .trace").first.wait_for(timeout=60000)
    seconds = time.perf_counter() - started
    page.locator(".st-key-fc_job_stop button").first.click()
    page.get_by_text("Scores on the test span").wait_for(timeout=60000)
    return seconds


def default_results_seconds(page, url: str) -> float:
    """The airline sample with the default settings: Train to the verdict on screen."""
    started = press_train(page, url, "Airline passengers", epochs=100, patience=10)
    page.get_by_text("Scores on the test span").wait_for(timeout=120000)
    return time.perf_counter() - started


def page_training_seconds(page, url: str, epochs: int) -> float:
    press_train(page, url, "Daily shop sales", epochs=epochs, patience=0)
    page.get_by_text("Scores on the test span").wait_for(timeout=600000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report (JSON)").click()
    report = json.loads(Path(download.value.path()).read_text())
    ran = len(report["history"])
    if ran != epochs or report["config"]["patience"] != 0:
        raise SystemExit(f"the page trained {ran} epochs with patience "
                         f"{report['config']['patience']}, not {epochs} with 0: settings not applied")
    return report["training"]["seconds"]


def headless_training_seconds(epochs: int) -> float:
    series = load_series(sample_path("daily_sales"))
    result = run_forecast(series, ForecastConfig(epochs=epochs, patience=0))
    return result.training.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores")
    server, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            fresh = lambda: browser.new_page(viewport={"width": 1400, "height": 1000})
            firsts = [first_point_seconds(fresh(), url) for _ in range(args.repeats)]
            defaults = [default_results_seconds(fresh(), url) for _ in range(args.repeats)]
            in_page, headless = [], []
            for _ in range(args.repeats):  # interleaved, so machine drift hits both alike
                in_page.append(page_training_seconds(fresh(), url, args.epochs))
                headless.append(headless_training_seconds(args.epochs))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(f"Train → first loss point on screen: median {sorted(firsts)[len(firsts) // 2]:.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in firsts)}; target ≤ 2 s)")
    print(f"Train → results with the default settings: median "
          f"{sorted(defaults)[len(defaults) // 2]:.2f} s")
    best_page, best_headless = min(in_page), min(headless)
    print(f"training {args.epochs} epochs on daily sales: page open {best_page:.2f} s, headless "
          f"{best_headless:.2f} s (best of {args.repeats}); ratio {best_page / best_headless:.3f} "
          f"(target ≤ 1.10)")


if __name__ == "__main__":
    main()
