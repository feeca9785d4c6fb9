"""A run as one .zip bundle to carry away, and importing one back, refusing anything unsafe.

A bundle holds ``manifest.json`` (what the run is, its status, scores and history),
``config.json``, ``weights.safetensors``, the scaler (``scaler.json``) or vocabulary
(``vocab.json``), ``report.json``, the data it trained on (``data.csv`` with ``series.json``,
``text.txt``, or a classifier's ``texts.csv`` with ``labelled.json``), the text samples
(``samples.json``) or misclassified texts (``mistakes.csv``) and ``load_run.py``, a snippet
showing how to use it from Python; and, once the run was exported to ONNX, its export
(``model.onnx``, ``model.int8.onnx``, ``export.json``), which importing checks against the
weights (the fp32 model's outputs within 1e-4 of theirs on the bundle's data).

Importing checks everything before anything is written, so a refused bundle has no side effect:
the file is a zip under the size cap, with only known flat member names (nothing can land
outside its folder) and no member or total size over the caps; the JSON parses; the settings
pass the task's settings table (the same check as the page, the command line and the Python
API); the weights are safetensors (no pickle is ever loaded) whose tensor names, shapes and
dtypes are exactly those of the network the settings describe; the data loads; and the trained
model is scored on it, so a bundle that imports also opens. The run is then written from what
was loaded (settings, scaler or vocabulary, report), never from the bundle's own files.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from dataclasses import asdict

from ..export.manifest import FILES as ONNX_FILES
from ..export.manifest import MANIFEST as ONNX_MANIFEST
from ..export.manifest import manifest_from_bytes
from ..export.onnx_export import checked_bundled, manifest_bytes
from ..filenames import bundle_name
from ..i18n import listing, sentences, tr, trn
from ..quoting import listed, quoted
from ..tasks import TASKS, Task, task_named
from ..training.checkpoint import WEIGHTS, read_json, weights_epoch
from ..training.trainer import EpochRecord, TrainResult
from .recording import data_fingerprint, save_result
from .reopening import IMPORTED, how_it_ended, kept_training, load_run, no_weights
from .store import RunStore
from .table import task_name

FORMAT = "lstm-studio-run"
MAX_BUNDLE_BYTES = 200 * 2**20         # the .zip itself
MAX_MEMBER_BYTES = 200 * 2**20         # any one file, uncompressed
MAX_TOTAL_BYTES = 400 * 2**20          # all files, uncompressed (a zip bomb stops here)
COMMON = {"manifest.json", WEIGHTS, "load_run.py"}
SNIPPET = '''"""Load this LSTM Studio run with lstm_app (pip install -r requirements.txt in its repo)."""
from lstm_app.runs.bundle import import_bundle
from lstm_app.runs.reopening import reopen
from lstm_app.runs.store import RunStore

store = RunStore("my_runs")                    # any folder
run_id = import_bundle(store, open({file}, "rb").read())
result = reopen(store, run_id)                 # scored again from the saved weights, no training
print(result.{what})
'''

LONGEST_SECONDS = 10 * 365 * 86_400  # a bundle's training time beyond this is no training's


class BundleError(ValueError):
    """A refused bundle; the message says why, in plain words."""


# --- export -----------------------------------------------------------------------------------

def export_bundle(store: RunStore, run_id: str, file_name: str | None = None) -> bytes:
    """The run as a .zip of its files, checked to open first; its load_run.py opens the bundle
    as ``file_name`` (the file it is written to; by default the name the page downloads)."""
    run = store.get(run_id)
    if run is None:
        raise ValueError(tr("There is no run {id}.", id=quoted(run_id)))
    folder = store.run_dir(run_id)
    if not (folder / WEIGHTS).exists():
        raise ValueError(no_weights(store, run))
    names = sorted((COMMON | task_named(run.task).file_names | set(ONNX_FILES)) - {"manifest.json"})
    sizes = [(folder / name).stat().st_size for name in names if (folder / name).exists()]
    if sum(sizes) > MAX_TOTAL_BYTES:
        raise ValueError(tr("Run {id} is too large for a bundle: its files come to {size:.0f} "
                            "MB, and a bundle may unpack to at most {limit} MB to be imported. "
                            "Export it to ONNX to use it elsewhere.", id=run_id,
                            size=sum(sizes) / 2**20, limit=MAX_TOTAL_BYTES // 2**20))
    largest = max(sizes)
    if largest > MAX_MEMBER_BYTES:  # a bundle no import would take: said before zipping it
        raise ValueError(tr("Run {id} is too large for a bundle: one of its files is {size:.0f} "
                            "MB, and a bundle may hold files of up to {limit} MB to be "
                            "imported. Export it to ONNX to use it elsewhere.", id=run_id,
                            size=largest / 2**20, limit=MAX_MEMBER_BYTES // 2**20))
    if run.status != "running":  # (a training's files change under it: read once it ends)
        load_run(store, run_id)  # a damaged run is said here, not by the import of its bundle
    manifest = {"format": FORMAT, "version": 1, "task": run.task, "name": run.name,
                "note": run.note, "data_name": run.data_name, "data_rows": run.data_rows,
                "data_hash": run.data_hash, "status": run.status, "message": run.message,
                "best_epoch": run.best_epoch, "best_val_loss": run.best_val_loss,
                "metrics": run.metrics, "seconds": run.seconds, "created": run.created,
                "history": [h.to_dict() for h in store.history(run_id)], "config": run.config}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, default=str))
        for name in names:
            if (folder / name).exists():
                zf.write(folder / name, name)
        what = {"text": "sample", "classify": "test"}.get(run.task, "forecast")
        # User text reaches generated code only as a repr() of a file name (the run's, cleaned,
        # or the one the command line writes to).
        zf.writestr("load_run.py", SNIPPET.format(
            file=repr(file_name or bundle_name(run.name, run.id)), what=what))
    if out.tell() > MAX_BUNDLE_BYTES:
        raise ValueError(tr("Run {id} is too large for a bundle: it would be {size:.0f} MB, and "
                            "a bundle of up to {limit} MB can be imported. Export it to ONNX to "
                            "use it elsewhere.", id=run_id, size=out.tell() / 2**20,
                            limit=MAX_BUNDLE_BYTES // 2**20))
    return out.getvalue()


# --- import -----------------------------------------------------------------------------------

def import_bundle(store: RunStore, data: bytes, owner: str | None = None) -> str:
    """Check a bundle completely (its trained model is loaded and scored on its data), then add
    it to the store as a new run (``owner``'s, with sign-in); return its id. What is written is this version's own saving
    of what it loaded, never the bundle's files as they came (the weights aside, checked)."""
    files = _read_zip(data)
    manifest, task = _manifest(files)
    training = _training(manifest, files)
    try:
        data_value = task.data_from_files(files)
        trained = task.trained.from_files(files, training)
        onnx = checked_bundled(task.name, trained, data_value, files)
        result = task.score(trained, data_value)  # after the export's checks: it may take seconds
    except BundleError:
        raise
    except ValueError as error:
        raise BundleError(tr("The bundle is refused: {reason}", reason=str(error))) from None
    return _write_run(store, task, manifest, data_value, trained, result, owner, onnx)


def earlier_copies(store: RunStore, run_id: str) -> list[str]:
    """The runs already in the store that hold what the imported run ``run_id`` holds (the same
    task, data, settings and best validation loss): the same bundle imported again, or the run
    it was exported from."""
    new = store.get(run_id)
    return [run.id for run in store.trained_on(new.task, new.data_hash)
            if run.id != run_id and run.config == new.config
            and run.best_val_loss == new.best_val_loss]


def _manifest(files: dict[str, bytes]) -> tuple[dict, Task]:
    """The bundle's manifest and task, once its files are those a run of that task has."""
    try:
        manifest = read_json(files, "manifest.json")
    except ValueError as error:
        raise BundleError(sentences(str(error),
                                    tr("It is not an LSTM Studio run bundle."))) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(tr("This .zip is not an LSTM Studio run bundle (its {file} is "
                             "missing or says otherwise).", file="manifest.json"))
    if not isinstance(manifest.get("task"), str) or manifest["task"] not in TASKS:
        raise BundleError(tr("The bundle's task must be one of: {tasks}.", tasks=", ".join(TASKS)))
    task = TASKS[manifest["task"]]
    unknown = set(files) - COMMON - task.file_names - set(ONNX_FILES)
    if unknown:
        raise BundleError(tr("The bundle holds files a {task} run never has: {names}.",
                             task=task_name(task.name), names=listed(sorted(unknown))))
    missing = ({WEIGHTS, *task.trained_names, *task.data_names}) - set(files)
    if missing:
        raise BundleError(tr("The bundle lacks {names}.", names=", ".join(sorted(missing))))
    return manifest, task


def _training(manifest: dict, files: dict[str, bytes]) -> TrainResult:
    """How the bundled model trained: its history, its best epoch, the epoch its weights are
    from, and how training ended (from its report, when that says something this app says)."""
    history = manifest.get("history", [])
    if not isinstance(history, list) or not all(_epoch_record(h) for h in history):
        raise BundleError(tr("The bundle's history is not a list of epoch records."))
    epochs = [h["epoch"] for h in history]
    if epochs != list(range(1, len(epochs) + 1)):
        raise BundleError(tr("The bundle's history does not count its epochs up from 1, each "
                             "once; export the run again."))
    history = [EpochRecord.from_dict(h) for h in history]
    kept = weights_epoch(files[WEIGHTS]) or _int_or_none(manifest.get("best_epoch")) or 0
    stop_reason, device = how_it_ended(files, "completed")
    return kept_training(history, kept, _keeps_best(files), stop_reason,
                         tr(IMPORTED), _seconds(manifest.get("seconds")), device)


def _keeps_best(files: dict[str, bytes]) -> bool:
    try:
        config = read_json(files, "config.json")
    except ValueError:
        return True  # refused later, with its reason, when the settings are read
    return not isinstance(config, dict) or config.get("keep_best", True) is not False


def _write_run(store: RunStore, task: Task, manifest: dict, data_value, trained,
               result, owner: str | None = None, onnx: dict | None = None) -> str:
    """Everything checked: now write. A failure while writing removes the half-made run."""
    data_files = task.data_files(data_value)
    # The store cuts an over-long name or note from a bundle made elsewhere to its caps.
    run_id = store.create(task.name, str(manifest.get("name") or "imported"),
                          asdict(trained.config),
                          str(manifest.get("data_name") or task.data_names[0]),
                          task.data_size(data_value),
                          data_fingerprint(task, data_value),
                          note=str(manifest.get("note") or ""), owner=owner)
    try:
        for name, content in data_files.items():
            store.write_bytes(run_id, name, content)
        for record in trained.training.history:
            store.add_epoch(run_id, record)
        status = manifest.get("status")
        save_result(store, run_id, task, trained, result,
                    status if status in ("finished", "stopped", "interrupted") else "finished")
        for name, content in (onnx or {}).items():  # checked against these weights
            if name == ONNX_MANIFEST:  # now this run's export
                content = manifest_bytes({**manifest_from_bytes(content), "run": run_id})
            store.write_bytes(run_id, name, content)
    except BaseException:
        store.delete(run_id)
        raise
    return run_id


def _read_zip(data: bytes) -> dict[str, bytes]:
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(tr("The bundle is {size:.0f} MB; bundles over {limit} MB are refused.",
                             size=len(data) / 2**20, limit=MAX_BUNDLE_BYTES // 2**20))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BundleError(tr("This file is not a .zip bundle; export a run from the Runs page or "
                             "with '{command}'.",
                             command="python -m lstm_app runs export")) from None
    allowed = COMMON.union(ONNX_FILES, *(task.file_names for task in TASKS.values()))
    infos = zf.infolist()
    for info in infos:
        name = info.filename
        if name not in allowed or "/" in name or "\\" in name or name.startswith("."):
            raise BundleError(tr("The bundle holds a file named {name}, which a run bundle "
                                 "never has; it is refused.", name=quoted(name)))
        if info.file_size > MAX_MEMBER_BYTES:
            raise BundleError(tr("{name} would unpack to {size:.0f} MB, over the {limit} MB "
                                 "limit.", name=name, size=info.file_size / 2**20,
                                 limit=MAX_MEMBER_BYTES // 2**20))
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise BundleError(tr("The bundle would unpack to more than {limit} MB.",
                             limit=MAX_TOTAL_BYTES // 2**20))
    if len({i.filename for i in infos}) != len(infos):
        raise BundleError(tr("The bundle holds the same file twice."))
    files = {}
    for info in infos:
        if info.flag_bits & 0x1:
            raise BundleError(tr("{name} in the bundle is encrypted; export the run again "
                                 "without a password.", name=info.filename))
        try:
            with zf.open(info) as member:
                content = member.read(MAX_MEMBER_BYTES + 1)  # never trust the declared size alone
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise BundleError(tr("{name} in the bundle is damaged (its checksum or compression "
                                 "is wrong); export the run again.", name=info.filename)) from None
        if len(content) > MAX_MEMBER_BYTES:
            raise BundleError(tr("{name} unpacks to more than {limit} MB.", name=info.filename,
                                 limit=MAX_MEMBER_BYTES // 2**20))
        files[info.filename] = content
    return files


def _epoch_record(h) -> bool:
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    # a loss may be NaN or infinite (a training that blew up), never below 0
    return (isinstance(h, dict) and isinstance(h.get("epoch"), int)
            and not isinstance(h.get("epoch"), bool)
            and all(h.get(k) is None or number(h.get(k)) and not h.get(k) < 0
                    for k in ("train_loss", "val_loss", "lr", "seconds")))


def _int_or_none(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _seconds(value) -> float:
    """A duration from a manifest: 0 where it is not one a training could take (a number of
    seconds from 0 to ten years)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return 0.0
    try:
        value = float(value)
    except OverflowError:  # a whole number too large for a float (JSON allows 10**400)
        return 0.0
    return value if 0 <= value <= LONGEST_SECONDS else 0.0


def copy_note(copies: list[str]) -> str:
    """What an import that adds a run the store held already says."""
    return trn("Run {ids} held the same already (the same data, settings and best validation "
               "loss): both are kept; delete one if you do not need two.",
               "Runs {ids} held the same already (the same data, settings and best validation "
               "loss): all are kept; delete those you do not need.", len(copies),
               ids=listing(copies[:5]))
