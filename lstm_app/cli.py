"""The command line: ``python -m lstm_app forecast DATA.csv …``, ``text CORPUS.txt …``, ``classify
TEXTS.csv …`` and ``runs …``.

Each task's options come from its settings table (one ``--name`` per setting, with the table's
help), and a value is checked by the config the same way everywhere. Where the user gives no
value, the settings the page would suggest for the data are used, and the report names them.
Bad input exits with status 2 and one plain sentence on stderr, never a traceback. The first
Ctrl-C stops training and still scores the best weights so far; a second one aborts.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from .i18n import tr
from .export.commands import add_predict_command, run_predict_command
from .quoting import cut, error_sentence, printable, quoted, spreadsheet_csv
from .runs.commands import add_runs_command, run_runs_command
from .runs.recording import record, start_run
from .runs.store import RunStore
from .series.evaluation import coverage_note
from .series.loading import load_series, with_future
from .series.metrics import NEAR_ZERO
from .series.panel import load_panel
from .series.pipeline import ForecastResult, with_method
from .tasks import CLASSIFY, FORECAST, PANEL, TEXT, Task
from .text.corpus import read_text
from .series.sizing import suggested_config as suggested_forecast
from .series.statistical import STATISTICAL
from .text.sizing import SUGGESTED as SUGGESTED_FOR_TEXT
from .text.sizing import suggested_config
from .classify.labelled import load_labelled
from .classify.scores import BASELINE_NAMES
from .classify.settings import CLASSIFY_SETTINGS
from .training.settings import Setting
from .training.trainer import Callbacks, Progress

EXIT_BAD_INPUT = 2
SUGGESTED_FOR_SERIES = ("hidden_size", "lookback", "horizon")
SAVE_RUN_HELP = ("save the run (data, weights, history, report) in the run store, "
                 "$LSTM_APP_HOME or ./lstm_runs, where the app's Runs page shows it")


def _add_settings(parser: argparse.ArgumentParser, settings: dict[str, Setting],
                  defaults, suggested: tuple[str, ...] = ()) -> None:
    """One option per setting of a task's table (``defaults``: its default config); values stay
    text until ``given_settings``. ``suggested`` names the settings whose default is suggested
    for the data."""
    for s in settings.values():
        if not s.on_cli:
            continue
        flag = "--" + s.name.replace("_", "-")
        help = (tr("{help} (default: suggested for the data)", help=tr(s.help))
                if s.name in suggested else
                tr("{help} (default: {default})", help=tr(s.help),
                   default=_plain(getattr(defaults, s.name)))).replace("%", "%%")
        if s.kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None,
                                help=help)
        else:
            parser.add_argument(flag, default=None, metavar=_metavar(s), help=help)


def _plain(value) -> str:
    if value is None:
        return "detected"
    if isinstance(value, tuple):
        return ",".join(value) or "none"
    return "true" if value is True else "false" if value is False else f"{value}"


def _metavar(s: Setting) -> str:
    if s.choices:
        return "|".join(s.choices)
    if s.kind is tuple:
        return "C1,C2"
    word = {int: "N", float: "X", str: "TEXT"}[s.kind]
    return f"{word}|auto" if s.auto else word


def given_settings(args: argparse.Namespace, settings: dict[str, Setting]) -> dict:
    """The settings the user gave on the command line, each checked by its row of the table."""
    given = {}
    for s in settings.values():
        raw = getattr(args, s.name, None) if s.on_cli else None
        if raw is not None:
            given[s.name] = raw if s.kind is bool else s.parse(raw)
    return given


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lstm_app",
                                     description="Train LSTMs on your own data.")
    commands = parser.add_subparsers(dest="command", required=True)
    f = commands.add_parser("forecast", help="train an LSTM forecaster on a CSV time series")
    f.add_argument("data", help="the CSV file")
    _add_settings(f, FORECAST.settings, FORECAST.config(), SUGGESTED_FOR_SERIES)
    f.add_argument("--out", type=Path, help="write the forecast here (CSV)")
    f.add_argument("--future", type=Path, metavar="FUTURE.csv",
                   help="planned values of the --known-covariates columns after the last "
                        "value: a CSV with the time column and those columns")
    t = commands.add_parser("text", help="train an LSTM language model on a text file")
    t.add_argument("corpus", help="the text file (UTF-8 preferred)")
    _add_settings(t, TEXT.settings, TEXT.config(), SUGGESTED_FOR_TEXT)
    c = commands.add_parser("classify", help="train an LSTM classifier on labelled texts (CSV)")
    c.add_argument("data", help="the CSV or TSV file: a column of texts, a column of labels")
    _add_settings(c, CLASSIFY_SETTINGS, CLASSIFY.config())
    for p in (f, t, c):
        p.add_argument("--report", type=Path, help="write the full report here (JSON)")
        p.add_argument("--quiet", action="store_true", help="no progress bar")
        p.add_argument("--save-run", action="store_true", help=SAVE_RUN_HELP)
    add_runs_command(commands)
    add_predict_command(commands)
    return parser


class ProgressBar:
    """One line on stderr, redrawn in place: epoch, a bar, losses and the time left."""

    def __init__(self, stream=sys.stderr, width: int = 24):
        self.stream, self.width = stream, width

    def __call__(self, p: Progress) -> None:
        done = p.fraction_done
        filled = int(self.width * min(done, 1.0))
        left = p.elapsed / done * (1 - done) if done > 0 else 0.0
        val = f" val {p.val_loss:.4f}" if p.val_loss is not None else ""
        self.stream.write(f"\repoch {p.epoch}/{p.epochs} [{'#' * filled}{'.' * (self.width - filled)}]"
                          f" train {p.train_loss:.4f}{val}  {left:4.0f}s left ")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def results_table(result: ForecastResult) -> str:
    """The short table printed at the end: the LSTM against the baselines on the test span."""
    fmt = lambda v: "n/a" if v is None else f"{v:.4g}"
    lines = [f"{'':16}{'MAE':>10}{'RMSE':>10}{'MAPE %':>10}{'sMAPE %':>10}{'MASE':>8}"]
    rows = [("LSTM", result.test)] + [(STATISTICAL.get(name, name.replace("_", " ")), row)
                                      for name, row in result.baselines.items()]
    for name, row in rows:
        lines.append(f"{name:16}{fmt(row.mae):>10}{fmt(row.rmse):>10}{fmt(row.mape):>10}"
                     f"{fmt(row.smape):>10}{fmt(row.mase):>8}")
    if result.test.mape is None:
        lines.append(f"MAPE is undefined: some actual values are zero or within {NEAR_ZERO:.0%} "
                     f"of zero relative to their mean size.")
    cov = result.interval_coverage
    lines.append(f"Interval coverage on the test span: 80% → {cov['80']:.0%}, 95% → {cov['95']:.0%}")
    note = coverage_note(cov)
    if note:
        lines.append(note)
    lines.append(result.training.message)
    lines.append(printable(result.verdict))
    return "\n".join(lines)


def run_forecast_command(args: argparse.Namespace) -> int:
    given = given_settings(args, FORECAST.settings)
    columns = FORECAST.config(**given)  # the settings checked before the file is read
    if columns.panel:
        if args.future:
            raise ValueError("A file of planned values (--future) is read for one series, not "
                             "yet for a file of many series; leave it out.")
        return run_panel_command(args, given)
    series = load_series(args.data, time_col=columns.time_col, value_col=columns.value_col,
                         covariates=columns.covariates)
    if args.future:
        series = with_future(args.future, series)
    for notice in series.notices:
        print(f"note: {notice}", file=sys.stderr)
    config = suggested_forecast(series, given)
    result = _train(args, FORECAST, series, config, Path(args.data).name)
    print(results_table(result))
    if args.out:
        with_method(result, result.recommended).to_csv(args.out, index=False)
        print(f"Forecast written to {args.out}")
    _write_report(args, FORECAST, result)
    return 0


def run_panel_command(args: argparse.Namespace, given: dict) -> int:
    """A file of many series (``--id-col`` or ``--wide``): one LSTM for all of them."""
    config = FORECAST.config(**given)
    panel = load_panel(args.data, layout="wide" if config.wide else "long",
                       id_cols=config.id_col or None, time_col=config.time_col,
                       value_col=config.value_col, covariates=config.covariates)
    for notice in panel.notices:
        print(f"note: {printable(notice)}", file=sys.stderr)
    print(f"{panel.n_series:,} series, {panel.freq_label}, {int(panel.lengths.min()):,} to "
          f"{int(panel.lengths.max()):,} values each.")
    config = _suggested(suggested_forecast(panel, given), "these series")
    result = _train(args, PANEL, panel, config, Path(args.data).name)
    for notice in result.notices[len(panel.notices):]:
        print(f"note: {printable(notice)}", file=sys.stderr)
    print(panel_table(result))
    if args.out:
        args.out.write_text(spreadsheet_csv(result.forecast), encoding="utf-8")
        print(f"Forecasts for every series written to {printable(args.out)}")
    _write_report(args, PANEL, result)
    return 0


def panel_table(result) -> str:
    """The panel's scores per method, its worst series, and the verdict."""
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"
    summary = result.aggregate
    lines = [f"{'':16}{'mean MASE':>11}{'rel. MASE':>11}{'sMAPE %':>9}   beats "
             f"{summary['reference'].replace('_', ' ')} on"]
    for name in ("lstm", "naive", "seasonal_naive", "drift", *STATISTICAL, "combination"):
        if name in summary:
            row = summary[name]
            label = {"lstm": "LSTM", **STATISTICAL}.get(name, name.replace("_", " "))
            lines.append(f"{label:16}"
                         f"{fmt(row['mase']):>11}{fmt(row['relative_mase']):>11}"
                         f"{fmt(row['smape']):>9}   {row['beats_reference']:,} of "
                         f"{summary['series']:,} series")
    worst = result.series.dropna(subset=["lstm_mase"]).nlargest(5, "lstm_mase")
    if len(worst):
        lines.append("Worst series (LSTM MASE): " + ", ".join(
            f"{cut(row.id)} {row.lstm_mase:.2f}" for row in worst.itertuples()))
    cov = result.coverage
    if cov.get("80") is not None:
        lines.append(f"Interval coverage on the test span, pooled: 80% → {cov['80']:.0%}, "
                     f"95% → {cov['95']:.0%}")
    lines += [result.trained.training.message, result.verdict]
    return "\n".join(lines)


