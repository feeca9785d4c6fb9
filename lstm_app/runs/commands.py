"""``python -m lstm_app runs list | show ID | delete ID | export-csv [--out FILE] |
export ID --out B.zip | export-onnx ID --out DIR [--int8] | import B.zip``: the run store from a
shell."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..quoting import printable, quoted
from ..export.onnx_export import table_text, write_export
from .bundle import export_bundle, import_bundle
from .onnx import export_run
from .store import RunStore
from .table import runs_csv, runs_table

LIST_COLUMNS = ["id", "name", "task", "data", "status", "created", "settings", "best val loss",
                "seconds"]

UNITS = {"text": "characters", "classify": "texts"}  # what data_rows counts; else rows


def add_runs_command(commands) -> None:
    r = commands.add_parser("runs", help="list, show and export saved runs ($LSTM_APP_HOME, "
                                         "default ./lstm_runs)")
    actions = r.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every run, newest first")
    show = actions.add_parser("show", help="one run: settings, scores, history")
    show.add_argument("run_id")
    delete = actions.add_parser("delete", help="delete one run, its weights and history (not "
                                               "while it trains)")
    delete.add_argument("run_id")
    export = actions.add_parser("export-csv", help="every run as one CSV table")
    export.add_argument("--out", type=Path, help="write here instead of to the screen")
    bundle = actions.add_parser("export", help="one run as a .zip bundle (weights, settings, "
                                               "report, data, a loading snippet)")
    bundle.add_argument("run_id")
    bundle.add_argument("--out", type=Path, required=True, help="the .zip to write")
    onnx = actions.add_parser("export-onnx", help="one run's network as ONNX (checked against "
                                                  "PyTorch first) with export.json, for "
                                                  "'python -m lstm_app predict'")
    onnx.add_argument("run_id")
    onnx.add_argument("--out", type=Path, required=True, help="the folder to write")
    onnx.add_argument("--int8", action="store_true", help="also an INT8-quantized model, "
                                                         "scored beside the fp32 one")
    imp = actions.add_parser("import", help="add a run from a .zip bundle (checked first)")
    imp.add_argument("bundle", type=Path)


def run_runs_command(args: argparse.Namespace) -> int:
    store = RunStore()
    store.mark_interrupted()
    if args.action == "list":
        table = runs_table(store.list())
        if table.empty:
            print(f"No runs yet in {store.home}; train with --save-run, or in the app.")
        else:
            table[["name", "data"]] = table[["name", "data"]].map(printable)
            print(table[LIST_COLUMNS].to_string(index=False, na_rep="–"))
    elif args.action == "delete":
        run = _existing(store, args.run_id)
        if run.status == "running":
            raise ValueError(f"Run {run.id} is still training; stop it first (or wait until it "
                             f"ends), then delete it.")
        store.delete(run.id)
        print(f"Run {run.id} ({printable(run.name)}) deleted.")
    elif args.action == "show":
        run = _existing(store, args.run_id)
        print(f"{printable(run.name)} ({run.id}): {run.task} on {printable(run.data_name)} "
              f"({run.data_rows:,} {UNITS.get(run.task, 'rows')}), "
              f"{run.status}")
        if run.message:
            print(printable(run.message))
        if run.note:
            print(f"note: {printable(run.note)}")
        print("settings: " + json.dumps(run.config, default=str))
        if run.metrics:
            print("scores: " + json.dumps(run.metrics, default=str))
        number = lambda v: "n/a" if v is None else f"{v:.5g}"
        for h in store.history(run.id):
            scores = "".join(f"  {k} {number(v)}" for k, v in (h.scores or {}).items())
            print(f"  epoch {h.epoch:>4}  train {number(h.train_loss)}  val {number(h.val_loss)}"
                  f"{scores}")
    elif args.action == "export":
        run = _existing(store, args.run_id)
        args.out.write_bytes(export_bundle(store, run.id))
        print(f"Run {run.id} written to {printable(args.out)}")
    elif args.action == "export-onnx":
        run = _existing(store, args.run_id)
        exported = export_run(store, run.id, args.int8)
        write_export(exported, args.out)
        print(table_text(exported))
        print(f"Run {run.id} exported to {printable(args.out)} (python -m lstm_app predict "
              f"{printable(args.out)} INPUT).")
    elif args.action == "import":
        run_id = import_bundle(store, args.bundle.read_bytes())
        print(f"Imported as run {run_id} in {store.home}")
    else:
        text = runs_csv(store.list())
        if args.out:
            args.out.write_text(text, encoding="utf-8")
            print(f"{text.count(chr(10)) - 1} runs written to {args.out}")
        else:
            sys.stdout.write(text)
    return 0


def _existing(store: RunStore, run_id: str):
    run = store.get(run_id)
    if run is None:
        raise ValueError(f"There is no run {quoted(run_id)} in {store.home}; "
                         f"'python -m lstm_app runs list' shows them.")
    return run

