"""What exporting each task's network needs: its graph (graphs.py) with example inputs and
their dynamic axes, the run's own validation data in batches (outputs compared with PyTorch's),
a batch of one (latency), the task's metric computed with any network standing in for the
trained one (PyTorch's, or an ONNX Runtime session behind a stand-in), and what export.json says
of the task (scaler or vocabulary, labels, settings).

Metrics: a forecaster's test MASE (the run's backtest windows; for a panel the mean over its
series), a language model's validation loss in nats per token, a classifier's test accuracy:
each exactly as the run's own report computes it, with only the network swapped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Callable

import numpy as np
import torch
from torch import nn

from ..classify.batches import encode
from ..classify.pipeline import by_length, data_split, probabilities
from ..classify.tokens import token_rule as classifier_token_rule
from ..series.calendar import cycles_read, date_rules
from ..series.intervals import floor_of
from ..series.known import future_known, known_positions, network_table, trained_ranges
from ..series.panel_future import FAR
from ..series.panel_pipeline import score_panel
from ..series.panel_windows import span_windows, split_panel, trained_inputs
from ..series.pipeline import score_forecast
from ..series.windows import make_windows, window_ids
from ..text.pipeline import validation_loss, validation_streams
from ..text.corpus import token_rule
from ..text.spans import split_text
from ..text.streams import chunks
from .graphs import ClassifierGraph, ForecasterGraph, LanguageModelGraph

Runner = Callable[[list[np.ndarray]], list[np.ndarray]]  # inputs in order -> outputs in order
CHECK_BATCHES = 8  # batches of validation data compared with PyTorch


@dataclass
class GraphSpec:
    graph: nn.Module
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    dynamic: dict                          # input name -> {axis: name}
    output_axes: dict                      # output name -> {axis: name}
    example: tuple[torch.Tensor, ...]      # traced: dynamic axes longer than 1, each its own size
    check: list[tuple[torch.Tensor, ...]]  # the run's validation data, in batches
    one: tuple[torch.Tensor, ...]          # a batch of one, for latency
    metric_name: str
    metric: Callable[[nn.Module], float]   # the task's metric with this network in the model's place
    stand_in: Callable[[Runner], nn.Module]
    manifest: dict                         # what export.json says of the task


def spec_for(task: str, trained, data) -> GraphSpec:
    return SPECS[task](trained, data)


class _StandIn(nn.Module):
    """A network whose outputs come from ``run`` (an ONNX Runtime session): what a task's
    scoring reads of its model (``shape``, ``eval``, a parameter for the device) is there."""

    def __init__(self, shape, run: Runner):
        super().__init__()
        self.shape, self.run_graph = shape, run
        self.anchor = nn.Parameter(torch.zeros(1), requires_grad=False)

    def outputs(self, *tensors) -> list[torch.Tensor]:
        return [torch.from_numpy(np.asarray(out)) for out in
                self.run_graph([t.detach().cpu().numpy() for t in tensors if t is not None])]


# --- forecaster -----------------------------------------------------------------------------

class _ForecasterStandIn(_StandIn):
    def forward(self, x, targets=None, future=None):
        pred = self.outputs(x.float(), None if future is None else future.float())[0]
        loss = None if targets is None else nn.functional.mse_loss(pred, targets)
        return pred, loss


def _forecast(trained, series) -> GraphSpec:
    config, model = trained.config, trained.model
    values = torch.as_tensor(trained.scaler.transform(network_table(series, config,
                                                                    trained.inputs)),
                             dtype=torch.float32)
    positions = known_positions(trained.inputs, config)
    lookback, horizon = config.lookback, config.horizon
    windows, _ = make_windows(values, lookback, horizon)                    # views, as training
    future = (values[lookback:, positions].unfold(0, horizon, 1).transpose(1, 2)
              if positions else None)
    batch = lambda ids: (windows[ids],) + ((future[ids],) if future is not None else ())
    inputs = ("window", "future") if positions else ("window",)
    dynamic = {"window": {0: "batch"}, "future": {0: "batch"}}
    result = score_forecast(replace(trained, config=replace(config, statistical_seconds=0)),
                            series)
    train, last = result.split.train, len(windows)
    val_ids = torch.as_tensor(window_ids(result.split.val, lookback, horizon))
    picks = list(val_ids.split(64))[:CHECK_BATCHES] or [torch.tensor([last - 1])]
    manifest = {"settings": _plain(asdict(config)), "inputs_read": list(trained.inputs),
                "scaler": trained.scaler.to_dict(), "known_positions": positions,
                "lookback": lookback, "horizon": horizon, "freq": series.freq,
                "floor": floor_of(series.frame[series.value_col].to_numpy()[train[0]:train[1]]),
                "widths": {level: list(map(float, w)) for level, w in result.widths.items()},
                "future_known": list(future_known(series, config, horizon).columns),
                "known_ranges": {c: list(r) for c, r in trained_ranges(series, config,
                                                                       train).items()},
                "date_inputs": date_rules(series.freq, cycles_read(trained.inputs),
                                          config.holidays),
                "window_is": WINDOW_IS}
    return GraphSpec(ForecasterGraph(model), inputs, ("forecast",),
                     {k: v for k, v in dynamic.items() if k in inputs}, {"forecast": {0: "batch"}},
                     batch(torch.tensor([0, last - 1])),
                     [batch(ids) for ids in picks], batch(torch.tensor([last - 1])),
                     "test MASE", lambda net: _test_mase(trained, series, net),
                     lambda run: _ForecasterStandIn(model.shape, run), manifest)


def _test_mase(trained, series, net) -> float:
    config = replace(trained.config, statistical_seconds=0)
    mase = score_forecast(replace(trained, config=config, model=net), series).test.mase
    return mase  # None: the training span never changes, so MASE has no scale


# --- a panel's global forecaster -----------------------------------------------------------

def _panel(trained, panel) -> GraphSpec:
    """The forecaster of many series: a window of one series in (its series' number in the
    last column where the network embeds it), its scaled horizon out; export.json holds every
    series' scaler, floor and interval widths, and how the file was read."""
    config, model = replace(trained.config, statistical_seconds=0), trained.model
    lookback, horizon = config.lookback, config.horizon
    values, future = trained_inputs(trained, panel, torch.device("cpu"))
    windows, _ = make_windows(values, lookback, horizon)      # views; some cross two series
    batch = lambda ids: (windows[ids],) + ((future[ids],) if future is not None else ())
    inputs = ("window", "future") if future is not None else ("window",)
    split = split_panel(panel, config.val_size, config.test_size, horizon)
    val_ids, _ = span_windows(split, split.val, split.test, lookback, horizon,
                              split.trainable(lookback, horizon))
    last = len(windows) - 1
    picks = list(torch.as_tensor(val_ids).split(64))[:CHECK_BATCHES] or [torch.tensor([last])]
    scored = lambda net: score_panel(replace(trained, config=config, model=net), panel)
    result = scored(model)
    manifest = {"settings": _plain(asdict(trained.config)), "lookback": lookback,
                "horizon": horizon, "freq": panel.freq, "season_length": panel.season_length,
                "panel": {"layout": panel.layout, "id_cols": list(panel.id_cols),
                          "time_col": panel.time_col, "value_col": panel.value_col,
                          "covariates": list(panel.covariates)},
                "ids": list(trained.ids), "calendar": trained.calendar,
                "known": trained.known, "id_embedding": config.id_embedding > 0,
                "mean": trained.mean.tolist(), "std": trained.std.tolist(),
                "floor": [0.0 if f == 0 else None for f in result.floor],  # None: no floor
                "widths": {str(level): np.round(w, 6).tolist()
                           for level, w in result.widths.items()},
                **_panel_columns(trained, panel, config)}
    mean_mase = lambda net: (result if net is model else scored(net)).aggregate["lstm"]["mase"]
    dynamic = {"window": {0: "batch"}, "future": {0: "batch"}}
    return GraphSpec(ForecasterGraph(model), inputs, ("forecast",),
                     {k: v for k, v in dynamic.items() if k in inputs}, {"forecast": {0: "batch"}},
                     batch(torch.tensor([0, last])), [batch(ids) for ids in picks],
                     batch(torch.tensor([last])), "mean test MASE",
                     mean_mase, lambda run: _ForecasterStandIn(model.shape, run), manifest)


