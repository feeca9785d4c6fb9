"""The hostile corpus (tests/hostile/) in Chromium: uploads on the Forecast and Text pages, run
names on the Runs page, ``?run=`` addresses on every page, saved runs on hostile data reopened
from their address, a prompt, a bundle imported on the Runs page.

Every test watches the browser: a request to any host but 127.0.0.1 or localhost is recorded
(and aborted), and so is any dialog a script would open. ``assert_safe`` then checks: no such
request, no dialog, no traceback on the page or in the server's log, no element whose src or
href names the corpus' host, and the hostile text shown as the literal text it is. Nothing
trains in the browser; three tiny runs are made once, straight into the server's store.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from helpers import assert_no_traceback, assert_no_traceback_logged, choose_own, key_locator
from helpers import expect_upload_refused, log_size, main, open_page, open_task_page, quiet
from helpers import run_and_wait, shot, upload
from playwright.sync_api import Page, expect

from lstm_app.runs.bundle import export_bundle
from lstm_app.runs.recording import record, start_run
from lstm_app.runs.store import MAX_NAME_CHARS, RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.settings import TextConfig
from tests.hostile.corpus import (ADDRESS_CASES, BUNDLE_CASES, CSV_CASES, EVIL_HOST, NAME_CASES,
                                  PROMPT_CASES, STRINGS, TEXT_CASES, WORKS, text_of)

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
CASES = {c.id: c for c in CSV_CASES + TEXT_CASES + NAME_CASES + ADDRESS_CASES + PROMPT_CASES}
IMAGE = STRINGS["names"]["markdown_image"]  # a markdown image on the corpus' host
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Elements that load or link something of the corpus' host: an image, a link in markdown, a
# link in a Plotly title or legend (an SVG <a xlink:href>).
EVIL_ELEMENTS_JS = """(host) => [...document.querySelectorAll('*')].filter(el =>
  [...el.attributes].some(a => /^(src|srcset|href|xlink:href|action|poster|data)$/.test(a.name)
                               && a.value.includes(host)))
  .map(el => el.outerHTML.slice(0, 200))"""
NOT_SAVED = "that is not saved here"

class Watched:
    """What the page asked of the outside world (requests to other hosts, aborted; dialogs),
    and where the server's log stood when the test began."""

    def __init__(self, page: Page, log):
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.log, self.since = log, log_size(log)
        page.route("**/*", self._route)
        page.on("websocket", lambda ws: self._outside(ws.url))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def _outside(self, url: str) -> bool:
        outside = urlparse(url).hostname not in LOCAL_HOSTS
        if outside:
            self.outside.append(url)
        return outside

    def _route(self, route) -> None:
        if self._outside(route.request.url):
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def watched(page: Page, app_log):
    expect.set_options(timeout=15_000)  # a busy 2-core machine; Playwright's default is 5 s
    yield Watched(page, app_log)
    expect.set_options(timeout=5_000)


def chart_drawn(page: Page, key: str) -> None:
    """Wait until the Plotly chart made with ``key=`` has drawn its title (and so its names)."""
    expect(key_locator(page, key).locator(".main-svg .gtitle")).to_be_attached()


def shown_text(page: Page) -> str:
    """The main area's text as a reader sees it (without the invisible word joiners that break
    addresses)."""
    return main(page).inner_text().replace("\u2060", "")


def assert_safe(page: Page, watched: Watched, *literal: str) -> None:
    """No traceback (page or log), nothing that loads or links the corpus' host, no request
    outside, no dialog, and each of ``literal`` shown as text."""
    assert_no_traceback(page)
    assert page.evaluate(EVIL_ELEMENTS_JS, EVIL_HOST) == []
    assert watched.outside == [], f"the page asked outside hosts: {watched.outside}"
    assert watched.dialogs == [], f"a script opened dialogs: {watched.dialogs}"
    assert_no_traceback_logged(watched.log, watched.since)
    text = shown_text(page)
    for words in literal:
        assert words in text, f"{words!r} is not shown as text"


@pytest.fixture(scope="module")
def saved(app_home):
    """Tiny finished runs in the server's store: a forecast on a file named like a markdown
    image, and two text models trained on the corpus' markdown and HTML text, one on a file
    named plainly and one on a file named like a markdown image."""
    store = RunStore(app_home)
    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(epochs=1, hidden_size=8, num_layers=1)
    runs = {"forecast": start_run(store, "forecast", series, config, "airline", IMAGE + ".csv")}
    record(store.home, runs["forecast"], "forecast", series, config)
    text = CASES["text_markdown_html"].data.decode()
    text_config = TextConfig(epochs=1, hidden_size=16, embedding_dim=8, num_layers=1,
                             batch_size=4, seq_len=32, length=40, patience=0)
    for key, data_name in (("text", "markdown_html.txt"), ("text_image", IMAGE + ".txt")):
        runs[key] = start_run(store, "text", text, text_config, "words", data_name)
        record(store.home, runs[key], "text", text, text_config)
    return store, runs


