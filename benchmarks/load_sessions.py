"""The browser sessions of the load benchmark: trainers and visitors, each an asyncio task driving
its own Chromium context with Playwright's async API, every action timed until the page is idle.

A trainer loops until the deadline: the airline sample on Forecast (small settings), then a Text
sample (the Chinese article and the Keras sentence in turn), each training waited for to its
results, then a generation from the model it just trained. A visitor loops: uploads one of a few
CSV files made here, opens Runs and Inside the LSTM, opens a finished run by its ``?run=``
address (a text run, then writes a prompt and generates; a forecast run while no text run has
finished yet), then Home.

An action is timed from its click (or ``goto``) until Streamlit's script has finished and the
page shows what the action asked for. Every wait has a timeout; a failed or stuck action is
recorded as an error and the session carries on from a fresh ``goto``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import parse_qs, urlparse

from playwright.async_api import BrowserContext, Page, expect

from lstm_app.runs.store import RunStore

# The browser tests' helpers (tests/browser, not a package): their readiness rules (stApp idle,
# the websocket message that ends a run) and, for load.py, what in a server log is noise.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from helpers import APP_IDLE, STREAM_PATH, _is_run_end  # noqa: E402

RERUN_S = 120.0      # one click to its answer (8 tabs on 2 busy cores: up to 80 s seen)
TRAINING_S = 300.0   # Train pressed → results on screen
FORECAST_RESULTS = "Scores on the test span"
TEXT_RESULTS = "The sample at the end of training"
REPORT_BUTTON = "Download the report (JSON)"
FORECAST_SETTINGS = {"fc_epochs": 30, "fc_hidden_size": 16}
TEXT_SETTINGS = {"tx_hidden_size": 32, "tx_epochs": 3}
TEXT_SAMPLES = ["Chinese article on LSTMs", "One sentence about LSTMs"]
PROMPT = "LSTM "


NOTHING_TO_DO = object()  # what a step returns when it found nothing to do (not timed)


class ActionFailed(Exception):
    """An action failed or timed out; it is recorded, and the session's round ends there."""


@dataclass(frozen=True)
class Timing:
    session: str
    action: str
    seconds: float
    error: str | None = None  # what went wrong, in one line; None when the action succeeded


