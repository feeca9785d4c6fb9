"""The Classify page in a real browser (#15): a GB18030 CSV with CRLF line endings and Chinese
column names, its text and label columns found behind an id column, a tiny classifier trained
to its scoreboard, the confusion matrix read from the chart's data, and a sentence tried.

The model is tiny (8 hidden units, 3 epochs) so that the test runs on a busy 2-core machine.
Every wait is Playwright's auto-waiting; timings are printed (run with ``-s``), never asserted.
"""

from __future__ import annotations

import re
import time

from helpers import START_MS, assert_no_traceback, assert_no_traceback_logged, click_train
from helpers import choose_own, key_locator, log_size, main, open_task_page, progress, quiet
from helpers import run_and_wait, settings, shot, upload, wait_results_drawn
from playwright.sync_api import Page, expect

from tests.test_classify import csv_bytes, reviews

CL = "cl"  # the Classify page's widget keys start with "cl_"
FILE = "酒店评论.csv"
HEADER = ("编号", "评论内容", "评价")
CLASSES = {"好评", "差评"}
SENTENCE = "房间很干净，前台热情，下次还来"
RESULT_MS = 120_000  # a tiny training, to its results

# The plotly heatmap's counts (written in each cell), and its axes' classes.
CONFUSION_JS = """(sel) => {
  const el = document.querySelector(sel + ' .js-plotly-plot');
  if (!el || !el.data || !el.data.length) return null;
  const t = el.data[0];
  return {type: t.type, text: t.text, x: t.x, y: t.y,
          cells: [...el.querySelectorAll('.heatmaplayer text')].map(n => n.textContent)};
}"""


def gb18030_reviews(rows: int = 120) -> bytes:
    """``rows`` hotel reviews as Chinese Excel saves them: GB18030, CRLF, an id column first."""
    table = [(f"{i:04d}号", text, label) for i, (text, label) in enumerate(reviews(rows))]
    data = csv_bytes(table, header=HEADER, newline="\r\n", encoding="gb18030")
    assert data.count(b"\r\n") == rows + 1
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    raise AssertionError("GB18030 bytes that read as UTF-8 test nothing")


def column_picker(page: Page, label: str):
    """The combobox of the column picker labelled ``label`` (its key holds the file's name)."""
    box = main(page).get_by_test_id("stSelectbox").filter(
        has=page.get_by_text(label, exact=True))
    return box.get_by_role("combobox")


def test_gb18030_upload_trains_scores_and_answers(page: Page, app_server, app_log):
    since = log_size(app_log)
    open_task_page(page, app_server, "classify", "Classify", "cl_kind")
    choose_own(page, CL, "My own file")
    upload(page, CL, {"name": FILE, "mimeType": "text/csv", "buffer": gb18030_reviews()})

    # What the app read: the encoding said, the columns found behind the id column.
    m = main(page)
    expect(m).to_contain_text("read as Chinese (GBK/GB18030) text")
    expect(column_picker(page, "Text column")).to_have_value("评论内容")
    expect(column_picker(page, "Label column")).to_have_value("评价")
    expect(m).to_contain_text(
        f"{FILE}: 120 texts from the column 评论内容 in 2 classes from 评价")
    expect(key_locator(page, "cl_train").get_by_role("button")).to_be_enabled()
    quiet(page)
    shot(page, "classify_01_uploaded")

    settings(page, cl_hidden_size=8, cl_embedding_dim=8, cl_epochs=3)
    t0 = time.perf_counter()
    click_train(page, CL)
    each_class = page.get_by_role("heading", name="Each class")
    expect(progress(page).or_(each_class).first).to_be_visible(timeout=START_MS)
    if progress(page).is_visible():  # a tiny model may finish before the live view is drawn
        shot(page, "classify_02_training")
    wait_results_drawn(page, "Each class", timeout=RESULT_MS)
    print(f"\n[classify] Train → results in {time.perf_counter() - t0:.1f} s")

    # The verdict, and the scoreboard's count of test texts.
    verdict = page.locator('[data-testid="stAlertContentSuccess"], '
                           '[data-testid="stAlertContentWarning"], '
                           '[data-testid="stAlertContentInfo"]').filter(has_text="The LSTM")
    expect(verdict.first).to_contain_text("macro-F1")
    scoreboard = re.compile(r"Scoreboard: ([\d,]+) test texts no method saw while learning")
    expect(m).to_contain_text(scoreboard)
    tested = int(scoreboard.search(m.inner_text())[1].replace(",", ""))
    assert 0 < tested < 120, tested

    # The confusion matrix: its counts add up to the test texts, its axes are the two classes.
    chart = key_locator(page, "cl_confusion").locator(".js-plotly-plot")
    expect(chart).to_be_visible()
    confusion = page.evaluate(CONFUSION_JS, ".st-key-cl_confusion")
    assert confusion is not None and confusion["type"] == "heatmap", confusion
    counts = [int(c) for row in confusion["text"] for c in row]
    assert sum(counts) == tested, (counts, tested)
    assert len(counts) == 4, counts
    assert set(confusion["x"]) == CLASSES and set(confusion["y"]) == CLASSES, confusion
    assert sorted(int(c) for c in confusion["cells"]) == sorted(counts), confusion["cells"]
    axis_labels = chart.locator(".xtick text, .ytick text").all_text_contents()
    assert set(axis_labels) == CLASSES, axis_labels
    assert_no_traceback(page)
    quiet(page)
    shot(page, "classify_03_results")

    # Try it: the answer names a class with its probability, the characters are coloured.
    area = key_locator(page, "cl_try_text").locator("textarea")
    area.fill(SENTENCE)
    run_and_wait(page, lambda: key_locator(page, "cl_try").get_by_role("button").click())
    answer = m.get_by_text(re.compile(r"^(好评|差评), with probability \d+\.\d%\.$"))
    expect(answer).to_be_visible()
    predicted = answer.inner_text().split(",")[0]
    box = m.get_by_test_id("stHtml").filter(has=page.locator("span[title]"))
    expect(box).to_have_count(1)
    coloured = box.locator("span[title]")
    expect(coloured).to_have_count(len(SENTENCE))  # one span per character read
    assert "".join(coloured.all_text_contents()) == SENTENCE
    influences = [coloured.nth(i).get_attribute("title") for i in range(len(SENTENCE))]
    assert all(re.fullmatch(r"[+-]\d+\.\d{3}", v) for v in influences), influences
    expect(m).to_contain_text(f"Green characters spoke for “{predicted}”")
    assert_no_traceback(page)
    quiet(page)
    shot(page, "classify_04_tried")

    # A pasted text of two paragraphs with prices is shown as typed: no formula, no markdown.
    pasted = "房间很好。\n\n付了 $5，值 $10 **真的**"
    area.fill(pasted)
    run_and_wait(page, lambda: key_locator(page, "cl_try").get_by_role("button").click())
    expect(box).to_have_count(1)
    assert box.inner_text().strip() == pasted, box.inner_text()
    expect(m.locator(".katex")).to_have_count(0)
    expect(box.locator("strong")).to_have_count(0)
    assert_no_traceback_logged(app_log, since=since)
