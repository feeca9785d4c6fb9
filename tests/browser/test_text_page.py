"""The Text page in a real browser: an upload the app never saw, live training with its sample
timeline, the results, generating and the temperature explorer, downloads; the Home page's
Shakespeare demo stopped by the user; a page switch while training, on a text too short to score;
bad uploads, and removing an upload with its ×; the vocabulary the summary counts; the
no-spaces notice of a Chinese text read at word level.

Models are kept tiny (32 hidden units, a few epochs) so that the tests run on a busy 2-core
machine. The training that must be watched live uses one stream of short chunks, so that its
epochs last seconds rather than milliseconds. Every wait is Playwright's auto-waiting
(``expect``, ``wait_for_function``); the only timed pause is the user's dwell on Home.
Timings are printed (run with ``-s``), never asserted. The steps it shares with the Forecast
page's tests are in helpers.py.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from helpers import ADVANCE_MS, EPOCH_RE, START_MS, STOPPED_MS, key_locator, main, open_page
from helpers import assert_no_traceback, assert_no_traceback_logged, log_size, quiet, shot
from helpers import choose_own, expect_upload_forgotten, expect_upload_refused, remove_upload
from helpers import choose_sample, open_task_page, upload
from helpers import click_stop, click_train, go_to, run_and_wait, settings, wait_results_drawn
from helpers import progress, progress_epoch, wait_epoch_above, wait_points_above
from playwright.sync_api import Page, expect

from lstm_app.text.corpus import BINARY, CP1252_NOTICE, EMPTY, NO_SPACES_NOTICE

TX = "tx"  # the Text page's widget keys start with "tx_"
OWN_TEXT = "My own text"
EMPTY_HINT = "Upload a .txt file to start"
FINAL_SAMPLE = "The sample at the end of training"
STOPPED_BY_USER = "stopped by the user"
VERDICT_RE = re.compile(r"bits per character on text it never saw|too short to score")
TIMELINE_EPOCH_RE = re.compile(r"Epoch \d+(\.\d+)? · \d+ s")
SCORED_METRICS = ["Validation loss", "Perplexity", "Bits per character", "Copied in its sample"]
TINY_METRICS = ["Training loss", "Copied in its sample"]  # a text too short to score
BY_HEART = "learn the text by heart"  # the advice against a model far too big for its text

RESULT_MS = 120_000      # a tiny training, to its results
HOME_DWELL_MS = 3_000    # how long the user stays on Home while the training runs


# --- a text the app did not ship -----------------------------------------------------------

# A song written for these tests, with the accents, curly quotes and dashes of a Windows
# editor; saved as Windows-1252 with CRLF line endings, the way Notepad used to save it.
VERSE_LINES = [
    "The lantern keeper climbs the stair at night,",
    "He hums a tune he learnt in Zoë’s café,",
    "The harbour sleeps beneath a silver light —",
    "And every wave remembers yesterday.",
    "Oh, naïve heart, the tide will turn again,",
    "The fiancée waits beside the crème façade,",
    "She counts the ships, the sailors and the rain,",
    "And déjà vu comes walking down the road.",
    "A gull cries out above the old sea wall…",
    "The señor sells his roses by the quay,",
    "The bells of Saint Anselm softly call,",
    "And someone sings of home across the sea.",
]
CHORUS = [
    "So light the lamp, and light it once again,",
    "For ships at sea and sailors in the rain;",
    "The night is long, the morning’s far away —",
    "But the lantern burns until the break of day.",
]


def lantern_song() -> str:
    """About 400 lines: 56 verses of four lines (chosen in turn from VERSE_LINES), a chorus
    after every fourth verse, blank lines between stanzas. ``\\n`` line endings."""
    lines = ["The Lantern Keeper’s Song", ""]
    for verse in range(56):
        lines.append(f"Verse {verse + 1}")
        for i in range(4):
            lines.append(VERSE_LINES[(verse * 5 + i * 7) % len(VERSE_LINES)])
        lines.append("")
        if verse % 4 == 3:
            lines.extend(CHORUS)
            lines.append("")
    return "\n".join(lines) + "\n"


def windows_file(text: str) -> bytes:
    """``text`` as a Windows editor saves it: CRLF line endings, Windows-1252."""
    data = text.replace("\n", "\r\n").encode("cp1252")
    assert b"\r\n" in data and b"\xeb" in data  # "ë" in cp1252: not UTF-8
    return data


# --- the page ------------------------------------------------------------------------------


def open_text(page: Page, base_url: str) -> Page:
    return open_task_page(page, base_url, "text", "Text", "tx_kind")


def upload_text(page: Page, name: str, data: bytes) -> None:
    upload(page, TX, {"name": name, "mimeType": "text/plain", "buffer": data})


def expect_sample(page: Page, title: str) -> None:
    expect(key_locator(page, "tx_sample").get_by_role("combobox")).to_have_value(title)


def metric_labels(page: Page):
    """The labels of the result's metrics, in order (check them with ``to_have_text([...])``)."""
    return page.get_by_test_id("stMetricLabel")


