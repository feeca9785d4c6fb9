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
import difflib
import json
import sys
from pathlib import Path

from .argparse_words import Parser, argparse_in_language
from .cli_options import (add_future_option, add_ray_option, add_settings, cluster_runner,
                          given_settings, suggested_note)
from .cli_progress import with_progress
from .i18n import N_, joined, listing, tr, trn
from .export.commands import add_predict_command, run_predict_command
from .file_checks import (check_apart, check_outside, check_writable, default_home, ended_early,
                          error_sentence, output_path, write_output)
from .quoting import cut, ljust, printable, printable_lines, quoted, rjust, spreadsheet_csv
from .runs.commands import add_runs_command, run_runs_command
from .tuning.commands import add_tune_command, run_tune_command, task_named_in
from .runs.recording import fit_and_score, record, run_with, start_run
from .runs.store import RunStore
from .series.ahead import what_if_of
from .series.evaluation import coverage_note
from .series.frequency import frequency_words
from .series.future_file import check_future_option, with_future
from .series.loading import load_series
from .series.metrics import NEAR_ZERO
from .series.panel import load_panel
from .series.panel_results import panel_download
from .series.pipeline import ForecastResult, with_method
from .tasks import CLASSIFY, FORECAST, PANEL, TEXT, Task
from .text.corpus import read_text
from .series.sizing import suggested_config as suggested_forecast
from .series.statistical import STATISTICAL
from .text.scoring import TOO_FEW_TO_SCORE
from .text.sizing import SUGGESTED as SUGGESTED_FOR_TEXT
from .text.sizing import suggested_config
from .classify.labelled import load_labelled
from .classify.scores import BASELINE_NAMES
from .classify.tokens import choose_level
from .classify.settings import CLASSIFY_SETTINGS

EXIT_BAD_INPUT = 2
SUGGESTED_FOR_SERIES = ("hidden_size", "lookback", "horizon")
SAVE_RUN_HELP = N_("save the run (data, weights, history, report) in the run store, "
                   "{variable} or {folder}, where the app's Runs page shows it")
RULES = {"naive": N_("naive"), "seasonal_naive": N_("seasonal naive"), "drift": N_("drift"),
         "combination": N_("combination")}  # as the tables name them (the models: by name)
CLASSIFY_BASELINES = {"majority": N_("always the most common class"),  # classify.scores's names
                      "tfidf_logreg": N_("TF-IDF with logistic regression")}


def build_parser(tune_task: str = "forecast") -> argparse.ArgumentParser:
    """The command line's parser, its words in the reader's language (build it, and parse,
    inside ``argparse_in_language()`` for argparse's own words to be too); ``tune`` takes the
    settings of ``tune_task`` (what ``--task`` names)."""
    parser = Parser(prog="python -m lstm_app", description=tr("Train LSTMs on your own data."))
    commands = parser.add_subparsers(dest="command", required=True)
    f = commands.add_parser("forecast", help=tr("train an LSTM forecaster on a CSV time series"))
    f.add_argument("data", help=tr("the CSV file"))
    add_settings(f, FORECAST.settings, FORECAST.config(), SUGGESTED_FOR_SERIES)
    f.add_argument("--out", type=output_path, help=tr("write the forecast here (CSV)"))
    add_future_option(f)
    t = commands.add_parser("text", help=tr("train an LSTM language model on a text file"))
    t.add_argument("corpus", help=tr("the text file (UTF-8 preferred)"))
    add_settings(t, TEXT.settings, TEXT.config(), SUGGESTED_FOR_TEXT)
    c = commands.add_parser("classify",
                            help=tr("train an LSTM classifier on labelled texts (CSV)"))
    c.add_argument("data", help=tr("the CSV or TSV file: a column of texts, a column of labels"))
    add_settings(c, CLASSIFY_SETTINGS, CLASSIFY.config())
    for p in (f, t, c):
        p.add_argument("--report", type=output_path, help=tr("write the full report here (JSON)"))
        p.add_argument("--quiet", action="store_true", help=tr("no progress bar"))
        p.add_argument("--save-run", action="store_true",
                       help=tr(SAVE_RUN_HELP, variable="$LSTM_APP_HOME", folder="./lstm_runs"))
        add_ray_option(p)
    add_runs_command(commands)
    add_predict_command(commands)
    add_tune_command(commands, tune_task)
    return parser


