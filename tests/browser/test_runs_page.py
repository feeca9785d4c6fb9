"""Saved runs in a real browser: a reload in the middle of a training finds it again (its id is
in the address), and the Runs page lists a finished training, selects it in the data grid,
renames it through the form and deletes it through the confirmation dialog.

The runs table is Streamlit's data grid (a canvas): a row is selected by clicking its check box
at coordinates inside the grid's bounding box (the row-marker column on the left, rows of
ROW_PX under a header of ROW_PX), and its text is read from the grid's accessibility table.
Trainings are tiny (hidden 8, one layer); the one that must outlast a reload gets many epochs,
no early stopping and small batches, and is stopped by the test.
"""

from __future__ import annotations

import re
import time
import uuid
from urllib.parse import parse_qs, urlparse

from helpers import EPOCH_RE, START_MS, assert_no_traceback, click_stop, click_train
from helpers import go_to, key_locator, main, open_task_page, progress, progress_epoch
from helpers import quiet, run_and_wait, settings, shot, wait_epoch_above, wait_for_app
from helpers import wait_points_above, wait_results_drawn
from playwright.sync_api import Page, expect

from lstm_app.runs.store import RunStore
from lstm_app.training.trainer import EpochRecord

FC = "fc"
RESULTS = "Scores on the test span"
ROW_PX = 35  # the grid's row (and header) height
MARKER_PX = 20  # x of the row-marker check box, from the grid's left edge


def open_forecast(page: Page, base_url: str) -> Page:
    return open_task_page(page, base_url, "forecast", "Forecast", "fc_train")


def run_in_url(page: Page) -> str | None:
    values = parse_qs(urlparse(page.url).query).get("run")
    return values[0] if values else None


def runs_grid(page: Page):
    """The runs table's grid, once drawn (a skeleton stands in for it while it loads)."""
    grid = key_locator(page, "runs_table").locator("canvas").first
    expect(grid).to_be_visible()
    return grid


def grid_text(page: Page) -> str:
    """The text of the grid's visible cells (its accessibility table, kept in the DOM)."""
    runs_grid(page)
    return key_locator(page, "runs_table").locator("table").first.text_content() or ""


def click_row(page: Page, row: int) -> None:
    """Tick (or untick) the check box of ``row`` (0 = the first under the header)."""
    box = runs_grid(page).bounding_box()
    assert box is not None, "the runs grid has no size"
    x, y = box["x"] + MARKER_PX, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2
    run_and_wait(page, lambda: page.mouse.click(x, y))


def this_run(page: Page):
    return page.get_by_role("heading", name="This run")


# --- 1. a reload in the middle of a training -----------------------------------------------


def test_a_reload_mid_training_shows_the_same_live_training(page: Page, app_server, app_home):
    open_forecast(page, app_server)
    settings(page, fc_hidden_size=8, fc_num_layers=1, fc_patience=0, fc_batch_size=4, fc_epochs=5000)
    assert run_in_url(page) is None
    click_train(page, FC)
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    wait_points_above(page, FC, 0)
    run_id = run_in_url(page)
    assert run_id, f"no ?run= in the address: {page.url}"
    store = RunStore(app_home)
    assert store.get(run_id).status == "running"
    before = progress_epoch(page) or 0
    quiet(page)
    shot(page, "runs_reload_01_before")

    t0 = time.perf_counter()
    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Forecast", exact=True)).to_be_visible()
    assert run_in_url(page) == run_id, f"the reload lost the run: {page.url}"
    # The same training, live: its progress past the epoch seen before the reload, and moving.
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    after = progress_epoch(page)
    assert after is not None and after >= before, (before, after)
    later = wait_epoch_above(page, after)
    wait_points_above(page, FC, 0)
    expect(key_locator(page, "fc_job_stop").get_by_role("button", name="Stop")).to_be_visible()
    expect(key_locator(page, "fc_train").get_by_role("button")).to_be_disabled()
    print(f"\n[reload] epoch {before} before the reload, {after} after it "
          f"({time.perf_counter() - t0:.1f} s), then {later}")
    quiet(page)
    shot(page, "runs_reload_02_after")

    click_stop(page, FC)
    wait_results_drawn(page, RESULTS)
    m = main(page)
    expect(m).to_contain_text("stopped by the user")
    expect(m).to_contain_text(f"Saved as run {run_id}")
    assert run_in_url(page) == run_id
    assert store.get(run_id).status == "stopped"
    assert len(store.history(run_id)) >= later
    assert_no_traceback(page)
    shot(page, "runs_reload_03_stopped")


# --- 2. the Runs page: list, select, rename, delete ----------------------------------------


