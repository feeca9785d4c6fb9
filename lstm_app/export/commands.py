"""``python -m lstm_app predict MODEL_DIR INPUT``: an exported model at work from a shell, with
ONNX Runtime and numpy only. ``__main__`` sends this command here before the rest of the
command line (which imports PyTorch) is loaded; bad input is one sentence and status 2, as
everywhere."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..argparse_words import Parser, argparse_in_language
from ..classify.labelled import numbers_for_texts
from ..i18n import N_, tr, trn
from ..file_checks import (check_apart, check_outside, check_writable, default_home, ended_early,
                           error_sentence, output_path, write_output)
from ..quoting import printable, quoted, spreadsheet_csv
from ..text.corpus import read_text
from .predict import (ExportedModel, far_from_training, forecast, forecast_panel, panel_for,
                      planned_guesses, series_for)
from .predict_text import classify, generate, labelled_rows, texts_of
from .manifest import FILES, lstm_not_recommended

EXIT_BAD_INPUT = 2
def add_predict_command(commands) -> None:
    p = commands.add_parser(
        "predict", help=tr("run a model exported with '{command}' (ONNX Runtime, no "
                           "PyTorch): the next horizon of a CSV series, text after a prompt, or "
                           "the labels of a CSV of texts", command="runs export-onnx"))
    p.add_argument("model_dir", type=Path, help=tr("the folder '{command}' wrote",
                                                   command="runs export-onnx"))
    p.add_argument("input", help=tr("a forecaster: the CSV series (or series, for a model of "
                                    "many); a language model: the prompt "
                                    "(or @FILE for a file's text); a classifier: the CSV of "
                                    "texts"))
    p.add_argument("--out", type=output_path, help=tr("write the forecast, text or labels here"))
    p.add_argument("--int8", action="store_true", help=tr("use the INT8 model of the export"))
    p.add_argument("--future", type=Path, metavar="FUTURE.csv",
                   help=tr("a forecaster with known-ahead inputs: their planned values"))
    p.add_argument("--length", type=int,
                   help=tr("a language model: tokens to write"))
    p.add_argument("--temperature", type=float,
                   help=tr("a language model: 0 always takes the likeliest token"))
    p.add_argument("--top-k", type=int,
                   help=tr("a language model: sample from the k likeliest tokens only (0: all)"))
    p.add_argument("--seed", type=int, default=None,
                   help=tr("a language model: the sampling seed"))
    p.add_argument("--text-col", help=tr("a classifier: the column of texts (default: the one "
                                         "it trained on, if the file has it)"))


# The options only some models read (their destination: option, tasks); given to another model
# they are refused, not ignored. The language model's own defaults are applied where it reads them.
ONLY_FOR = {"future": ("--future", ("forecast", "panel")),  # a panel says why itself
            "length": ("--length", ("text",)), "temperature": ("--temperature", ("text",)),
            "top_k": ("--top-k", ("text",)), "seed": ("--seed", ("text",)),
            "text_col": ("--text-col", ("classify",))}
TEXT_DEFAULTS = {"length": 200, "temperature": 0.8, "top_k": 0}
KINDS = {"forecast": N_("a forecaster"), "panel": N_("a forecaster of many series"),
         "text": N_("a language model"), "classify": N_("a classifier")}


def _refuse_unread(args: argparse.Namespace, task: str) -> None:
    unread = [option for dest, (option, tasks) in ONLY_FOR.items()
              if getattr(args, dest, None) is not None and task not in tasks]
    if unread and task in KINDS:
        raise ValueError(trn("This model is {kind}, which does not read {options}: leave it "
                             "out.", "This model is {kind}, which does not read {options}: leave "
                             "them out.", len(unread), kind=tr(KINDS[task]),
                             options=", ".join(unread)))


def _check_output(args: argparse.Namespace) -> None:
    """--out, before any work: outside the run store (not over a saved run or its database),
    writable, and none of the files the command reads."""
    check_outside({"--out": args.out}, default_home())
    check_writable(args.out)
    check_apart({"--out": args.out}, [  # what it reads: the input (a prompt's @FILE), the export
        args.input, args.input[1:] if args.input.startswith("@") else None, args.future,
        *(Path(args.model_dir) / name for name in FILES)])


def run_predict_command(args: argparse.Namespace) -> int:
    _check_output(args)
    model = ExportedModel.open(args.model_dir, args.int8)
    _refuse_unread(args, model.task)
    for dest, default in TEXT_DEFAULTS.items():
        if getattr(args, dest) is None:
            setattr(args, dest, default)
    if model.task == "forecast":
        series = series_for(model, args.input, args.future)
        table = forecast(model, series)  # a plan it refuses is said before any note on it
        _notes(*series.notices, far_from_training(model, series),
               *planned_guesses(model, series), lstm_not_recommended(model.manifest))
        _write(args.out, spreadsheet_csv(table),
               N_("Forecast written to {path}"))
    elif model.task == "panel":
        if args.future:
            raise ValueError(tr("A model of many series reads its plan from the input file "
                                "itself (the rows after each series' last value, the value "
                                "blank); leave {option} out.", option="--future"))
        panel = panel_for(model, args.input)
        table, notices = forecast_panel(model, panel)
        _notes(*panel.notices, *notices, lstm_not_recommended(model.manifest))
        _write(args.out, spreadsheet_csv(table),
               N_("Forecasts for every series written to {path}"))
    elif model.task == "text":
        if not 1 <= args.length <= 100_000:
            raise ValueError(tr("{option} must be between 1 and 100,000 tokens.",
                                option="--length"))
        _check_sampling(args.temperature, args.top_k, args.seed)
        prompt = read_text(Path(args.input[1:]))[0] if args.input.startswith("@") else args.input
        if not args.input.startswith("@") and _names_a_file(args.input):
            _notes(tr("The prompt is the words {prompt}; to continue the text of that file, "
                      "write {option}.", prompt=quoted(args.input), option="@" + args.input))
        _write(args.out, generate(model, prompt, args.length, args.temperature, args.top_k,
                                  args.seed), N_("Text written to {path}"))
    else:
        _label(model, args)
    return 0


def _label(model: ExportedModel, args: argparse.Namespace) -> None:
    """predict for a classifier: each row's label and class probabilities, with notes on how
    its texts were read."""
    trained_col = model.manifest["settings"].get("text_col")
    notices: list[str] = []
    table, column = texts_of(args.input, args.text_col, trained_col, notices)
    if args.text_col is None and trained_col and column != trained_col:
        notices.append(tr(
            "The file has no column {trained} (the one the model learnt from), so the texts "
            "were read from {column}, the column of longest cells; give {option} to choose "
            "another.", trained=quoted(trained_col), column=quoted(column),
            option="--text-col"))
    if (args.text_col is None and column != trained_col and table.shape[1] == 1
            and (len(column.split()) > 1 or len(column) > 30)):  # a name that reads as a text
        notices.append(tr(
            "The file's first row, {column}, was read as its column's name, not as a text "
            "to label: if the file has no row of names, add one (such as text) and run it "
            "again.", column=quoted(column)))
    texts = table[column].fillna("").astype(str)
    texts = texts[texts.str.strip() != ""]
    notices += numbers_for_texts(texts, column)
    probs = classify(model, texts.tolist())
    table, blank = labelled_rows(table, column, probs, model.manifest["classes"])
    if blank:
        notices.append(trn("{count:,} text is blank: its label is left empty.",
                           "{count:,} texts are blank: their labels are left empty.",
                           blank))
    _notes(*notices)
    _write(args.out, spreadsheet_csv(table), N_("Labels written to {path}"))


def _names_a_file(prompt: str) -> bool:
    """Whether a prompt is also the path of a file (a long prompt is no path: asking raised)."""
    try:
        return Path(prompt).is_file()
    except (OSError, ValueError):
        return False


def _notes(*notices: str) -> None:
    """What reading the input repaired, left out or doubts, a line each on stderr."""
    for notice in notices:
        if notice:
            print(tr("note: {notice}", notice=printable(notice)), file=sys.stderr)


# The text task's bounds for sampling (text/settings.py, which this command may not import:
# it runs without PyTorch); a test pins them to that table.
TEMPERATURE_RANGE, TOP_K_RANGE, SEED_RANGE = (0.0, 5.0), (0, 200_000), (0, 2**31 - 1)


def _check_sampling(temperature: float, top_k: int, seed: int | None = None) -> None:
    """Refuse a temperature, top-k or seed the Text page and the ``text`` command refuse
    too."""
    low, high = TEMPERATURE_RANGE
    if not (math.isfinite(temperature) and low <= temperature <= high):
        raise ValueError(tr("{setting} must be a number from {low} to {high}.",
                            setting="--temperature", low=f"{low:g}", high=f"{high:g}"))
    low, high = TOP_K_RANGE
    if not low <= top_k <= high:
        raise ValueError(tr("{setting} must be a whole number from {low} to {high}.",
                            setting="--top-k", low=f"{low:,}", high=f"{high:,}"))
    low, high = SEED_RANGE
    if seed is not None and not low <= seed <= high:
        raise ValueError(tr("{setting} must be a whole number from {low} to {high}.",
                            setting="--seed", low=f"{low:,}", high=f"{high:,}"))


def _write(out: Path | None, text: str, written: str) -> None:
    """To the file ``out`` as it is, then the sentence ``written`` (a catalog sentence with a
    {path}); to the terminal without the control characters a terminal would obey (line breaks
    kept)."""
    if out is None:  # a screen or a pipe: without the byte-order mark a spreadsheet needs
        lines = text.removeprefix("\ufeff").rstrip("\n").split("\n")
        sys.stdout.write("\n".join(printable(line) for line in lines) + "\n")
    else:
        write_output(out, text)
        print(tr(written, path=printable(out)))


def main(argv: list[str]) -> int:
    """The predict command alone, without loading the rest of the command line."""
    with argparse_in_language():
        parser = Parser(prog="python -m lstm_app")
        add_predict_command(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(argv)
    try:
        return run_predict_command(args)
    except (ValueError, OSError) as error:
        if ended_early(error):  # the reader of the output went away (| head): nothing to say
            return 1
        print(tr("error: {message}", message=error_sentence(error)), file=sys.stderr)
        return EXIT_BAD_INPUT
