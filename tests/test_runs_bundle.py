"""Run bundles: a round trip through a .zip, and every kind of hostile bundle refused with no trace."""

import io
import json
import os
import pickle
import sqlite3
import subprocess
import sys
import zipfile

import pytest

from lstm_app.runs import bundle
from lstm_app.runs.bundle import (BundleError, copy_note, earlier_copies, export_bundle,
                                  import_bundle)
from lstm_app.runs.recording import record, start_run
from lstm_app.runs.reopening import reopen
from lstm_app.runs.database import DB_NAME
from lstm_app.runs.store import RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.report import to_report
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.settings import TextConfig
from tests.conftest import REPO, SAMPLES


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A store with one finished forecast run and one finished text run."""
    store = RunStore(tmp_path_factory.mktemp("source"))
    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, epochs=2, hidden_size=8)
    forecast_id = start_run(store, "forecast", series, config, "airline", series.name)
    forecast = record(store.home, forecast_id, "forecast", series, config)
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:5000]
    text_config = TextConfig(epochs=1, hidden_size=16, embedding_dim=8, num_layers=1,
                             batch_size=8, length=40)
    text_id = start_run(store, "text", text, text_config, "bard", "bard.txt")
    words = record(store.home, text_id, "text", text, text_config)
    return store, {"forecast": (forecast_id, forecast), "text": (text_id, words)}


@pytest.fixture
def target(tmp_path):
    return RunStore(tmp_path / "target")


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def test_a_forecast_run_travels_and_scores_the_same(source, target):
    store, runs = source
    run_id, original = runs["forecast"]
    data = export_bundle(store, run_id)
    assert {"manifest.json", "config.json", "weights.safetensors", "scaler.json", "report.json",
            "data.csv", "series.json", "load_run.py"} <= set(members(data))
    new_id = import_bundle(target, data)
    assert new_id != run_id
    imported = target.get(new_id)
    assert (imported.task, imported.name, imported.status) == ("forecast", "airline", "finished")
    assert [h.epoch for h in target.history(new_id)] == [1, 2]
    again = reopen(target, new_id)
    assert to_report(again)["test"] == to_report(original)["test"]
    assert again.forecast.equals(original.forecast)
    # imported a second time: a second run, said to hold what the first holds
    assert earlier_copies(target, new_id) == []
    twice = import_bundle(target, data)
    assert earlier_copies(target, twice) == [new_id]
    assert copy_note([new_id]) == (f"Run {new_id} held the same already (the same data, "
                                   "settings and best validation loss): both are kept; delete "
                                   "one if you do not need two.")


def test_a_text_run_travels_and_writes_the_same(source, target):
    store, runs = source
    run_id, original = runs["text"]
    again = reopen(target, import_bundle(target, export_bundle(store, run_id)))
    assert again.sample == original.sample and again.timeline == original.timeline
    assert again.val_loss == pytest.approx(original.val_loss)


def test_an_imported_runs_message_reads_in_the_readers_language(source, target):
    from lstm_app.i18n import speaking
    from lstm_app.runs.reopening import run_message

    store, runs = source
    with speaking("zh"):  # imported by someone reading Chinese
        new_id = import_bundle(target, export_bundle(store, runs["forecast"][0]))
    run = target.get(new_id)
    assert run.message == "从打包文件导入。"
    assert run_message(run) == "Imported from a bundle."
    with speaking("zh"):
        assert run_message(run) == "从打包文件导入。"


def test_the_snippet_names_public_functions(source):
    store, runs = source
    snippet = members(export_bundle(store, runs["text"][0]))["load_run.py"].decode()
    compile(snippet, "load_run.py", "exec")
    for name in ("import_bundle", "reopen", "RunStore"):
        assert name in snippet


def test_a_crafted_run_name_never_runs_in_the_exported_snippet(source, tmp_path):
    """The run's name reaches load_run.py only as a cleaned file name inside a repr(): the
    snippet, run as its reader would, loads the run and does nothing else."""
    store, runs = source
    run_id = runs["forecast"][0]
    evil = ('x", "rb"); open("PWNED", "w").write("1"); ("\n\'\'\'; '
            '__import__("os").system("touch PWNED2") #\r\n"""')
    store.rename(run_id, evil)
    try:
        data = export_bundle(store, run_id)
    finally:
        store.rename(run_id, "airline")
    snippet = members(data)["load_run.py"]
    (tmp_path / "load_run.py").write_bytes(snippet)
    (tmp_path / bundle.bundle_name(evil, run_id)).write_bytes(data)  # as downloaded
    done = subprocess.run([sys.executable, "load_run.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "forecast" in done.stdout and "lower_95" in done.stdout  # the forecast table printed
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "PWNED2").exists()


def test_a_damaged_run_is_not_exported_and_the_snippet_opens_the_file_written(source, target,
                                                                              tmp_path):
    store, runs = source
    data = export_bundle(store, runs["forecast"][0], "my copy.zip")
    assert "open('my copy.zip', \"rb\")" in members(data)["load_run.py"].decode()
    run_id = import_bundle(target, data)
    # a training's half-written file survives the check while it runs, not after
    half = target.run_dir(run_id) / ".weights.safetensors.part"
    half.write_bytes(b"being written")
    with sqlite3.connect(target.home / DB_NAME) as db:
        db.execute("UPDATE runs SET status = 'running' WHERE id = ?", (run_id,))
    export_bundle(target, run_id)
    assert half.exists()
    with sqlite3.connect(target.home / DB_NAME) as db:
        db.execute("UPDATE runs SET status = 'finished' WHERE id = ?", (run_id,))
    export_bundle(target, run_id)
    assert not half.exists()
    weights = target.run_dir(run_id) / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])  # cut short: no import would take it
    with pytest.raises(ValueError, match=f"Run {run_id} cannot be opened: .*Delete it, or import "
                                         "its bundle again."):
        export_bundle(target, run_id)


