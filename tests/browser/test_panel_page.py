"""The Forecast page with a file of many series (a panel) in a real browser: a long-format CSV of
12 series (4 shops x 3 products) uploaded, the layout the page proposes, one LSTM trained live
for all of them, the worst series opened by default, another opened by ticking its row in the
table, the search narrowing the table, and every series' scores and forecasts downloaded.

The file is written by the test: a weekly rhythm of its own strength per series, a shop named
with a comma ("Paris, FR") and one in Chinese ("北京"), one series that starts late, one that
stops early, and one ("Lyon · Eggs") whose level jumps in its test span, so that it is clearly
the worst. Chromium here has no CJK fonts: the Chinese name shows as boxes in the screenshots.
Every wait is Playwright's auto-waiting; timings are printed (run with ``-s``), never asserted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
import re
import time

from helpers import DEFAULT_TIMEOUT_MS, SCREENSHOTS, key_locator, main, quiet, shot
from helpers import assert_no_traceback, assert_no_traceback_logged, log_size
from helpers import choose_own, open_task_page, run_and_wait, settings, upload
from helpers import click_train, wait_for_app, wait_results_drawn
from playwright.sync_api import Page, expect

FC = "fc"  # the Forecast page's widget keys start with "fc_"
NAME = "shops_panel.csv"
SHOPS = ("Berlin", "Paris, FR", "北京", "Lyon")
PRODUCTS = ("Milk", "Bread", "Eggs")
JOIN = " · "  # the page joins the id columns' cells into one series name
FIRST_DAY = dt.date(2024, 1, 1)
DAYS = 150
HARD = "Lyon · Eggs"  # jumps to a new level in its last days: the worst series
STARTS_LATE = "Berlin · Bread"  # its first 40 days are missing
STOPS_EARLY = "Paris, FR · Eggs"  # its last 20 days are missing
RESULTS = "Scores on the test span, over every series"
FORECAST_HEADER = ["id", "shop", "product", "time", "forecast", "lower_80", "upper_80",
                   "lower_95", "upper_95", "method"]  # each id column beside the joined id

TRAIN_MS = 240_000  # Train → results, for 3 tiny epochs on a busy, shared 2-core machine

# Streamlit's dataframe draws on a canvas (glide-data-grid): a row is picked by clicking its
# row-marker checkbox, which sits in a column of about 30 px left of the first column; rows are
# 35 px high under a 35 px header (the numbers Streamlit's own e2e tests click at).
ROW_MARKER_X = 15
ROW_HEIGHT = 35


def panel_csv(path) -> dict[str, dt.date]:
    """Write the long-format file (date, shop, product, sales); return each series' last day."""
    rnd = random.Random(7)
    last_days = {}
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["date", "shop", "product", "sales"])
        for s, shop in enumerate(SHOPS):
            for p, product in enumerate(PRODUCTS):
                k = s * len(PRODUCTS) + p
                name = shop + JOIN + product
                level, rhythm = 50 + 10 * k, 3 + 2 * k  # each series its own weekly strength
                first = 40 if name == STARTS_LATE else 0
                end = DAYS - 20 if name == STOPS_EARLY else DAYS
                for d in range(first, end):
                    value = level + rhythm * math.sin(2 * math.pi * d / 7) + rnd.gauss(0, 2)
                    if name == HARD and d >= DAYS - 18:
                        value += 300  # a sudden new level in the test span
                    out.writerow([FIRST_DAY + dt.timedelta(days=d), shop, product,
                                  f"{value:.1f}"])
                last_days[name] = FIRST_DAY + dt.timedelta(days=end - 1)
    return last_days