def verdict(page: Page):
    return (
        page.locator(
            '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"], '
            '[data-testid="stAlertContentInfo"]'
        )
        .filter(has_text=VERDICT_RE)
        .first
    )


def sample_boxes(page: Page):
    """The highlighted sample boxes (st.html): the final sample, then the generated one."""
    return page.get_by_test_id("stHtml")


def train_song_quickly(page: Page, app_server: str) -> str:
    """Upload the song and train a tiny model on it to its results (a few seconds)."""
    text = lantern_song()
    open_text(page, app_server)
    choose_own(page, TX, OWN_TEXT)
    upload_text(page, "lantern_song.txt", windows_file(text))
    settings(page, tx_hidden_size=32, tx_epochs=3, tx_batch_size=4)
    click_train(page, TX)
    wait_results_drawn(page, FINAL_SAMPLE, timeout=RESULT_MS)
    return text


# --- 1. an upload, trained live, to its results --------------------------------------------


def test_upload_train_live_and_results(page: Page, app_server, app_log):
    text = lantern_song()
    chars, lines = len(text), len(text.splitlines())
    assert 350 <= lines <= 450, lines
    assert 10_000 <= chars <= 15_000, chars  # a text of about 12 k characters

    open_text(page, app_server)
    choose_own(page, TX, OWN_TEXT)
    expect(main(page)).to_contain_text(EMPTY_HINT)
    upload_text(page, "lantern_song.txt", windows_file(text))

    # What the app read: the Windows-1252 notice, and sizes that count CRLF as one line break.
    m = main(page)
    expect(m).to_contain_text(CP1252_NOTICE)
    expect(m).to_contain_text(f"lantern_song.txt: {chars:,} characters on {lines:,} lines")
    distinct = len(set(text[: int(len(text) * 0.9)]))  # in the training span, as the page says
    expect(m).to_contain_text(f"a vocabulary of {distinct} distinct characters")
    # Settings suggested for a text this size: the most hidden units it can fill (128 for
    # 12 k characters), so no advice that the model would learn the text by heart.
    expect(key_locator(page, "tx_hidden_size").locator("input")).to_have_value("128")
    expect(m).to_contain_text(re.compile(r"The network has [\d,]+ weights to learn from"))
    expect(m).not_to_contain_text(BY_HEART)
    expect(key_locator(page, "tx_train").get_by_role("button")).to_be_enabled()
    quiet(page)
    shot(page, "text_01_uploaded")
    page.get_by_text("The text as read").click()
    expect(m).to_contain_text("He hums a tune he learnt in Zoë’s café,")

    # A tiny model; one stream of short chunks, so that each epoch lasts a few seconds and the
    # live view can be watched.
    settings(page, tx_hidden_size=32, tx_epochs=3, tx_batch_size=1, tx_seq_len=5)
    t0 = time.perf_counter()
    click_train(page, TX)
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    expect(progress(page)).to_contain_text("of 3")
    expect(key_locator(page, "tx_job_stop").get_by_role("button", name="Stop")).to_be_visible()
    expect(m).to_contain_text("Samples as it learns")
    expect(m).to_contain_text("Before training")
    # The loss chart gets points while it trains, and then more.
    points = wait_points_above(page, TX, 0)
    more = wait_points_above(page, TX, points)
    print(f"\n[upload] loss-chart points {points} → {more}")
    quiet(page)
    shot(page, "text_02_training_live")
    # A sample taken during training (at an epoch's end, or every 10 s), above the first one.
    expect(m).to_contain_text(TIMELINE_EPOCH_RE, timeout=ADVANCE_MS)
    shot(page, "text_03_training_later")

    wait_results_drawn(page, FINAL_SAMPLE, timeout=RESULT_MS)
    print(f"[upload] Train → results in {time.perf_counter() - t0:.1f} s")
    expect(verdict(page)).to_be_visible()
    expect(metric_labels(page)).to_have_text(SCORED_METRICS)
    expect(m).to_contain_text("Training ran all its epochs")
    # The final sample: its prompt (the text's first two words) in bold, then either the
    # passages copied from the training text highlighted, or the caption saying none were.
    box = sample_boxes(page).first
    expect(box.locator("b")).to_have_text("The Lantern")
    copied_caption = m.get_by_text("highlighted: passages found word for word")
    nothing_caption = m.get_by_text("Nothing the model wrote after the prompt")
    expect(copied_caption.or_(nothing_caption)).to_be_visible()
    if copied_caption.count():
        assert box.locator("mark").count() > 0, "the caption speaks of highlights; none shown"
    expect(page.get_by_role("heading", name="Download", exact=True)).to_be_visible()
    assert_no_traceback(page)
    shot(page, "text_04_results")
    assert_no_traceback_logged(app_log)