def _panel_columns(trained, panel, config) -> dict:
    """What export.json says of a panel's window and future columns, in the network's order."""
    dated = date_rules(panel.freq, trained.calendar // 2, config.holidays)
    own = [panel.value_col, *panel.covariates]
    future = ([*config.known_covariates, *(rule["name"] for rule in dated)]
              if trained.known else [])
    return {"date_inputs": dated,
            "window_columns": own + [rule["name"] for rule in dated]
            + ([SERIES_NUMBER] if config.id_embedding > 0 else []),
            "future_columns": future, "window_is": PANEL_WINDOW_IS}


# What a forecaster's export.json says of its inputs, for a program outside the app.
WINDOW_IS = ("window: (batch, lookback, len(inputs_read)) float32, the last lookback steps; "
             "column j is input inputs_read[j] (the file's columns, then date_inputs by their "
             "formula) scaled: (x - scaler.mean[j]) / scaler.std[j]. future (where "
             "known_positions is not empty): (batch, horizon, len(known_positions)), the "
             "columns known_positions of the horizon's steps, scaled the same way. forecast * "
             "scaler.std[0] + scaler.mean[0] is in the series' units.")
SERIES_NUMBER = "series number"
PANEL_WINDOW_IS = ("window: (batch, lookback, len(window_columns)) float32, the last lookback "
                   "steps of one series (the series ids[s]); its value and covariates scaled "
                   "by that series' own scaler: (x - mean[s][j]) / std[s][j], then date_inputs "
                   "by their formula, unscaled, then (with id_embedding) s as a float. future "
                   "(where known > 0): (batch, horizon, len(future_columns)), the planned "
                   f"known covariates scaled as above (within ±{FAR:g}), then date_inputs, for "
                   "the horizon's steps. forecast * std[s][0] + mean[s][0] is in the series' units.")


# --- language model -------------------------------------------------------------------------

class _LanguageModelStandIn(_StandIn):
    def forward(self, x, targets=None, state=None, last_only=False):
        shape = self.shape
        if state is None:
            zeros = torch.zeros(shape.num_layers, x.shape[0], shape.hidden_size)
            state = (zeros, zeros) if shape.cell != "gru" else zeros
        parts = state if isinstance(state, tuple) else (state,)
        logits, *new = self.outputs(x.long(), *parts)
        if last_only:
            logits = logits[:, -1:]
        loss = None if targets is None else nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        return logits, loss, tuple(new) if len(new) == 2 else new[0]


def _text(trained, text) -> GraphSpec:
    config, model, vocab = trained.config, trained.model, trained.vocab
    _, val_text = split_text(text, config.val_fraction)
    streams = validation_streams(vocab.ids(val_text), config.seq_len)
    lstm = model.shape.cell != "gru"  # the state has a cell (c) too
    zeros = lambda batch: torch.zeros(model.shape.num_layers, batch, model.shape.hidden_size)
    state = lambda batch: (zeros(batch), zeros(batch)) if lstm else (zeros(batch),)
    check, carried = [], state(streams.shape[0])
    with torch.no_grad():  # each chunk starts from the state the last one left, as in generation
        for x, _ in list(chunks(streams, config.seq_len))[:CHECK_BATCHES]:
            check.append((x, *carried))
            _, _, new = model.eval()(x, state=carried if lstm else carried[0])
            carried = tuple(new) if lstm else (new,)
    inputs = ("tokens", "h", "c") if lstm else ("tokens", "h")
    outputs = ("logits", "h_out", "c_out") if lstm else ("logits", "h_out")
    dynamic = {"tokens": {0: "batch", 1: "steps"}, "h": {1: "batch"}, "c": {1: "batch"}}
    manifest = {"settings": _plain(asdict(config)), "vocab": vocab.to_dict(),
                "token_rule": token_rule(vocab.level), "layers": model.shape.num_layers,
                "hidden_size": model.shape.hidden_size,
                "cell": model.shape.cell}
    output_axes = {"logits": {0: "batch", 1: "steps"}, "h_out": {1: "batch"},
                   "c_out": {1: "batch"}}
    return GraphSpec(LanguageModelGraph(model), inputs, outputs,
                     {k: v for k, v in dynamic.items() if k in inputs},
                     {k: v for k, v in output_axes.items() if k in outputs},
                     (torch.ones(2, 3, dtype=torch.int64), *state(2)), check,
                     (streams[:1, :1], *state(1)), "validation nats per token",
                     lambda net: validation_loss(net, streams, config.seq_len),
                     lambda run: _LanguageModelStandIn(model.shape, run), manifest)


# --- classifier -----------------------------------------------------------------------------

class _ClassifierStandIn(_StandIn):
    def forward(self, tokens, lengths, targets=None):
        probs = self.outputs(tokens.long(), lengths.long())[0]
        return torch.log(probs.double().clamp(min=1e-30)).float(), None


def _classify(trained, data) -> GraphSpec:
    config, model = trained.config, trained.model
    split = data_split(data, config)
    val = encode([data.texts[i] for i in split.val], trained.vocab, config.max_length)
    test = encode([data.texts[i] for i in split.test], trained.vocab, config.max_length)
    batches = by_length(val)  # spread over the lengths, and one mixing short and long texts
    check = [val.batch(rows) for rows in batches[::max(1, len(batches) // CHECK_BATCHES)]]
    order = torch.argsort(val.lengths)
    check.append(val.batch(torch.cat([order[:32], order[-32:]])))
    median = torch.argsort(val.lengths)[len(val.lengths) // 2:][:1]
    y_test = data.y[split.test]
    accuracy = lambda net: float((probabilities(net, test).argmax(axis=1) == y_test).mean())
    manifest = {"settings": _plain(asdict(config)),
                "vocab": {"level": trained.vocab.level, "tokens": list(trained.vocab.tokens)},
                "token_rule": classifier_token_rule(trained.vocab.level, config.max_length),
                "classes": list(trained.classes), "max_length": config.max_length}
    return GraphSpec(ClassifierGraph(model), ("tokens", "lengths"), ("probabilities",),
                     {"tokens": {0: "batch", 1: "steps"}, "lengths": {0: "batch"}},
                     {"probabilities": {0: "batch"}},
                     (torch.ones(2, 3, dtype=torch.int64), torch.tensor([3, 1])), check,
                     val.batch(median), "test accuracy", accuracy,
                     lambda run: _ClassifierStandIn(model.shape, run), manifest)


def _plain(settings: dict) -> dict:
    """Settings as JSON holds them (tuples as lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}


SPECS = {"forecast": _forecast, "panel": _panel, "text": _text, "classify": _classify}