def key_class(key: str) -> str:
    """The key as Streamlit writes it into the ``st-key-…`` class (other characters become -)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", key.strip())


def series_shown(page: Page):
    """The "Series shown below" box (its value is the opened series' name)."""
    return key_locator(page, "fc_panel_series").get_by_role("combobox")


def cell(table, row: int):
    """The series name in ``row`` (0 = the first data row) of a dataframe with row selection:
    glide-data-grid mirrors the cells it draws in an accessible table (column 0 is the marker)."""
    return table.get_by_test_id(f"glide-cell-1-{row}")


def pick_row(page: Page, table, row: int) -> None:
    """Tick the row-selection checkbox of ``row`` (0 = the first data row); return once the
    grid shows it ticked (the rerun it starts is awaited by the caller's next expectation).

    A click that only gives the grid focus (it happens after using another widget) ticks
    nothing: then it is clicked once more."""
    y = ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2
    ticked = table.locator(f'tr[aria-rowindex="{row + 2}"]')  # 1 is the header
    for _ in range(2):
        table.click(position={"x": ROW_MARKER_X, "y": y})
        try:
            expect(ticked).to_have_attribute("aria-selected", "true", timeout=5_000)
            return
        except AssertionError:
            pass
    expect(ticked).to_have_attribute("aria-selected", "true")


def choose_series(page: Page, name: str) -> None:
    """Open ``name`` with the "Series shown below" box: type it, then click its option."""
    box = series_shown(page)
    box.click()  # focuses the box; the list opens (narrowed) on typing, not on this click
    box.press_sequentially(name)
    run_and_wait(page, page.get_by_role("option", name=name, exact=True).click)
    expect(box).to_have_value(name)


def download(page: Page, button: str) -> tuple[str, str]:
    """Press the download ``button``; return the file's suggested name and its text."""
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return info.value.suggested_filename, open(info.value.path(), encoding="utf-8-sig").read()


def test_panel_upload_train_open_series_and_download(page: Page, app_server, app_log, tmp_path):
    log_start = log_size(app_log)
    data = tmp_path / NAME
    last_days = panel_csv(data)
    assert len(last_days) == 12 and last_days[STOPS_EARLY] == dt.date(2024, 5, 9)

    open_task_page(page, app_server, "forecast", "Forecast", "fc_train")
    choose_own(page, FC, "My own file")
    upload(page, FC, str(data))

    # What the page proposes: many series, named by shop and product.
    m = main(page)
    layout = key_locator(page, key_class(f"fc_layout_{NAME}"))
    expect(layout.get_by_role("radio", name="Many series, one per id")).to_be_checked()
    ids = key_locator(page, key_class(f"fc_ids_{NAME}"))
    expect(ids.locator("[data-tag] > span[title]")).to_have_text(["shop", "product"])
    # 110 values: the series that starts late.
    expect(m).to_contain_text(f"{NAME}: 12 series (one per shop and product), daily, 110 to 150 "
                              f"values each")
    expect(key_locator(page, "fc_panel_overview").locator(".js-plotly-plot")).to_be_visible()
    quiet(page)
    shot(page, "panel_01_summary")

    # Tiny settings; batches of 2 make each epoch long enough to see the live view drawn.
    settings(page, fc_hidden_size=8, fc_num_layers=1, fc_batch_size=2, fc_epochs=3)
    t0 = time.perf_counter()
    click_train(page, FC)
    # The live view once the first epoch has drawn its series, unless the results come first.
    page.wait_for_function(
        """() => document.querySelector('.st-key-fc_panel_live .js-plotly-plot') !== null
                 || [...document.querySelectorAll('h3')].some(
                        h => h.innerText.includes('Scores on the test span'))""",
        timeout=TRAIN_MS)
    (SCREENSHOTS / "panel_02_live.png").unlink(missing_ok=True)  # none from an earlier run
    if page.get_by_test_id("stProgress").count():
        quiet(page)
        shot(page, "panel_02_live")
        print("\n[panel] live view caught")
    wait_results_drawn(page, RESULTS, timeout=TRAIN_MS)
    print(f"\n[panel] Train → results in {time.perf_counter() - t0:.1f} s")
    verdict = page.locator('[data-testid="stAlertContentSuccess"], '
                           '[data-testid="stAlertContentWarning"]').first
    expect(verdict).to_contain_text(re.compile(r"beats seasonal naive on \d+ of 11 series"))
    expect(page.get_by_role("heading", name="Every series", exact=True)).to_be_visible()
    # The statistical models, fitted to each series, are on the scoreboard; the forecast to use
    # is the one recommended on the validation span, and the user may pick another.
    expect(verdict).to_contain_text("Of the statistical models fitted to each series")
    methods = key_locator(page, "fc_method")
    recommended = methods.get_by_role("radio", name=re.compile(r"\(recommended\)$"))
    expect(recommended).to_be_checked()
    chosen = methods.locator("label").filter(has_text="(recommended)").inner_text().strip()
    assert_no_traceback(page)
    quiet(page)
    shot(page, "panel_03_results")

    # The worst series heads the table and is opened below it, with its test-span chart.
    # The table's key changes each time a series opens (so that no tick is left standing).
    table = page.locator('[class*="st-key-fc_panel_table_"]').get_by_test_id("stDataFrame")
    expect(cell(table, 0)).to_have_text(HARD)
    expect(series_shown(page)).to_have_value(HARD)
    expect(m).to_contain_text(f"{HARD}: on the test span the LSTM's forecasts were off by")
    expect(key_locator(page, "fc_backtest").locator(".js-plotly-plot")).to_be_visible()

    # Another series, by ticking its row in the table (the third row).
    other = cell(table, 2).inner_text()
    assert other not in (HARD, STOPS_EARLY), other
    pick_row(page, table, 2)
    expect(series_shown(page)).to_have_value(other, timeout=DEFAULT_TIMEOUT_MS)
    expect(m).to_contain_text(f"{other}: on the test span the LSTM's forecasts were off by")
    wait_for_app(page)
    quiet(page)
    shot(page, "panel_04_row_picked")

    # The search narrows the table and the list; the series that stops early has no test span.
    search = key_locator(page, "fc_panel_search").locator("input")
    search.fill("Paris")
    run_and_wait(page, lambda: search.press("Enter"))
    expect(table.locator("table")).to_have_attribute("aria-rowcount", "4")  # header + 3 rows
    choose_series(page, STOPS_EARLY)
    expect(m).to_contain_text(f"{STOPS_EARLY} has no whole forecast in the test span")
    assert_no_traceback(page)
    quiet(page)
    shot(page, "panel_05_searched")

    # The scores: the hard series has the highest LSTM MASE of all.
    _, text = download(page, "Download every series' scores (CSV)")
    scores = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    mase = {i: float(r["lstm_mase"]) for i, r in scores.items() if r["lstm_mase"]}
    assert len(scores) == 12 and max(mase, key=mase.get) == HARD, mase
    assert STOPS_EARLY not in mase, scores[STOPS_EARLY]  # no test span: not scored

    # Every forecast: 12 series x horizon rows, each starting the day after its series ends.
    horizon = json.loads(download(page, "Download the report (JSON)")[1])["config"]["horizon"]
    assert horizon == 7, horizon  # "auto": one season of the weekly rhythm
    name, text = download(page, "Download every forecast (CSV)")
    # named after the method in use where it is not the LSTM ("…-auto-ets-forecast.csv")
    assert re.fullmatch(r"shops_panel-[0-9a-f]+-forecast\.csv" if chosen.startswith("LSTM")
                        else r"shops_panel-[0-9a-f]+-[a-z]+(-[a-z]+)*-forecast\.csv", name), name
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == FORECAST_HEADER, rows[0]
    assert {row[9] for row in rows[1:]} == {chosen.removesuffix(" (recommended)")}, chosen
    by_id: dict[str, list[dt.date]] = {}
    for row in rows[1:]:
        assert row[0] == JOIN.join(row[1:3]), row  # the shop and the product, each its own
        by_id.setdefault(row[0], []).append(dt.date.fromisoformat(row[3][:10]))
        value, low80, high80, low95, high95 = map(float, row[4:9])
        assert low80 <= value <= high80 and low95 <= value <= high95, row
        assert low95 <= low80 and high80 <= high95, row  # the bands nest
    assert len(rows) - 1 == 12 * horizon, (len(rows) - 1, horizon)
    assert sorted(by_id) == sorted(last_days), sorted(by_id)
    assert "Paris, FR · Milk" in by_id and "北京 · Bread" in by_id, sorted(by_id)
    for series, days in by_id.items():
        assert days[0] == last_days[series] + dt.timedelta(days=1), (series, days[0])
        assert days == [days[0] + dt.timedelta(days=k) for k in range(horizon)], (series, days)

    # Another method's forecast: the chart of the series shown and the download follow it.
    if not chosen.startswith("LSTM"):
        run_and_wait(page, lambda: methods.get_by_text("LSTM", exact=True).click())
        expect(methods.get_by_role("radio", name="LSTM", exact=True)).to_be_checked()
        # The button's file is the one of the page's last drawing: on a loaded machine the
        # browser may still hold the one before, so ask again until it has the redraw's.
        for _ in range(10):
            _, text = download(page, "Download every forecast (CSV)")
            used = {row[9] for row in list(csv.reader(io.StringIO(text)))[1:]}
            if used == {"LSTM"}:
                break
            page.wait_for_timeout(300)
        assert used == {"LSTM"}, used
    assert_no_traceback(page)
    assert_no_traceback_logged(app_log, since=log_start)
