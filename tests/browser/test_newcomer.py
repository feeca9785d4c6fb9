"""A newcomer's path in a real browser: results that belong to their data, a run's address
opened in a fresh browser, and the app on a phone-sized screen (390×844).

Each test saves the screenshots the issue asks to look at: the Forecast and Text pages after
switching data, a run opened from its address, and Home and Forecast on a phone.
"""

from __future__ import annotations

import re

from conftest import VIEWPORT
from helpers import assert_no_traceback, choose_sample, click_train, key_locator, main, open_page
from helpers import open_task_page, quiet, run_and_wait, settings, shot, wait_results_drawn
from playwright.sync_api import Page, expect

FORECAST_RESULTS = "Scores on the test span"
TEXT_RESULTS = "The sample at the end of training"
PHONE = {"width": 390, "height": 844}
FIELDS = ("stNumberInput", "stSelectbox", "stMultiSelect", "stTextInput", "stRadio",
          "stButtonGroup", "stCheckbox", "stSlider")
COUNT_FIELDS_ABOVE = """([train, kinds]) => {
  const top = document.querySelector(train).getBoundingClientRect().top;
  const all = k => [...document.querySelectorAll(`[data-testid="stMain"] [data-testid="${k}"]`)];
  return kinds.flatMap(all)
    .filter(e => { const r = e.getBoundingClientRect();
                   return e.checkVisibility() && r.height > 0 && r.top < top; })
    .map(e => e.dataset.testid + ":" + (e.innerText || "").split("\\n")[0]);
}"""


def run_id_of(page: Page) -> str:
    return re.search(r"[?&]run=([0-9a-f]+)", page.url).group(1)


def elsewhere_note(page: Page):
    return main(page).get_by_test_id("stAlert").filter(has_text="not on the data above")


def train_tiny(page: Page, prefix: str, results: str, **tiny) -> str:
    """Train with the ``tiny`` settings to the results; the run's id."""
    settings(page, **tiny)
    click_train(page, prefix)
    wait_results_drawn(page, results)
    return run_id_of(page)


def switch_sample(page: Page, prefix: str, title: str, results: str, whose: str) -> None:
    """Another sample: the results (heading ``results``) go; a note says ``whose`` they are."""
    choose_sample(page, prefix, title)
    expect(page.get_by_role("heading", name=results)).to_have_count(0)
    expect(elsewhere_note(page)).to_contain_text(whose)
    assert_no_traceback(page)
    quiet(page)


# --- results belong to their data ----------------------------------------------------------


def test_forecast_results_leave_with_their_data_and_come_back_with_it(page: Page, app_server):
    open_task_page(page, app_server, "forecast", "Forecast", "fc_train")
    run_id = train_tiny(page, "fc", FORECAST_RESULTS, fc_hidden_size=8, fc_epochs=2)
    # Another sample: the airline results are not shown under it; a note says whose they are.
    switch_sample(page, "fc", "Daily shop sales", FORECAST_RESULTS,
                  f"airline_passengers.csv (run {run_id})")
    shot(page, "newcomer_01_forecast_after_switching_data")

    # One click brings the run back with its own data.
    show = page.get_by_role("button", name=f"Show run {run_id} with its own data")
    run_and_wait(page, show.click)
    wait_results_drawn(page, FORECAST_RESULTS)
    expect(key_locator(page, "fc_sample").get_by_role("combobox")).to_have_value(
        "Airline passengers")
    viewing = main(page).get_by_test_id("stAlert").filter(has_text="Viewing saved run")
    expect(viewing).to_contain_text(f"({run_id})")


def test_a_runs_address_in_a_fresh_browser_restores_its_data_and_settings(browser, app_server):
    first = browser.new_context(viewport=VIEWPORT)
    try:
        page = first.new_page()
        open_task_page(page, app_server, "forecast", "Forecast", "fc_train")
        choose_sample(page, "fc", "Daily shop sales")
        settings(page, fc_hidden_size=8, fc_epochs=2, fc_lookback=21)
        click_train(page, "fc")
        wait_results_drawn(page, FORECAST_RESULTS)
        address = page.url
    finally:
        first.close()

    fresh = browser.new_context(viewport=VIEWPORT)  # no session: only the address
    try:
        page = fresh.new_page()
        page.goto(address)
        wait_results_drawn(page, FORECAST_RESULTS)
        expect(key_locator(page, "fc_sample").get_by_role("combobox")).to_have_value(
            "Daily shop sales")
        for key, value in (("fc_hidden_size", "8"), ("fc_epochs", "2"), ("fc_lookback", "21")):
            expect(key_locator(page, key).locator("input")).to_have_value(value)
        expect(main(page)).to_contain_text("Viewing saved run")
        assert_no_traceback(page)
        quiet(page)
        shot(page, "newcomer_02_run_opened_from_its_address")
    finally:
        fresh.close()


def test_text_results_leave_with_their_text(page: Page, app_server):
    open_task_page(page, app_server, "text", "Text", "tx_train")
    choose_sample(page, "tx", "One sentence about LSTMs")
    run_id = train_tiny(page, "tx", TEXT_RESULTS, tx_hidden_size=16, tx_epochs=2)
    switch_sample(page, "tx", "Shakespeare (excerpt)", TEXT_RESULTS,
                  f"keras_toy_sentence.txt (run {run_id})")
    shot(page, "newcomer_03_text_after_switching_data")


# --- a phone-sized screen ------------------------------------------------------------------


def test_home_and_forecast_on_a_phone(browser, app_server):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    try:
        page = open_page(context.new_page(), app_server)
        for demo in ("Forecast airline passengers", "Generate Shakespeare-like text"):
            expect(page.get_by_role("button", name=demo)).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "newcomer_04_home_phone")

        open_task_page(page, app_server, "forecast", "Forecast", "fc_train")
        # Drawn (not the placeholders shown while a widget's code loads) down to Train.
        expect(key_locator(page, "fc_epochs").locator("input")).to_be_visible()
        expect(key_locator(page, "fc_train").get_by_role("button", name="Train")).to_be_visible()
        fields = page.evaluate(COUNT_FIELDS_ABOVE, [".st-key-fc_train", list(FIELDS)])
        print(f"\n[phone] {len(fields)} fields above Train: {fields}")
        # The data's (source, sample, two columns) and the four basic settings: not twelve.
        assert len(fields) <= 8, f"{len(fields)} fields to scroll past before Train: {fields}"
        expect(page.get_by_test_id("stExpander").filter(has_text="More settings")).to_be_visible()
        shot(page, "newcomer_05_forecast_phone")

        settings(page, fc_hidden_size=8, fc_epochs=2)
        click_train(page, "fc")
        wait_results_drawn(page, FORECAST_RESULTS)
        page.get_by_text("All the scores, explained").click()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert_no_traceback(page)
        quiet(page)
        shot(page, "newcomer_06_forecast_results_phone")
    finally:
        context.close()