# --- 2. generate, compare temperatures, download -------------------------------------------


def test_generate_compare_temperatures_and_download(page: Page, app_server):
    train_song_quickly(page, app_server)
    m = main(page)
    boxes = sample_boxes(page)
    expect(boxes).to_have_count(1)  # the final sample

    prompt = "So light the lamp"
    area = key_locator(page, "tx_gen_prompt").locator("textarea")
    expect(area).to_have_value("The Lantern")  # the live samples' prompt, by default
    area.fill(prompt)
    run_and_wait(page, lambda: area.press("Control+Enter"))
    expect(area).to_have_value(prompt)
    run_and_wait(page, lambda: key_locator(page, "tx_generate").get_by_role("button").click())
    expect(boxes).to_have_count(2)
    generated = boxes.nth(1)
    expect(generated.locator("b")).to_have_text(prompt)
    generated_text = generated.inner_text()
    assert generated_text.startswith(prompt), generated_text[:80]
    assert len(generated_text) > len(prompt) + 100, generated_text  # 300 characters asked
    expect(
        m.get_by_text("Nothing the model wrote after the prompt").or_(
            m.get_by_text("highlighted: passages found word for word")
        )
    ).to_have_count(2)
    quiet(page)
    shot(page, "text_05_generated")

    explore = key_locator(page, "tx_explore").get_by_role("button")
    expect(explore).to_have_text("Compare temperatures 0.2, 0.5, 1.0 and 1.5")
    run_and_wait(page, explore.click)
    headers = ["Temperature 0.2", "Temperature 0.5", "Temperature 1.0", "Temperature 1.5"]
    for header in headers:
        expect(m.get_by_text(header, exact=True)).to_be_visible()
    expect(m).to_contain_text(f"Each continues “{prompt}”")
    columns = page.get_by_test_id("stColumn").filter(
        has=page.get_by_text(re.compile(r"^Temperature \d\.\d$"))
    )
    expect(columns).to_have_count(4)
    explored = [columns.nth(i).get_by_test_id("stCode").inner_text() for i in range(4)]
    for sample in explored:
        assert sample.startswith(prompt), sample[:80]
    quiet(page)
    shot(page, "text_06_temperatures")

    # The downloads, under their own heading.
    expect(page.get_by_role("heading", name="Download", exact=True)).to_be_visible()
    with page.expect_download() as info:
        key_locator(page, "tx_dl_samples").get_by_role("button").click()
    download = info.value
    assert re.fullmatch(r"lantern_song-[0-9a-f]+-samples\.txt", download.suggested_filename), (
        download.suggested_filename)
    samples_txt = open(download.path(), encoding="utf-8").read()
    assert "## The sample at the end of training" in samples_txt
    assert "## Generated at temperature" in samples_txt
    assert generated_text.strip() in samples_txt, "the generated sample is not in the download"
    for header in headers:
        assert f"## {header}" in samples_txt, header

    with page.expect_download() as info:
        key_locator(page, "tx_dl_json").get_by_role("button").click()
    download = info.value
    assert re.fullmatch(r"lantern_song-[0-9a-f]+-report\.json", download.suggested_filename), (
        download.suggested_filename)
    report = json.loads(open(download.path(), encoding="utf-8").read())
    assert {"val_loss", "perplexity", "bits_per_char", "sample"} <= set(report), sorted(report)
    assert report["sample"]["text"].startswith("The Lantern")
    assert report["config"]["hidden_size"] == 32 and report["config"]["epochs"] == 3
    assert report["perplexity"] == pytest.approx(2.718281828 ** report["val_loss"], rel=1e-6)
    assert_no_traceback(page)