def _method(name: str) -> str:
    """A method's name in the tables: the statistical models' and the LSTM's as they are, the
    rules' in the reader's language."""
    if name in RULES:
        return tr(RULES[name])
    return {"lstm": "LSTM", **STATISTICAL}.get(name, name.replace("_", " "))


def results_table(result: ForecastResult) -> str:
    """The short table printed at the end: the LSTM against the baselines on the test span."""
    fmt = lambda v: tr("n/a") if v is None else f"{v:.4g}"
    cells = lambda name, values: ljust(name, 16) + "".join(" " + rjust(v, 10) for v in values)
    lines = [cells("", ("MAE", "RMSE", "MAPE %", "sMAPE %", "MASE"))]
    rows = [("LSTM", result.test)] + [(_method(name), row)
                                      for name, row in result.baselines.items()]
    for name, row in rows:  # a space before each cell: a wide number never runs into the next
        lines.append(cells(name, [fmt(v) for v in (row.mae, row.rmse, row.mape, row.smape,
                                                   row.mase)]))
    if result.test.mape is None:
        lines.append(tr("MAPE is undefined: some actual values are zero or within {share:.0%} "
                        "of zero relative to their mean size.", share=NEAR_ZERO))
    cov = result.interval_coverage
    lines.append(tr("Interval coverage on the test span: 80% → {c80:.0%}, 95% → {c95:.0%}",
                    c80=cov["80"], c95=cov["95"]))
    note = coverage_note(cov)
    if note:
        lines.append(note)
    lines.append(result.training.message)
    lines.append(printable(result.verdict))
    return "\n".join(lines)


def run_forecast_command(args: argparse.Namespace) -> int:
    given = given_settings(args, FORECAST.settings)
    columns = FORECAST.config(**given)  # the settings checked before the file is read
    check_future_option(columns, "--future", args.future)
    if columns.panel:
        return run_panel_command(args, given)
    series = load_series(args.data, time_col=columns.time_col, value_col=columns.value_col,
                         covariates=columns.covariates)
    if args.future:
        series = with_future(args.future, series, known=columns.known_covariates)
    for notice in series.notices:
        print(tr("note: {notice}", notice=printable(notice)), file=sys.stderr)
    print(tr("{count:,} values, {spacing}; forecasting {column}.", count=len(series.frame),
             spacing=frequency_words(series.freq_label),
             column=printable(quoted(series.value_col))))
    config = suggested_note(suggested_forecast(series, given), FORECAST,
                            N_("note: suggested for this series: {settings}"))
    result = _train(args, FORECAST, series, config, Path(args.data).name)
    for notice in [*result.notices[len(series.notices):],  # what training and scoring found
                   *what_if_of(result).beyond(result.known, edited_only=False)]:  # planned guesses
        print(tr("note: {notice}", notice=printable(notice)), file=sys.stderr)
    print(results_table(result))
    if args.out:
        write_output(args.out, spreadsheet_csv(with_method(result, result.recommended)))
        print(tr("Forecast written to {path}", path=printable(args.out)))
    _write_report(args, FORECAST, result)
    return 0