def run_text_command(args: argparse.Namespace) -> int:
    given = given_settings(args, TEXT.settings)
    text, notices = read_text(args.corpus)
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)
    config = _suggested(suggested_config(text, given), "this text's size")
    result = _train(args, TEXT, text, config, Path(args.corpus).name)
    for notice in result.notices:
        print(f"note: {notice}", file=sys.stderr)
    m = result.memorization
    print(f"validation loss {result.val_loss:.4f} nats per {result.config.level}, perplexity "
          f"{result.perplexity:.2f}, {result.bits_per_char:.3f} bits per character, "
          f"{result.tokens_per_second:,.0f} tokens/s")
    print(result.training.message)
    print("--- sample ---")
    print(result.sample)
    print(f"--- {m.copied_ngram_share:.0%} of its {m.ngram}-character pieces occur in the "
          f"training text; the longest copied passage has {m.longest_chars} characters")
    _write_report(args, TEXT, result)
    return 0


def run_classify_command(args: argparse.Namespace) -> int:
    config = CLASSIFY.config(**given_settings(args, CLASSIFY_SETTINGS))
    data = load_labelled(Path(args.data), text_col=config.text_col, label_col=config.label_col)
    print(f"{printable(data.name)}: {len(data.texts):,} texts in {len(data.classes)} classes "
          f"({', '.join(f'{cut(c, 40)} {n:,}' for c, n in zip(data.classes, data.counts))}); "
          f"texts from {quoted(data.text_col)}, labels from {quoted(data.label_col)}.")
    result = _train(args, CLASSIFY, data, config, data.name)
    for notice in result.notices:
        print(f"note: {printable(notice)}", file=sys.stderr)
    print(classify_table(result))
    _write_report(args, CLASSIFY, result)
    return 0