def test_a_page_asks_no_outside_host(page: Page, app_server, watched):
    open_page(page, app_server)
    expect(main(page)).to_be_visible()
    assert watched.outside == []


# --- uploads on the Forecast and Text pages -------------------------------------------------

# What each upload must show as text: the value column, the file's name or a quoted cell.
FORECAST_UPLOADS = {
    # the column named as sales is forecast (the image's name is among the unread, as text)
    "csv_markdown_columns": "forecasting **bold** sales",
    "csv_link_columns": 'forecasting <b>bold</b> <a href="https://evil.example/val">open</a>',
    "csv_html_cells": "for example '<img src=https://evil.example/cell.png onerror=alert(1)>'",
    "csv_name_img_onerror": "<img src=x onerror=alert(1)>.csv:",
    "csv_bom_nul": "not a text CSV",
}


@pytest.mark.parametrize("case_id", FORECAST_UPLOADS)
def test_a_hostile_csv_upload_on_the_forecast_page(page: Page, app_server, watched, case_id):
    case = CASES[case_id]
    open_task_page(page, app_server, "forecast", "Forecast", "fc_kind")
    choose_own(page, "fc", "My own file")
    upload(page, "fc", {"name": case.name or f"{case.id[4:]}.csv", "mimeType": "text/csv",
                        "buffer": case.data})
    if case.expect == WORKS:
        expect(key_locator(page, "fc_train")).to_be_visible()
        chart_drawn(page, "fc_series_chart")  # the columns' names are in its titles
    else:
        expect_upload_refused(page, "fc", case.expect)
    assert_safe(page, watched, FORECAST_UPLOADS[case_id])
    if case_id in ("csv_markdown_columns", "csv_bom_nul"):
        quiet(page)
        shot(page, f"hostile_{case_id}")


TEXT_UPLOADS = [  # the case, the name it is uploaded under, what must show as text
    ("text_markdown_html", "markdown_html.txt", "![tracker](https://evil.example/pixel.png)"),
    pytest.param("text_rtl_override", STRINGS["file_names"]["markdown_image_txt"],
                 STRINGS["file_names"]["markdown_image_txt"], id="text_named_markdown_image"),
]


@pytest.mark.parametrize("case_id, name, literal", TEXT_UPLOADS)
def test_a_hostile_text_upload_on_the_text_page(page: Page, app_server, watched, case_id, name,
                                                literal):
    case = CASES[case_id]
    open_task_page(page, app_server, "text", "Text", "tx_kind")
    choose_own(page, "tx", "My own text")
    upload(page, "tx", {"name": name, "mimeType": "text/plain", "buffer": case.data})
    expect(key_locator(page, "tx_train")).to_be_visible()
    preview = main(page).get_by_test_id("stExpander").filter(has_text="The text as read")
    preview.locator("summary").click()  # the preview shows the text as it is
    expect(preview.get_by_test_id("stText")).to_be_visible()
    assert_safe(page, watched, literal)
    if case_id == "text_markdown_html":
        quiet(page)
        shot(page, "hostile_text_markdown_html")


# --- run names on the Runs page -----------------------------------------------------------------



def select_only(page: Page, run_id: str) -> None:
    """Narrow the Runs table to ``run_id`` and tick its row (the grid is a canvas: its first
    row's check box is clicked at its place)."""
    search = key_locator(page, "runs_search").locator("input")
    search.fill(run_id)
    run_and_wait(page, lambda: search.press("Enter"))
    grid = key_locator(page, "runs_table").locator("canvas").first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    run_and_wait(page, lambda: page.mouse.click(box["x"] + 20, box["y"] + 35 * 1.5))
    expect(page.get_by_role("heading", name="This run")).to_be_visible()


@pytest.mark.parametrize("case_id", ["name_markdown_image", "name_html_link", "name_1mb",
                                     "name_latex_and_colours"])  # its icon shortcode drew a warning sign
