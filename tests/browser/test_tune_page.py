"""The Forecast page's Auto-tune in a real browser: the airline sample, a tiny model with a
learning rate too small for its few epochs (so that a trial is likely to beat it), a study of
three trials started from the "Auto-tune" section under Train. While it runs: the progress bar,
Stop and the trials so far; at the end: a verdict, the trials table with three rows, the
optimisation history and the parallel coordinates; then "Use trial N's settings" puts the best
trial's settings into the form (its hidden units are read from the table).

st.dataframe is a glide-data-grid canvas; its hidden accessibility table
(``#glide-cell-<column>-<row>``, header ``th``) tells what each cell holds. Every wait is
Playwright's auto-waiting or the helpers' (no sleeps); timings are printed, never asserted.
"""

from __future__ import annotations

import re
import time

from helpers import START_MS, assert_no_traceback, assert_no_traceback_logged, key_locator
from helpers import log_size, main, open_task_page, quiet, reveal, run_and_wait, set_number
from helpers import settings, shot
from playwright.sync_api import Locator, Page, expect

FC = "fc"
TRIALS = 3
MINUTES = 2
LOWEST_LR = "0.0001"   # the learning rate slider's first preset, as the slider shows it
# Start → verdict: three 3-epoch trials in a worker process on a busy 2-core machine; the study
# itself stops after MINUTES, so this is that with ample slack for the start and the redraw.
STUDY_MS = 420_000
APPLY = re.compile(r"Use trial (\d+)'s settings")
VERDICT = '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentInfo"]'


def tune_section(page: Page) -> Locator:
    """The "Auto-tune" expander (not "More settings")."""
    return main(page).get_by_test_id("stExpander").filter(
        has=page.locator("summary", has_text="Auto-tune"))


def trials_grid(section: Locator) -> Locator:
    """The trials table (the one st.dataframe in the section)."""
    return section.get_by_test_id("stDataFrame")


def table(grid: Locator) -> tuple[list[str], list[list[str]]]:
    """The trials table as shown: its column names and its rows of cell texts."""
    names = [t.strip() for t in grid.locator("th").all_inner_texts()]
    rows, row = [], 0
    while grid.locator(f"#glide-cell-0-{row}").count():
        rows.append([grid.locator(f"#glide-cell-{c}-{row}").inner_text().strip()
                     for c in range(len(names))])
        row += 1
    return names, rows


def set_lowest_learning_rate(page: Page) -> None:
    """Move the Learning rate slider (key fc_lr) to its first preset with the Home key."""
    thumb = key_locator(page, "fc_lr").get_by_role("slider")
    reveal(page, thumb)
    shown = key_locator(page, "fc_lr").get_by_test_id("stSliderThumbValue")
    if shown.inner_text().strip() != LOWEST_LR:
        thumb.focus()
        run_and_wait(page, lambda: thumb.press("Home"))
    expect(shown).to_have_text(LOWEST_LR)


_PLOT_JS = """(sel) => {
  const el = document.querySelector(sel + ' .js-plotly-plot');
  if (!el || !el.data || !el.data.length) return null;
  const title = el.layout && el.layout.title && (el.layout.title.text || el.layout.title);
  return {title: String(title || ''), traces: el.data.map(t => ({
    type: t.type || 'scatter', name: t.name || '',
    points: (t.x && t.x.length) || (t.y && t.y.length) || 0,
    dims: (t.dimensions || []).map(d => [d.label, (d.values || []).length])}))};
}"""


def plot(page: Page, key: str, timeout: float = START_MS) -> dict:
    """The Plotly chart made with ``key=``, once drawn: its title (without the <b> markup that
    Streamlit's theme wraps it in) and its traces."""
    chart = page.wait_for_function(_PLOT_JS, arg=f".st-key-{key}", timeout=timeout).json_value()
    return {**chart, "title": re.sub(r"<[^>]+>", "", chart["title"])}


