"""Shared test set-up: quiet, CPU, few threads, paths to the repo's and the shared data, and
the AppTest factory and polling that the page tests share."""

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "datasets"
SAMPLES = REPO / "sample_data"

torch.set_num_threads(1)  # small models train faster single-threaded, and tests run side by side
# Runs the tests save (every training in the app is a saved run) go to a fresh folder, never
# into the checkout or a user's ./lstm_runs. The folder is made once ("pid:path"): test files
# that import "tests.conftest" load this file again, and so do the worker processes that
# unpickle a test's function; the process that made it removes it when the tests end.
if "LSTM_APP_TEST_RUNS" not in os.environ:
    os.environ["LSTM_APP_TEST_RUNS"] = f"{os.getpid()}:{tempfile.mkdtemp(prefix='lstm-test-runs-')}"
MADE_BY, RUNS_HOME = os.environ["LSTM_APP_TEST_RUNS"].split(":", 1)
os.environ["LSTM_APP_HOME"] = RUNS_HOME


def pytest_configure(config):
    """The slowest tests are listed after every full run (CI's log shows where its time goes),
    unless the command line asks otherwise."""
    if config.option.durations is None and not config.args[1:] and \
            all(Path(a).resolve() == REPO / "tests" for a in config.args):
        config.option.durations = 25


def pytest_unconfigure(config):
    if MADE_BY == str(os.getpid()):
        shutil.rmtree(RUNS_HOME, ignore_errors=True)


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "airline_passengers.csv").exists():
        pytest.skip(f"the shared datasets are not beside the repo ({SHARED_DATA})")
    return SHARED_DATA


APP = str(REPO / "app.py")
JOB_KEYS = ("fc_job", "tx_job", "cl_job",  # where the pages keep their background trainings
            "fc_tune_job", "tx_tune_job", "cl_tune_job")  # ... and their auto-tunes


@pytest.fixture
def apps():
    """A factory of fresh AppTests of the whole app on a page; their jobs are stopped afterwards.

    The job queue is process-wide (st.cache_resource), so a job left running would hold one of
    its two slots and queue the next test's training behind it.
    """
    from streamlit.testing.v1 import AppTest

    made = []

    def make(page: str | None):
        at = AppTest.from_file(APP, default_timeout=60)
        if page is not None:
            at.switch_page(page)
        made.append(at)
        return at

    yield make
    for at in made:
        for key in JOB_KEYS:
            job = at.session_state[key] if key in at.session_state else None
            if job is not None:
                job.stop()
                assert job.wait(30), f"a training job ({key}) did not stop within 30 s"


@pytest.fixture
def app_store(tmp_path, monkeypatch):
    """A run store of this test's own, which the app uses too (not the process-wide one other
    tests fill)."""
    from lstm_app.runs.store import RunStore
    from lstm_app.ui.runs_session import run_store

    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    run_store.clear()  # the app caches its RunStore (and so its folder) per process
    yield RunStore()
    run_store.clear()


def poll(at, condition, what: str, deadline: float = 90.0):
    """Rerun the page until ``condition(at)`` holds; fail on an exception or at the deadline."""
    end = time.monotonic() + deadline
    while True:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if condition(at):
            return at
        assert time.monotonic() < end, f"{what} did not happen within {deadline:.0f} s"
        time.sleep(0.2)


def assert_widgets_follow_the_table(at, task, prefix: str, tightened=(), absent=()) -> None:
    """Every setting the page shows is a widget under ``<prefix>_<name>`` with the table's
    label, help and bounds or choices (``tightened`` settings may have narrower bounds);
    ``absent`` ones are not shown for this data (and have no widget)."""
    shown = 0
    for s in task.settings.values():
        key = f"{prefix}_{s.name}"
        widget = next((w for kind in ("number_input", "selectbox", "multiselect", "toggle",
                                      "text_input", "select_slider", "button_group")
                       for w in getattr(at, kind) if w.key == key), None)
        if s.name in absent:
            assert widget is None, key
            continue
        if not s.on_page:
            continue
        assert widget is not None, f"no widget {key}"
        assert widget.label == s.label and widget.help == s.help, key
        if s.kind in (int, float) and not s.presets:
            low_ok = widget.min == s.low or (s.name in tightened and widget.min >= s.low)
            high_ok = widget.max == s.high or (s.name in tightened and widget.max <= s.high)
            assert low_ok and high_ok, (key, widget.min, widget.max, s.low, s.high)
        elif s.presets:
            assert [float(o) for o in widget.options] == list(s.presets), key
        elif s.choices and hasattr(widget, "options"):
            assert len(widget.options) == len(s.choices), key
        shown += 1
    assert shown >= 10


def shown(markdown: str) -> str:
    """What a page's markdown reads as: user text is escaped with backslashes (and a word
    joiner breaks addresses) by ``lstm_app.ui.markdown.plain``; this undoes both."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


@pytest.fixture
def downloads(monkeypatch):
    """What the page's download buttons hold, by file name (AppTest keeps no media files)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, (bytes, str)):
            data = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
            files[filename] = data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files


@pytest.fixture
def chinese():
    """The core speaks Chinese in this test (set_language), English again afterwards."""
    from lstm_app.i18n import set_language
    set_language("zh")
    try:
        yield
    finally:
        set_language("en")


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server of the test session's own on 127.0.0.1 (tests/services.py)."""
    from tests.services import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def ray_address():
    """A Ray head of the test session's own on 127.0.0.1 (tests/services.py)."""
    from tests.services import ray_head

    with ray_head() as address:
        yield address