def test_the_runs_page_selects_renames_and_deletes_a_run(page: Page, app_server, app_home):
    store = RunStore(app_home)
    open_forecast(page, app_server)
    settings(page, fc_hidden_size=8, fc_num_layers=1, fc_epochs=2)
    click_train(page, FC)
    wait_results_drawn(page, RESULTS)
    run_id = run_in_url(page)
    assert run_id and store.get(run_id).status == "finished"
    expect(main(page)).to_contain_text(f"Saved as run {run_id}")

    go_to(page, "Runs")
    expect(page.get_by_role("heading", name="Runs", exact=True)).to_be_visible()
    text = grid_text(page)
    assert "airline_passengers.csv" in text and "finished" in text, text
    assert [r.id for r in store.list()][0] == run_id  # the newest: the grid's first row
    expect(main(page)).to_contain_text("Select rows in the table")
    expect(this_run(page)).to_have_count(0)
    quiet(page)
    shot(page, "runs_page_01_listed")

    click_row(page, 0)
    expect(this_run(page)).to_be_visible()
    expect(page.get_by_role("heading", name="Its curves and settings")).to_be_visible()
    expect(main(page)).to_contain_text(f"airline_passengers.csv ({run_id}): forecast on")
    link = main(page).get_by_role("link", name=re.compile("Open it"))
    expect(link).to_have_attribute("href", re.compile(rf"(^|/)forecast\?run={run_id}&open=1$"))
    quiet(page)
    shot(page, "runs_page_02_selected")

    name = key_locator(page, f"runs_name_{run_id}").locator("input")
    note = key_locator(page, f"runs_note_{run_id}").locator("textarea")
    name.fill("airline, tiny")
    note.fill("two epochs, 8 units")
    run_and_wait(page, lambda: page.get_by_role("button", name="Save the name and note").click())
    run = store.get(run_id)
    assert (run.name, run.note) == ("airline, tiny", "two epochs, 8 units")
    expect(key_locator(page, "runs_table").locator("table").first).to_contain_text(
        "airline, tiny")
    quiet(page)
    shot(page, "runs_page_03_renamed")

    # Still selected after the rename? Select it again if the grid forgot (reported, not failed).
    if this_run(page).count() == 0:
        print("\n[runs] the rename cleared the row's selection")
        click_row(page, 0)
    expect(main(page)).to_contain_text(f"airline, tiny ({run_id})")

    run_and_wait(page, lambda: page.get_by_role("button", name="Delete this run").click())
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Delete this run?")
    expect(dialog).to_contain_text(f"airline, tiny ({run_id}) and its saved weights")
    assert store.get(run_id) is not None, "deleted before the confirmation"
    quiet(page)
    shot(page, "runs_page_04_confirm")
    run_and_wait(page, lambda: dialog.get_by_role("button", name="Delete", exact=True).click())
    expect(dialog).to_have_count(0)
    assert store.get(run_id) is None
    assert not store.run_dir(run_id).exists()
    expect(main(page)).not_to_contain_text(run_id)
    if store.list():
        expect(key_locator(page, "runs_table").locator("table").first).not_to_contain_text(
            "airline, tiny")
    else:
        expect(main(page)).to_contain_text("No runs yet.")
    assert_no_traceback(page)
    quiet(page)
    shot(page, "runs_page_05_deleted")



# --- 2b. the ONNX export of a run -----------------------------------------------------------


