"""Browser tests: Playwright driving Debian's Chromium against ``streamlit run app.py``.

Set-up: ``tests/setup_browser.sh`` installs /usr/bin/chromium (apt, as root). Never
``playwright install``. Without Chromium these tests are skipped with a loud reason, except
under ``CI=true`` where they fail. Every test in this folder gets the ``browser`` marker:
``pytest tests -m "not browser"`` leaves them out, ``pytest tests -m browser`` runs only them.

Fixtures (usable by any test module in tests/browser):

``start_streamlit(entry, cwd, log, env)`` / ``stop_streamlit``: a server of a test's own (a
                          fresh server's first request, another app); ``app_server`` uses them.
``app_server`` (session)  base URL as a str, e.g. ``"http://127.0.0.1:40123"`` (no trailing
                          slash). One ``python -m streamlit run <entry>`` for the whole session,
                          started from the repo root (so .streamlit/config.toml applies) on a free
                          port on 127.0.0.1, with ``LSTM_APP_HOME`` set to a fresh temp dir and
                          the file watcher off. Ready once ``/_stcore/health`` answers ``ok``
                          (60 s limit; the server's output is shown on failure). The script is
                          ``$LSTM_APP_ENTRY`` (default ``app.py``; relative paths are taken from
                          the repo root).
``app_home`` (session)    the ``LSTM_APP_HOME`` Path the server uses (to inspect saved runs).
``app_log`` (session)     Path of the server's combined stdout/stderr log (to look for
                          tracebacks; the fixture does not check it by itself).
``browser`` (session)     a Playwright ``Browser`` (Chromium at /usr/bin/chromium, headless).
``page`` (function)       a fresh ``Page`` in its own context (viewport 1400x1000), closed after
                          the test. On failure a screenshot ``FAILED-<test name>.png`` is saved.

Helpers (``from helpers import ...``; helpers.py's docstring lists them all):

``open_page(page, base_url, path="")``   goto + ``wait_for_app``; returns the page.
``wait_for_app(page)``                   wait for stApp CONNECTED + script notRunning.
``run_and_wait(page, action, timeout=)`` do an action that reruns the script (click, fill +
                                         Enter, ...) and wait until the server has sent
                                         script_finished and the page has drawn it; returns
                                         action's result. Use it for every click that reruns:
                                         wait_for_app alone can return before the rerun starts.
``track_runs(page)``                     only needed if you goto without open_page.
``shot(page, name)``                     whole-app screenshot (below the fold too) saved to
                                         tests/screenshots/<name>.png; returns the Path.

For any page: ``main`` (the main area), ``go_to`` (a sidebar link), ``quiet`` (no tooltip over a
shot), ``key_locator`` (a widget by its key), ``set_number`` / ``settings`` (number inputs by
key), ``assert_no_traceback``, ``log_size`` + ``assert_no_traceback_logged`` (the server's log).
The Forecast and Text pages' shared steps take the page's key prefix ("fc" or "tx"):
``open_task_page``, ``upload_input``, ``choose_own``, ``upload``, ``remove_upload``,
``expect_upload_refused``, ``expect_upload_forgotten``, ``click_train``, ``click_stop``,
``wait_points_above``; their live view and results: ``progress``, ``progress_text``,
``progress_epoch``, ``wait_epoch_above``, ``chart_points``, ``wait_results_drawn``. Timeouts:
``DEFAULT_TIMEOUT_MS``, ``START_MS``, ``ADVANCE_MS``, ``STOPPED_MS``.

A second test file needs nothing but::

    from helpers import open_page, run_and_wait, shot

    def test_something(page, app_server):
        open_page(page, app_server)
        run_and_wait(page, lambda: page.get_by_role("button", name="Train").click())
        shot(page, "after_train")
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HEALTH_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1400, "height": 1000}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _unavailable(reason: str) -> None:
    """Skip loudly, or fail under CI=true (where browser tests must run)."""
    banner = "#" * 70
    msg = (
        f"\n{banner}\nBROWSER TESTS NOT RUN: {reason}\n"
        f"Install Debian's Chromium with: bash tests/setup_browser.sh (as root)\n{banner}"
    )
    if _in_ci():
        pytest.fail(msg + "\n(CI=true: browser tests are required)", pytrace=False)
    pytest.skip(msg)


# --- markers -------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: Playwright + Chromium tests against a live Streamlit server"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"_rep_{report.when}", report)
    return report


# --- the Streamlit server ------------------------------------------------------------------


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health_ok(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(url, timeout=2) as resp:
            return resp.status == 200 and resp.read().decode(errors="replace").strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lstm_app_home")


@pytest.fixture(scope="session")
def app_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("streamlit_server") / "server.log"


def start_streamlit(entry: Path, cwd: Path, log_path: Path, env: dict | None = None,
                    port: int | None = None, extra_args: Sequence[str] = ()):
    """``streamlit run entry`` on ``port`` (a free one by default) of 127.0.0.1, from ``cwd``,
    with ``extra_args`` (other config flags, e.g. ``--secrets.files``), its output to
    ``log_path``; returns (base URL, process, log file) once ``/_stcore/health`` answers ``ok``
    (the test fails with the server's output otherwise). Stop it with ``stop_streamlit``."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(entry),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Tests need no hot reload; and files edited while the tests run must not put a
        # "source changed" prompt on the page.
        "--server.fileWatcherType", "none",
        *extra_args,
    ]  # fmt: skip
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, cwd=cwd, env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def output() -> str:
        log.flush()
        return log_path.read_text(errors="replace")[-8000:]

    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while not _health_ok(f"{base_url}/_stcore/health"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_streamlit(proc, log)
            why = (f"exited with status {proc.returncode}" if proc.poll() is not None
                   else f"did not answer /_stcore/health within {HEALTH_TIMEOUT_S:.0f} s")
            pytest.fail(f"streamlit {why} before it was ready.\ncommand: {' '.join(cmd)}\n"
                        f"--- server output ---\n{output()}", pytrace=False)
        time.sleep(0.2)
    return base_url, proc, log


def stop_streamlit(proc: subprocess.Popen, log) -> None:
    _stop(proc)
    log.close()


@pytest.fixture(scope="session")
def app_server(app_home: Path, app_log: Path):
    entry = Path(os.environ.get("LSTM_APP_ENTRY", "app.py"))
    if not entry.is_absolute():
        entry = REPO / entry
    if not entry.is_file():
        pytest.fail(f"the Streamlit entry script {entry} does not exist", pytrace=False)
    base_url, proc, log = start_streamlit(entry, REPO, app_log, {"LSTM_APP_HOME": str(app_home)})
    try:
        yield base_url
    finally:
        stop_streamlit(proc, log)


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"the playwright package is not installed ({exc})")

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    try:
        yield pg
    finally:
        rep = getattr(request.node, "_rep_call", None)
        if rep is not None and rep.failed and not pg.is_closed():
            try:
                from helpers import shot

                shot(pg, f"FAILED-{request.node.name}")
            except Exception:  # a failure screenshot must never hide the real failure
                pass
        context.close()
