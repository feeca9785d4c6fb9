"""REPORT.json of one series' forecast: the settings, the split with its dates, the notices,
every method's test scores, the intervals' coverage, the verdict and the recommended forecast,
and the training's history (``to_report``; a panel's is ``panel_report``)."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import TYPE_CHECKING

from .loading import SeriesData
from .windows import Split

if TYPE_CHECKING:  # the pipeline imports nothing from here; this is for the reader
    from .pipeline import ForecastResult


def _span_info(series: SeriesData, rows: tuple[int, int], dates_only: bool) -> dict:
    index = series.frame.index
    if not series.time_col:
        label = int
    else:
        label = (lambda i: str(index[i].date())) if dates_only else (lambda i: str(index[i]))
    return {"rows": list(rows), "first": label(rows[0]), "last": label(rows[1] - 1)}


def split_report(series: SeriesData, split: Split) -> dict:
    index = series.frame.index
    dates_only = bool(series.time_col) and bool((index == index.normalize()).all())
    report = {name: _span_info(series, getattr(split, name), dates_only)
              for name in ("train", "val", "test")}
    report["scaler_fit"] = dict(report["train"], span="train")
    return report


def to_report(result: ForecastResult) -> dict:
    """The JSON report: config, split, notices, metrics, baselines, coverage, verdict, history."""
    clean = lambda v: None if isinstance(v, float) and not math.isfinite(v) else v
    training = result.training
    return {
        "config": asdict(result.config),
        "suggested": list(result.config.suggested),
        "data": {"name": result.series.name, "rows": len(result.series.frame),
                 "frequency": result.series.freq_label, "season_length": result.series.season_length},
        "split": split_report(result.series, result.split),
        "notices": list(result.notices),
        "test": result.test.to_dict(),
        "baselines": {name: row.to_dict() for name, row in result.baselines.items()},
        "test_scaled": result.test_scaled,
        "interval_coverage": result.interval_coverage,
        "verdict": result.verdict,
        "recommended": {"method": result.recommended, "name": result.labels[result.recommended],
                        "why": result.recommended_why},
        "methods": dict(result.labels),
        "training": {"best_epoch": training.best_epoch,
                     "best_val_loss": clean(training.best_val_loss),
                     "stop_reason": training.stop_reason,
                     "seconds": round(training.seconds, 3),
                     "device": training.device,
                     "message": training.message},
        "history": [h.to_dict() for h in training.history],
        "seconds": round(result.seconds, 3),
    }
