"""Helpers for the browser tests: wait for Streamlit the way its own e2e suite does, and screenshots.

Import them in a test module with
``from helpers import open_page, wait_for_app, run_and_wait, shot``
(pytest puts tests/browser on sys.path because the folder has no __init__.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # importing this module must not need playwright (tests then skip cleanly)
    from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"  # tests/screenshots (git-ignored)

APP = '[data-testid="stApp"]'
# Streamlit sets data-test-script-state to "initial" until the first run starts, then to
# "running" / "notRunning" / "rerunRequested" / ...; so this selector cannot match before the
# first run of a freshly loaded page has finished.
APP_IDLE = (
    '[data-testid="stApp"]'
    '[data-test-connection-state="CONNECTED"]'
    '[data-test-script-state="notRunning"]'
)

DEFAULT_TIMEOUT_MS = 30_000


def wait_for_app(page: Page, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until the app is connected and its script has finished running (no sleeps).

    Right after ``page.goto`` this is exact. After a click or an input it may return before
    the rerun has even started (the attribute still says "notRunning" until the server
    answers); use ``run_and_wait`` for actions that trigger a rerun.
    """
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)


def open_page(page: Page, base_url: str, path: str = "", timeout: float = DEFAULT_TIMEOUT_MS) -> Page:
    """Go to ``base_url/path`` and wait for the app's first run to finish. Returns the page."""
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    track_runs(page)
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    wait_for_app(page, timeout=timeout)
    return page


STREAM_PATH = "/_stcore/stream"


def _is_run_end(payload: str | bytes) -> bool:
    """True for the ForwardMsg that ends a script (or fragment) run, unless it was cut short
    by another rerun (then the run that replaces it is the one to wait for)."""
    if isinstance(payload, str):
        return False
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:
        return False
    return (
        msg.WhichOneof("type") == "script_finished"
        and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    )


def track_runs(page: Page) -> None:
    """Remember the page's Streamlit websocket, so ``run_and_wait`` can watch it. Idempotent;
    ``open_page`` calls it before navigating (it must be called before the socket opens)."""
    if getattr(page, "_lstm_tracking", False):
        return

    def on_ws(ws) -> None:
        if ws.url.split("?")[0].endswith(STREAM_PATH):
            page._lstm_stream = ws  # the newest one wins (a reload opens a new one)

    page.on("websocket", on_ws)
    page._lstm_tracking = True


def _after_next_paint(page: Page) -> None:
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def run_and_wait(page: Page, action: Callable[[], object], timeout: float = DEFAULT_TIMEOUT_MS):
    """Do ``action()`` (a click, a fill + Enter, ...) that makes Streamlit rerun, and wait until
    that rerun has finished and been drawn. Returns what ``action`` returned.

    It waits for the server's ``script_finished`` message on the app's websocket (so a rerun
    that has not started yet, or one too quick to show in the DOM, is not missed), then for
    stApp to be CONNECTED + notRunning, then for two animation frames. The page must have
    been opened with ``open_page`` (or ``track_runs`` called before ``goto``).
    If the action causes no rerun, this times out. ``timeout`` (ms) covers the whole rerun:
    raise it for long work (e.g. training). A fragment run counts as a run.
    """
    ws = getattr(page, "_lstm_stream", None)
    if ws is None or ws.is_closed():
        raise RuntimeError(
            "run_and_wait: no open Streamlit websocket on this page; open it with open_page()"
        )
    with ws.expect_event("framereceived", predicate=_is_run_end, timeout=timeout):
        result = action()
    wait_for_app(page, timeout=timeout)
    _after_next_paint(page)
    return result


_EXTRA_HEIGHT_JS = """() => {
  // Streamlit scrolls inside an element (stMain), not the document, so a "full page"
  // screenshot would stop at the viewport: measure how much taller the page needs to be.
  let extra = 0;
  for (const el of document.querySelectorAll('*')) {
    const oy = getComputedStyle(el).overflowY;
    if ((oy === 'auto' || oy === 'scroll') && el.scrollHeight > el.clientHeight + 1) {
      extra = Math.max(extra, el.scrollHeight - el.clientHeight);
    }
  }
  return extra;
}"""

MAX_SHOT_HEIGHT = 16_000  # px; Chromium cannot capture arbitrarily tall surfaces


def shot(page: Page, name: str) -> Path:
    """Save a screenshot of the whole app to tests/screenshots/<name>.png; return its path.

    The viewport is stretched for the capture so content below the fold of Streamlit's
    scrolling main area is included (up to MAX_SHOT_HEIGHT px), then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    if safe.endswith(".png"):
        safe = safe[: -len(".png")]
    path = SCREENSHOTS / f"{safe}.png"
    size = page.viewport_size
    extra = int(page.evaluate(_EXTRA_HEIGHT_JS) or 0)
    if size and extra > 0:
        page.set_viewport_size(
            {"width": size["width"], "height": min(size["height"] + extra, MAX_SHOT_HEIGHT)}
        )
        _after_next_paint(page)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if size and extra > 0:
            page.set_viewport_size(size)
    return path


# --- widgets by key, and reading a live training -------------------------------------------

EPOCH_RE = re.compile(r"Epoch (\d+) of (\d+)")


def key_locator(page: Page, key: str):
    """The element container of the widget created with ``key=`` (Streamlit's ``st-key-<key>``)."""
    return page.locator(f".st-key-{key}")


def set_number(page: Page, key: str, value, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
    """Type ``value`` into the ``st.number_input`` with ``key`` and commit it (Enter → rerun).

    Does nothing when the box already holds that number (Streamlit would not rerun)."""
    box = key_locator(page, key).locator("input")
    try:
        if float(box.input_value()) == float(value):
            return
    except ValueError:  # empty (a placeholder such as "auto: 24") or not a number
        pass
    box.fill(str(value))
    run_and_wait(page, lambda: box.press("Enter"), timeout=timeout)


def progress_text(page: Page) -> str:
    """The text of the first progress bar on the page ('' when there is none)."""
    bars = page.locator('[data-testid="stProgress"]')
    if bars.count() == 0:
        return ""
    try:
        return bars.first.inner_text(timeout=2_000)
    except Exception:  # the fragment redrew it between count() and inner_text()
        return ""


def progress_epoch(page: Page) -> int | None:
    """The N of "Epoch N of M" in the progress text, or None if it shows no epoch yet."""
    m = EPOCH_RE.search(progress_text(page))
    return int(m.group(1)) if m else None


_CHART_POINTS_JS = """(sel) => {
  const el = document.querySelector(sel + ' .js-plotly-plot');
  if (!el || !el.data) return -1;
  return el.data.reduce((n, t) => n + ((t.x && t.x.length) || (t.y && t.y.length) || 0), 0);
}"""


def chart_points(page: Page, key: str) -> int:
    """Points over all traces of the Plotly chart made with ``key=`` (-1 if not drawn yet)."""
    return int(page.evaluate(_CHART_POINTS_JS, f".st-key-{key}"))
