"""Charts of training's losses: one run's train and validation loss per epoch (the live view
and the results), and several runs' side by side (the Runs page)."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Sequence

import plotly.graph_objects as go

from .charts import ACTUAL, LSTM, VALIDATION, _layout, _line, literal, whole_epochs
from .i18n import N_, tr


def _best_epoch(history: Sequence) -> tuple[int, float] | None:
    """The epoch with the lowest finite validation loss, or None when there is none yet."""
    scored = [(h.val_loss, h.epoch) for h in history
              if h.val_loss is not None and math.isfinite(h.val_loss)]
    if not scored:
        return None
    loss, epoch = min(scored)
    return epoch, loss


@literal
def loss_chart(history: Sequence, batches: Sequence = (), log_y: bool = False,
               loss_label: str = N_("loss (MSE, scaled)"), perplexity: bool = False) -> go.Figure:
    """Train and validation loss per epoch (epoch records), per-batch train loss faint
    underneath (batch points), the best epoch marked.

    With ``perplexity`` the losses (nats per token) are drawn as perplexities, exp(loss).
    """
    if perplexity:
        history = [replace(h, train_loss=_exp(h.train_loss), val_loss=_exp(h.val_loss))
                   for h in history]
        batches = [replace(b, train_loss=_exp(b.train_loss)) for b in batches]
    fig = go.Figure()
    if batches:
        fig.add_trace(_line([b.x for b in batches], [b.train_loss for b in batches],
                            tr("train (per batch)"), LSTM, width=1, opacity=0.3))
    if history:
        epochs = [h.epoch for h in history]
        mode = "lines+markers" if len(history) <= 30 else "lines"  # the first points must show
        fig.add_trace(_line(epochs, [h.train_loss for h in history], tr("train"), LSTM,
                            mode=mode))
        fig.add_trace(_line(epochs, [h.val_loss for h in history], tr("validation"), VALIDATION,
                            mode=mode))
    best = _best_epoch(history)
    if best is not None:
        epoch, loss = best
        # A star the legend names: a label beside it ran into the steep first epochs' curves.
        fig.add_trace(go.Scatter(x=[epoch], y=[loss], mode="markers", name=tr("best"),
                                 marker=dict(color=VALIDATION, size=11, symbol="star",
                                             line=dict(color=ACTUAL, width=1)),
                                 hovertemplate=tr("best") + ": %{x}, %{y:.4g}<extra></extra>"))
    title = (tr("Training and validation perplexity") if perplexity
             else tr("Training and validation loss"))
    # The label as given (the caller's, maybe translated already) or this default, translated.
    return whole_epochs(_layout(fig, title, tr("epoch"), tr(loss_label),
                                yaxis_type="log" if log_y else "linear"),
                        max(len(history), math.ceil(max((b.x for b in batches), default=0))))


def _exp(loss: float | None) -> float | None:
    return None if loss is None else math.exp(min(loss, 50.0))  # no overflow when it diverged


RUN_COLORS = ["#1f5fd1", "#e07b1a", "#2a9d5b", "#c2410c", "#7c3aed", "#0e7490", "#be185d",
              "#4d7c0f"]


@literal
def runs_loss_chart(curves: Sequence[tuple[str, Sequence]], log_y: bool = False) -> go.Figure:
    """Several runs' validation loss per epoch (solid) and training loss (dotted), one colour each."""
    fig = go.Figure()
    for i, (label, history) in enumerate(curves):
        color = RUN_COLORS[i % len(RUN_COLORS)]
        epochs = [h.epoch for h in history]
        mode = "lines+markers" if len(history) <= 30 else "lines"  # a 1-epoch run must show
        fig.add_trace(_line(epochs, [h.val_loss for h in history],
                            tr("{run}: validation", run=label), color, legendgroup=label,
                            mode=mode))
        fig.add_trace(_line(epochs, [h.train_loss for h in history], tr("{run}: train", run=label),
                            color, width=1.5, dash="dot", legendgroup=label))
    fig = _layout(fig, tr("Loss per epoch, run by run"), tr("epoch"), tr("loss"),
                  yaxis_type="log" if log_y else "linear")
    return whole_epochs(fig, max((len(h) for _, h in curves), default=0))
