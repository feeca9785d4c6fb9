"""An exported model at work with ONNX Runtime and numpy only (PyTorch is never imported): the
next horizon of a CSV series (or of every series of a file of many); text generated from a
prompt and the labels of a CSV of texts are predict_text.py's.

``Exported.open(folder)`` reads export.json and the ONNX file (fp32, or INT8 where exported and
asked for); each task's function then prepares its input exactly as the app does (the same
loaders, columns, scaler or vocabulary) and runs the graph.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..csv_table import read_csv_table
from ..i18n import N_, tr, trn
from ..quoting import listed, quoted
from ..series.intervals import floored, future_table
from ..series.known import (future_inputs, future_known, network_table, planned_beyond,
                            with_plan)
from ..series.future_file import with_future
from ..series.loading import load_series
from ..series.time_column import NO_TIME_COLUMN
from ..series.panel import load_panel
from ..series.panel_plan import plan_frame
from ..series.panel_future import (ahead_rows, check_plan, future_frame, network_future, network_rows,
                                   stand_ins, with_id_columns)
from ..series.windows import Scaler
from .manifest import MANIFEST, read_manifest

BATCH = 256  # texts or windows per run of a network


@dataclass
class ExportedModel:
    manifest: dict
    session: object          # onnxruntime.InferenceSession
    form: str                # "fp32" or "int8"
    quiet: object = None     # onnxruntime.RunOptions without its own log line of a failed run

    @classmethod
    def open(cls, folder: Path, int8: bool = False) -> "ExportedModel":
        import onnxruntime as ort
        manifest = read_manifest(folder)
        form = "int8" if int8 else "fp32"
        name = manifest.get("files", {}).get(form)
        if name is None:
            raise ValueError(tr("This export has no INT8 model; export the run again with "
                                "--int8, or leave --int8 out."))
        path = Path(folder) / str(name)
        if path.parent != Path(folder):  # "../x.onnx", "/etc/x": an export names its own files
            raise ValueError(tr("export.json names the model file {name}, outside its folder "
                                "{folder}; an export's files are in its own folder. Export the "
                                "run again.", name=quoted(name), folder=quoted(folder)))
        if not path.is_file():
            raise ValueError(tr("The model file {name} is missing from {folder}; export the run "
                                "again.", name=quoted(name), folder=quoted(folder)))
        options = ort.SessionOptions()
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception:  # ONNX Runtime's own error for a damaged or foreign file
            raise ValueError(tr("{name} is not a model ONNX Runtime can read (damaged, or not "
                                "written by this export); export the run again.",
                                name=quoted(path.name))) from None
        expected = [(i["name"], i.get("shape")) for i in manifest["inputs"]]
        outputs = [(o.get("name"), o.get("shape")) for o in manifest.get("outputs") or ()
                   if isinstance(o, dict)]  # their sizes: the vocabulary, classes, horizon
        if not _same_tensors(session.get_inputs(), expected) or \
                not _same_tensors(session.get_outputs(), outputs):
            raise ValueError(tr("{name} does not take the inputs or give the outputs {file} "
                                "names ({tensors}, of these shapes): the files do not belong "
                                "together; export the run again.", name=quoted(path.name),
                                file=MANIFEST, tensors=", ".join(
                                    str(name) for name, _ in expected + outputs)))
        quiet = ort.RunOptions()
        quiet.log_severity_level = 4  # a failed run is said in a sentence, not in its log
        return cls(manifest, session, form, quiet)

    @property
    def task(self) -> str:
        return self.manifest["task"]

    def run(self, *arrays: np.ndarray) -> list[np.ndarray]:
        names = [i["name"] for i in self.manifest["inputs"]]
        try:
            return self.session.run(None, dict(zip(names, arrays)), self.quiet)
        except Exception:  # ONNX Runtime's own error: the model and export.json disagree
            raise ValueError(tr("The model could not read what {file} says it reads: the "
                                "files do not belong together; export the run again.",
                                file=MANIFEST)) from None


def _same_tensors(tensors, described: list) -> bool:
    """Whether ONNX Runtime's inputs or outputs are those export.json describes: the same
    names, in order, of the same fixed sizes."""
    return [t.name for t in tensors] == [name for name, _ in described] and all(
        _fixed(t.shape) == _fixed(shape) for t, (_, shape) in zip(tensors, described))


def _fixed(shape) -> list:
    """The fixed sizes of a shape (a named, free axis as None)."""
    return [size if isinstance(size, int) else None for size in (
        shape if isinstance(shape, (list, tuple)) else [])]


# --- forecaster -----------------------------------------------------------------------------

def series_for(model: ExportedModel, source, future=None):
    """The series in ``source`` (a CSV) read as the model's run read its data (its time, value
    and covariate columns), with the planned values of ``future`` (a second CSV) if given."""
    settings = SimpleNamespace(**model.manifest["settings"])
    columns = [settings.time_col, settings.value_col, *settings.covariates]
    with _trained_columns(source, [c for c in columns if c]):
        series = load_series(source, time_col=settings.time_col, value_col=settings.value_col,
                             covariates=tuple(settings.covariates))
    if series.freq != model.manifest["freq"]:
        raise ValueError(_other_spacing(series.freq, model.manifest["freq"], SERIES_SPACING))
    known = tuple(getattr(settings, "known_covariates", None) or ())
    if future is not None and not known:  # its calendar and holidays come from the dates
        raise ValueError(tr("This model reads no planned values: it was trained without columns "
                            "known ahead (its calendar and holidays come from the dates), so "
                            "leave {option} out.", option="--future"))
    return series if future is None else with_future(future, series, known=known)


FAR = 10  # training spreads from the training mean: values unlike any the model learnt from


def far_from_training(model: ExportedModel, series) -> str:
    """A sentence where the values the forecast reads lie far outside those the model learnt
    from (other units, another business): its forecast there is a guess; "" where they do not."""
    scaler = Scaler.from_dict(model.manifest["scaler"])
    last = series.frame[series.value_col].to_numpy()[-model.manifest["lookback"]:]
    mean, spread = float(scaler.mean_[0]), float(scaler.std_[0])
    if not len(last) or not (abs(last - mean) > FAR * spread).any():
        return ""
    return tr("The last {count:,} values read run from {low:,.4g} to {high:,.4g}, far from those "
              "this model learnt from (about {mean:,.4g}, give or take {spread:,.4g}): its "
              "forecast for them is a guess. Check the file's units, or train a model on this "
              "data.", count=len(last), low=float(last.min()), high=float(last.max()),
              mean=mean, spread=spread)


def planned_guesses(model: ExportedModel, series) -> list[str]:
    """A sentence for each known-ahead column the plan sets beyond the values it held in the
    model's training span (an export that records them: those from 2026-12-06 on)."""
    ranges = model.manifest.get("known_ranges")
    if not ranges:
        return []
    settings = SimpleNamespace(**model.manifest["settings"])
    known = future_known(series, settings, model.manifest["horizon"])
    return planned_beyond(known, {c: tuple(r) for c, r in ranges.items()})