def run_panel_command(args: argparse.Namespace, given: dict) -> int:
    """A file of many series (``--id-col`` or ``--wide``): one LSTM for all of them."""
    config = FORECAST.config(**given)
    panel = load_panel(args.data, layout="wide" if config.wide else "long",
                       id_cols=config.id_col or None, time_col=config.time_col,
                       value_col=config.value_col, covariates=config.covariates)
    for notice in panel.notices:
        print(tr("note: {notice}", notice=printable(notice)), file=sys.stderr)
    values = dict(count=panel.n_series, spacing=frequency_words(panel.freq_label),
                  shortest=int(panel.lengths.min()), longest=int(panel.lengths.max()))
    print(tr("{count:,} series, {spacing}, {shortest:,} to {longest:,} values each.", **values)
          if values["shortest"] < values["longest"] else
          tr("{count:,} series, {spacing}, {longest:,} values each.", **values))
    config = suggested_note(suggested_forecast(panel, given), PANEL,
                        N_("note: suggested for these series: {settings}"))
    result = _train(args, PANEL, panel, config, Path(args.data).name)
    for notice in result.notices[len(panel.notices):]:
        print(tr("note: {notice}", notice=printable(notice)), file=sys.stderr)
    print(panel_table(result))
    if args.out:
        write_output(args.out, spreadsheet_csv(panel_download(result, result.recommended)))
        print(tr("Forecasts for every series written to {path}", path=printable(args.out)))
    _write_report(args, PANEL, result)
    return 0


def panel_table(result) -> str:
    """The panel's scores per method, its worst series, and the verdict."""
    fmt = lambda v: tr("n/a") if v is None else f"{v:.3f}"
    summary = result.aggregate
    mean, relative = tr("mean MASE"), tr("rel. MASE")
    lines = [f"{'':16}{rjust(mean, 11)}{rjust(relative, 11)}{'sMAPE %':>9}   "
             + tr("beats {method} on", method=_method(summary["reference"]))]
    for name in ("lstm", "naive", "seasonal_naive", "drift", *STATISTICAL, "combination"):
        if name in summary:
            row = summary[name]
            lines.append(f"{ljust(_method(name), 16)}"
                         f"{rjust(fmt(row['mase']), 11)}{rjust(fmt(row['relative_mase']), 11)}"
                         f"{rjust(fmt(row['smape']), 9)}   "
                         + tr("{beats:,} of {count:,} series", beats=row["beats_reference"],
                              count=summary["series"]))
    left = summary["series"] - summary.get("scored", summary["series"])
    if left:
        lines.append(trn("The mean MASE leaves out {count:,} series that never changed in "
                         "training (it has no MASE).", "The mean MASE leaves out {count:,} "
                         "series that never changed in training (they have no MASE).", left))
    worst = result.series.dropna(subset=["lstm_mase"]).nlargest(5, "lstm_mase")
    if len(worst):
        lines.append(tr("Worst series (LSTM MASE): {series}", series=listing(
            f"{cut(row.id)} {row.lstm_mase:.2f}" for row in worst.itertuples())))
    cov = result.coverage
    if cov.get("80") is not None:
        lines.append(tr("Interval coverage on the test span, pooled: 80% → {c80:.0%}, "
                        "95% → {c95:.0%}", c80=cov["80"], c95=cov["95"]))
    lines += [result.trained.training.message, result.verdict]
    return "\n".join(lines)


def run_text_command(args: argparse.Namespace) -> int:
    given = given_settings(args, TEXT.settings)
    text, notices = read_text(args.corpus)
    for notice in notices:
        print(tr("note: {notice}", notice=notice), file=sys.stderr)
    config = suggested_note(suggested_config(text, given), TEXT,
                        N_("note: suggested for this text's size: {settings}"))
    result = _train(args, TEXT, text, config, Path(args.corpus).name)
    for notice in result.notices:
        print(tr("note: {notice}", notice=notice), file=sys.stderr)
    m = result.memorization
    scores = dict(loss=result.val_loss, perplexity=result.perplexity,
                  bits=result.bits_per_char, speed=result.tokens_per_second)
    if result.counts.scored_tokens < TOO_FEW_TO_SCORE:  # as the page: no score, the reason
        print(printable(result.verdict))
    elif result.config.level == "word":
        print(tr("validation loss {loss:.4f} nats per token, perplexity {perplexity:.2f}, "
                 "{bits:.3f} bits per character, {speed:,.0f} tokens/s", **scores))
    elif result.config.level == "char":
        print(tr("validation loss {loss:.4f} nats per char, perplexity {perplexity:.2f}, "
                 "{bits:.3f} bits per character, {speed:,.0f} tokens/s", **scores))
    else:
        print(f"validation loss {result.val_loss:.4f} nats per {result.config.level}, "
              f"perplexity {result.perplexity:.2f}, {result.bits_per_char:.3f} bits per "
              f"character, {result.tokens_per_second:,.0f} tokens/s")
    print(result.training.message)
    print(tr("--- sample ---"))
    print(printable_lines(result.sample))
    if len(result.sample) - len(result.prompt) < m.ngram:  # not one piece to look for
        print(tr("--- the sample is too short to look for copying: it writes fewer than {size} "
                 "characters after the prompt", size=m.ngram))
    else:
        print(tr("--- {share:.0%} of its {size}-character pieces occur in the training text; "
                 "the longest copied passage has {longest} characters",
                 share=m.copied_ngram_share, size=m.ngram, longest=m.longest_chars))
    _write_report(args, TEXT, result)
    return 0