@pytest.mark.parametrize("seconds", [-1e308, float("inf"), 10**400, 1e308, "12", True])
def test_a_manifests_seconds_that_no_training_took_are_read_as_none_taken(source, target,
                                                                          seconds):
    store, runs = source
    files = members(export_bundle(store, runs["forecast"][0]))
    manifest = json.loads(files["manifest.json"])
    files["manifest.json"] = json.dumps(dict(manifest, seconds=seconds)).encode()
    run = target.get(import_bundle(target, rezip(files)))
    assert run.seconds == 0.0


class Evil:
    def __reduce__(self):
        return (print, ("a pickle was loaded",))


def hostile(files: dict[str, bytes], case: str) -> bytes:
    files = dict(files)
    config = json.loads(files["config.json"])
    if case == "pickle":
        files["weights.safetensors"] = pickle.dumps(Evil())
    elif case == "pickle_named_pt":
        files["weights.pt"] = pickle.dumps(Evil())
    elif case == "wrong_shapes":
        files["config.json"] = json.dumps({**config, "hidden_size": 16}).encode()
    elif case == "huge_settings":
        files["config.json"] = json.dumps({**config, "hidden_size": 10**9}).encode()
    elif case == "unknown_setting":
        files["config.json"] = json.dumps({**config, "__class__": "os.system"}).encode()
    elif case == "escape":
        files["../../escaped.txt"] = b"out of its folder"
    elif case == "absolute":
        files["/tmp/absolute.txt"] = b"anywhere"
    elif case == "not_json":
        files["config.json"] = b"{not json"
    elif case == "no_weights":
        del files["weights.safetensors"]
    elif case == "foreign_manifest":
        files["manifest.json"] = json.dumps({"format": "something-else"}).encode()
    elif case == "bad_scaler":
        files["scaler.json"] = json.dumps({"mean": [1.0, 2.0], "std": [1.0, 0.0]}).encode()
    elif case == "unreadable_data":
        files["data.csv"] = b"\x00\x01 not a table"
    elif case == "too_little_data":
        files["data.csv"] = b"\n".join(files["data.csv"].splitlines()[:21])
    elif case == "text_season":
        meta = json.loads(files["series.json"])
        files["series.json"] = json.dumps({**meta, "season_length": "x"}).encode()
    elif case == "negative_season":
        meta = json.loads(files["series.json"])
        files["series.json"] = json.dumps({**meta, "season_length": -3}).encode()
    elif case == "task_as_list":
        manifest = json.loads(files["manifest.json"])
        files["manifest.json"] = json.dumps({**manifest, "task": ["forecast"]}).encode()
    elif case == "deep_weights_header":  # a safetensors header nested 50,000 deep
        header = b"[" * 50_000
        files["weights.safetensors"] = len(header).to_bytes(8, "little") + header
    elif case in ("deep_manifest", "deep_config", "deep_series"):  # 100,000 brackets deep
        files[case.replace("deep_", "") + ".json"] = b"[" * 100_000 + b"]" * 100_000
    elif case in ("epochs_twice", "epochs_skipped", "negative_loss"):
        manifest = json.loads(files["manifest.json"])
        history = [dict(h) for h in manifest["history"]]
        if case == "epochs_twice":
            history[-1]["epoch"] = history[0]["epoch"]
        elif case == "epochs_skipped":
            history[-1]["epoch"] += 5
        else:
            history[0]["val_loss"] = -1.0
        files["manifest.json"] = json.dumps({**manifest, "history": history}).encode()
    elif case == "bad_history":
        manifest = json.loads(files["manifest.json"])
        files["manifest.json"] = json.dumps({**manifest, "history": [{"epoch": "one"}]}).encode()
    return rezip(files)


