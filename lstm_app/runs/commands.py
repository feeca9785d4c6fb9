"""``python -m lstm_app runs list | show ID | delete ID | export-csv [--out FILE] |
export ID --out B.zip | export-onnx ID --out DIR [--int8] | import B.zip``: the run store from a
shell."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from ..i18n import again, language, said_from, tr, trn
from ..file_checks import os_reason, output_path, write_output
from ..quoting import cut, printable, quoted
from ..user_json import parse_json
from ..export.manifest import FILES, FORMAT, MANIFEST
from ..export.onnx_export import table_text, write_export
from .bundle import copy_note, earlier_copies, export_bundle, import_bundle
from .onnx import export_run
from .reopening import run_message
from .store import RunStore
from .table import runs_csv, runs_table, settings_summary, status_name, task_name

SHORTEST_ID = 4      # the fewest characters of a run's id that name it, where no other starts so
LIST_NAME_CHARS = 40  # a name or data file's characters in `runs list` (the rest: "…")
LIST_COLUMNS = ["id", "name", "task", "data", "status", "created", "settings", "best val loss",
                "seconds"]

def add_runs_command(commands) -> None:
    r = commands.add_parser("runs", help=tr("list, show and export saved runs ({variable}, "
                                            "default {folder})", variable="$LSTM_APP_HOME",
                                            folder="./lstm_runs"))
    actions = r.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help=tr("every run, newest first"))
    show = actions.add_parser("show", help=tr("one run: settings, scores, history"))
    show.add_argument("run_id")
    delete = actions.add_parser("delete", help=tr("delete one run, its weights and history (not "
                                                  "while it trains)"))
    delete.add_argument("run_id")
    export = actions.add_parser("export-csv", help=tr("every run as one CSV table"))
    export.add_argument("--out", type=output_path, help=tr("write here instead of to the screen"))
    bundle = actions.add_parser("export", help=tr("one run as a .zip bundle (weights, settings, "
                                                  "report, data, a loading snippet)"))
    bundle.add_argument("run_id")
    bundle.add_argument("--out", type=output_path, required=True, help=tr("the .zip to write"))
    onnx = actions.add_parser("export-onnx", help=tr("one run's network as ONNX (checked "
                                                     "against PyTorch first) with {file}, for "
                                                     "'{command}'", file="export.json",
                                                     command="python -m lstm_app predict"))
    onnx.add_argument("run_id")
    onnx.add_argument("--out", required=True, help=tr("the folder to write"))
    onnx.add_argument("--int8", action="store_true", help=tr("also an INT8-quantized model, "
                                                            "scored beside the fp32 one"))
    imp = actions.add_parser("import", help=tr("add a run from a .zip bundle (checked first)"))
    imp.add_argument("bundle", type=Path)


def run_runs_command(args: argparse.Namespace) -> int:
    store = RunStore()
    store.mark_interrupted()
    if args.action == "list":
        runs = store.list()
        table = runs_table(runs)
        if table.empty:
            print(tr("No runs yet in {home}; train with {option}, or in the app.",
                     home=store.home, option="--save-run"))
        else:
            # one line a run: a long name is cut ('runs show ID' says it whole)
            table[["name", "data"]] = table[["name", "data"]].map(
                lambda text: cut(printable(text), LIST_NAME_CHARS))
            print(_listing(table[LIST_COLUMNS], runs))
    elif args.action == "delete":
        run = _existing(store, args.run_id, whole=True)
        if run.status == "running":
            raise ValueError(tr("Run {run_id} is still training; stop it first (or wait until "
                                "it ends), then delete it.", run_id=run.id))
        store.delete(run.id)
        print(tr("Run {run_id} ({name}) deleted.", run_id=run.id, name=printable(run.name)))
    elif args.action == "show":
        _show(store, _existing(store, args.run_id))
    elif args.action == "export":
        run = _existing(store, args.run_id)
        named = None if str(args.out).startswith("/dev/") else args.out.name  # not "stdout"
        write_output(args.out, export_bundle(store, run.id, named))
        print(tr("Run {run_id} written to {path}", run_id=run.id, path=printable(args.out)))
    elif args.action == "export-onnx":
        run = _existing(store, args.run_id)
        with export_folder(args.out) as args.out:  # made before any work, or refused
            exported = export_run(store, run.id, args.int8)
            write_export(exported, args.out)
        print(table_text(exported))
        predict = "python -m lstm_app predict " + printable(args.out) + " INPUT"
        print(tr("Run {run_id} exported to {path} ({command}).", run_id=run.id,
                 path=printable(args.out), command=predict))
    elif args.action == "import":
        run_id = import_bundle(store, args.bundle.read_bytes())
        print(tr("Imported as run {run_id} in {home}", run_id=run_id, home=store.home))
        copies = earlier_copies(store, run_id)
        if copies:
            print(tr("note: {notice}", notice=copy_note(copies)), file=sys.stderr)
    else:
        runs = store.list()
        text = runs_csv(runs)
        if args.out:
            write_output(args.out, text)
            print(trn("{count} run written to {path}", "{count} runs written to {path}",
                      len(runs), path=printable(args.out)))
        else:  # a pipe, not a spreadsheet: without the byte-order mark Excel needs
            sys.stdout.write(text.removeprefix("\ufeff"))
    return 0


def _show(store: RunStore, run) -> None:
    """`runs show`: what the run is, how it ended, its settings and scores, epoch by epoch."""
    print(_first_line(run))
    if run.message:
        print(printable(run_message(run)))
    if run.note:
        print(tr("note: {notice}", notice=printable(run.note)))
    print(tr("settings: {settings}", settings=_readable(run.config)))
    if run.metrics:
        scores = dict(run.metrics)
        said = scores.pop("verdict_said", None)
        if said is not None and isinstance(scores.get("verdict"), str):  # in the reader's words
            scores["verdict"] = str(again(said_from(scores["verdict"], said)))
        print(tr("scores: {scores}", scores=_readable(scores)))
    number = lambda v: tr("n/a") if v is None else f"{v:.5g}"
    for h in store.history(run.id):
        scores = "".join(f"  {k} {number(v)}" for k, v in (h.scores or {}).items())
        print("  " + tr("epoch {epoch:>4}  train {train}  val {val}{scores}", epoch=h.epoch,
                        train=number(h.train_loss), val=number(h.val_loss), scores=scores))


def _first_line(run) -> str:
    """`runs show`'s first line: what the run is; its data_rows count characters, texts, or
    else rows."""
    values = dict(name=printable(run.name), run_id=run.id, task=task_name(run.task),
                  data=printable(run.data_name), status=status_name(run.status))
    if run.task == "text":
        return trn("{name} ({run_id}): {task} on {data} ({count:,} character), {status}",
                   "{name} ({run_id}): {task} on {data} ({count:,} characters), {status}",
                   run.data_rows, **values)
    if run.task == "classify":
        return trn("{name} ({run_id}): {task} on {data} ({count:,} text), {status}",
                   "{name} ({run_id}): {task} on {data} ({count:,} texts), {status}",
                   run.data_rows, **values)
    return trn("{name} ({run_id}): {task} on {data} ({count:,} row), {status}",
               "{name} ({run_id}): {task} on {data} ({count:,} rows), {status}",
               run.data_rows, **values)


def _readable(value) -> str:
    """JSON as a reader reads it: 评论内容, not \\u8bc4…; its controls made spaces, and a lone
    surrogate (no character: JSON may carry one) written as its escape."""
    text = printable(json.dumps(value, default=str, ensure_ascii=False))
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _listing(table: pd.DataFrame, runs) -> str:
    """`runs list`'s table; in Chinese with its headers, tasks, statuses and settings in
    Chinese and its columns lined up for characters two columns wide (English: pandas' table
    as it was)."""
    if language() != "en":
        table = table.assign(task=table["task"].map(task_name),
                             status=table["status"].map(status_name),
                             settings=[printable(settings_summary(run.config)) for run in runs])
        table = table.rename(columns={c: tr(c) for c in table.columns})
        with pd.option_context("display.unicode.east_asian_width", True):
            return table.to_string(index=False, na_rep="–")
    return table.to_string(index=False, na_rep="–")


@contextmanager
def export_folder(out: str) -> Iterator[Path]:
    """The folder ``out`` an export is written into, made now; refused in a sentence where it
    is not given or cannot be made (a training of the export's check would run first). Where
    the export then fails, the folders this made are removed again, if still empty."""
    if not out.strip():
        raise ValueError(tr("Give the folder to write the export into ({option} FOLDER).",
                            option="--out"))
    folder = made = Path(out)
    missing = []
    while not os.path.lexists(made) and made != made.parent:
        missing.append(made)  # the deepest first
        made = made.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "Permission denied")
    except OSError as error:
        reason = os_reason(error) if error.strerror else type(error).__name__
        raise ValueError(tr("The folder {path} cannot be made or written to ({reason}); give a "
                            "folder you can write to.", path=f"'{printable(folder)}'",
                            reason=reason)) from None
    _refuse_foreign_files(folder)
    try:
        yield folder
    except BaseException:
        for made in missing:
            try:
                made.rmdir()  # only an empty folder goes
            except OSError:
                break
        raise


def _refuse_foreign_files(folder: Path) -> None:
    """Refuse a folder holding a file an export writes (model.onnx …) that no export of this
    app left there: writing would replace the user's own file. An earlier export is replaced:
    its export.json (of any version) names its format and the model files it wrote."""
    taken = [name for name in FILES if os.path.lexists(folder / name)]
    if not taken:
        return
    try:
        manifest = parse_json((folder / MANIFEST).read_bytes())
        written = set(manifest["files"].values()) | {MANIFEST}
        ours = manifest.get("format") == FORMAT and all(
            name in written and (folder / name).is_file() for name in taken)
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        ours = False
    if not ours:
        raise ValueError(trn(
            "The folder {path} already holds {names}, which is not from an export of LSTM "
            "Studio: exporting would replace it. Give an empty or new folder.",
            "The folder {path} already holds {names}, which are not from an export of LSTM "
            "Studio: exporting would replace them. Give an empty or new folder.", len(taken),
            path=f"'{printable(folder)}'", names=", ".join(taken)))


def _existing(store: RunStore, run_id: str, whole: bool = False):
    """The run ``run_id`` names: its whole id, or the start of one (at least ``SHORTEST_ID``
    characters) that no other run's id starts with, as copied (spaces around, capitals). Where
    the run is to be deleted (``whole``), only its whole id names it."""
    given, run_id = run_id, run_id.strip()
    run = store.get(run_id) or store.get(run_id.lower())
    run_id = run_id.lower()
    if run is None and len(run_id) >= SHORTEST_ID:
        starting = [r for r in store.list() if r.id.startswith(run_id)]
        if len(starting) > 1:
            raise ValueError(tr("{count} runs have an id starting with {start} ({ids}); give "
                                "more of the id.", count=len(starting), start=quoted(run_id),
                                ids=", ".join(r.id for r in starting[:5])
                                + (", …" if len(starting) > 5 else "")))
        run = starting[0] if starting else None
        if run is not None and whole:
            raise ValueError(tr("To delete run {run_id} ({name}), give its whole id.",
                                run_id=run.id, name=printable(run.name)))
    if run is None:
        raise ValueError(tr("There is no run {run_id} in {home}; '{command}' shows them.",
                            run_id=quoted(given), home=store.home,
                            command="python -m lstm_app runs list"))
    return run

