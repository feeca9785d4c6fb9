"""The command line: ``python -m lstm_app forecast DATA.csv …``, ``text CORPUS.txt …`` and ``runs …``.

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

from .series.loading import load_series
from .series.evaluation import coverage_note
from .series.metrics import NEAR_ZERO
from .series.pipeline import ForecastConfig, ForecastResult, run_forecast, to_report
from .runs.commands import add_runs_command, run_runs_command
from .runs.recording import record_forecast, record_text, start_forecast_run, start_text_run
from .runs.store import RunStore
from .text.corpus import read_text
from .text.pipeline import TextConfig, run_text
from .text.pipeline import to_report as text_report
from .training.trainer import Progress

EXIT_BAD_INPUT = 2
SAVE_RUN_HELP = ("save the run (data, weights, history, report) in the run store, "
                 "$LSTM_APP_HOME or ./lstm_runs, where the app's Runs page shows it")


def _int_or_auto(text: str) -> int | str:
    if text == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'auto', got '{text}'")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _size(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction below 1 or a number of rows, got '{text}'")
    if value <= 0 or (value >= 1 and not value.is_integer()):
        raise argparse.ArgumentTypeError(f"expected a fraction below 1 or a whole number of rows, got '{text}'")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lstm_app",
                                     description="Train LSTMs on your own data.")
    commands = parser.add_subparsers(dest="command", required=True)
    f = commands.add_parser("forecast", help="train an LSTM forecaster on a CSV time series")
    d = ForecastConfig()
    f.add_argument("data", help="the CSV file")
    f.add_argument("--time-col", help="the date/time column (default: detected)")
    f.add_argument("--value-col", help="the column to forecast (default: the right-most numeric one)")
    f.add_argument("--covariates", default="", help="extra input columns, comma-separated")
    f.add_argument("--lookback", type=_int_or_auto, default=d.lookback)
    f.add_argument("--horizon", type=_int_or_auto, default=d.horizon)
    f.add_argument("--hidden-size", type=int, default=d.hidden_size)
    f.add_argument("--num-layers", type=int, default=d.num_layers)
    f.add_argument("--dropout", type=float, default=d.dropout)
    f.add_argument("--cell", choices=("lstm", "gru"), default=d.cell)
    f.add_argument("--epochs", type=int, default=d.epochs)
    f.add_argument("--batch-size", type=int, default=d.batch_size)
    f.add_argument("--lr", type=float, default=d.lr)
    f.add_argument("--patience", type=int, default=d.patience)
    f.add_argument("--seed", type=int, default=d.seed)
    f.add_argument("--val-size", type=_size, default=d.val_size)
    f.add_argument("--test-size", type=_size, default=d.test_size)
    f.add_argument("--stride", type=int, default=d.stride)
    f.add_argument("--out", type=Path, help="write the forecast here (CSV)")
    f.add_argument("--report", type=Path, help="write the full report here (JSON)")
    f.add_argument("--quiet", action="store_true", help="no progress bar")
    f.add_argument("--save-run", action="store_true", help=SAVE_RUN_HELP)
    _add_text_command(commands)
    add_runs_command(commands)
    return parser


def _add_text_command(commands) -> None:
    t = commands.add_parser("text", help="train an LSTM language model on a text file")
    d = TextConfig()
    t.add_argument("corpus", help="the text file (UTF-8 preferred)")
    t.add_argument("--level", choices=("char", "word"), default=d.level)
    for name in ("seq_len", "embedding_dim", "hidden_size", "num_layers", "batch_size", "epochs",
                 "seed", "length", "top_k"):
        t.add_argument("--" + name.replace("_", "-"), type=int, default=getattr(d, name))
    for name in ("dropout", "lr", "minutes", "temperature", "top_p"):
        t.add_argument("--" + name.replace("_", "-"), type=float, default=getattr(d, name))
    t.add_argument("--cell", choices=("lstm", "gru"), default=d.cell)
    t.add_argument("--prompt", default=d.prompt, help="the sample starts with this text")
    t.add_argument("--keep-last", dest="keep_best", action="store_false",
                   help="keep the last epoch's weights, not the best validation epoch's "
                        "(for tiny texts learnt by heart)")
    t.add_argument("--report", type=Path, help="write the full report here (JSON)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("--save-run", action="store_true", help=SAVE_RUN_HELP)


def config_from_args(args: argparse.Namespace) -> ForecastConfig:
    covariates = tuple(c.strip() for c in args.covariates.split(",") if c.strip())
    config = ForecastConfig(
        time_col=args.time_col, value_col=args.value_col, covariates=covariates,
        lookback=args.lookback, horizon=args.horizon, hidden_size=args.hidden_size,
        num_layers=args.num_layers, dropout=args.dropout, cell=args.cell, epochs=args.epochs,
        batch_size=args.batch_size, lr=args.lr, patience=args.patience, seed=args.seed,
        val_size=args.val_size, test_size=args.test_size, stride=args.stride)
    check_config(config)
    return config


def check_config(config: ForecastConfig) -> None:
    """Refuse settings that cannot train, with a sentence that says what to change."""
    rules = [
        (config.hidden_size >= 1, "The number of hidden units must be at least 1."),
        (config.num_layers >= 1, "The number of layers must be at least 1."),
        (0 <= config.dropout < 1, "Dropout must be between 0 and 1 (for example 0.1)."),
        (config.epochs >= 1, "The number of epochs must be at least 1."),
        (config.batch_size >= 1, "The batch size must be at least 1."),
        (config.lr > 0, "The learning rate must be above 0 (for example 0.001)."),
        (config.patience >= 0, "Patience must be 0 (off) or more epochs."),
        (config.stride >= 1, "The stride between backtest origins must be at least 1."),
    ]
    for ok, message in rules:
        if not ok:
            raise ValueError(message)


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
    rows = [("LSTM", result.test)] + [(name.replace("_", " "), row)
                                      for name, row in result.baselines.items()]
    for name, row in rows:
        lines.append(f"{name:16}{fmt(row['mae']):>10}{fmt(row['rmse']):>10}{fmt(row['mape']):>10}"
                     f"{fmt(row['smape']):>10}{fmt(row['mase']):>8}")
    if result.test["mape"] is None:
        lines.append(f"MAPE is undefined: some actual values are zero or within {NEAR_ZERO:.0%} "
                     f"of zero relative to their mean size.")
    cov = result.interval_coverage
    lines.append(f"Interval coverage on the test span: 80% → {cov['80']:.0%}, 95% → {cov['95']:.0%}")
    note = coverage_note(cov)
    if note:
        lines.append(note)
    lines.append(result.training.message)
    lines.append(result.verdict)
    return "\n".join(lines)


def run_forecast_command(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    series = load_series(args.data, time_col=config.time_col, value_col=config.value_col,
                         covariates=config.covariates)
    for notice in series.notices:
        print(f"note: {notice}", file=sys.stderr)
    if args.save_run:
        store = RunStore()
        run_id = start_forecast_run(store, series, config, name=Path(args.data).name)
        train = lambda bar, stop: record_forecast(store.home, run_id, series, config,
                                                  on_progress=bar, stop_event=stop)
    else:
        train = lambda bar, stop: run_forecast(series, config, on_progress=bar, stop_event=stop)
    result = _with_progress(args.quiet, train)
    print(results_table(result))
    if args.save_run:
        print(f"Saved as run {run_id} in {store.home} (python -m lstm_app runs show {run_id}).")
    if args.out:
        result.forecast.to_csv(args.out, index=False)
        print(f"Forecast written to {args.out}")
    if args.report:
        args.report.write_text(json.dumps(to_report(result), indent=2, default=str))
        print(f"Report written to {args.report}")
    return 0


def run_text_command(args: argparse.Namespace) -> int:
    fields = {f for f in TextConfig.__dataclass_fields__} & set(vars(args))
    config = TextConfig(**{name: getattr(args, name) for name in fields})
    check_text_config(config)
    text, notices = read_text(args.corpus)
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)
    if args.save_run:
        store = RunStore()
        run_id = start_text_run(store, text, Path(args.corpus).name, config,
                                Path(args.corpus).name)
        train = lambda bar, stop: record_text(store.home, run_id, text, config, on_progress=bar,
                                              stop_event=stop)
    else:
        train = lambda bar, stop: run_text(text, config, on_progress=bar, stop_event=stop)
    result = _with_progress(args.quiet, train)
    for notice in result.notices:
        print(f"note: {notice}", file=sys.stderr)
    m = result.sample["memorization"]
    print(f"validation loss {result.val_loss:.4f} nats per {result.config.level}, perplexity "
          f"{result.perplexity:.2f}, {result.bits_per_char:.3f} bits per character, "
          f"{result.tokens_per_second:,.0f} tokens/s")
    print(result.training.message)
    print("--- sample ---")
    print(result.sample["text"])
    print(f"--- {m['copied_ngram_share']:.0%} of its {m['ngram']}-character pieces occur in the "
          f"training text; the longest copied passage has {m['longest_chars']} characters")
    if args.report:
        args.report.write_text(json.dumps(text_report(result), indent=2, ensure_ascii=False,
                                          default=str))
        print(f"Report written to {args.report}")
    if args.save_run:
        print(f"Saved as run {run_id} in {store.home} (python -m lstm_app runs show {run_id}).")
    return 0


def check_text_config(config: TextConfig) -> None:
    rules = [
        (config.seq_len >= 1, "The sequence length must be at least 1."),
        (config.hidden_size >= 1 and config.embedding_dim >= 1,
         "The hidden size and the embedding size must be at least 1."),
        (config.num_layers >= 1, "The number of layers must be at least 1."),
        (0 <= config.dropout < 1, "Dropout must be between 0 and 1 (for example 0.1)."),
        (config.batch_size >= 1, "The batch size (parallel streams) must be at least 1."),
        (config.lr > 0, "The learning rate must be above 0 (for example 0.002)."),
        (config.epochs >= 1, "The number of epochs must be at least 1."),
        (config.minutes >= 0, "The time budget in minutes cannot be negative."),
        (config.length >= 0, "The sample length cannot be negative."),
        (config.temperature >= 0, "The temperature cannot be negative (0 means greedy)."),
        (0 < config.top_p <= 1, "top-p must be above 0 and at most 1."),
        (config.top_k >= 0, "top-k must be 0 (off) or more."),
    ]
    for ok, message in rules:
        if not ok:
            raise ValueError(message)


def _with_progress(quiet: bool, train):
    """Run ``train(bar, stop)`` with a progress bar; the first Ctrl-C stops, a second aborts."""
    stop = threading.Event()
    bar = None if quiet else ProgressBar()

    def on_sigint(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\nStopping after this batch (press Ctrl-C again to abort)…", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        return train(bar, stop)
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
        if args.command == "runs":
            return run_runs_command(args)
    except (ValueError, OSError) as error:
        message = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        if isinstance(error, FileNotFoundError):
            message = f"There is no file at '{error.filename}'; check the path."
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\nAborted.", file=sys.stderr)
        return 130
    return 1
