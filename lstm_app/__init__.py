"""LSTM Studio's engine: load a series, train an LSTM on it, score it honestly. No Streamlit here."""

from .samples import Sample, list_samples, sample_path
from .series.loading import SeriesData, load_series
from .series.pipeline import ForecastConfig, ForecastResult, run_forecast, to_report
from .training.trainer import Progress, Trainer, TrainerConfig, TrainResult

__all__ = [
    "ForecastConfig", "ForecastResult", "Progress", "Sample", "SeriesData", "Trainer",
    "TrainerConfig", "TrainResult", "list_samples", "load_series", "run_forecast",
    "sample_path", "to_report",
]
