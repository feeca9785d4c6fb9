"""Helpers for the browser tests: wait for Streamlit the way its own e2e suite does, screenshots,
and the steps the task pages' tests share.

Import them in a test module with ``from helpers import open_page, run_and_wait, shot, ...``
(pytest puts tests/browser on sys.path because the folder has no __init__.py). Importing this
module does not need playwright (the tests then skip cleanly).

Waiting and screenshots: ``wait_for_app``, ``open_page``, ``track_runs``, ``run_and_wait``,
``shot`` (to tests/screenshots/), ``quiet`` (no tooltip or focus ring over the next shot).

Any page: ``main`` (the main area), ``go_to`` (a sidebar link), ``key_locator`` (a widget by its
key), ``set_number`` and ``settings`` (number inputs by key, opening "More settings" with
``reveal`` when one is folded in it), ``assert_no_traceback``;
``log_size`` + ``assert_no_traceback_logged`` (the server's log, from a given byte on).

The task pages (Forecast, Text) key their widgets ``<prefix>_<what>`` with the prefix "fc" or
"tx"; these take that prefix: ``open_task_page``, ``upload_input``, ``choose_own`` (the "My own
…" choice), ``choose_sample``, ``upload``, ``remove_upload`` (the uploader's ×),
``expect_upload_refused``, ``expect_upload_forgotten``, ``click_train``, ``click_stop``,
``wait_points_above`` (the live loss chart). Their live view and results: ``progress``,
``progress_text``, ``progress_epoch``, ``wait_epoch_above``, ``chart_points``,
``wait_results_drawn``; ``EPOCH_RE`` matches "Epoch N of M".

Timeouts in ms, sized for a busy 2-core machine: ``DEFAULT_TIMEOUT_MS`` (a rerun), ``START_MS``
(Train → live view), ``ADVANCE_MS`` (the epoch or the chart moves on), ``STOPPED_MS`` (Stop →
results).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # importing this module must not need playwright (tests then skip cleanly)
    from playwright.sync_api import Locator, Page

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


def reveal(page: Page, widget) -> None:
    """Open "More settings" if ``widget`` is folded inside it (as a user would, to reach it)."""
    widget.wait_for(state="attached")
    if widget.is_visible():
        return
    more = main(page).get_by_test_id("stExpander").filter(has=widget)
    more.locator("summary").click()
    _expect()(widget).to_be_visible()


def set_number(page: Page, key: str, value, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
    """Type ``value`` into the ``st.number_input`` with ``key`` and commit it (Enter → rerun).

    Does nothing when the box already holds that number (Streamlit would not rerun)."""
    box = key_locator(page, key).locator("input")
    reveal(page, box)
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


# --- steps the task pages share (their widget keys start with "fc_" or "tx_") ---------------

START_MS = 60_000    # Train clicked → live view on screen, on a busy 2-core machine
ADVANCE_MS = 90_000  # the epoch number, or the loss chart, moves on
STOPPED_MS = 30_000  # Stop clicked → results on screen ("within a few seconds", with slack)


def _expect():
    from playwright.sync_api import expect  # here, so that importing helpers needs no playwright

    return expect


def main(page: Page):
    """The page's main area (not the sidebar)."""
    return page.get_by_test_id("stMain")