CLASSES_LISTED = 10  # the commonest classes the first line names; the rest counted


def _class_counts(classes, counts) -> str:
    """"good 400, bad 120" for the first line: the commonest ``CLASSES_LISTED`` classes, then
    how many more (500 classes made a line of 30,000 characters)."""
    order = sorted(range(len(classes)), key=lambda i: -int(counts[i]))  # stable: file order
    named = listing(f"{cut(classes[i], 40)} {int(counts[i]):,}" for i in order[:CLASSES_LISTED])
    more = len(classes) - CLASSES_LISTED
    return tr("{names} and {more} more", names=named, more=more) if more > 0 else named


def run_classify_command(args: argparse.Namespace) -> int:
    config = CLASSIFY.config(**given_settings(args, CLASSIFY_SETTINGS))
    data = load_labelled(Path(args.data), text_col=config.text_col, label_col=config.label_col)
    print(tr("{name}: {texts:,} texts in {classes} classes ({counts}); texts from {text_col}, "
             "labels from {label_col}.", name=printable(data.name), texts=len(data.texts),
             classes=len(data.classes),
             counts=_class_counts(data.classes, data.counts),
             text_col=quoted(data.text_col), label_col=quoted(data.label_col)))
    if config.level == "auto":  # said before training: a wrong guess is seen at once
        level = choose_level(data.texts)
        print(tr("Read by character (chosen from the texts; {option} reads by word).",
                 option="--level word") if level == "char" else
              tr("Read by word (chosen from the texts; {option} reads by character).",
                 option="--level char"))
    result = _train(args, CLASSIFY, data, config, data.name)
    for notice in result.notices:
        print(tr("note: {notice}", notice=printable(notice)), file=sys.stderr)
    print(classify_table(result))
    _write_report(args, CLASSIFY, result)
    return 0


def classify_table(result) -> str:
    """The classifier against the baselines on the test texts, each class, and the verdict."""
    name = lambda key: tr(CLASSIFY_BASELINES[key]) if key in CLASSIFY_BASELINES else \
        BASELINE_NAMES[key]
    accuracy, macro_f1 = tr("accuracy"), tr("macro-F1")
    label, precision, recall, texts = tr("class"), tr("precision"), tr("recall"), tr("texts")
    lines = [f"{'':34}{rjust(accuracy, 10)}{rjust(macro_f1, 10)}",
             f"{'LSTM':34}{result.test.accuracy:>10.3f}{result.test.macro_f1:>10.3f}"]
    lines += [f"{ljust(name(key), 34)}{row.accuracy:>10.3f}{row.macro_f1:>10.3f}"
              for key, row in result.baselines.items()]
    lines.append(f"{ljust(label, 34)}{rjust(precision, 10)}{rjust(recall, 10)}{'F1':>8}"
                 f"{rjust(texts, 8)}")
    scored = lambda c, key, width: (f"{c[key]:>{width}.3f}" if c["texts"] else
                                    f"{'—':>{width}}")  # no test text: nothing to score
    lines += [f"{ljust(cut(c['class'], 33), 34)}{scored(c, 'precision', 10)}"
              f"{scored(c, 'recall', 10)}{scored(c, 'f1', 8)}{c['texts']:>8,}"
              for c in result.per_class]
    lines.append(result.training.message)
    lines.append(printable(result.verdict))
    return "\n".join(lines)