CASES = {
    "pickle": "not a valid safetensors file",
    "pickle_named_pt": "weights.pt",
    "wrong_shapes": "but the network the settings describe needs",
    "huge_settings": r"Hidden units \(hidden_size\) must be a whole number from 1 to 2,048\.",
    "unknown_setting": "hold settings this task does not have: '__class__'",
    "escape": "which a run bundle never has",
    "absolute": "which a run bundle never has",
    "not_json": "config.json is not valid JSON",
    "no_weights": "lacks weights.safetensors",
    "foreign_manifest": "not an LSTM Studio run bundle",
    "bad_scaler": "scaler.json. does not hold a mean and a positive spread for each of the 1",
    "unreadable_data": "The saved series (does not load|lacks the columns|has fewer than two rows)",
    "too_little_data": "has 20 numeric values; with lookback 24 and horizon 12 at least 60",
    "bad_history": "history is not a list of epoch records",
    "epochs_twice": "does not count its epochs up from 1, each once",
    "epochs_skipped": "does not count its epochs up from 1, each once",
    "negative_loss": "history is not a list of epoch records",
    "deep_weights_header": "not a valid safetensors file",
    "deep_manifest": "manifest.json is not valid JSON",
    "deep_config": "config.json is not valid JSON",
    "deep_series": "The saved series does not load",
    "text_season": "series.json does not describe a series",
    "negative_season": "series.json does not describe a series",
    "task_as_list": "task must be one of: forecast, panel, text",
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_bundle_is_refused_without_a_trace(source, target, tmp_path, case, capsys):
    store, runs = source
    data = hostile(members(export_bundle(store, runs["forecast"][0])), case)
    before = sorted(p.name for p in (target.home / "runs").iterdir())
    with pytest.raises(BundleError, match=CASES[case]):
        import_bundle(target, data)
    assert target.list() == []
    assert sorted(p.name for p in (target.home / "runs").iterdir()) == before
    assert not (tmp_path / "escaped.txt").exists()
    assert "a pickle was loaded" not in capsys.readouterr().out


def test_a_file_that_is_not_a_zip_is_refused(target):
    with pytest.raises(BundleError, match="not a .zip bundle"):
        import_bundle(target, b"PK\x03\x04 but not really a zip")
    assert target.list() == []


def test_a_run_too_large_for_any_import_is_not_exported_as_a_bundle(source, monkeypatch):
    store, runs = source
    data = export_bundle(store, runs["forecast"][0])
    weights = (store.run_dir(runs["forecast"][0]) / "weights.safetensors").stat().st_size
    monkeypatch.setattr(bundle, "MAX_MEMBER_BYTES", weights - 1)
    with pytest.raises(ValueError, match="too large for a bundle: one of its files is"):
        export_bundle(store, runs["forecast"][0])
    monkeypatch.setattr(bundle, "MAX_MEMBER_BYTES", 2**30)
    monkeypatch.setattr(bundle, "MAX_TOTAL_BYTES", weights)
    with pytest.raises(ValueError, match="too large for a bundle: its files come to"):
        export_bundle(store, runs["forecast"][0])
    monkeypatch.setattr(bundle, "MAX_TOTAL_BYTES", 2**31)
    monkeypatch.setattr(bundle, "MAX_BUNDLE_BYTES", len(data) - 1)
    with pytest.raises(ValueError, match="too large for a bundle: it would be"):
        export_bundle(store, runs["forecast"][0])


def test_an_oversized_bundle_is_refused_before_it_is_opened(source, target, monkeypatch):
    store, runs = source
    data = export_bundle(store, runs["forecast"][0])
    monkeypatch.setattr(bundle, "MAX_BUNDLE_BYTES", len(data) - 1)
    with pytest.raises(BundleError, match="are refused"):
        import_bundle(target, data)
    assert target.list() == []


def test_a_zip_bomb_is_refused_by_its_unpacked_size(source, target, monkeypatch):
    store, runs = source
    files = members(export_bundle(store, runs["forecast"][0]))
    files["forecast.csv"] = b"0" * 5_000_000  # compresses to a few kB
    monkeypatch.setattr(bundle, "MAX_MEMBER_BYTES", 1_000_000)
    with pytest.raises(BundleError, match="over the 0 MB limit|more than"):
        import_bundle(target, rezip(files))
    assert target.list() == []


def test_a_text_bundle_with_a_vocabulary_that_does_not_fit_is_refused(source, target):
    store, runs = source
    files = members(export_bundle(store, runs["text"][0]))
    vocab = json.loads(files["vocab.json"])
    files["vocab.json"] = json.dumps({**vocab, "itos": vocab["itos"] + ["\U0001F600"]}).encode()
    with pytest.raises(BundleError, match="but the network the settings describe needs"):
        import_bundle(target, rezip(files))
    assert target.list() == []


@pytest.mark.parametrize("vocab, samples, message", [
    ({"level": "char", "itos": "abc"}, None, "vocab.json. is not one"),
    ({"level": "char", "itos": ["\ufffd", "b", "a"]}, None, "vocab.json. is not one"),
    (None, {"timeline": [{"epoch": 1, "seconds": 2, "val_loss": "x", "text": "hi"}]},
     "samples.json. are not a list of samples"),
])
def test_a_text_bundle_with_a_hostile_vocabulary_or_samples_is_refused(source, target, vocab,
                                                                        samples, message):
    store, runs = source
    files = members(export_bundle(store, runs["text"][0]))
    if vocab is not None:
        files["vocab.json"] = json.dumps(vocab).encode()
    if samples is not None:
        files["samples.json"] = json.dumps(samples).encode()
    with pytest.raises(BundleError, match=message):
        import_bundle(target, rezip(files))
    assert target.list() == []


def test_a_bad_setting_is_refused_with_the_sentence_the_python_api_gives(source, target):
    store, runs = source
    files = members(export_bundle(store, runs["forecast"][0]))
    config = json.loads(files["config.json"])
    files["config.json"] = json.dumps({**config, "dropout": 1.5}).encode()
    with pytest.raises(ValueError) as api:
        ForecastConfig(statistical_seconds=0, dropout=1.5)
    with pytest.raises(BundleError) as refused:
        import_bundle(target, rezip(files))
    assert str(api.value) in str(refused.value)


def test_a_bundles_own_report_and_scores_are_not_taken_on_trust(source, target):
    store, runs = source
    run_id, original = runs["forecast"]
    files = members(export_bundle(store, run_id))
    lie = "<script>alert(1)</script> The LSTM is perfect."
    report = json.loads(files["report.json"])
    files["report.json"] = json.dumps({**report, "verdict": lie}).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["metrics"] = {**manifest["metrics"], "verdict": lie}
    files["manifest.json"] = json.dumps(manifest).encode()
    new_id = import_bundle(target, rezip(files))
    assert target.get(new_id).metrics["verdict"] == original.verdict
    assert target.read_json(new_id, "report.json")["verdict"] == original.verdict


def test_a_bundle_with_a_bad_checksum_or_an_encrypted_member_is_refused(source, target):
    store, runs = source
    files = members(export_bundle(store, runs["forecast"][0]))
    data = bytearray(rezip(files))  # stored, not compressed: the content sits as it is
    at = bytes(data).index(files["config.json"][:40])
    data[at + 5] ^= 0x01  # one bit of config.json flipped: its CRC no longer matches
    with pytest.raises(BundleError, match=r"config.json in the bundle is damaged"):
        import_bundle(target, bytes(data))
    data = bytearray(rezip(files))
    central = bytes(data).index(b"PK\x01\x02")  # the first member's central directory entry
    data[central + 8] |= 0x01  # its "encrypted" flag
    with pytest.raises(BundleError, match="is encrypted; export the run again"):
        import_bundle(target, bytes(data))
    assert target.list() == []
