"""The hostile corpus (tests/hostile/) through the real entry points: the loaders, bundle import,
the run store's rename and annotate, text generation and the command line.

Every case either works or is refused with a ValueError whose message is one plain line (no
traceback, no Python type names, no terminal control characters, under 400 characters); the
command line exits 0 or 2, and with 2 prints exactly one line on stderr. Each test runs with its
working folder, ``LSTM_APP_HOME`` and the temporary folder inside its own tmp_path, and nothing
may appear outside the run store: not in the working folder, the temporary folder, the checkout,
/tmp or the home folder. No hostile input may hang: each call has ``HANG_SECONDS``.
"""

from __future__ import annotations

import contextlib
import io
import re
import signal
import tempfile
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import streamlit as st

from lstm_app.quoting import printable, printable_lines
from lstm_app.cli import main
from lstm_app.filenames import bundle_name
from lstm_app.runs.bundle import export_bundle, import_bundle
from lstm_app.runs.recording import record, start_run
from lstm_app.runs.reopening import reopen
from lstm_app.runs.store import MAX_NAME_CHARS, MAX_NOTE_CHARS, RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.corpus import read_text
from lstm_app.text.generate import generate
from lstm_app.text.settings import TextConfig
from tests.conftest import REPO, SAMPLES
from tests.hostile.corpus import (ADDRESS_CASES, ALL_IDS, BUNDLE_CASES, CSV_CASES, HERE,
                                  NAME_CASES, NOTE_CASES, PROMPT_CASES, STRINGS, TEXT_CASES, WORKS,
                                  Case, text_of)

HANG_SECONDS = 10  # a hostile input that takes longer than this would hold a page for good
FAST_FORECAST = ["--epochs", "1", "--hidden-size", "8", "--num-layers", "1", "--quiet"]
FAST_TEXT = ["--epochs", "1", "--hidden-size", "8", "--embedding-dim", "4", "--num-layers", "1",
             "--seq-len", "16", "--batch-size", "32", "--length", "20", "--quiet"]
PYTHON_WORDS = re.compile(r"\b(?:[A-Z][A-Za-z]*(?:Error|Exception|Warning)|NoneType|BadZipFile|"
                          r"Traceback)\b|<class |object at 0x|File \"")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what a terminal acts on (\t and \n aside)
# What a hostile input could make outside the store: its own names, and what the app writes.
MARKERS = re.compile(r"evil|passwd|pwned|calc|lstm_runs|runs\.sqlite3|\.zip$|report\.json|"
                     r"forecast\.csv|load_run\.py", re.IGNORECASE)
WATCHED = (REPO, REPO / "tests", HERE, Path(tempfile.gettempdir()), Path.home())

# --- the checks every case shares --------------------------------------------------------------


def assert_plain(message: str) -> None:
    """One line of plain words: what a page or a terminal can show as it is."""
    assert "\n" not in message and "\r" not in message, f"not one line: {message[:400]!r}"
    assert not PYTHON_WORDS.search(message), f"Python internals: {message[:400]!r}"
    assert not CONTROL.search(message), f"control characters: {message[:400]!r}"
    assert 0 < len(message) < 400, f"{len(message):,} characters: {message[:400]!r}…"