def test_a_hostile_run_name_on_the_runs_page(page: Page, app_server, watched, saved, case_id):
    store, runs = saved
    run_id, name = runs["forecast"], text_of(CASES[case_id])
    typed = len(name) > MAX_NAME_CHARS  # too long to store: typed into the form, as a user would
    store.rename(run_id, "airline" if typed else name)
    open_page(page, app_server, "runs")
    select_only(page, run_id)
    box = key_locator(page, f"runs_name_{run_id}").locator("input")
    if typed:
        box.fill(name)  # Streamlit's box refuses a paste longer than its max_chars: kept as it was
        expect(box).to_have_value("airline")
        run_and_wait(page, lambda: page.get_by_role("button", name="Save the name and note").click())
        assert store.get(run_id).name == "airline"
        assert_safe(page, watched)
        return
    expect(box).to_have_value(name)
    chart_drawn(page, "runs_chart")  # the run's name is in its legend
    assert_safe(page, watched, f"{name} ({run_id}): forecast on {IMAGE}.csv")
    if case_id == "name_markdown_image":
        quiet(page)
        shot(page, "hostile_run_name")


# --- addresses --------------------------------------------------------------------------------

ADDRESSES = [("forecast", "run_dot_dot"), ("text", "run_markdown"), ("runs", "run_sql"),
             ("inside", "run_html")]


@pytest.mark.parametrize("path, case_id", ADDRESSES, ids=[f"{p}-{c}" for p, c in ADDRESSES])
def test_a_hostile_run_address(page: Page, app_server, watched, path, case_id):
    address = text_of(CASES[case_id])
    open_page(page, app_server, f"{path}?run={quote(address, safe='')}")
    if path in ("forecast", "text"):  # the task pages say so; the others take no run
        expect(main(page).get_by_test_id("stAlertContentWarning")).to_contain_text(NOT_SAVED)
        assert "run=" not in page.url, "the address still names the run"
    assert_safe(page, watched)
    text = shown_text(page)
    assert address not in text and EVIL_HOST not in text, "the address was echoed"
    if case_id == "run_dot_dot":
        quiet(page)
        shot(page, "hostile_run_address")


# --- saved runs with hostile names reopened from their address, and a prompt ---------------

# A run named like a markdown image is tested in test_hostile_core.py: the page shows its name
# in a spinner only when reopening takes over half a second, which depends on the machine.
REOPENED = {  # the run, its name
    "forecast_on_image_data": ("forecast", "airline"),
    "text_on_image_data": ("text_image", "words"),
}


@pytest.mark.parametrize("case", list(REOPENED))
def test_a_saved_run_with_hostile_names_reopens_from_its_address(page: Page, app_server,
                                                                  watched, saved, case):
    store, runs = saved
    key, name = REOPENED[case]
    store.rename(runs[key], name)
    run = store.get(runs[key])
    open_page(page, app_server, f"{run.task}?run={run.id}")
    expect(main(page)).to_contain_text(f"({run.id}): its data, settings and results")
    assert_safe(page, watched, f"Viewing saved run {name} ({run.id})", run.data_name)


def test_a_hostile_prompt_is_generated_from_as_text(page: Page, app_server, watched, saved):
    store, runs = saved
    prompt = text_of(CASES["prompt_markdown_html"])
    open_page(page, app_server, f"text?run={runs['text']}")
    area = key_locator(page, "tx_gen_prompt").locator("textarea")
    area.fill(prompt)
    run_and_wait(page, lambda: area.press("Control+Enter"))
    run_and_wait(page, lambda: key_locator(page, "tx_generate").get_by_role("button").click())
    run_and_wait(page, lambda: key_locator(page, "tx_explore").get_by_role("button").click())
    expect(main(page).locator("b", has_text=prompt)).to_be_visible()  # the sample's prompt
    assert_safe(page, watched, f"Each continues “{prompt}”")
    quiet(page)
    shot(page, "hostile_prompt")


# --- a bundle imported on the Runs page ----------------------------------------------------------


def test_a_bundle_with_a_path_traversal_is_refused_on_the_runs_page(page: Page, app_server,
                                                                    watched, saved):
    store, runs = saved
    case = next(c for c in BUNDLE_CASES if c.id == "bundle_traversal")
    with zipfile.ZipFile(io.BytesIO(export_bundle(store, runs["forecast"]))) as zf:
        data = case.tamper({name: zf.read(name) for name in zf.namelist()})
    before = [r.id for r in store.list()]
    open_page(page, app_server, "runs")
    main(page).get_by_test_id("stExpander").filter(has_text="Import a run bundle").locator(
        "summary").click()
    files = key_locator(page, "runs_import_file").locator('input[type="file"]')
    run_and_wait(page, lambda: files.set_input_files(
        {"name": "run.zip", "mimeType": "application/zip", "buffer": data}))
    run_and_wait(page, lambda: key_locator(page, "runs_import").get_by_role("button").click())
    expect(main(page).get_by_test_id("stAlertContentError")).to_contain_text(case.expect)
    assert [r.id for r in store.list()] == before
    assert_safe(page, watched, "../../evil_traversal.txt")