@dataclass
class Session:
    """One browser tab's state and what it measured."""

    name: str                 # "trainer 1", "visitor 3"
    context: BrowserContext
    base_url: str
    home: Path                # the server's LSTM_APP_HOME, to find finished runs to open
    deadline: float           # time.monotonic() after which no new round (or training) starts
    shots: Path | None = None  # where a screenshot of the tab is saved when an action fails
    page: Page | None = None
    fresh: bool = True        # the next page is opened by goto (at the start, after an error)
    rounds: int = 0
    timings: list[Timing] = field(default_factory=list)
    first_round: asyncio.Event = field(default_factory=asyncio.Event)  # its first round has ended
    started: int = 0                                         # trainings started (Train pressed)
    finished: list[tuple[str, str]] = field(default_factory=list)  # (task, run id) seen finished

    # --- timing --------------------------------------------------------------------------
    async def act(self, action: str, step: Callable[[], Awaitable], limit_s: float = RERUN_S):
        """Run ``step`` and record its seconds under ``action``; a failure or a step still going
        after ``limit_s`` is recorded as an error and raised as ``ActionFailed``."""
        start = time.perf_counter()
        try:
            result = await asyncio.wait_for(step(), limit_s + 5)  # Playwright's own waits end first
        except Exception as error:  # noqa: BLE001 — every failure is a measurement here
            if isinstance(error, asyncio.TimeoutError):
                error = TimeoutError(f"still going after {limit_s + 5:g} s")
            await self.failed(action, time.perf_counter() - start, error)
            raise ActionFailed(action) from error
        if result is not NOTHING_TO_DO:
            self.timings.append(Timing(self.name, action, time.perf_counter() - start))
        return result

    async def failed(self, action: str, seconds: float, error: BaseException) -> None:
        """Record the error, with a screenshot of the tab as it is (into ``shots``, if given)."""
        text = (str(error).strip().splitlines() or [""])[0][:200]
        self.timings.append(Timing(self.name, action, seconds, f"{type(error).__name__}: {text}"))
        self.fresh = True
        if self.shots is not None and self.page is not None and not self.page.is_closed():
            self.shots.mkdir(exist_ok=True)
            shot = self.shots / f"{self.name.replace(' ', '_')}-{len(self.timings)}.png"
            try:
                await asyncio.wait_for(self.page.screenshot(path=shot), 20)
            except Exception:  # noqa: BLE001 — a tab that cannot be shot: the error says enough
                pass

    async def new_page(self) -> Page:
        page = await self.context.new_page()
        page.set_default_timeout(RERUN_S * 1000)

        def on_websocket(ws) -> None:  # the newest Streamlit socket is the one runs end on
            if ws.url.split("?")[0].endswith(STREAM_PATH):
                page._lstm_stream = ws
        page.on("websocket", on_websocket)
        return page

    # --- waiting for Streamlit -------------------------------------------------------------
    async def idle(self, timeout_s: float = RERUN_S) -> None:
        await self.page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout_s * 1000)

    async def run_and_wait(self, action: Callable[[], Awaitable], timeout_s: float = RERUN_S):
        """Do ``action``, which makes Streamlit rerun; wait for that run's end and the idle page."""
        ws = getattr(self.page, "_lstm_stream", None)
        if ws is None or ws.is_closed():
            raise RuntimeError("no open Streamlit websocket on this page")
        async with ws.expect_event("framereceived", predicate=_is_run_end,
                                   timeout=timeout_s * 1000):
            await action()
        await self.idle(timeout_s)

    def main(self):
        return self.page.get_by_test_id("stMain")

    def key(self, key: str):
        return self.page.locator(f".st-key-{key}")

    # --- steps shared by trainers and visitors ---------------------------------------------
    async def open(self, link: str, path: str, heading: str, shown=None) -> None:
        """Open a page by its sidebar link (or by address when the tab is fresh) to its title,
        and to ``shown`` (a function of the page giving a locator) when given."""
        by_address = self.fresh or self.page is None or self.page.is_closed()

        async def step():
            if by_address:
                if self.page is not None and not self.page.is_closed():
                    await self.page.close()
                self.page = await self.new_page()
                await self.page.goto(f"{self.base_url}/{path}", wait_until="domcontentloaded")
                await self.idle()
            else:
                nav = self.page.get_by_test_id("stSidebarNav")
                await self.run_and_wait(lambda: nav.get_by_role("link", name=link).click())
            await expect(self.page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            if shown is not None:
                await expect(shown(self)).to_be_visible()
            await self.idle()
            self.fresh = False
        await self.act(f"open {link}" + (" by its address" if by_address else ""), step)

    async def set_number(self, key: str, value) -> None:
        """Type ``value`` into a number input (opening "More settings" if it is folded there)."""
        box = self.key(key).locator("input")

        async def step():
            await box.wait_for(state="attached")
            if not await box.is_visible():
                more = self.main().get_by_test_id("stExpander").filter(has=box)
                await more.locator("summary").click()
                await expect(box).to_be_visible()
            try:
                if float(await box.input_value()) == float(value):
                    return NOTHING_TO_DO  # Streamlit would not rerun
            except ValueError:  # empty, or a placeholder such as "auto"
                pass
            await box.fill(str(value))
            await self.run_and_wait(lambda: box.press("Enter"))
        await self.act("set a number", step)

    async def choose_sample(self, prefix: str, title: str) -> None:
        box = self.key(f"{prefix}_sample").get_by_role("combobox")
        option = self.page.get_by_role("option", name=title, exact=True)

        async def step():
            if await box.input_value() == title:
                return NOTHING_TO_DO
            for _ in range(3):  # a click while the page still settles may not open the list
                await box.click()
                try:
                    await option.wait_for(state="visible", timeout=5_000)
                    break
                except Exception:  # noqa: BLE001 — Playwright's TimeoutError: try again
                    await self.page.keyboard.press("Escape")
            await self.run_and_wait(option.click)
            await expect(box).to_have_value(title)
        await self.act("choose a sample", step)

    async def results_drawn(self, heading: str, timeout_s: float) -> None:
        """A task page's results are on screen down to the report's download, and idle."""
        ms = timeout_s * 1000
        await expect(self.page.get_by_role("heading", name=heading)).to_be_visible(timeout=ms)
        await expect(self.page.get_by_role("button", name=REPORT_BUTTON)).to_be_visible(timeout=ms)
        await self.idle(timeout_s)
        await expect(self.page.get_by_test_id("stProgress")).to_have_count(0, timeout=ms)

    async def generate(self) -> None:
        """Write a prompt (Ctrl+Enter commits it), then Generate, to the generated sample."""
        area = self.key("tx_gen_prompt").locator("textarea")

        async def write():
            await area.fill(f"{PROMPT}{self.name} {len(self.timings)}")  # new: Enter reruns
            await self.run_and_wait(lambda: area.press("Control+Enter"))
        await self.act("write a prompt", write)
        button = self.key("tx_generate").get_by_role("button")
        await self.act("generate", lambda: self.run_and_wait(button.click))

    def run_in_address(self) -> str | None:
        values = parse_qs(urlparse(self.page.url).query).get("run")
        return values[0] if values else None

    # --- the loop ----------------------------------------------------------------------------
    async def loop(self, one_round: Callable[[], Awaitable]) -> None:
        """Rounds until the deadline; a failed action ends its round, the next starts afresh."""
        while time.monotonic() < self.deadline:
            start = time.perf_counter()
            try:
                await one_round()
                self.rounds += 1
                continue
            except ActionFailed:
                pass
            except Exception as error:  # noqa: BLE001 — outside any action (a closed page, say)
                await self.failed("(between actions)", time.perf_counter() - start, error)
            finally:
                self.first_round.set()
            if time.perf_counter() - start < 1.0:  # failing at once (a crashed tab): no busy loop
                await asyncio.sleep(1.0)

    async def close(self) -> None:
        await self.context.close()


# --- trainers ------------------------------------------------------------------------------

async def train(s: Session, prefix: str, task: str, heading: str) -> None:
    """Press Train and wait for the results; count it started, and finished with its run id."""
    button = s.key(f"{prefix}_train").get_by_role("button")

    async def step():
        await expect(button).to_be_enabled()
        s.started += 1
        await s.run_and_wait(button.click)
        await s.results_drawn(heading, TRAINING_S)
        run_id = s.run_in_address()
        if run_id is None:
            raise RuntimeError(f"no ?run= in the address after training: {s.page.url}")
        s.finished.append((task, run_id))
    await s.act(f"train ({task})", step, TRAINING_S)


async def trainer_round(s: Session) -> None:
    await s.open("Forecast", "forecast", "Forecast")
    if time.monotonic() >= s.deadline:
        return
    await s.choose_sample("fc", "Airline passengers")
    for key, value in FORECAST_SETTINGS.items():
        await s.set_number(key, value)
    await train(s, "fc", "forecast", FORECAST_RESULTS)

    await s.open("Text", "text", "Text")
    if time.monotonic() >= s.deadline:
        return
    await s.choose_sample("tx", TEXT_SAMPLES[s.rounds % len(TEXT_SAMPLES)])
    for key, value in TEXT_SETTINGS.items():  # after the sample: a new text resets them
        await s.set_number(key, value)
    await train(s, "tx", "text", TEXT_RESULTS)
    await s.generate()


# --- visitors ------------------------------------------------------------------------------

def upload_files(round_no: int) -> list[tuple[str, bytes]]:
    """Three CSV files as people export them, (name, bytes), a little different each round:
    daily sales with a weekly pattern; weekly German-style (semicolons, dd.mm.yyyy, decimal
    commas, a € in the header); monthly with Chinese headers."""
    days = 200 + round_no % 50
    start = dt.date(2023, 1, 1)
    daily = ["date,sales"] + [
        f"{start + dt.timedelta(days=i)},{100 + i / 5 + 25 * (i % 7 in (5, 6)) + i * 13 % 7:.1f}"
        for i in range(days)]
    weeks = 120 + round_no % 30
    monday = dt.date(2021, 1, 4)
    weekly = ["Woche;Umsatz (€)"] + [
        f"{monday + dt.timedelta(weeks=i):%d.%m.%Y};"
        + f"{1000 + 3 * i + 120 * math.sin(2 * math.pi * i / 13):.2f}".replace(".", ",")
        for i in range(weeks)]
    months = 72 + round_no % 24
    monthly = ["日期,销量（件）"] + [
        f"{2015 + i // 12}-{i % 12 + 1:02d}-01,{500 + 4 * i + 80 * math.sin(math.pi * i / 6):.0f}"
        for i in range(months)]
    return [("daily_sales_export.csv", "\n".join(daily).encode()),
            ("umsatz_woche.csv", "\n".join(weekly).encode("utf-8")),
            ("月度销量.csv", "\n".join(monthly).encode("utf-8"))]


def finished_run(home: Path, task: str, n: int) -> str | None:
    """The id of a finished run of ``task`` in the store (the n-th of them, cycling), or None."""
    runs = [r.id for r in RunStore(home).list() if r.task == task and r.status == "finished"]
    return runs[n % len(runs)] if runs else None


async def visitor_round(s: Session) -> None:
    await s.open("Forecast", "forecast", "Forecast")
    uploader = s.key("fc_upload").locator('input[type="file"]')

    async def own_csv():
        if await uploader.count():
            return NOTHING_TO_DO  # chosen in an earlier round of this tab
        await s.run_and_wait(s.key("fc_kind").get_by_text("My own file").click)
        await expect(uploader).to_be_attached()
    await s.act("choose My own file", own_csv)
    name, data = upload_files(s.rounds)[s.rounds % 3]

    async def upload():
        files = {"name": name, "mimeType": "text/csv", "buffer": data}
        await s.run_and_wait(lambda: uploader.set_input_files(files))
        await expect(s.main()).to_contain_text(re.compile(rf"{re.escape(name)}: [\d,]+ rows"))
    await s.act("upload a CSV", upload)

    await s.open("Runs", "runs", "Runs", shown=lambda s: s.key("runs_table").locator(
        "canvas").first.or_(s.main().get_by_text("No runs yet")))
    await s.open("Inside the LSTM", "inside", "Inside the LSTM")

    run_id = await asyncio.to_thread(finished_run, s.home, "text", s.rounds)
    task, path, heading = "text", "text", TEXT_RESULTS
    if run_id is None:  # no text run has finished yet: a forecast run
        run_id = await asyncio.to_thread(finished_run, s.home, "forecast", s.rounds)
        task, path, heading = "forecast", "forecast", FORECAST_RESULTS
    if run_id is not None:
        async def by_address():
            await s.page.goto(f"{s.base_url}/{path}?run={run_id}", wait_until="domcontentloaded")
            await s.results_drawn(heading, RERUN_S)
        await s.act(f"open a {task} run by its address", by_address)
        if task == "text":
            await s.generate()
    await s.open("Home", "", "LSTM Studio")