def test_a_run_exports_to_onnx_and_the_zip_downloads(page: Page, app_server, app_home):
    """A finished run, exported from its row: the table of PyTorch, ONNX fp32 and INT8, the
    sentence on INT8's speed, and a .zip holding both models and export.json."""
    import io
    import json
    import zipfile

    from lstm_app.runs.recording import record, start_run
    from lstm_app.samples import sample_path
    from lstm_app.series.loading import load_series
    from lstm_app.series.settings import ForecastConfig

    store = RunStore(app_home)
    series = load_series(sample_path("airline_passengers"), name="airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=2)
    name = f"onnx demo {uuid.uuid4().hex[:8]}"
    run_id = start_run(store, "forecast", series, config, name, series.name)
    record(store.home, run_id, "forecast", series, config)
    open_task_page(page, app_server, "runs", "Runs", "runs_search")
    search(page, name)
    click_row(page, 0)
    expect(this_run(page)).to_be_visible()
    main(page).get_by_text("Export to ONNX (run it without PyTorch)").click()  # no rerun
    run_and_wait(page, lambda: main(page).get_by_role("button", name="Export to ONNX").click(),
                 timeout=120_000)
    expect(main(page)).to_contain_text("matches PyTorch on", timeout=60_000)
    expect(main(page)).to_contain_text("INT8 is ")
    assert_no_traceback(page)
    quiet(page)
    shot(page, "runs_page_06_onnx")
    with page.expect_download() as info:
        main(page).get_by_role("button", name="Download the ONNX export (.zip)").click()
    download = info.value
    assert re.fullmatch(rf"onnx_demo_[0-9a-f]+-{run_id}-onnx\.zip", download.suggested_filename), (
        download.suggested_filename)
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        assert sorted(archive.namelist()) == ["export.json", "model.int8.onnx", "model.onnx"]
        manifest = json.loads(archive.read("export.json"))
    assert manifest["run"] == run_id and manifest["task"] == "forecast"


# --- 3. the selection after the table changes under it (bugs) -------------------------------


def seed(store: RunStore, names: list[str]) -> list[str]:
    """Finished runs written straight into the server's store (no training, no weights)."""
    ids = []
    for name in names:
        run_id = store.create("forecast", name, {"hidden_size": 8, "num_layers": 1, "lr": 0.003,
                                                 "cell": "lstm", "lookback": 12, "horizon": 6},
                              "airline_passengers.csv", 144, "f00d")
        for epoch, loss in enumerate((0.9, 0.5), 1):
            store.add_epoch(run_id, EpochRecord(epoch, loss, loss))
        store.finish(run_id, "finished", "", best_epoch=2, best_val_loss=0.5, seconds=1.0)
        ids.append(run_id)
        time.sleep(0.01)  # distinct creation times: the table lists the newest first
    return ids


def search(page: Page, text: str) -> None:
    box = key_locator(page, "runs_search").locator("input")
    box.fill(text)
    run_and_wait(page, lambda: box.press("Enter"))


def two_runs_only(page: Page, base_url: str, app_home) -> tuple[str, str, str]:
    """Two fresh runs, "<token> first" and the newer "<token> second", alone in the table
    (searched by their token, whatever other tests left in the store)."""
    token = uuid.uuid4().hex[:8]
    first, second = seed(RunStore(app_home), [f"{token} first", f"{token} second"])
    open_task_page(page, base_url, "runs", "Runs", "runs_search")
    search(page, token)
    text = grid_text(page)
    assert f"{token} second" in text and f"{token} first" in text, text
    return token, first, second


def app_error(page: Page):
    return page.get_by_test_id("stException")


def test_deleting_the_selected_run_selects_no_other_run(page: Page, app_server, app_home):
    token, first, second = two_runs_only(page, app_server, app_home)
    click_row(page, 0)  # the newer: "second"
    expect(main(page)).to_contain_text(f"{token} second ({second})")
    run_and_wait(page, lambda: page.get_by_role("button", name="Delete this run").click())
    dialog = page.get_by_role("dialog")
    run_and_wait(page, lambda: dialog.get_by_role("button", name="Cancel").click())
    expect(dialog).to_have_count(0)  # Cancel closes the dialog and keeps the run
    assert RunStore(app_home).get(second) is not None
    run_and_wait(page, lambda: page.get_by_role("button", name="Delete this run").click())
    run_and_wait(page, lambda: dialog.get_by_role("button", name="Delete", exact=True).click())
    expect(dialog).to_have_count(0)
    assert RunStore(app_home).get(second) is None
    quiet(page)
    shot(page, "runs_page_06_after_delete_selection")
    # "first" was never selected: nothing should be selected now.
    expect(main(page)).not_to_contain_text(f"{token} first ({first})")
    expect(this_run(page)).to_have_count(0)


def test_narrowing_the_search_with_a_row_selected_keeps_the_page_working(page: Page, app_server,
                                                                         app_home):
    token, first, second = two_runs_only(page, app_server, app_home)
    click_row(page, 1)  # the older: "first"
    expect(main(page)).to_contain_text(f"{token} first ({first})")
    search(page, f"{token} second")  # "first", the selected one, is filtered out
    quiet(page)
    shot(page, "runs_page_07_narrowed_with_a_selection")
    expect(app_error(page)).to_have_count(0)
    expect(main(page)).not_to_contain_text("encountered an error")
    expect(key_locator(page, "runs_table").locator("table").first).to_contain_text(
        f"{token} second")


def test_a_name_typed_while_another_run_is_saved_is_kept_and_saved(page: Page, app_server,
                                                                   app_home):
    token, first, second = two_runs_only(page, app_server, app_home)
    click_row(page, 1)  # the older: "first"
    expect(main(page)).to_contain_text(f"{token} first ({first})")
    key_locator(page, f"runs_note_{first}").locator("textarea").fill("typed before a new run")
    seed(RunStore(app_home), [f"{token} third"])  # another training saves a run meanwhile
    run_and_wait(page, lambda: page.get_by_role("button", name="Save the name and note").click())
    assert RunStore(app_home).get(first).note == "typed before a new run"
    expect(key_locator(page, "runs_table").locator("table").first).to_contain_text(
        f"{token} third")
    expect(this_run(page)).to_be_visible()  # the run chosen is still the one shown
    expect(main(page)).to_contain_text(f"{token} first ({first})")
    quiet(page)
    shot(page, "runs_page_08_kept_through_a_new_run")
    assert_no_traceback(page)
