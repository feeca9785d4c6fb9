"""What a scored panel gives away: each method's forecast of every series after its last value
(as the page draws it and a download holds it, naming the method, or the rule standing in for
it, on each row), the download with the plan the LSTM read beside each step, and REPORT.json."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .known import with_plan
from .panel_future import future_frame, stand_ins, stood_in_for, with_id_columns
from .panel_plan import plan_frame

if TYPE_CHECKING:  # (the pipeline makes the result, and reads its forecast from here)
    from .panel_pipeline import PanelResult


def panel_forecast(result: PanelResult, method: str) -> pd.DataFrame:
    """One row per series and step of ``method``'s forecast after each series' last value,
    with its intervals and a column naming the method (as it is downloaded); made once."""
    if method not in result.frames:
        frame = future_frame(result.panel, result.futures[method],
                              result.method_widths.get(method, result.widths),
                              result.trained.std, result.floor)
        label = result.labels[method]
        if method == "lstm":  # a series shorter than the lookback is forecast by a rule
            label = stand_ins(result.panel, result.config.lookback, label)
        else:  # as is one a statistical model was not fitted to
            label = stood_in_for(result.panel, result.stood_in.get(method, []), label)
        result.frames[method] = frame.assign(method=np.repeat(label, result.config.horizon))
    return result.frames[method]


def panel_download(result: PanelResult, method: str) -> pd.DataFrame:
    """``method``'s forecast of every series as it is downloaded: each of several id columns
    beside the id, and beside each step the plan the LSTM read ahead there (``planned_`` and
    the column's name), where it read one."""
    frame = with_id_columns(panel_forecast(result, method), result.panel)
    if not result.trained.known:
        return frame
    return with_plan(frame, plan_frame(result.panel, result.trained.config))


def panel_report(result: PanelResult) -> dict:
    """REPORT.json of a panel: settings, notices, the aggregate, every series' scores."""
    training = result.trained.training
    series = result.series.astype(object).where(result.series.notna(), None)
    return {"config": asdict(result.trained.config), "notices": result.notices,
            "data": {"name": result.panel.name, "series": result.panel.n_series,
                     "frequency": result.panel.freq_label, "layout": result.panel.layout},
            "aggregate": result.aggregate, "verdict": result.verdict,
            "recommended": {"method": result.recommended,
                            "name": result.labels.get(result.recommended, result.recommended),
                            "why": result.recommended_why},
            "methods": dict(result.labels),
            "interval_coverage": result.coverage, "series": series.to_dict(orient="records"),
            "training": {"best_epoch": training.best_epoch, "stop_reason": training.stop_reason,
                         "seconds": round(training.seconds, 3), "message": training.message},
            "history": [h.to_dict() for h in training.history]}