@contextlib.contextmanager
def time_limit(seconds: float = HANG_SECONDS):
    def give_up(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(call):
    """What ``call()`` returns, or the ValueError it raises (anything else fails the test)."""
    with time_limit():
        try:
            return call()
        except ValueError as error:
            return error


def check(case: Case, result) -> None:
    """The case went as ``case.expect`` says: it worked, or a plain sentence refused it."""
    if case.expect == WORKS:
        assert not isinstance(result, ValueError), f"refused: {result}"
    else:
        assert isinstance(result, ValueError), f"not refused: {result!r}"[:400]
        assert_plain(str(result))
        assert case.expect in str(result)


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``python -m lstm_app *argv`` in this process: (exit status, stdout, stderr). A warning
    counts as printed on stderr, as it would be in a terminal."""
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught, time_limit():
        warnings.simplefilter("default")
        for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.filterwarnings("ignore", category=quiet)  # hidden in a terminal too
        code = main(list(argv))
    out, err = capsys.readouterr()
    err += "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno)
                   for w in caught)
    assert "Traceback" not in out + err
    assert code in (0, 2), (code, err[-2000:])
    notes = [line for line in err.splitlines() if line.startswith("note: ")]
    assert all(not CONTROL.search(line) for line in notes), notes
    others = [line for line in err.splitlines() if not line.startswith("note: ")]
    if code == 2:  # the notes of what loaded, then the one line that says why it stopped
        assert len(others) == 1 and others[0].startswith("error: "), err[-2000:]
        assert_plain(others[0].removeprefix("error: "))
    else:
        assert others == [], err[-2000:]
    return code, out, err


def assert_printable(out: str) -> None:
    """What the command line printed holds no control character a terminal would act on."""
    assert not CONTROL.search(out.replace("\r", "")), repr(CONTROL.search(out.replace("\r", "")))


def cases(group: list, bugs: dict[str, str] | None = None) -> list:
    """The cases of ``group`` as test parameters; those of ``bugs`` (a case's id, the bug in one
    sentence) strictly expected to fail until the bug is fixed."""
    bugs = bugs or {}
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=bugs[c.id])]
                         if c.id in bugs else []) for c in group]


def listing() -> set[Path]:
    """What a hostile input could have made in the folders outside a test's tmp_path."""
    return {p for folder in WATCHED if folder.is_dir() for p in folder.iterdir()
            if MARKERS.search(p.name)}


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A store holding a finished forecast run and a finished text run (tiny: seconds), with
    their bundles' members and the text run's trained result."""
    store = RunStore(tmp_path_factory.mktemp("hostile-source"))
    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, epochs=1, hidden_size=8, num_layers=1)
    forecast_id = start_run(store, "forecast", series, config, "airline", series.name)
    record(store.home, forecast_id, "forecast", series, config)
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:3000]
    text_config = TextConfig(epochs=1, hidden_size=16, embedding_dim=8, num_layers=1,
                             batch_size=8, seq_len=32, length=20)
    text_id = start_run(store, "text", text, text_config, "bard", "bard.txt")
    record(store.home, text_id, "text", text, text_config)
    with zipfile.ZipFile(io.BytesIO(export_bundle(store, forecast_id))) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    return {"members": members, "bundle": export_bundle(store, forecast_id),
            "text": reopen(store, text_id), "corpus": text}


@pytest.fixture(autouse=True)
def contained(tmp_path, monkeypatch, request):
    """The test's working folder, run store and temporary folder, all in its tmp_path; after it,
    nothing may be left outside the store."""
    home, cwd, tmp, inputs = (tmp_path / n for n in ("home", "cwd", "tmp", "inputs"))
    for folder in (cwd, tmp, inputs):
        folder.mkdir()
    monkeypatch.setenv("LSTM_APP_HOME", str(home))
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    before = listing()
    yield {"home": home, "cwd": cwd, "inputs": inputs}
    assert listing() - before == set(), "written outside the test's folders"
    # torch keeps its compiler's cache there (torchinductor_<user>), AppTest its own files
    left = [p for p in tmp.iterdir() if not p.name.startswith("torchinductor_")]
    assert left == [] or "apps" in request.fixturenames, "left in the temporary folder"
    assert {p.name for p in cwd.iterdir()} <= {"b.zip"}, "written in the working folder"
    assert {p.name for p in tmp_path.iterdir()} <= {"home", "cwd", "tmp", "inputs"}


@pytest.fixture
def store(contained) -> RunStore:
    return RunStore(contained["home"])


@pytest.fixture
def run_id(store, source) -> str:
    """A real finished forecast run in this test's store (imported from the source's bundle)."""
    return import_bundle(store, source["bundle"])


# --- the corpus itself -------------------------------------------------------------------------


def test_the_readme_lists_every_case_and_the_files_are_small():
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^- `([a-z0-9_]+)`", readme, re.MULTILINE)
    assert sorted(listed) == sorted(ALL_IDS)
    assert len(ALL_IDS) >= 40
    for path in [*HERE.glob("csv/*"), *HERE.glob("text/*"), HERE / "strings.json"]:
        assert path.stat().st_size <= 4096, f"{path.name} is not small: make it in corpus.py"


# --- CSV files -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(CSV_CASES))
def test_a_hostile_csv_loads_or_is_refused_in_a_sentence(case):
    name = case.name or f"{case.id}.csv"
    series = outcome(lambda: load_series(case.data, name=name))
    check(replace(case, expect=WORKS) if case.at_train else case, series)
    if case.expect == WORKS or case.at_train:  # the loader's contract holds whatever came in
        assert series.name == name
        assert np.isfinite(series.frame.to_numpy()).all() and len(series.frame) >= 2
        for notice in series.notices:
            assert "\n" not in notice and not PYTHON_WORDS.search(notice)


@pytest.mark.parametrize("case", cases(CSV_CASES))
def test_a_hostile_csv_on_the_command_line(case, contained, capsys):
    path = contained["inputs"] / f"{case.id}.csv"
    path.write_bytes(case.data)
    code, out, err = cli(capsys, "forecast", str(path), *FAST_FORECAST, "--save-run")
    expect = case.expect  # (a 100 KB column name is read cut short: it trains)
    runs = RunStore().list()
    if expect == WORKS:
        assert code == 0 and [r.data_name for r in runs] == [path.name] and "Saved as run" in out
        assert_printable(out)  # the scores and the verdict, which may name the columns
    else:
        assert code == 2 and expect in err
        assert all(r.status != "finished" for r in runs)


@pytest.mark.parametrize("case", cases(CSV_CASES))
def test_a_hostile_csv_as_labelled_texts_on_the_command_line(case, contained, capsys):
    """The same files given to ``classify``: most hold no column of labels and are refused in
    one line; what loads trains and is saved, its output printable."""
    path = contained["inputs"] / f"{case.id}.csv"
    path.write_bytes(case.data)
    code, out, _ = cli(capsys, "classify", str(path), "--hidden-size", "4", "--embedding-dim",
                       "4", "--epochs", "1", "--max-length", "20", "--quiet", "--save-run")
    runs = RunStore().list()
    if code == 0:
        assert "Saved as run" in out and [r.status for r in runs] == ["finished"]
        assert_printable(out)
    else:
        assert all(r.status != "finished" for r in runs)


def test_a_run_on_a_file_named_like_a_path_exports_under_a_clean_name(store):
    """A file uploaded as ../../etc/passwd.csv trains a run whose downloads are named safely."""
    name = next(c.name for c in CSV_CASES if c.id == "csv_name_dot_dot")
    series = load_series(next(c.data for c in CSV_CASES if c.id == "csv_name_dot_dot"), name=name)
    config = ForecastConfig(statistical_seconds=0, epochs=1, hidden_size=8, num_layers=1)
    run_id = start_run(store, "forecast", series, config, name, name)
    record(store.home, run_id, "forecast", series, config)
    assert store.get(run_id).data_name == name
    assert re.fullmatch(r"[\w-]+\.zip", bundle_name(name, run_id))
    assert import_bundle(store, export_bundle(store, run_id)) != run_id


# --- text files --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(TEXT_CASES))
def test_a_hostile_text_reads_or_is_refused_in_a_sentence(case):
    result = outcome(lambda: read_text(case.data, name=f"{case.id}.txt"))
    check(case, result)
    if case.expect == WORKS:
        text, notices = result
        assert text.strip() and "\r" not in text


@pytest.mark.parametrize("case", cases(TEXT_CASES))
def test_a_hostile_text_on_the_command_line(case, contained, capsys):
    path = contained["inputs"] / f"{case.id}.txt"
    path.write_bytes(case.data)
    code, out, err = cli(capsys, "text", str(path), *FAST_TEXT)
    assert code == (0 if case.expect == WORKS else 2)
    assert case.expect == WORKS or case.expect in err


# --- bundles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(BUNDLE_CASES))
def test_a_hostile_bundle_imports_or_is_refused_without_a_trace(case, source, store, contained,
                                                                capsys):
    data = case.tamper(source["members"])
    result = outcome(lambda: import_bundle(store, data))
    assert "a pickle was loaded" not in capsys.readouterr().out
    if case.expect != WORKS:
        check(case, result)
        assert store.list() == [] and list((store.home / "runs").iterdir()) == []
        return
    assert not isinstance(result, ValueError), result
    run = store.get(result)
    assert len(run.name) <= MAX_NAME_CHARS and len(run.data_name) <= MAX_NAME_CHARS
    assert len(run.note) <= MAX_NOTE_CHARS
    assert {p.name for p in (store.home / "runs").iterdir()} == {run.id}


@pytest.mark.parametrize("case", cases(BUNDLE_CASES))
def test_a_hostile_bundle_on_the_command_line(case, source, contained, capsys):
    path = contained["inputs"] / "bundle.zip"
    path.write_bytes(case.tamper(source["members"]))
    code, out, err = cli(capsys, "runs", "import", str(path))
    assert "a pickle was loaded" not in out
    assert code == (0 if case.expect == WORKS else 2)
    if code == 2:
        assert case.expect in err and RunStore().list() == []
        return
    for argv in (("runs", "list"), ("runs", "show", RunStore().list()[0].id)):
        code, out, err = cli(capsys, *argv)
        assert code == 0
        assert_printable(out)


# --- run names and notes -------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(NAME_CASES))
def test_a_hostile_run_name_is_kept_as_text_or_refused(case, store, run_id, capsys):
    name = text_of(case)
    check(case, outcome(lambda: store.rename(run_id, name)))
    if case.expect != WORKS:
        assert store.get(run_id).name == "airline"
        return
    assert store.get(run_id).name == (printable(name).strip() or run_id)  # controls: spaces
    assert re.fullmatch(r"[\w-]+\.zip", bundle_name(name, run_id))
    for argv in (("runs", "list"), ("runs", "show", run_id)):
        code, out, err = cli(capsys, *argv)
        assert code == 0
        assert_printable(out)
    code, out, err = cli(capsys, "runs", "export", run_id, "--out", "b.zip")
    assert code == 0 and zipfile.is_zipfile("b.zip")
    with zipfile.ZipFile("b.zip") as written:  # its snippet opens the file as written
        assert "open('b.zip', \"rb\")" in written.read("load_run.py").decode()


@pytest.mark.parametrize("case", cases(NOTE_CASES))
def test_a_hostile_note_is_kept_as_text_or_refused(case, store, run_id, capsys):
    note = text_of(case)
    check(case, outcome(lambda: store.annotate(run_id, note)))
    assert store.get(run_id).note == (printable_lines(note) if case.expect == WORKS else "")
    code, out, err = cli(capsys, "runs", "show", run_id)
    assert code == 0
    assert_printable(out)


# --- addresses (?run=) ------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(ADDRESS_CASES))
def test_a_hostile_run_address_names_no_run(case, store, run_id, capsys):
    address = text_of(case)
    assert outcome(lambda: store.get(address)) is None
    for argv in (("runs", "show", address), ("runs", "delete", address),
                 ("runs", "export", address, "--out", "b.zip")):
        code, out, err = cli(capsys, *argv)
        assert code == 2 and case.expect in err
    assert [r.id for r in store.list()] == [run_id]
    assert not Path("b.zip").exists()


# --- prompts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(PROMPT_CASES))
def test_a_hostile_prompt_is_refused_as_a_setting_or_continued(case, source):
    prompt = text_of(case)
    check(case, outcome(lambda: TextConfig(prompt=prompt)))
    result = source["text"]  # generation takes any prompt (the Text page's generation panel)
    written = outcome(lambda: generate(result.model, result.vocab, prompt, 20, seed=0))
    assert not isinstance(written, ValueError), written
    assert written.startswith(prompt) and len(written) > len(prompt)


@pytest.mark.parametrize("case", cases(PROMPT_CASES))
def test_a_hostile_prompt_on_the_command_line(case, source, contained, capsys):
    path = contained["inputs"] / "corpus.txt"
    path.write_text(source["corpus"], encoding="utf-8")
    code, out, err = cli(capsys, "text", str(path), *FAST_TEXT, "--prompt", text_of(case))
    assert code == (0 if case.expect == WORKS else 2)
    assert case.expect == WORKS or case.expect in err


# --- a page's own words ----------------------------------------------------------------------


def test_a_run_reopened_from_its_address_is_named_in_escaped_markdown(apps, app_store, source,
                                                                     monkeypatch):
    """The spinner is markdown drawn only after half a second (so a browser test would depend
    on the machine's speed): its text is read here, as the page hands it to Streamlit."""
    run_id = import_bundle(app_store, source["bundle"])
    image = STRINGS["names"]["markdown_image"]
    app_store.rename(run_id, image)
    spinners, spinner = [], st.spinner
    monkeypatch.setattr(st, "spinner", lambda text, *args, **kwargs: (
        spinners.append(text), spinner(text, *args, **kwargs))[1])
    at = apps("pages/forecast.py")
    at.query_params["run"] = run_id
    at.run()
    assert not at.exception and f"({run_id})" in " ".join(i.value for i in at.info)
    opening = [text for text in spinners if text.startswith("Opening run")]
    assert opening and all(image not in text for text in opening), opening