# The refusal of a file spaced otherwise than the model's data: (the file's spacing, the
# model's) -> the sentence, for one series and for a file of many (None: in row order).
SERIES_SPACING = {
    "rows": N_("The series is in row order, but this model learnt from spaced {model} data; "
               "give it a series with the same spacing."),
    "model rows": N_("The series is spaced {data}, but this model learnt from data in row "
                     "order; give it a series with the same spacing."),
    "both": N_("The series is spaced {data}, but this model learnt from spaced {model} data; "
               "give it a series with the same spacing.")}
PANEL_SPACING = {
    "rows": N_("The series are in row order, but this model learnt from spaced {model} data; "
               "give it series with the same spacing."),
    "model rows": N_("The series are spaced {data}, but this model learnt from data in row "
                     "order; give it series with the same spacing."),
    "both": N_("The series are spaced {data}, but this model learnt from spaced {model} data; "
               "give it series with the same spacing.")}


def _other_spacing(data, model, sentences: dict) -> str:
    shape = "rows" if data is None else "model rows" if model is None else "both"
    values = {"data": quoted(data) if data is not None else None,
              "model": quoted(model) if model is not None else None}
    return tr(sentences[shape], **{k: v for k, v in values.items() if v is not None})


def forecast(model: ExportedModel, series) -> pd.DataFrame:
    """The next horizon after the last value of ``series`` (series_for), in its own units with
    the run's intervals, as ``forecast --out`` writes it: time, forecast, lower_80, upper_80,
    lower_95, upper_95, method, then the plan read beside each step (``planned_`` and the
    column's name)."""
    m = model.manifest
    settings = SimpleNamespace(**m["settings"])
    names = tuple(m["inputs_read"])
    scaler = Scaler.from_dict(m["scaler"])  # the run's, fitted on its training span
    lookback, horizon = m["lookback"], m["horizon"]
    table = network_table(series, settings, names)
    if table.shape[1] != len(names):  # names edited that the dates do not give
        raise ValueError(tr("{file} is damaged (its {field} is not what an export writes); "
                            "export the run again.", file=MANIFEST, field="inputs_read"))
    values = scaler.transform(table)
    if len(values) < lookback:
        raise ValueError(tr("The series has {count} values; this model reads the last "
                            "{lookback}. Give it at least that many.", count=len(values),
                            lookback=lookback))
    arrays = [values[-lookback:][None].astype(np.float32)]
    known = future_known(series, settings, horizon)
    if m["known_positions"]:
        rows = scaler.transform(future_inputs(series, settings, names, known))
        arrays.append(rows[:, m["known_positions"]][None].astype(np.float32))
    floor = m["floor"]
    pred = floored(scaler.inverse_transform(model.run(*arrays)[0][0], column=0), floor)
    widths = {level: np.asarray(w) for level, w in m["widths"].items()}
    return with_plan(future_table(known.index, pred, widths, floor).assign(method="LSTM"), known)


