"""LSTM Studio's engine: load a series or a text, train an LSTM on it, score it honestly.
No Streamlit here."""

from .samples import Sample, list_samples, sample_path
from .series.loading import SeriesData, load_series
from .series.pipeline import ForecastConfig, ForecastResult, run_forecast, to_report
from .text.corpus import read_text
from .text.pipeline import TextConfig, TextResult, run_text
from .training.trainer import Progress, Trainer, TrainerConfig, TrainResult

__all__ = [
    "ForecastConfig", "ForecastResult", "Progress", "Sample", "SeriesData", "TextConfig",
    "TextResult", "Trainer", "TrainerConfig", "TrainResult", "list_samples", "load_series",
    "read_text", "run_forecast", "run_text", "sample_path", "to_report",
]