# --- 3. the Home page's Shakespeare demo, stopped by the user ------------------------------


def test_home_shakespeare_demo_then_stop(page: Page, app_server):
    open_page(page, app_server)
    page.get_by_role("button", name="Generate Shakespeare-like text").click()
    page.wait_for_url(re.compile(r"/text/?(\?.*)?$"))  # ?run=… once it trains
    expect(page.get_by_role("heading", name="Text", exact=True)).to_be_visible()
    # Training started by itself, on the Shakespeare excerpt with the settings suggested for it.
    expect(progress(page)).to_be_visible(timeout=START_MS)
    expect_sample(page, "Shakespeare (excerpt)")
    expect(key_locator(page, "tx_hidden_size").locator("input")).to_have_value("256")
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    # The page is brought down to it: on a projector's 720 pixels the settings filled the view
    expect(progress(page)).to_be_in_viewport()
    # After the first epochs: a sample labelled with its epoch and validation loss (samples are
    # at least a few seconds apart, so the first labelled one may be epoch 2's).
    wait_epoch_above(page, 1)
    expect(main(page)).to_contain_text(re.compile(r"Epoch \d+ · \d+ s · validation loss"),
                                       timeout=ADVANCE_MS)
    quiet(page)
    shot(page, "text_07_demo_training")
    t0 = time.perf_counter()
    click_stop(page, TX)
    wait_results_drawn(page, FINAL_SAMPLE, timeout=STOPPED_MS)
    print(f"\n[demo] Stop → results in {time.perf_counter() - t0:.1f} s")
    expect(main(page)).to_contain_text(STOPPED_BY_USER)
    expect(verdict(page)).to_be_visible()
    expect(metric_labels(page)).to_have_text(SCORED_METRICS)
    assert_no_traceback(page)
    shot(page, "text_08_demo_stopped")


# --- 4. switching pages while a text model trains; a text too short to score ----------------


def test_training_goes_on_while_on_home(page: Page, app_server):
    open_text(page, app_server)
    choose_sample(page, TX, "One sentence about LSTMs")
    expect(key_locator(page, "tx_level")).to_be_visible()
    # Long enough to outlast the page switch; a time budget of half a minute (half the one
    # suggested for tiny texts) ends it.
    settings(page, tx_hidden_size=32, tx_epochs=6000, tx_minutes=0.5)
    click_train(page, TX)
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    before = wait_epoch_above(page, progress_epoch(page) or 0)
    left_at = time.perf_counter()

    go_to(page, "Home")
    expect(page.get_by_role("heading", name="LSTM Studio")).to_be_visible()
    expect(main(page)).to_contain_text("A text model is training in the background.")
    expect(page.get_by_role("link", name="Watch it")).to_be_visible()
    shot(page, "text_09_home_while_training")
    page.wait_for_timeout(HOME_DWELL_MS)  # the scenario's dwell time, not a synchronisation

    go_to(page, "Text")
    expect(page.get_by_role("heading", name="Text", exact=True)).to_be_visible()
    expect_sample(page, "One sentence about LSTMs")
    expect(key_locator(page, "tx_epochs").locator("input")).to_have_value("6000")
    expect(progress(page)).to_contain_text(EPOCH_RE, timeout=START_MS)
    on_return = progress_epoch(page)
    away = time.perf_counter() - left_at
    print(f"\n[switch] epoch {before} when leaving, {on_return} on return after {away:.1f} s")
    assert on_return is not None and on_return > before, (before, on_return)
    quiet(page)
    shot(page, "text_10_back_still_training")

    wait_results_drawn(page, FINAL_SAMPLE, timeout=RESULT_MS)
    m = main(page)
    expect(m).to_contain_text(re.compile(r"Training (ran all its epochs|used up its time budget)"))
    expect(m).not_to_contain_text(STOPPED_BY_USER)
    # Three sentences are too short to score on unseen text: the verdict says so, and the
    # metrics are how well it learnt the text and what it copied (no validation scores).
    expect(verdict(page)).to_be_visible()
    expect(verdict(page)).to_contain_text("too short to score")
    expect(metric_labels(page)).to_have_text(TINY_METRICS)
    expect(page.get_by_role("heading", name="Download", exact=True)).to_be_visible()
    assert_no_traceback(page)
    shot(page, "text_11_switch_results")


