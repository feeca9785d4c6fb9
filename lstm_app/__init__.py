"""LSTM Studio's engine: load a series or a text, train an LSTM on it, score it honestly.
No Streamlit here.

The names below are imported when first used, not with the package: ``python -m lstm_app
predict`` runs an exported model with ONNX Runtime and numpy only, so importing ``lstm_app``
must not import PyTorch.
"""

import importlib

import pandas as _pandas

# pandas 3's behaviour on pandas 2.3 (which statsforecast needs): text columns as the "str"
# dtype with NaN for blanks, and copy-on-write. Set before anything reads a table.
if _pandas.__version__.startswith("2."):
    _pandas.set_option("future.infer_string", True)
    _pandas.set_option("mode.copy_on_write", True)

_WHERE = {
    "Sample": "samples", "list_samples": "samples", "sample_path": "samples",
    "SeriesData": "series.loading", "load_series": "series.loading",
    "ForecastResult": "series.pipeline", "fit_forecast": "series.pipeline",
    "run_forecast": "series.pipeline", "score_forecast": "series.pipeline",
    "to_report": "series.report", "ForecastConfig": "series.settings",
    "TrainedForecaster": "series.trained", "TASKS": "tasks", "Task": "tasks",
    "read_text": "text.corpus", "TextResult": "text.pipeline", "fit_text": "text.pipeline",
    "run_text": "text.pipeline", "score_text": "text.pipeline", "TextConfig": "text.settings",
    "suggested_config": "text.sizing", "TrainedLanguageModel": "text.trained",
    "Callbacks": "training.trainer", "Progress": "training.trainer",
    "Trainer": "training.trainer", "TrainerConfig": "training.trainer",
    "TrainResult": "training.trainer",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'lstm_app' has no attribute '{name}'")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
