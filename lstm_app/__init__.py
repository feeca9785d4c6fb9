"""LSTM Studio's engine: load a series or a text, train an LSTM on it, score it honestly.
No Streamlit here."""

import pandas as _pandas

# pandas 3's behaviour on pandas 2.3 (which statsforecast needs): text columns as the "str"
# dtype with NaN for blanks, and copy-on-write. Set before anything reads a table.
if _pandas.__version__.startswith("2."):
    _pandas.set_option("future.infer_string", True)
    _pandas.set_option("mode.copy_on_write", True)

from .samples import Sample, list_samples, sample_path
from .series.loading import SeriesData, load_series
from .series.pipeline import ForecastResult, fit_forecast, run_forecast, score_forecast, to_report
from .series.settings import ForecastConfig
from .series.trained import TrainedForecaster
from .tasks import TASKS, Task
from .text.corpus import read_text
from .text.pipeline import TextResult, fit_text, run_text, score_text
from .text.settings import TextConfig
from .text.sizing import suggested_config
from .text.trained import TrainedLanguageModel
from .training.trainer import Callbacks, Progress, Trainer, TrainerConfig, TrainResult

__all__ = [
    "TASKS", "Callbacks", "ForecastConfig", "ForecastResult", "Progress", "Sample",
    "SeriesData", "Task", "TextConfig", "TextResult", "TrainedForecaster",
    "TrainedLanguageModel", "Trainer", "TrainerConfig", "TrainResult", "fit_forecast", "fit_text",
    "list_samples", "load_series", "read_text", "run_forecast", "run_text", "score_forecast",
    "score_text", "sample_path", "suggested_config", "to_report",
]