def classify_table(result) -> str:
    """The classifier against the baselines on the test texts, each class, and the verdict."""
    lines = [f"{'':34}{'accuracy':>10}{'macro-F1':>10}",
             f"{'LSTM':34}{result.test.accuracy:>10.3f}{result.test.macro_f1:>10.3f}"]
    lines += [f"{BASELINE_NAMES[name]:34}{row.accuracy:>10.3f}{row.macro_f1:>10.3f}"
              for name, row in result.baselines.items()]
    lines.append(f"{'class':34}{'precision':>10}{'recall':>10}{'F1':>8}{'texts':>8}")
    lines += [f"{cut(c['class'], 33):34}{c['precision']:>10.3f}{c['recall']:>10.3f}{c['f1']:>8.3f}"
              f"{c['texts']:>8,}" for c in result.per_class]
    lines.append(result.training.message)
    lines.append(printable(result.verdict))
    return "\n".join(lines)


def _suggested(config, what: str):
    """The config, after a note naming the settings suggested for the data (``what``)."""
    if config.suggested:
        print(f"note: suggested for {what}: "
              f"{', '.join(f'{n} {getattr(config, n)}' for n in config.suggested)}",
              file=sys.stderr)
    return config


def _train(args: argparse.Namespace, task: Task, data, config, name: str):
    """Fit and score with a progress bar; with --save-run, recorded as a run."""
    if not args.save_run:
        return _with_progress(args.quiet, lambda callbacks: task.score(
            task.fit(data, config, callbacks), data, callbacks.on_stage,
            callbacks.scoring_stop()))
    store = RunStore()
    run_id = start_run(store, task.name, data, config, name, name)
    result = _with_progress(args.quiet, lambda callbacks: record(store.home, run_id, task.name,
                                                                 data, config, callbacks))
    print(f"Saved as run {run_id} in {store.home} (python -m lstm_app runs show {run_id}).")
    return result


def _write_report(args: argparse.Namespace, task: Task, result) -> None:
    if args.report:
        args.report.write_text(json.dumps(task.report(result), indent=2, ensure_ascii=False,
                                          default=str), encoding="utf-8")
        print(f"Report written to {args.report}")


def _with_progress(quiet: bool, train):
    """Run ``train(callbacks)`` with a progress bar; the first Ctrl-C stops, a second aborts."""
    stop = threading.Event()
    bar = None if quiet else ProgressBar()

    def on_sigint(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\nStopping after this batch (press Ctrl-C again to abort)…", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        return train(Callbacks(on_progress=bar, stop_event=stop,
                               on_stage=None if quiet else lambda text: print(f"{text}…",
                                                                              file=sys.stderr)))
    finally:
        signal.signal(signal.SIGINT, previous)
        if bar:
            bar.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "forecast":
            return run_forecast_command(args)
        if args.command == "text":
            return run_text_command(args)
        if args.command == "classify":
            return run_classify_command(args)
        if args.command == "runs":
            return run_runs_command(args)
        if args.command == "predict":
            return run_predict_command(args)
    except (ValueError, OSError) as error:
        print(f"error: {error_sentence(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\nAborted.", file=sys.stderr)
        return 130
    return 1
