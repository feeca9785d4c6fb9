"""The Forecast page in a real browser: upload, live training, page switches, Stop, results and
downloads; two sessions training at once; the Home page's airline demo; bad uploads; removing
an upload with its ×. The steps it shares with the Text page's tests are in helpers.py.

Trainings are kept tiny (hidden 8, one layer) so that the tests run on a busy 2-core machine;
the ones that must still be running when the test acts on them get many epochs and no early
stopping, and are stopped by the test. Every wait is Playwright's auto-waiting (``expect``,
``wait_for_function``), never a sleep. Timings are printed (run with ``-s``), never asserted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import time

import pytest
from helpers import EPOCH_RE, START_MS, STOPPED_MS, key_locator, main, open_page, shot
from helpers import assert_no_traceback, assert_no_traceback_logged, log_size, quiet
from helpers import choose_own, expect_upload_forgotten, expect_upload_refused, remove_upload
from helpers import open_task_page, run_and_wait, upload
from helpers import click_stop, click_train, go_to, settings, wait_results_drawn
from helpers import chart_points, progress, progress_epoch, wait_epoch_above, wait_points_above
from playwright.sync_api import Page, expect

FC = "fc"  # the Forecast page's widget keys start with "fc_"
VIEWPORT = {"width": 1400, "height": 1000}
RESULTS = "Scores on the test span"
CSV_HEADER = ["time", "forecast", "lower_80", "upper_80", "lower_95", "upper_95", "method"]
LOSS_CHART = "fc_loss_chart"
OWN_CSV = "My own file"
EMPTY_HINT = "Upload a CSV or Excel file to start"
OFFER = "You have trained this before"

DEMO_MS = 300_000        # the airline demo with default settings, to the end
HOME_DWELL_MS = 5_000    # how long the user stays on Home while the training runs


# --- the page ------------------------------------------------------------------------------


def open_forecast(page: Page, base_url: str) -> Page:
    # Drawn down to the Train button.
    return open_task_page(page, base_url, "forecast", "Forecast", "fc_train")


def expect_airline_sample(page: Page) -> None:
    """The chosen sample is the airline one (its one-line description is shown under it)."""
    expect(main(page)).to_contain_text("Monthly totals of international airline passengers")


def results_heading(page: Page):
    return page.get_by_role("heading", name=RESULTS)


def verdict(page: Page):
    return page.locator(
        '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"]'
    ).first


# --- data the app did not ship -------------------------------------------------------------


def weekly_csv(path) -> None:
    """150 weeks of a German-style export: semicolons, dd.mm.yyyy dates, decimal commas, €."""
    start = dt.date(2021, 1, 4)  # a Monday
    lines = ["Woche;Umsatz (€)"]
    for i in range(150):
        value = 1000 + 3 * i + 120 * math.sin(2 * math.pi * i / 13) + (i * 7 % 5)
        day = start + dt.timedelta(weeks=i)
        number = f"{value:.2f}".replace(".", ",")
        lines.append(f"{day:%d.%m.%Y};{number}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- 1. upload, train live, switch pages, Stop, results, downloads -------------------------


def test_upload_train_switch_pages_stop_and_download(page: Page, app_server, tmp_path):
    data = tmp_path / "umsatz_woche.csv"
    weekly_csv(data)
    assert data.read_text(encoding="utf-8").splitlines()[1] == "04.01.2021;1000,00"

    open_forecast(page, app_server)
    choose_own(page, FC, OWN_CSV)
    expect(page.get_by_text(EMPTY_HINT)).to_be_visible()
    upload(page, FC, str(data))

    m = main(page)
    # What the loader understood: 150 rows, weekly, the decimal comma repaired.
    expect(m).to_contain_text("umsatz_woche.csv")
    expect(m).to_contain_text("150 rows")
    expect(m).to_contain_text(re.compile(r"weekly", re.I))
    expect(m).to_contain_text("decimal comma")
    expect(m).to_contain_text("Umsatz (€)")
    shot(page, "forecast_01_uploaded")

    # Long enough to outlast the page switches even on an idle machine (no early stopping,
    # small batches: many steps per epoch); the test stops it.
    settings(page, fc_hidden_size=8, fc_num_layers=1, fc_patience=0, fc_batch_size=4, fc_epochs=5000)
    click_train(page, FC)
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    first, first_at = progress_epoch(page), time.perf_counter()
    points = chart_points(page, LOSS_CHART)
    later = wait_epoch_above(page, first)
    more_points = wait_points_above(page, FC, max(points, 0))
    print(f"\n[upload] epoch {first} → {later}; loss-chart points {points} → {more_points}")
    expect(key_locator(page, "fc_job_stop").get_by_role("button", name="Stop")).to_be_visible()
    quiet(page)  # no tooltip of the just-clicked Train button over the screenshot
    shot(page, "forecast_02_training_live")

    # Away to Home while it trains (a user reading the Home page for a few seconds), then back.
    before_leaving = progress_epoch(page) or later
    left_at = time.perf_counter()
    go_to(page, "Home")
    expect(page.get_by_role("heading", name="LSTM Studio")).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_have_count(0)
    shot(page, "forecast_03_home_while_training")
    page.wait_for_timeout(HOME_DWELL_MS)  # the scenario's dwell time, not a synchronisation
    go_to(page, "Forecast")
    expect(page.get_by_role("heading", name="Forecast", exact=True)).to_be_visible()
    # The upload and the settings survived the round trip (the uploader itself shows empty).
    expect(m).to_contain_text("Using umsatz_woche.csv, uploaded earlier.")
    expect(key_locator(page, "fc_epochs").locator("input")).to_have_value("5000")
    # The training went on while the Forecast page was not shown: the first progress drawn
    # on return is already past the epoch seen when leaving; and it keeps going.
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    on_return = progress_epoch(page)
    away = time.perf_counter() - left_at
    assert on_return is not None and on_return > before_leaving, (
        f"epoch {before_leaving} when leaving, {on_return} after {away:.1f} s away"
    )
    back = wait_epoch_above(page, on_return)
    watched = (before_leaving - first) / (left_at - first_at)
    print(
        f"[upload] epoch {before_leaving} when leaving, {on_return} on return "
        f"({away:.1f} s away), then {back}; about {watched:.1f} epochs/s while watched, "
        f"{(on_return - before_leaving) / away:.1f} epochs/s while away (Home page)"
    )
    shot(page, "forecast_04_back_still_training")

    # Stop: the results (from the best weights so far) come within seconds.
    stopped_at = progress_epoch(page)
    t0 = time.perf_counter()
    click_stop(page, FC)
    expect(results_heading(page)).to_be_visible(timeout=STOPPED_MS)
    stop_to_results = time.perf_counter() - t0
    wait_results_drawn(page, RESULTS)
    print(f"[upload] Stop at epoch ~{stopped_at} → results in {stop_to_results:.1f} s")
    expect(verdict(page)).to_be_visible()
    expect(m).to_contain_text("stopped by the user")
    assert_no_traceback(page)
    shot(page, "forecast_05_results")

    # The downloads.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the forecast (CSV)").click()
    download = info.value
    # Named after the data and the run, so that downloads from several runs do not collide (and
    # after the method in use where it is not the LSTM: "…-auto-ets-forecast.csv").
    assert re.fullmatch(r"umsatz_woche-[0-9a-f]+-([a-z]+(-[a-z]+)*-)?forecast\.csv",
                        download.suggested_filename), download.suggested_filename
    text = open(download.path(), encoding="utf-8-sig").read()  # Excel's byte-order mark first
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_HEADER, rows[0]
    assert len(rows) > 1, "the forecast CSV has no rows"
    # Real future timestamps, a week apart, after the last observation (2023-11-13).
    times = [dt.date.fromisoformat(r[0][:10]) for r in rows[1:]]
    assert times[0] > dt.date(2023, 11, 13), times
    assert all((b - a).days == 7 for a, b in zip(times, times[1:])), times
    for r in rows[1:]:
        f, lo80, hi80, lo95, hi95 = map(float, r[1:6])
        assert lo95 <= lo80 <= f <= hi80 <= hi95, r
        assert r[6] in ("LSTM", "AutoETS", "AutoTheta", "AutoARIMA") or r[6].startswith("mean"), r

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the report (JSON)").click()
    download = info.value
    assert re.fullmatch(r"umsatz_woche-[0-9a-f]+-report\.json", download.suggested_filename), (
        download.suggested_filename)
    report = json.loads(open(download.path(), encoding="utf-8").read())
    assert {"verdict", "test", "baselines"} <= set(report), sorted(report)
    assert isinstance(report["verdict"], str) and report["verdict"]
    assert report["training"]["stop_reason"] == "stopped"
    assert report["config"]["hidden_size"] == 8 and report["config"]["epochs"] == 5000
    assert report["data"]["rows"] == 150
    assert_no_traceback(page)


# --- 2. two sessions training at once ------------------------------------------------------


def test_two_sessions_train_at_once_and_stop_independently(browser, app_server):
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    try:
        a, b = (ctx.new_page() for ctx in contexts)
        for p in (a, b):
            open_forecast(p, app_server)
            # The airline sample is the default; small batches make each epoch slow enough
            # that neither training can end by itself during the test.
            expect_airline_sample(p)
            settings(p, fc_hidden_size=8, fc_num_layers=1, fc_patience=0, fc_batch_size=4, fc_epochs=5000)
        click_train(a, FC)
        click_train(b, FC)
        for p in (a, b):
            expect(progress(p)).to_contain_text(EPOCH_RE, timeout=START_MS)
            wait_epoch_above(p, progress_epoch(p))
        print(f"\n[two] A at epoch {progress_epoch(a)}, B at epoch {progress_epoch(b)}")
        shot(a, "forecast_two_01_A_training")
        shot(b, "forecast_two_02_B_training")

        click_stop(a, FC)
        wait_results_drawn(a, RESULTS)
        expect(verdict(a)).to_be_visible()
        expect(main(a)).to_contain_text("stopped by the user")
        # B is untouched: still training, its epoch still going up, no results.
        b_epoch = progress_epoch(b)
        assert b_epoch is not None, "B lost its progress when A stopped"
        b_later = wait_epoch_above(b, b_epoch)
        expect(results_heading(b)).to_have_count(0)
        print(f"[two] A stopped; B went on from epoch {b_epoch} to {b_later}")
        shot(a, "forecast_two_03_A_stopped")
        shot(b, "forecast_two_04_B_still_training")

        click_stop(b, FC)
        wait_results_drawn(b, RESULTS)
        expect(verdict(b)).to_be_visible()
        for p in (a, b):
            assert_no_traceback(p)
        shot(b, "forecast_two_05_B_stopped")
    finally:
        for ctx in contexts:
            ctx.close()


# --- 3. Train → first point, and the Home page's airline demo -------------------------------

# Records, in the page, when the Train button was pressed and when the first epoch text and
# the first loss-chart point appeared (performance.now(), ms). A MutationObserver catches even
# a state that lasts less than one of Playwright's polling intervals.
_TIMING_JS = """() => {
  const t = window.__lstmTiming =
      {click: null, epoch: null, point: null, results: null, progress: false};
  const check = () => {
    const now = performance.now();
    const bar = document.querySelector('[data-testid="stProgress"]');
    if (bar) t.progress = true;
    if (t.epoch === null && bar && /Epoch \\d+ of/.test(bar.innerText)) t.epoch = now;
    const plot = document.querySelector('.st-key-fc_loss_chart .js-plotly-plot');
    if (t.point === null && plot && plot.data &&
        plot.data.some(tr => tr.x && tr.x.length > 0)) t.point = now;
    if (t.results === null && [...document.querySelectorAll('h3')].some(
        h => h.innerText.includes('Scores on the test span'))) t.results = now;
  };
  document.addEventListener('click', (e) => {
    const btn = e.target.closest('button');
    if (btn && t.click === null && /^(Train|Train again|Forecast airline passengers)$/.test(btn.innerText.trim()))
      t.click = performance.now();
  }, true);
  new MutationObserver(check).observe(document.body,
      {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def _timing(page: Page) -> dict:
    return page.evaluate("() => window.__lstmTiming")


def _since_click(t: dict, what: str) -> str:
    return "never drawn" if t[what] is None else f"{t[what] - t['click']:.0f} ms"


@pytest.mark.parametrize(
    "settings_, label",
    [
        ({}, "default settings"),
        # Long enough that the live view is always drawn before the end; stopped by the test.
        ({"fc_hidden_size": 8, "fc_patience": 0, "fc_epochs": 5000}, "hidden 8, 5000 epochs"),
    ],
    ids=["default", "long"],
)
def test_train_to_first_point_on_the_airline_sample(page: Page, app_server, settings_, label):
    """Prints the time from pressing Train to the first epoch text / loss-chart point.

    With the default settings the whole training may end before the first live poll (it takes
    about a second on an idle machine), so the results may come first; that is printed too.
    """
    open_forecast(page, app_server)
    expect_airline_sample(page)
    settings(page, **settings_)
    page.evaluate(_TIMING_JS)
    click_train(page, FC)
    page.wait_for_function(
        "() => { const t = window.__lstmTiming;"
        " return (t.epoch !== null && t.point !== null) || t.results !== null; }",
        timeout=DEMO_MS,
    )
    if settings_:
        click_stop(page, FC)
    wait_results_drawn(page, RESULTS, timeout=DEMO_MS)
    t = _timing(page)
    print(
        f"\n[timing] airline sample, {label}: Train → first 'Epoch N of' text "
        f"{_since_click(t, 'epoch')}; → first loss-chart point {_since_click(t, 'point')}; "
        f"→ results {_since_click(t, 'results')}"
    )
    assert_no_traceback(page)


def test_home_airline_demo_runs_to_the_end(page: Page, app_server):
    open_page(page, app_server)
    page.evaluate(_TIMING_JS)  # the demo switches pages in the same document: it survives
    page.get_by_role("button", name="Forecast airline passengers").click()
    page.wait_for_url(re.compile(r"/forecast/?(\?.*)?$"))  # ?run=… once it trains
    expect(page.get_by_role("heading", name="Forecast", exact=True)).to_be_visible()
    # Training started by itself, on the airline sample (its live view, or already its result:
    # the default training can end before the first poll). Unless an earlier test in this
    # server trained the same settings to the end: then that run is offered instead, and
    # "Train again" shows the demo training all the same.
    page.wait_for_function(
        "() => window.__lstmTiming.progress || window.__lstmTiming.results !== null"
        " || document.body.innerText.includes('" + OFFER + "')",
        timeout=START_MS,
    )
    if main(page).get_by_text(OFFER).count():
        page.evaluate("() => { window.__lstmTiming.click = null; }")
        run_and_wait(page, key_locator(page, "fc_offer_again").get_by_role("button").click)
        page.wait_for_function(
            "() => window.__lstmTiming.progress || window.__lstmTiming.results !== null",
            timeout=START_MS,
        )
    expect_airline_sample(page)
    if page.get_by_test_id("stProgress").count():
        shot(page, "forecast_demo_01_training")

    wait_results_drawn(page, RESULTS, timeout=DEMO_MS)
    t = _timing(page)
    print(
        f"\n[demo] click → first loss point {_since_click(t, 'point')}; "
        f"→ results {_since_click(t, 'results')}"
    )
    # It trained to its end by itself (all epochs, or early stopping), not stopped by anyone.
    expect(main(page)).to_contain_text(
        re.compile(r"Training (ran all its epochs|stopped early)")
    )
    expect(verdict(page)).to_be_visible()
    expect(page.get_by_role("button", name="Download the forecast (CSV)")).to_be_visible()
    assert_no_traceback(page)
    shot(page, "forecast_demo_02_results")

    # The same demo again: no second training, its results stay.
    run_id = re.search(r"[?&]run=([0-9a-f]+)", page.url).group(1)
    go_to(page, "Home")
    run_and_wait(page, page.get_by_role("button", name="Forecast airline passengers").click)
    expect(main(page)).to_contain_text("You trained this a moment ago")
    expect(results_heading(page)).to_be_visible()
    assert re.search(rf"[?&]run={run_id}\b", page.url), page.url


def test_a_demo_trained_before_is_offered_in_a_new_session(browser, app_server):
    """Another visit (a new browser session): the demo's finished run is offered, not trained
    a second time; opening it shows its results at once."""
    demo = "Forecast airline passengers"
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = open_page(context.new_page(), app_server)
        page.get_by_role("button", name=demo).click()  # trains it, unless trained already
        offered = page.get_by_role("button", name=re.compile(r"^Open run [0-9a-f]+$"))
        expect(results_heading(page).or_(offered)).to_be_visible(timeout=DEMO_MS)
    finally:
        context.close()

    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = open_page(context.new_page(), app_server)
        run_and_wait(page, page.get_by_role("button", name=demo).click)
        offer = main(page).get_by_test_id("stAlert").filter(has_text=OFFER)
        expect(offer).to_be_visible()
        # At the top of the page, in sight without scrolling (below the settings, it was not).
        expect(offer).to_be_in_viewport()
        expect(page.get_by_role("button", name=re.compile(r"^Open run "))).to_be_in_viewport()
        expect(results_heading(page)).to_have_count(0)
        run_id = re.search(r"\(([0-9a-f]+)\), finished", offer.inner_text()).group(1)
        quiet(page)
        shot(page, "forecast_demo_03_offered_again")
        run_and_wait(page, page.get_by_role("button", name=f"Open run {run_id}").click)
        wait_results_drawn(page, RESULTS)
        expect(main(page)).to_contain_text("Viewing saved run")
        expect(offer).to_have_count(0)
        assert re.search(rf"[?&]run={run_id}\b", page.url), page.url
        assert_no_traceback(page)
    finally:
        context.close()


# --- 4. bad input: a plain message, never a traceback --------------------------------------


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.csv", b"", "empty"),
        ("holiday_photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not a text CSV"),
    ],
    ids=["empty", "binary"],
)
def test_bad_upload_shows_a_plain_error(page: Page, app_server, app_log, name, content, words):
    log_start = log_size(app_log)
    open_forecast(page, app_server)
    choose_own(page, FC, OWN_CSV)
    upload(page, FC, {"name": name, "mimeType": "text/csv", "buffer": content})
    expect_upload_refused(page, FC, words)
    shot(page, f"forecast_bad_upload_{name.split('.')[0]}")
    assert_no_traceback_logged(app_log, since=log_start)


@pytest.mark.parametrize(
    "name, content",
    [
        ("holiday_photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        ("visitors.csv", "date,visitors\n" + "".join(
            f"{dt.date(2024, 1, 1) + dt.timedelta(days=d)},{100 + d % 7}\n" for d in range(60))),
    ],
    ids=["rejected", "accepted"],
)
def test_removing_an_upload_forgets_it(page: Page, app_server, name, content):
    """The uploader's × forgets the file: no error or data of it left, no "uploaded earlier"."""
    open_forecast(page, app_server)
    choose_own(page, FC, OWN_CSV)
    data = content.encode() if isinstance(content, str) else content
    upload(page, FC, {"name": name, "mimeType": "text/csv", "buffer": data})
    if name == "visitors.csv":  # loaded: its summary and the Train button
        expect(main(page)).to_contain_text("visitors.csv: 60 rows, daily")
        expect(key_locator(page, "fc_train")).to_be_visible()
    else:
        expect_upload_refused(page, FC, "not a text CSV")
    remove_upload(page, FC, name)
    expect_upload_forgotten(page, FC, name, EMPTY_HINT)
    assert_no_traceback(page)