def quiet(page: Page) -> None:
    """No tooltip or focus ring of the last clicked widget over the next screenshot."""
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def assert_no_traceback(page: Page) -> None:
    """No Streamlit exception box, and no traceback text, anywhere on the page."""
    _expect()(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.locator("body").inner_text()


def log_size(log: Path) -> int:
    """Where the server's log ends now: pass it to ``assert_no_traceback_logged`` later."""
    return log.stat().st_size if log.exists() else 0


# Streamlit 1.67's websocket loop under uvicorn's sans-io websockets: when a tab goes away while
# the loop reads, starlette raises WebSocketDisconnected (a RuntimeError), Streamlit's handler
# for RuntimeError then closes the closed socket, and the server logs that chain. Nothing of ours
# is in it; it is the only traceback a server log may hold.
SERVER_NOISE = re.compile(r"^starlette\.websockets\.WebSocketDisconnected: ", re.M)


def logged_tracebacks(text: str) -> list[str]:
    """Each chain of tracebacks in a server log (a chain ends at its last exception line)."""
    chains, current = [], []
    for line in text.splitlines():
        if line.startswith("Traceback (most recent call last):") or current:
            current.append(line)
            ends = (line and not line[0].isspace() and not line.startswith(
                ("Traceback", "During handling", "The above exception")) and line.strip())
            if ends and not _chained_next(text, line):
                chains.append("\n".join(current))
                current = []
    return chains + (["\n".join(current)] if current else [])


def _chained_next(text: str, line: str) -> bool:
    after = text.split(line, 1)[1].lstrip("\n")
    return after.startswith(("During handling", "The above exception"))


def assert_no_traceback_logged(log: Path, since: int = 0) -> None:
    """The server logged no traceback after byte ``since`` of its log, but for the one chain of
    Streamlit's own websocket plumbing above (and only when no frame of ours is in it)."""
    with open(log, "rb") as f:
        f.seek(since)
        text = f.read().decode("utf-8", "replace")
    ours = str(Path(__file__).resolve().parents[2])
    for chain in logged_tracebacks(text):
        exceptions = [l for l in chain.splitlines() if l and not l[0].isspace()
                      and not l.startswith(("Traceback", "During handling", "The above"))]
        noise = ours not in chain and all(SERVER_NOISE.match(e) for e in exceptions)
        assert noise, f"the server logged a traceback:\n{chain[-3000:]}"


def go_to(page: Page, link: str) -> None:
    """Click the sidebar's navigation link named ``link`` and wait for that page to be drawn."""
    nav = page.get_by_test_id("stSidebarNav")
    run_and_wait(page, lambda: nav.get_by_role("link", name=link).click())


def open_task_page(page: Page, base_url: str, path: str, heading: str, ready_key: str) -> Page:
    """Open ``base_url/path`` and wait until its title ``heading`` and the widget ``ready_key``
    are drawn (a fresh server's first visit reruns once before it draws the page)."""
    open_page(page, base_url, path)
    expect = _expect()
    # The page draws in one rerun: on a busy machine that takes longer than Playwright's 5 s.
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
        timeout=DEFAULT_TIMEOUT_MS)
    expect(key_locator(page, ready_key)).to_be_visible(timeout=DEFAULT_TIMEOUT_MS)
    wait_for_app(page)
    return page


def settings(page: Page, **values) -> None:
    """Set number inputs by key (``fc_epochs=…``, ``tx_hidden_size=…``), each committed with Enter,
    and check the box shows the value (a float with two decimals, as Streamlit shows it).

    On the Text page, call it after choosing the text: a new text resets the suggestions."""
    expect = _expect()
    for key, value in values.items():
        set_number(page, key, value)
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        expect(key_locator(page, key).locator("input")).to_have_value(shown)


def upload_input(page: Page, prefix: str):
    """The hidden ``<input type=file>`` of the page's uploader (key ``<prefix>_upload``)."""
    return page.locator(f'.st-key-{prefix}_upload input[type="file"]')


def choose_own(page: Page, prefix: str, label: str) -> None:
    """Pick the source radio's ``label`` ("My own file", "My own text"): the uploader appears."""
    run_and_wait(page, lambda: key_locator(page, f"{prefix}_kind").get_by_text(label).click())
    _expect()(upload_input(page, prefix)).to_be_attached()


def upload(page: Page, prefix: str, files, timeout: float = START_MS) -> None:
    """Put ``files`` (a path, or a dict with name, mimeType, buffer) into the page's uploader."""
    box = upload_input(page, prefix)
    run_and_wait(page, lambda: box.set_input_files(files), timeout=timeout)


def remove_upload(page: Page, prefix: str, name: str) -> None:
    """Remove the uploaded file ``name`` with the uploader's × button."""
    button = key_locator(page, f"{prefix}_upload").get_by_role("button", name=f"Remove {name}")
    run_and_wait(page, button.click)


def expect_upload_refused(page: Page, prefix: str, message: str, exact: bool = False) -> None:
    """The upload is refused in a plain error box holding ``message`` (all its text if
    ``exact``); no traceback, and nothing to train on: no Settings, no Train button."""
    expect = _expect()
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_be_visible()
    if exact:
        expect(error).to_have_text(message)
    else:
        expect(error).to_contain_text(message)
    assert_no_traceback(page)
    expect(key_locator(page, f"{prefix}_train")).to_have_count(0)
    expect(page.get_by_role("heading", name="Settings")).to_have_count(0)