@contextmanager
def _trained_columns(source, columns: list[str]):
    """A refusal of the file's columns, said as what to do here: predict has no option to
    choose columns, so a file that lacks those the model was trained on is told to name its
    columns so (looked into only when reading the file failed)."""
    try:
        yield
    except ValueError as refused:
        try:
            table, _ = read_csv_table(source, None, [])
        except ValueError:
            raise refused from None  # the file itself: its own sentence
        missing = [c for c in columns if c not in table.columns]
        if not missing:
            raise refused from None
        raise ValueError(tr("The model was trained on a file with the columns {trained}; this "
                            "file lacks {missing} (its columns: {columns}). Name its columns as "
                            "the training file did.", trained=listed(columns),
                            missing=listed(missing),
                            columns=listed([str(c) for c in table.columns]))) from None


# --- a panel's forecaster ------------------------------------------------------------------

def panel_for(model: ExportedModel, source):
    """The series in ``source`` (a CSV) read as the model's run read its file: the same layout
    and id, time, value and covariate columns."""
    read, freq = model.manifest["panel"], model.manifest["freq"]
    columns = [*(read["id_cols"] or ()), read["time_col"], *read["covariates"]]
    if read["layout"] == "long":
        columns.append(read["value_col"])
    with _trained_columns(source, [c for c in columns if c]):
        panel = load_panel(source, layout=read["layout"], id_cols=read["id_cols"] or None,
                           time_col=read["time_col"] or NO_TIME_COLUMN,
                           value_col=read["value_col"] if read["layout"] == "long" else None,
                           covariates=tuple(read["covariates"]))
    if panel.freq != freq:
        raise ValueError(_other_spacing(panel.freq, freq, PANEL_SPACING))
    return panel


def forecast_panel(model: ExportedModel, panel) -> tuple[pd.DataFrame, list[str]]:
    """The next horizon after each series' last value (panel_for), in its own units with the
    run's intervals, as the app forecasts a panel: id (then each of several id columns), time,
    forecast, lower_80, upper_80, lower_95, upper_95; and what was done about series it could not forecast with the network
    (shorter than the lookback: by rule; not learnt by the run: left out)."""
    m, notices = model.manifest, []
    panel = replace(panel, season_length=m["season_length"])  # the run's, not this file's guess
    known = {name: i for i, name in enumerate(m["ids"])}
    numbers = np.array([known.get(name, -1) for name in panel.ids])
    if (numbers < 0).all():
        raise ValueError(tr("None of the file's series is one this model learnt from (it "
                            "knows {names}); give it a file with those series.",
                            names=listed(m["ids"], limit=5)))
    if (numbers < 0).any():
        left_out = [name for name, k in zip(panel.ids, numbers) if k < 0]
        notices.append(trn("{count:,} series this model did not learn from is left out: "
                           "{names}.", "{count:,} series this model did not learn from are "
                           "left out: {names}.", len(left_out), names=listed(left_out)))
        panel, numbers = panel.subset(numbers >= 0), numbers[numbers >= 0]
    mean, std = np.asarray(m["mean"])[numbers], np.asarray(m["std"])[numbers]
    floor = np.array([-np.inf if f is None else f for f in m["floor"]])[numbers]
    widths = {level: np.asarray(w)[numbers] for level, w in m["widths"].items()}
    holidays = m["settings"].get("holidays") or ""
    rows = network_rows(panel, mean, std, m["calendar"], m["id_embedding"], numbers=numbers,
                        holidays=holidays)
    known = tuple(m["settings"].get("known_covariates") or ())
    check_plan(panel, known, m["horizon"], m["lookback"])
    ahead = ahead_rows(panel, m["horizon"], m["calendar"], holidays, m.get("known", 0), known,
                       mean, std)
    chunk = lambda a, i: () if a is None else (a[i:i + BATCH],)
    run = lambda windows, future: np.concatenate([
        model.run(windows[i:i + BATCH], *chunk(future, i))[0]
        for i in range(0, len(windows), BATCH)])
    pred = network_future(panel, rows, m["lookback"], m["horizon"], mean, std, floor, run,
                          notices, ahead)
    # a series shorter than the lookback is forecast by a rule, and its rows say which
    method = np.repeat(stand_ins(panel, m["lookback"], "LSTM"), m["horizon"])
    table = with_id_columns(future_frame(panel, pred, widths, std, floor).assign(method=method),
                            panel)  # each of several id columns beside the id, as the app's
    if m.get("known", 0):  # beside each step, the plan read there, as `forecast --out` writes
        read = SimpleNamespace(horizon=m["horizon"], known_covariates=known, holidays=holidays)
        table = with_plan(table, plan_frame(panel, read))
    return table, notices