def _train(args: argparse.Namespace, task: Task, data, config, name: str):
    """Fit and score with a progress bar, here or on a Ray cluster (``--ray``); with
    --save-run, recorded as a run."""
    runner = args.runner
    if not args.save_run:
        return with_progress(args.quiet, lambda callbacks: run_with(
            runner, fit_and_score, callbacks, task.name, data, config)[1])
    task.check(data, task.resolve(data, config))  # said before a run is saved, not by a failed one
    store = RunStore()
    run_id = start_run(store, task.name, data, config, name, name)
    result = with_progress(args.quiet, lambda callbacks: record(
        store.home, run_id, task.name, data, config, callbacks, runner=runner))
    show = "python -m lstm_app runs show " + run_id
    args.saved = tr("Saved as run {run_id} in {home} ({command}).", run_id=run_id,
                    home=store.home, command=show)  # said last, by main
    return result


def _write_report(args: argparse.Namespace, task: Task, result) -> None:
    if args.report:
        write_output(args.report, json.dumps(task.report(result), indent=2, ensure_ascii=False,
                                             default=str))
        print(tr("Report written to {path}", path=printable(args.report)))


def refuse_unknown(parser: argparse.ArgumentParser, args: argparse.Namespace,
                   extra: list[str]) -> None:
    """argparse's refusal of arguments it does not know, from the command's own parser (its
    usage, not the top-level one: ``runs list``'s for runs list) and naming the option meant
    where one of that parser's is close ("--horizn": did you mean --horizon?). Exits."""
    sub = parser
    for name in ("command", "action"):  # down to the parser that read the arguments
        commands = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        if commands and getattr(args, name, None) in commands[0].choices:
            sub = commands[0].choices[getattr(args, name)]
    known = [o for a in sub._actions for o in a.option_strings]
    close = [m for word in extra if word.startswith("--") for m in
             difflib.get_close_matches(word.split("=")[0], known, n=1, cutoff=0.75)
             if m != word.split("=")[0]]
    if close:
        sub.error(tr("unrecognized arguments: {arguments}; did you mean {options}?",
                     arguments=" ".join(extra), options=joined(dict.fromkeys(close), "or")))
    sub.error(argparse._("unrecognized arguments: %s") % " ".join(extra))


def main(argv: list[str] | None = None) -> int:
    with argparse_in_language():
        parser = build_parser(task_named_in(sys.argv[1:] if argv is None else argv))
        args, extra = parser.parse_known_args(argv)
        if extra:
            refuse_unknown(parser, args, extra)
    try:
        # The files these write, checked before any work (predict: its own main)
        outputs = {"--out": getattr(args, "out", None), "--report": getattr(args, "report", None)}
        if args.command == "runs" and args.action in ("export", "export-csv"):
            check_writable(args.out)  # (export-onnx's is a folder, made before any work)
        if args.command in ("forecast", "text", "classify", "tune", "runs"):
            check_outside(outputs, default_home())
        if args.command in ("forecast", "text", "classify", "tune"):
            for path in outputs.values():
                check_writable(path)
            check_apart(outputs, [getattr(args, read, None) for read in ("data", "corpus",
                                                                           "future")])
        # The cluster is reached (and its free CPUs said) before any data is read.
        args.runner = cluster_runner(getattr(args, "ray", None))
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
        if args.command == "tune":
            return run_tune_command(args)
    except (ValueError, OSError) as error:
        if ended_early(error):  # the reader of the output went away (| head): nothing to say
            return 1
        for notice in getattr(error, "notices", ()):  # what reading the file found: the reason
            print(tr("note: {notice}", notice=printable(notice)), file=sys.stderr)
        print(tr("error: {message}", message=error_sentence(error)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\n" + tr("Aborted."), file=sys.stderr)
        return 130
    finally:
        if getattr(args, "saved", None):  # after the notes, the scores and the files written
            try:
                print(args.saved)
            except OSError:  # the output closed early (| head): the run is saved all the same
                pass
    return 1