def expect_upload_forgotten(page: Page, prefix: str, name: str, empty_hint: str) -> None:
    """The page is back to "no data yet": the hint, no trace of ``name``, no error, no Train."""
    expect = _expect()
    m = main(page)
    expect(m).to_contain_text(empty_hint)
    expect(m).not_to_contain_text("uploaded earlier")
    expect(m).not_to_contain_text(name)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    expect(key_locator(page, f"{prefix}_train")).to_have_count(0)
    expect(page.get_by_role("heading", name="Settings")).to_have_count(0)


def pick_option(page: Page, box: Locator, name: str) -> None:
    """Open the list of the select or multiselect ``box`` (its combobox) and pick ``name``;
    the page reruns on the pick."""
    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(3):  # a click while the page is still settling may not open the list
        box.click()
        try:
            option.wait_for(state="visible", timeout=5_000)
            break
        except Exception:  # playwright's TimeoutError: press Escape and open it again
            page.keyboard.press("Escape")
    run_and_wait(page, option.click)


def choose_sample(page: Page, prefix: str, title: str) -> None:
    """Pick the sample ``title`` in the page's sample box (key ``<prefix>_sample``)."""
    box = key_locator(page, f"{prefix}_sample").get_by_role("combobox")
    pick_option(page, box, title)
    _expect()(box).to_have_value(title)


def click_train(page: Page, prefix: str, timeout: float = START_MS) -> None:
    """Press the page's Train button (it must be enabled) and wait for the rerun it starts."""
    button = key_locator(page, f"{prefix}_train").get_by_role("button")
    # The page may still be drawing its settings on a busy machine: Playwright's 5 s default
    # failed once in CI while another test run shared the two cores.
    _expect()(button).to_be_enabled(timeout=timeout)
    run_and_wait(page, button.click, timeout=timeout)


def click_stop(page: Page, prefix: str) -> None:
    """Press Stop in the live view (key ``<prefix>_job_stop``).

    The button lives in a fragment redrawn every second or so; click() retries until it lands
    on an attached, enabled button. No run_and_wait: the fragment's own runs would satisfy it."""
    key_locator(page, f"{prefix}_job_stop").get_by_role("button", name="Stop").click()


def progress(page: Page):
    """The live view's progress bar (the first one on the page)."""
    return page.get_by_test_id("stProgress").first


def wait_epoch_above(page: Page, epoch: int, timeout: float = ADVANCE_MS) -> int:
    """Wait until the progress text shows an epoch larger than ``epoch`` (>= 0); return it.

    The epoch returned is the one seen in the page when the wait ended (no second read that a
    redraw of the live view, or its end, could spoil)."""
    handle = page.wait_for_function(
        """(n) => {
            const bar = document.querySelector('[data-testid="stProgress"]');
            const m = bar && bar.innerText.match(/Epoch (\\d+) of/);
            return m !== null && Number(m[1]) > n ? Number(m[1]) : null;
        }""",
        arg=epoch,
        timeout=timeout,
    )
    now = int(handle.json_value())
    assert now > epoch, f"progress shows epoch {now}, not above {epoch}"
    return now


def wait_points_above(page: Page, prefix: str, points: int, timeout: float = ADVANCE_MS) -> int:
    """Wait until the live loss chart (key ``<prefix>_loss_chart``) holds more than ``points``
    points; return how many it holds."""
    key = f"{prefix}_loss_chart"
    page.wait_for_function(
        """([sel, n]) => {
            const el = document.querySelector(sel + ' .js-plotly-plot');
            if (!el || !el.data) return false;
            const pts = el.data.reduce((s, t) => s + ((t.x && t.x.length) || 0), 0);
            return pts > n;
        }""",
        arg=[f".st-key-{key}", points],
        timeout=timeout,
    )
    return chart_points(page, key)


def wait_results_drawn(page: Page, heading: str, timeout: float = STOPPED_MS) -> None:
    """The results are on screen (the subheader ``heading``) down to the report's download,
    the script run has finished, and the live view is gone."""
    expect = _expect()
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=timeout)
    expect(page.get_by_role("button", name="Download the report (JSON)")).to_be_visible(
        timeout=timeout
    )
    wait_for_app(page, timeout=timeout)
    expect(page.get_by_test_id("stProgress")).to_have_count(0)