# --- 5. bad uploads: a plain message, never a traceback; removing an upload ----------------

PHOTO = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    "name, content, message",
    [("empty.txt", b"", EMPTY), ("photo.txt", PHOTO, BINARY)],
    ids=["empty", "binary"],
)
def test_bad_upload_shows_a_plain_message(
    page: Page, app_server, app_log, name, content, message
):
    log_start = log_size(app_log)
    open_text(page, app_server)
    choose_own(page, TX, OWN_TEXT)
    upload_text(page, name, content)
    expect_upload_refused(page, TX, message, exact=True)
    shot(page, f"text_bad_upload_{name.split('.')[0]}")
    assert_no_traceback_logged(app_log, since=log_start)


@pytest.mark.parametrize(
    "name, content",
    [("photo.txt", PHOTO), ("notes.txt", "Some notes of my own, to try the app with.\n" * 40)],
    ids=["rejected", "accepted"],
)
def test_removing_an_upload_forgets_it(page: Page, app_server, name, content):
    """The uploader's × forgets the file: no error or summary of it left, no "uploaded earlier"."""
    open_text(page, app_server)
    choose_own(page, TX, OWN_TEXT)
    data = content.encode() if isinstance(content, str) else content
    upload_text(page, name, data)
    if name == "notes.txt":  # read: its summary and the Train button
        expect(main(page)).to_contain_text(f"notes.txt: {len(content):,} characters on 40 lines")
        expect(key_locator(page, "tx_train")).to_be_visible()
    else:
        expect_upload_refused(page, TX, BINARY, exact=True)
    remove_upload(page, TX, name)
    expect_upload_forgotten(page, TX, name, EMPTY_HINT)
    assert_no_traceback(page)


# --- 6. what the summary counts, and a Chinese text at word level ---------------------------


def training_span_characters(file: str) -> int:
    """The distinct characters of a sample's training span (its first 90 %)."""
    from conftest import REPO

    text = (REPO / "sample_data" / file).read_text(encoding="utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return len(set(text[: int(len(text) * 0.9)]))


@pytest.mark.parametrize(
    "title, file, distinct",
    [
        ("Shakespeare (excerpt)", "shakespeare_excerpt.txt", 61),
        ("Chinese article on LSTMs", "lstm_zh.txt", None),  # counted below
    ],
    ids=["shakespeare", "chinese"],
)
def test_summary_counts_the_distinct_characters_of_the_text(
    page: Page, app_server, title, file, distinct
):
    """The vocabulary is the training span's distinct characters, without the unknown token."""
    counted = training_span_characters(file)
    if distinct is not None:
        assert counted == distinct, counted
    open_text(page, app_server)
    if title == "Shakespeare (excerpt)":
        expect_sample(page, title)  # the default
    else:
        choose_sample(page, TX, title)
    m = main(page)
    expect(m).to_contain_text(re.compile(r"a vocabulary of [\d,]+ distinct characters"))
    shown = re.search(r"a vocabulary of ([\d,]+) distinct", m.inner_text())[1]
    assert int(shown.replace(",", "")) == counted, (
        f"the page says {shown} distinct characters; the text has {counted}"
    )


def test_chinese_sample_at_word_level_shows_the_no_spaces_notice(page: Page, app_server):
    open_text(page, app_server)
    choose_sample(page, TX, "Chinese article on LSTMs")
    m = main(page)
    expect(m).to_contain_text("distinct characters")
    expect(m.get_by_text(NO_SPACES_NOTICE)).to_have_count(0)  # not at character level
    run_and_wait(page, lambda: key_locator(page, "tx_level").get_by_text("Words").click())
    notice = page.get_by_test_id("stAlertContentInfo").filter(has_text=NO_SPACES_NOTICE)
    expect(notice).to_be_visible()
    # And it is read character by character, as the notice says.
    expect(m).to_contain_text("distinct characters")
    expect(m).not_to_contain_text("distinct words")
    assert_no_traceback(page)
    quiet(page)
    shot(page, "text_12_chinese_words")
