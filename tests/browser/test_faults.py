"""Faults a shared server meets: the server itself killed in the middle of a training.

The run it was training is marked interrupted, with its last checkpoint, when the app starts
again: the Runs page says so, and the run opens from its address with the checkpoint's results.
"""

from __future__ import annotations

import os
import re
import signal
import time

from conftest import REPO, VIEWPORT, start_streamlit, stop_streamlit
from helpers import (assert_no_traceback, click_train, key_locator, main, open_page,
                     open_task_page, settings, shot, wait_epoch_above)
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from lstm_app.runs.store import RunStore


def test_a_server_killed_mid_training_leaves_an_interrupted_run_that_opens(browser, tmp_path):
    home = tmp_path / "home"
    base_url, proc, log = start_streamlit(REPO / "app.py", REPO, tmp_path / "first.log",
                                          {"LSTM_APP_HOME": str(home)})
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = open_task_page(context.new_page(), base_url, "forecast", "Forecast", "fc_train")
        # No early stopping: on a quiet machine 50 epochs of the airline take half a second,
        # and the training must still be running when the server is killed.
        settings(page, fc_epochs=10_000, fc_hidden_size=8, fc_patience=0)
        click_train(page, "fc")
        try:
            wait_epoch_above(page, 3)  # a few epochs in: checkpoints are on disk
        except PlaywrightTimeout:  # say what the page and the server showed instead
            shot(page, "faults_no_epoch_3")
            log.flush()
            raise AssertionError(
                f"no epoch 3 within the wait; the page read:\n{main(page).inner_text()[:2000]}"
                f"\n--- server output ---\n"
                f"{(tmp_path / 'first.log').read_text(errors='replace')[-4000:]}") from None
        run_id = re.search(r"[?&]run=([0-9a-f]+)", page.url).group(1)
        os.killpg(proc.pid, signal.SIGKILL)  # the server and its training workers, at once
        proc.wait(timeout=30)
    finally:
        context.close()
        stop_streamlit(proc, log)
    assert RunStore(home).get(run_id).status == "running"  # nobody could say otherwise yet
    time.sleep(0.5)

    base_url, proc, log = start_streamlit(REPO / "app.py", REPO, tmp_path / "second.log",
                                          {"LSTM_APP_HOME": str(home)})
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = open_page(context.new_page(), base_url, "runs")
        expect(main(page)).to_contain_text("interrupted")
        run = RunStore(home).get(run_id)
        assert run.status == "interrupted" and "checkpoint is kept" in run.message
        page = open_page(context.new_page(), base_url, f"forecast?run={run_id}")
        expect(main(page).get_by_test_id("stAlert").filter(has_text="Viewing saved run")
               ).to_be_visible(timeout=60_000)
        expect(page.get_by_role("heading", name="Scores on the test span")).to_be_visible()
        expect(key_locator(page, "fc_train")).to_be_visible()
        assert_no_traceback(page)
        shot(page, "faults_server_killed_run_reopened")
    finally:
        context.close()
        stop_streamlit(proc, log)
