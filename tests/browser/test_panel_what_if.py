"""The what-if of one series of a panel in a real browser: three shops' daily sales with their
promotions (tests/test_panel_plan.py's file: each shop's plan for the week after its last sale
in the rows whose sales are blank), the promotions marked known ahead, a tiny LSTM trained for
all three, then one shop opened under "Every series" and two days of its plan flipped to a
promotion in its what-if table. That shop's forecast, redrawn from the edited plan, rises on
those two days and on no other, beside the dashed base forecast; its CSV download says so.
Another shop opened then shows its own plan, untouched by the first shop's edits.

The grid's helpers (the editor, its cells and headers, an edit by arrow keys and Enter) are
test_what_if's, the series box's test_panel_page's. Every wait is Playwright's auto-waiting or
the helpers' (no sleeps); timings are printed (run with ``-s``), never asserted.
"""

from __future__ import annotations

import time

from helpers import assert_no_traceback, assert_no_traceback_logged, choose_own
from helpers import click_train, key_locator, log_size, main, open_task_page, quiet, reveal
from helpers import pick_option, settings, shot, upload, wait_results_drawn
from playwright.sync_api import Locator, Page, expect
from test_panel_page import choose_series, key_class, series_shown
from test_what_if import cell, columns, downloaded_rows, edit_cell, moved_on_days_edited, plan
from test_what_if import what_if_drawn, what_if_editor

from tests.test_panel_plan import PLAN, PROMOTED, shops_csv

FC = "fc"
NAME = "shops_promotions.csv"
PROMO = "promo"
RESULTS = "Scores on the test span, over every series"
TRAINED_MS = 600_000  # Train → results, 40 tiny epochs on a busy 2-core machine (with slack)
WHEN = [day.strftime("%Y-%m-%d") for day in PLAN]  # the plan's week, as the grid shows it


def plan_shown(editor: Locator) -> list[list[str]]:
    """The grid's rows as shown: [when, promo]."""
    return plan(editor, width=2)


def expected_plan(shop: str) -> list[list[str]]:
    return [[day, str(promo)] for day, promo in zip(WHEN, PROMOTED[shop])]


def mark_known_ahead(page: Page, column: str) -> None:
    """Pick ``column`` in "Known ahead" (under "More settings"); the page reruns on the pick."""
    known = key_locator(page, "fc_known_covariates")
    reveal(page, known)  # (a role is looked for among the visible elements only)
    pick_option(page, known.get_by_role("combobox"), column)
    page.keyboard.press("Escape")  # the list may stay open after a pick
    expect(known.locator("[data-tag] > span[title]")).to_have_text([column])


def open_shop(page: Page, shop: str) -> Locator:
    """Open ``shop`` in "Series shown below"; return its what-if grid once it has drawn."""
    choose_series(page, shop)
    expect(main(page)).to_contain_text(f"{shop}: on the test span the LSTM's forecasts were off")
    expect(page.get_by_role("heading", name="What if?")).to_be_visible()
    editor = what_if_editor(page)
    expect(editor).to_have_count(1)
    editor.scroll_into_view_if_needed()
    expect(cell(editor, 0, 0)).to_be_attached()  # the grid has drawn its rows
    return editor


def test_panel_what_if_two_more_promotion_days_lift_one_shops_forecast_there_only(
        page: Page, app_server, app_log, tmp_path):
    log_start = log_size(app_log)
    data = tmp_path / NAME
    data.write_bytes(shops_csv())

    open_task_page(page, app_server, "forecast", "Forecast", "fc_train")
    choose_own(page, FC, "My own file")
    upload(page, FC, str(data))

    # The layout the page proposes: one series per shop.
    layout = key_locator(page, key_class(f"fc_layout_{NAME}"))
    expect(layout.get_by_role("radio", name="Many series, one per id")).to_be_checked()
    ids = key_locator(page, key_class(f"fc_ids_{NAME}"))
    expect(ids.locator("[data-tag] > span[title]")).to_have_text(["shop"])
    expect(main(page)).to_contain_text(f"{NAME}: 3 series (one per shop), daily, 364 values each")

    # The promotions known ahead (each shop's plan read from its rows after its last sale);
    # tiny settings, as tests/test_panel_plan.py trains them, and no statistical models.
    mark_known_ahead(page, PROMO)
    settings(page, fc_lookback=14, fc_horizon=7, fc_hidden_size=16, fc_epochs=40,
             fc_batch_size=64, fc_statistical_seconds=0)
    quiet(page)
    shot(page, "panel_what_if_01_settings")
    t0 = time.perf_counter()
    click_train(page, FC)
    wait_results_drawn(page, RESULTS, timeout=TRAINED_MS)
    print(f"\n[panel what-if] Train → results in {time.perf_counter() - t0:.1f} s")
    expect(page.get_by_role("heading", name="Every series", exact=True)).to_be_visible()

    # One shop opened (the one shown first is the worst: open another, then a third later).
    first = "Paris, FR" if series_shown(page).input_value() != "Paris, FR" else "Berlin"
    second = next(s for s in ("北京", "Berlin") if s != first)
    editor = open_shop(page, first)
    assert columns(editor) == ["when", PROMO], columns(editor)
    before = plan_shown(editor)
    assert before == expected_plan(first), before
    days = [r for r, (_, promo) in enumerate(before) if promo == "0"][:2]
    edited = {before[r][0] for r in days}
    expect(key_locator(page, "fc_dl_what_if")).to_have_count(0)
    expect(main(page)).to_contain_text("Edit a cell above to see a what-if.")
    assert_no_traceback(page)
    quiet(page)
    shot(page, "panel_what_if_02_before_edit")

    for r in days:
        seconds = edit_cell(page, editor, 1, r, "0", "1")
        print(f"[panel what-if] an edit to the forecast redrawn on the page: {seconds:.2f} s")
    after = plan_shown(editor)
    assert after == [[day, "1" if r in days else promo]
                     for r, (day, promo) in enumerate(before)], after

    download = what_if_drawn(page)
    assert_no_traceback(page)
    quiet(page)
    shot(page, "panel_what_if_03_after_edit")
    rows = downloaded_rows(page, download)
    assert len(rows) == len(before), rows
    header = list(rows[0])
    for column in ("time", "base_forecast", "what_if_forecast", f"planned_{PROMO}"):
        assert column in header, header
    moved_on_days_edited(rows, after, edited)

    # Another shop: its own plan, not the first shop's edits, and no what-if drawn yet.
    editor = open_shop(page, second)
    expect(series_shown(page)).to_have_value(second)
    assert columns(editor) == ["when", PROMO], columns(editor)
    assert plan_shown(editor) == expected_plan(second), plan_shown(editor)
    expect(main(page)).to_contain_text("Edit a cell above to see a what-if.")
    expect(key_locator(page, "fc_dl_what_if")).to_have_count(0)
    expect(key_locator(page, "fc_what_if_chart")).to_have_count(0)
    assert_no_traceback(page)
    quiet(page)
    shot(page, "panel_what_if_04_other_shop")
    assert_no_traceback_logged(app_log, since=log_start)