def test_auto_tune_three_trials_and_use_the_best_settings(page: Page, app_server, app_log):
    since = log_size(app_log)
    open_task_page(page, app_server, "forecast", "Forecast", "fc_train")
    expect(main(page)).to_contain_text("Monthly totals of international airline passengers")
    # Tiny, no statistical models (their time is under "More settings"), and a learning rate
    # too small for its epochs: the starting settings a trial should beat. 120 epochs without
    # early stopping keep each trial a few seconds long, so that the running view is seen.
    settings(page, fc_epochs=120, fc_patience=0, fc_hidden_size=8, fc_statistical_seconds=0)
    set_lowest_learning_rate(page)

    section = tune_section(page)
    expect(section).to_have_count(1)
    section.locator("summary").click()
    expect(key_locator(page, "fc_tune_start")).to_be_visible()
    set_number(page, "fc_tune_trials", TRIALS)
    set_number(page, "fc_tune_minutes", MINUTES)
    expect(key_locator(page, "fc_tune_trials").locator("input")).to_have_value(str(TRIALS))
    expect(key_locator(page, "fc_tune_minutes").locator("input")).to_have_value(str(MINUTES))

    started = time.perf_counter()
    start = key_locator(page, "fc_tune_start").get_by_role("button", name="Start auto-tune")
    run_and_wait(page, start.click, timeout=START_MS)

    # Running: the progress bar, Stop, and (once a trial has begun) the trials so far.
    section = tune_section(page)
    expect(section.get_by_test_id("stProgress")).to_be_visible(timeout=START_MS)
    expect(key_locator(page, "fc_tune_stop").get_by_role("button", name="Stop")).to_be_visible(
        timeout=START_MS)
    expect(section.get_by_test_id("stProgress")).to_contain_text(
        re.compile(r"\d+ of at most 3 trials ended"), timeout=START_MS)
    expect(trials_grid(section)).to_be_visible(timeout=START_MS)
    print(f"\n[tune] Start → first trial in the table: {time.perf_counter() - started:.1f} s")
    quiet(page)
    shot(page, "tune_01_running")

    # Done: the verdict (success when a trial beat the start, info otherwise).
    verdict = section.locator(VERDICT).first
    expect(verdict).to_be_visible(timeout=STUDY_MS)
    print(f"[tune] Start → verdict: {time.perf_counter() - started:.1f} s")
    expect(section.get_by_test_id("stProgress")).to_have_count(0)
    expect(key_locator(page, "fc_tune_stop")).to_have_count(0)
    verdict_text = verdict.inner_text()
    print(f"[tune] verdict: {verdict_text}")

    grid = trials_grid(section)
    expect(grid).to_have_count(1)
    grid.scroll_into_view_if_needed()
    expect(grid.locator("#glide-cell-0-0")).to_be_attached()
    names, rows = table(grid)
    print(f"[tune] table: {names}")
    for row in rows:
        print(f"[tune]   {row}")
    for column in ("Trial", "State", "Validation loss", "Epochs", "Hidden units", "Seconds"):
        assert column in names, names
    assert len(rows) == TRIALS, rows
    trial_col, state_col = names.index("Trial"), names.index("State")
    assert [r[trial_col] for r in rows] == [str(n) for n in range(TRIALS)], rows
    finished = sum(r[state_col] == "done" for r in rows)
    assert finished >= 2, f"fewer than two trials finished: {rows}"

    history = plot(page, "fc_tune_history")
    assert history["title"] == "Validation loss of each trial", history
    assert sum(t["points"] for t in history["traces"] if t["name"] == "finished") == finished, \
        history
    parallel = plot(page, "fc_tune_parallel")
    assert parallel["title"] == "Settings of the finished trials", parallel
    dims = parallel["traces"][0]["dims"]
    assert parallel["traces"][0]["type"] == "parcoords", parallel
    assert "Hidden units" in [d[0] for d in dims] and all(n == finished for _, n in dims), dims
    assert_no_traceback(page)
    quiet(page)
    shot(page, "tune_02_result")

    apply = key_locator(page, "fc_tune_apply").get_by_role("button")
    if apply.count() == 0:  # no trial beat the starting settings: nothing to apply
        expect(section.get_by_test_id("stAlertContentInfo")).to_be_visible()
        print("[tune] no trial beat the starting settings; no 'Use trial N's settings' button")
        assert_no_traceback_logged(app_log, since)
        return
    expect(section.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
    label = apply.inner_text()  # its icon is a ligature ("input") in the text too
    found = APPLY.search(label)
    assert found, f"the apply button says {label!r}"
    best = int(found.group(1))
    best_row = next(r for r in rows if r[trial_col] == str(best))
    hidden = best_row[names.index("Hidden units")]
    print(f"[tune] best trial {best}: hidden units {hidden}")
    expect(apply).to_be_enabled()
    run_and_wait(page, apply.click, timeout=START_MS)

    section = tune_section(page)
    expect(section.get_by_test_id("stAlertContentSuccess").filter(
        has_text=f"The settings above now hold trial {best}'s")).to_be_visible()
    expect(key_locator(page, "fc_tune_apply").get_by_role("button")).to_be_disabled()
    expect(key_locator(page, "fc_hidden_size").locator("input")).to_have_value(hidden)
    assert_no_traceback(page)
    quiet(page)
    shot(page, "tune_03_applied")
    assert_no_traceback_logged(app_log, since)
