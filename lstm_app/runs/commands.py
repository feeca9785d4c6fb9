"""``python -m lstm_app runs list | show ID | export-csv [--out FILE] | export ID --out B.zip |
import B.zip``: the run store from a shell."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .bundle import export_bundle, import_bundle
from .store import RunStore
from .table import runs_csv, runs_table

LIST_COLUMNS = ["id", "name", "task", "data", "status", "created", "settings", "best val loss",
                "seconds"]


def add_runs_command(commands) -> None:
    r = commands.add_parser("runs", help="list, show and export saved runs ($LSTM_APP_HOME, "
                                         "default ./lstm_runs)")
    actions = r.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every run, newest first")
    show = actions.add_parser("show", help="one run: settings, scores, history")
    show.add_argument("run_id")
    export = actions.add_parser("export-csv", help="every run as one CSV table")
    export.add_argument("--out", type=Path, help="write here instead of to the screen")
    bundle = actions.add_parser("export", help="one run as a .zip bundle (weights, settings, "
                                               "report, data, a loading snippet)")
    bundle.add_argument("run_id")
    bundle.add_argument("--out", type=Path, required=True, help="the .zip to write")
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
            print(table[LIST_COLUMNS].to_string(index=False, na_rep="–"))
    elif args.action == "show":
        run = store.get(args.run_id)
        if run is None:
            raise ValueError(f"There is no run '{args.run_id}' in {store.home}; "
                             f"'python -m lstm_app runs list' shows them.")
        print(f"{run.name} ({run.id}): {run.task} on {run.data_name} ({run.data_rows:,} "
              f"{'rows' if run.task == 'forecast' else 'characters'}), {run.status}")
        if run.message:
            print(run.message)
        if run.note:
            print(f"note: {run.note}")
        print("settings: " + json.dumps(run.config, default=str))
        if run.metrics:
            print("scores: " + json.dumps(run.metrics, default=str))
        number = lambda v: "n/a" if v is None else f"{v:.5g}"
        for h in store.history(run.id):
            print(f"  epoch {h.epoch:>4}  train {number(h.train_loss)}  val {number(h.val_loss)}")
    elif args.action == "export":
        args.out.write_bytes(export_bundle(store, args.run_id))
        print(f"Run {args.run_id} written to {args.out}")
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
