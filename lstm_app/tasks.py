"""The tasks LSTM Studio knows, one entry each: the one place that knows every task (forecast:
one series; panel: many series and one global model; text: a language model; classify: a
classifier of labelled texts).

Every task is built the same way:

- a config dataclass that checks itself against the task's settings table (names, defaults,
  bounds, choices, help), which the page, the command line and bundle import also read;
- ``resolve(data, config) -> config``: the settings as they train on this data ("auto" as a
  number), which an auto-tune searches around;
- ``fit(data, config, callbacks, start=None) -> trained`` (the config as trained, the weights,
  the scaler or vocabulary, the history); ``start`` continues an earlier trained value;
- ``score(trained, data) -> result``: everything the page, the report and the runs table show;
- the trained value as files (``trained.files()``, ``Trained.from_files(files, training)``),
  and the data and the results as files, so that runs and bundles save and load any task.

Runs, bundles, the command line, the worker processes and the pages go through this table; a
new task adds an entry here and copies this shape, not another task's code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from .classify.labelled import LabelledTexts
from .classify.pipeline import (ClassifyResult, classify_report, data_split, fit_classifier,
                                score_classifier)
from .classify.pipeline import resolve as resolve_classify
from .i18n import tr
from .classify.saving import FILES as LABELLED_FILES
from .classify.saving import labelled_files, labelled_from_files
from .classify.settings import CLASSIFY_SETTINGS, ClassifyConfig
from .classify.trained import FILES as CLASSIFIER_FILES
from .classify.trained import TrainedClassifier
from .quoting import spreadsheet_csv
from .series.panel_pipeline import PanelResult, fit_panel, resolve_panel, score_panel
from .series.panel_results import panel_download, panel_report
from .series.panel_saving import FILES as PANEL_FILES
from .series.panel_saving import panel_files, panel_from_files
from .series.panel_trained import FILES as PANEL_MODEL_FILES
from .series.panel_trained import TrainedPanel
from .series.known import check_future, future_known
from .series.pipeline import ForecastResult, fit_forecast, resolve, score_forecast, with_method
from .series.report import to_report as forecast_report
from .series.saving import FILES as SERIES_FILES
from .series import statistical_saved
from .series.saving import series_files, series_from_files
from .series.settings import FORECAST_SETTINGS, ForecastConfig
from .series.sizing import training_windows
from .series.trained import FILES as FORECASTER_FILES
from .series.trained import TrainedForecaster
from .text.pipeline import TextResult, fit_text, score_text
from .text.pipeline import to_report as text_report
from .text.settings import TEXT_SETTINGS, TextConfig
from .text.spans import check_sizes, summarize
from .text.trained import FILES as LANGUAGE_MODEL_FILES
from .text.trained import TrainedLanguageModel
from .training.settings import Setting


@dataclass(frozen=True)
class Task:
    name: str
    config: type                              # ForecastConfig | TextConfig | ClassifyConfig
    settings: dict[str, Setting]              # its settings table
    trained: type                             # files() and from_files(files, training)
    resolve: Callable                         # (data, config) -> config as it trains
    fit: Callable                             # (data, config, callbacks, start) -> trained
    score: Callable                           # (trained, data, on_stage=None, stop_event=None)
                                              #   -> result
    report: Callable[[Any], dict]             # result -> the JSON report
    result_files: Callable[[Any], dict]       # result -> {name: bytes}, the report among them
    summary: Callable[[Any], dict]            # result -> the scores the runs table shows
    data_files: Callable[[Any], dict]         # data -> {name: bytes}
    data_from_files: Callable[[dict], Any]    # {name: bytes} -> data, or a ValueError
    data_size: Callable[[Any], int]           # rows of a series, characters of a text, texts
    data_names: tuple[str, ...]               # what data_files writes
    trained_names: tuple[str, ...]            # what trained.files() writes (weights aside)
    result_names: tuple[str, ...]             # what result_files writes
    check: Callable = lambda data, config: None  # (data, resolved config) -> None, or the
                                              #   ValueError training would end in at once

    @property
    def file_names(self) -> frozenset[str]:
        return frozenset(self.data_names + self.trained_names + self.result_names)


def _json(value) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str).encode("utf-8")


def _forecast_files(result: ForecastResult) -> dict[str, bytes]:
    return {"report.json": _json(forecast_report(result)),
            "forecast.csv": spreadsheet_csv(with_method(result, result.recommended)).encode("utf-8"),
            **_statistical_file(result.statistical_key)}


def _forecast_summary(result: ForecastResult) -> dict:
    return {"test": result.test.to_dict(),
            "baselines": {name: row.to_dict() for name, row in result.baselines.items()},
            "verdict": result.verdict}


def _panel_files(result: PanelResult) -> dict[str, bytes]:
    """The report and every series' forecasts (its ids are the user's: spreadsheet-safe)."""
    return {"report.json": _json(panel_report(result)),
            "forecast.csv": spreadsheet_csv(panel_download(result, result.recommended)).encode("utf-8"),
            **_statistical_file(result.statistical_key)}


def _statistical_file(fingerprint: str) -> dict[str, bytes]:
    """The statistical forecasts, so that the run reopens without fitting them again."""
    blob = statistical_saved.file_bytes(fingerprint) if fingerprint else None
    return {} if blob is None else {statistical_saved.FILE: blob}


def _panel_summary(result: PanelResult) -> dict:
    """The panel's mean MASE stands where a series' test scores do (MAE over series in
    different units would mean nothing)."""
    board = result.aggregate
    return {"test": {"mase": board["lstm"]["mase"]},
            "baselines": {name: {"mase": row["mase"]} for name, row in board.items()
                          if isinstance(row, dict) and name != "lstm"},
            "series": result.panel.n_series, "verdict": result.verdict}


def _text_files(result: TextResult) -> dict[str, bytes]:
    samples = {"prompt": result.prompt, "timeline": [s.to_dict() for s in result.timeline],
               "final": {"text": result.sample, "memorization": result.memorization.to_dict()}}
    return {"report.json": _json(text_report(result)), "samples.json": _json(samples)}


def _text_summary(result: TextResult) -> dict:
    return {"val_loss": result.val_loss, "perplexity": result.perplexity,
            "bits_per_char": result.bits_per_char, "baseline_val_loss": result.baseline_loss,
            "verdict": result.verdict}


def _text_from_files(files: dict[str, bytes]) -> str:
    try:
        return files["text.txt"].decode("utf-8")
    except KeyError:
        raise ValueError(tr("The text (text.txt) is missing.")) from None
    except UnicodeDecodeError:
        raise ValueError(tr("The text (text.txt) is not UTF-8 text.")) from None


def _classify_files(result: ClassifyResult) -> dict[str, bytes]:
    """The report, and the misclassified test texts (the user's own: spreadsheet-safe)."""
    mistakes = pd.DataFrame(result.mistakes, columns=["text", "label", "predicted",
                                                      "confidence"])
    return {"report.json": _json(classify_report(result)),
            "mistakes.csv": spreadsheet_csv(mistakes).encode("utf-8")}


def _classify_summary(result: ClassifyResult) -> dict:
    return {"test": result.test.to_dict(),
            "baselines": {name: s.to_dict() for name, s in result.baselines.items()},
            "verdict": result.verdict}


def _text_fits(text: str, config: TextConfig) -> None:
    summary = summarize(text, config.level, config.max_vocab, config.val_fraction)
    check_sizes(summary.train_tokens, summary.val_tokens, config.batch_size)


def _texts(data: LabelledTexts) -> int:
    return len(data.texts)


def _forecast_check(series, config: ForecastConfig) -> int:
    """The training windows of ``series`` with these settings, as ``training_windows`` counts
    them; a ValueError in plain words when they do not fit, or when the plan of the inputs known
    ahead has a blank (each trial of a study would fail on it, as a training does)."""
    windows = training_windows(series, config)
    if config.known_covariates or config.holidays:
        horizon = resolve(series, config).horizon
        check_future(future_known(series, config, horizon), series.value_col)
    return windows


FORECAST = Task(
    name="forecast", config=ForecastConfig, settings=FORECAST_SETTINGS,
    trained=TrainedForecaster, resolve=resolve, fit=fit_forecast, score=score_forecast, report=forecast_report,
    result_files=_forecast_files, summary=_forecast_summary, data_files=series_files,
    data_from_files=series_from_files, data_size=lambda series: len(series.frame),
    data_names=SERIES_FILES, trained_names=FORECASTER_FILES,
    result_names=("report.json", "forecast.csv", statistical_saved.FILE),
    check=_forecast_check)

PANEL = Task(
    name="panel", config=ForecastConfig, settings=FORECAST_SETTINGS, trained=TrainedPanel,
    resolve=resolve_panel, fit=fit_panel, score=score_panel,
    report=panel_report, result_files=_panel_files,
    summary=_panel_summary, data_files=panel_files, data_from_files=panel_from_files,
    data_size=lambda panel: int(panel.starts[-1]), data_names=PANEL_FILES,
    trained_names=PANEL_MODEL_FILES,
    result_names=("report.json", "forecast.csv", statistical_saved.FILE),
    check=training_windows)

TEXT = Task(
    name="text", config=TextConfig, settings=TEXT_SETTINGS, trained=TrainedLanguageModel,
    resolve=lambda text, config: config, fit=fit_text, score=lambda trained, text, on_stage=None, stop_event=None:
    score_text(trained, text),
    report=text_report, result_files=_text_files,
    summary=_text_summary, data_files=lambda text: {"text.txt": text.encode("utf-8")},
    data_from_files=_text_from_files, data_size=len, data_names=("text.txt",),
    trained_names=LANGUAGE_MODEL_FILES, result_names=("report.json", "samples.json"),
    check=_text_fits)

CLASSIFY = Task(
    name="classify", config=ClassifyConfig, settings=CLASSIFY_SETTINGS,
    trained=TrainedClassifier, resolve=resolve_classify, fit=fit_classifier, score=score_classifier,
    report=classify_report, result_files=_classify_files, summary=_classify_summary,
    data_files=labelled_files, data_from_files=labelled_from_files, data_size=_texts,
    data_names=LABELLED_FILES, trained_names=CLASSIFIER_FILES,
    result_names=("report.json", "mistakes.csv"),
    check=lambda data, config: data_split(data, config) and None)  # every part keeps texts

TASKS: dict[str, Task] = {task.name: task for task in (FORECAST, PANEL, TEXT, CLASSIFY)}


def task_named(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"Unknown task '{str(name)[:40]}'; LSTM Studio knows: "
                         f"{', '.join(TASKS)}.")
    return TASKS[name]

