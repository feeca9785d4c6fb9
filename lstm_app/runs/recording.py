"""Recording a training as a run, and reopening a run without retraining.

``record_forecast`` and ``record_text`` wrap the pipelines with the job queue's task signature
(``on_progress``, ``stop_event``, ``on_live``), so the app's worker process and the command line
record the same way: the data as trained on and the config first, every finished epoch and the
weights at every checkpoint while it trains, then the report, the scaler or vocabulary and the
final status. They are module-level functions of plain data, so they pickle into a worker.

``reopen`` rebuilds a stored run's result by "training" zero epochs from its saved weights: the
same scoring code then forecasts or generates again, and Train more continues from it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import threading
from dataclasses import asdict
from typing import Callable

import pandas as pd
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save

from ..series.loading import SeriesData
from ..series.pipeline import ForecastConfig, ForecastResult, run_forecast
from ..series.pipeline import to_report as forecast_report
from ..text.pipeline import TextConfig, TextResult, run_text
from ..text.pipeline import to_report as text_report
from ..training.trainer import Progress, TrainResult
from .store import RunStore

WEIGHTS = "weights.safetensors"
HEARTBEAT_SECONDS = 10.0


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- saving ---------------------------------------------------------------------------------

def series_files(series: SeriesData) -> tuple[bytes, dict]:
    """The series as trained on (after every repair) as CSV, and what the loader found, as JSON."""
    csv = series.frame.to_csv().encode()
    meta = {"time_col": series.time_col, "value_col": series.value_col,
            "covariates": list(series.covariates), "freq": series.freq,
            "freq_label": series.freq_label, "season_length": series.season_length,
            "notices": list(series.notices), "numeric_columns": list(series.numeric_columns),
            "name": series.name, "index_name": series.frame.index.name}
    return csv, meta


def series_from_files(csv: bytes, meta: dict) -> SeriesData:
    frame = pd.read_csv(io.BytesIO(csv), index_col=0, parse_dates=bool(meta["time_col"]))
    frame.index.name = meta["index_name"]
    if not meta["time_col"]:
        frame.index = pd.RangeIndex(len(frame), name=meta["index_name"])
    elif meta["freq"]:
        frame.index.freq = meta["freq"]  # the regular grid SeriesData promises (checked here)
    fields = {f.name for f in dataclasses.fields(SeriesData)}
    values = {k: v for k, v in meta.items() if k in fields}
    values.update(frame=frame, covariates=tuple(meta["covariates"]),
                  notices=tuple(meta["notices"]), numeric_columns=tuple(meta["numeric_columns"]))
    return SeriesData(**values)


def start_forecast_run(store: RunStore, series: SeriesData, config: ForecastConfig, name: str,
                       parent: str | None = None) -> str:
    """Create the run and save its data and config, before any training."""
    csv, meta = series_files(series)
    run_id = store.create("forecast", name, asdict(config), series.name, len(series.frame),
                          fingerprint(csv), parent)
    store.write_bytes(run_id, "data.csv", csv)
    store.write_json(run_id, "series.json", meta)
    store.write_json(run_id, "config.json", asdict(config))
    return run_id


def start_text_run(store: RunStore, text: str, name: str, config: TextConfig, data_name: str,
                   parent: str | None = None) -> str:
    data = text.encode("utf-8")
    run_id = store.create("text", name, asdict(config), data_name, len(text), fingerprint(data),
                          parent)
    store.write_bytes(run_id, "text.txt", data)
    store.write_json(run_id, "config.json", asdict(config))
    return run_id


def save_weights(store: RunStore, run_id: str, model: torch.nn.Module, epoch: int) -> None:
    """The weights, with the epoch they are from in the file's metadata: the history in the
    database may already hold a later epoch whose checkpoint a kill cut short."""
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    store.write_bytes(run_id, WEIGHTS, save(tensors, metadata={"epoch": str(epoch)}))


def weights_epoch(path) -> int | None:
    with safe_open(path, "pt") as f:
        epoch = (f.metadata() or {}).get("epoch")
    return int(epoch) if epoch is not None and epoch.isdigit() else None


class _Recorder:
    """The callbacks that write a training into the store as it goes."""

    def __init__(self, store: RunStore, run_id: str, on_progress: Callable | None):
        self.store, self.run_id, self.on_progress = store, run_id, on_progress
        self.last_beat = 0.0

    def progress(self, p: Progress) -> None:
        if p.kind == "epoch":
            self.store.add_epoch(self.run_id, {"epoch": p.epoch, "train_loss": p.train_loss,
                                               "val_loss": p.val_loss, "lr": p.lr,
                                               "seconds": round(p.elapsed, 3)})
            self.last_beat = p.elapsed
        elif p.elapsed - self.last_beat >= HEARTBEAT_SECONDS:  # long epochs still show life
            self.store.heartbeat(self.run_id)
            self.last_beat = p.elapsed
        if self.on_progress is not None:
            self.on_progress(p)

    def checkpoint(self, model: torch.nn.Module, epoch: int) -> None:
        save_weights(self.store, self.run_id, model, epoch)


def _record(store: RunStore, run_id: str, train: Callable, report: Callable,
            on_progress, stop_event: threading.Event | None, resume=None):
    store.claim(run_id)
    for record in (resume.training.history if resume is not None else []):
        store.add_epoch(run_id, record)  # Train more: the run holds the whole curve it shows
    recorder = _Recorder(store, run_id, on_progress)
    try:
        result = train(recorder.progress, recorder.checkpoint)
    except ValueError as error:
        store.finish(run_id, "failed", str(error))
        raise
    except KeyboardInterrupt:  # a second Ctrl-C on the command line: aborted, not failed
        store.finish(run_id, "interrupted", "Training was aborted; the last saved checkpoint "
                                            "is kept.")
        raise
    except BaseException as error:  # a bug
        store.finish(run_id, "failed", f"{type(error).__name__}: {error}")
        raise
    kept = (result.training.best_epoch if getattr(result.config, "keep_best", True)
            else (result.training.history or [{"epoch": 0}])[-1]["epoch"])
    save_weights(store, run_id, result.model, kept)  # what the result holds, whatever happened
    data = report(result)
    store.write_json(run_id, "report.json", data)
    stopped = stop_event is not None and stop_event.is_set()
    config = asdict(result.config)
    store.write_json(run_id, "config.json", config)  # as trained: "auto" settings resolved
    store.finish(run_id, "stopped" if stopped else "finished", result.training.message,
                 metrics=_metrics(data), best_epoch=result.training.best_epoch or None,
                 best_val_loss=_finite(result.training.best_val_loss),
                 seconds=result.training.seconds, config=config)
    return result


def record_forecast(home, run_id: str, series: SeriesData, config: ForecastConfig,
                    on_progress=None, stop_event=None, on_live=None,
                    resume: ForecastResult | None = None) -> ForecastResult:
    store = RunStore(home)

    def train(progress, checkpoint):
        return run_forecast(series, config, progress, stop_event, resume=resume, on_live=on_live,
                            on_checkpoint=checkpoint)

    def report(result: ForecastResult) -> dict:
        store.write_json(run_id, "scaler.json", result.scaler.to_dict())
        store.write_bytes(run_id, "forecast.csv", result.forecast.to_csv(index=False).encode())
        return forecast_report(result)

    return _record(store, run_id, train, report, on_progress, stop_event, resume)


def record_text(home, run_id: str, text: str, config: TextConfig, on_progress=None,
                stop_event=None, on_live=None, resume: TextResult | None = None) -> TextResult:
    store = RunStore(home)

    def train(progress, checkpoint):
        return run_text(text, config, progress, stop_event, on_live=on_live, resume=resume,
                        on_checkpoint=checkpoint)

    def report(result: TextResult) -> dict:
        store.write_json(run_id, "vocab.json", result.vocab.to_dict())
        store.write_json(run_id, "samples.json", {"prompt": result.prompt,
                                                  "timeline": result.timeline,
                                                  "final": result.sample})
        return text_report(result)

    return _record(store, run_id, train, report, on_progress, stop_event, resume)


def _metrics(report: dict) -> dict:
    """The scores the runs table shows, from a report of either task."""
    if "test" in report:  # forecast
        return {"test": report["test"], "baselines": report["baselines"],
                "verdict": report["verdict"]}
    return {k: report[k] for k in ("val_loss", "perplexity", "bits_per_char",
                                   "baseline_val_loss", "verdict")}


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None


# --- reopening ------------------------------------------------------------------------------

@dataclasses.dataclass
class Checkpoint:
    """What the pipelines' ``resume`` reads: saved weights in a model, the history, and for
    text the vocabulary and the sample timeline."""

    model: torch.nn.Module
    training: TrainResult
    vocab: object = None
    timeline: list = dataclasses.field(default_factory=list)


def reopen(store: RunStore, run_id: str):
    """The run's result rebuilt from its saved weights without training (zero more epochs)."""
    run = store.get(run_id)
    if run is None:
        raise ValueError(f"There is no run {run_id}.")
    folder = store.run_dir(run_id)
    if not (folder / WEIGHTS).exists():
        raise ValueError(f"Run {run_id} has no saved weights: it stopped before its first "
                         f"epoch finished.")
    store.clean_temporary(run_id)
    history = store.history(run_id)
    # The epoch the weights are from: the history may end with a later one whose checkpoint a
    # kill cut short.
    epoch = weights_epoch(folder / WEIGHTS) or run.best_epoch or _best(history)
    losses = {h["epoch"]: h["val_loss"] for h in history}
    training = TrainResult(history=history, best_epoch=epoch,
                           best_val_loss=losses.get(epoch) if losses.get(epoch) is not None
                           else float("inf"),
                           stop_reason=run.status, message=run.message,
                           seconds=run.seconds or 0.0)
    weights = load_file(folder / WEIGHTS)
    if run.task == "forecast":
        series = series_from_files((folder / "data.csv").read_bytes(),
                                   store.read_json(run_id, "series.json"))
        config = ForecastConfig(**_tuples(store.read_json(run_id, "config.json")))
        model = _forecaster(series, config, weights)
        result = run_forecast(series, dataclasses.replace(config, epochs=0),
                              resume=Checkpoint(model, training))
        result.config = dataclasses.replace(result.config, epochs=config.epochs)  # as trained
        return result
    text = (folder / "text.txt").read_text(encoding="utf-8")
    config = TextConfig(**store.read_json(run_id, "config.json"))
    from ..text.corpus import make_vocab, vocab_from_dict
    from ..text.model import LanguageModel, LanguageModelShape
    from ..text.pipeline import split_text

    vocab_file = folder / "vocab.json"
    vocab = (vocab_from_dict(json.loads(vocab_file.read_text(encoding="utf-8")))
             if vocab_file.exists()
             else make_vocab(split_text(text, config.val_fraction)[0], config.level,
                             config.max_vocab)[0])
    model = LanguageModel(LanguageModelShape(len(vocab), config.embedding_dim, config.hidden_size,
                                             config.num_layers, config.dropout, config.cell))
    model.load_state_dict(weights)
    samples = store.read_json(run_id, "samples.json") if (folder / "samples.json").exists() else {}
    result = run_text(text, dataclasses.replace(config, epochs=0),
                      resume=Checkpoint(model, training, vocab, samples.get("timeline", [])))
    result.config = dataclasses.replace(result.config, epochs=config.epochs)  # as trained
    return result


def _forecaster(series: SeriesData, config: ForecastConfig, weights: dict) -> torch.nn.Module:
    from ..series.model import Forecaster, ForecasterShape
    from ..series.pipeline import resolve_window

    _, horizon, _ = resolve_window(series, config)
    shape = ForecasterShape(n_features=1 + len(series.covariates), horizon=horizon,
                            hidden_size=config.hidden_size, num_layers=config.num_layers,
                            dropout=config.dropout, cell=config.cell,
                            anchor_last=config.anchor_last)
    model = Forecaster(shape)
    model.load_state_dict(weights)
    return model


def _tuples(config: dict) -> dict:
    """JSON turned the config's tuples into lists; the frozen config wants them back."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}


def _best(history: list[dict]) -> int:
    scored = [h for h in history if h["val_loss"] is not None]
    return min(scored, key=lambda h: h["val_loss"])["epoch"] if scored else 0
