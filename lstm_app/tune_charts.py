"""An auto-tune's charts: the optimisation history (each trial's validation loss, and the best
so far) and the parallel coordinates of the finished trials' settings, coloured by their loss."""

from __future__ import annotations

import math
from typing import Sequence

import plotly.graph_objects as go

from .charts import BASELINE, LSTM, VALIDATION, _layout, literal
from .i18n import tr
from .training.settings import CHOICE_LABELS


@literal
def history_chart(trials: Sequence) -> go.Figure:
    """One point per trial (``TrialRow``): finished ones blue, pruned ones grey and stopped ones
    (Stop or the time limit) open at the loss they had reached, the starting settings ringed;
    the line is the best loss so far of the trials scored (finished or stopped)."""
    done = [t for t in trials if t.state == "done" and t.value is not None]
    pruned = [t for t in trials if t.state == "pruned" and t.value is not None]
    stopped = [t for t in trials if t.state == "stopped" and t.value is not None]
    fig = go.Figure()
    hover = tr("trial %{x}: %{y:.4g}") + "<extra></extra>"
    fig.add_trace(go.Scatter(x=[t.number for t in done], y=[t.value for t in done],
                             mode="markers", name=tr("finished"), hovertemplate=hover,
                             marker=dict(color=LSTM, size=9)))
    if pruned:
        fig.add_trace(go.Scatter(x=[t.number for t in pruned], y=[t.value for t in pruned],
                                 mode="markers", name=tr("pruned"), hovertemplate=hover,
                                 marker=dict(color=BASELINE, size=8, symbol="x")))
    if stopped:
        fig.add_trace(go.Scatter(x=[t.number for t in stopped], y=[t.value for t in stopped],
                                 mode="markers", name=tr("stopped"), hovertemplate=hover,
                                 marker=dict(color=LSTM, size=9, symbol="circle-open")))
    scored = done + stopped  # as the verdict ranks them: a stopped trial by its epochs so far
    start = [t for t in scored if t.start]
    if start:
        fig.add_trace(go.Scatter(x=[start[0].number], y=[start[0].value], mode="markers",
                                 name=tr("starting settings"), hovertemplate=hover,
                                 marker=dict(color="rgba(0,0,0,0)", size=16,
                                             line=dict(color=VALIDATION, width=2))))
    best, xs, ys = math.inf, [], []
    for t in sorted(scored, key=lambda t: t.number):
        best = min(best, t.value)
        xs.append(t.number)
        ys.append(best)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=tr("best so far"),
                             line=dict(color=VALIDATION, width=2, shape="hv"),
                             hoverinfo="skip"))
    fig = _layout(fig, tr("Validation loss of each trial"), tr("trial"),
                  tr("validation loss"))
    last = max((t.number for t in trials), default=0)
    fig.update_layout(hovermode="closest",
                      xaxis=dict(tick0=0, dtick=1 if last < 30 else None, tickformat="d",
                                 range=[-0.5, last + 0.5]),
                      yaxis=dict(rangemode="nonnegative"))  # a loss: one point not around 0
    return fig


@literal
def parallel_chart(trials: Sequence, space: Sequence, labels: dict) -> go.Figure:
    """One line per finished trial across its settings' axes and its validation loss (the
    last axis); a choice's axis names its choices. ``labels``: each setting's label."""
    done = [t for t in trials if t.state == "done" and t.value is not None]
    dims = []
    for d in space:
        values = [t.params.get(d.name) for t in done]
        if d.kind == "choice":
            choices = list(d.choices)
            names = [tr(CHOICE_LABELS.get(c, c)) if isinstance(c, str)
                     else (tr("yes") if c else tr("no")) if isinstance(c, bool)
                     else f"{c:g}" for c in choices]
            dims.append(dict(label=labels.get(d.name, d.name), tickvals=list(range(len(choices))),
                             ticktext=names, range=[0, max(len(choices) - 1, 1)],
                             values=[choices.index(v) if v in choices else 0 for v in values]))
        elif d.log:
            ticks = [v for v in (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 8, 16, 32, 64,
                                 128, 256, 512, 1024, 2048) if d.low <= v <= d.high]
            dims.append(dict(label=labels.get(d.name, d.name),
                             values=[math.log10(v) for v in values],
                             range=[math.log10(d.low), math.log10(d.high)],
                             tickvals=[math.log10(v) for v in ticks],
                             ticktext=[f"{v:g}" for v in ticks]))
        else:
            whole = d.kind == "int" and d.high - d.low <= 10  # layers 1, 2, 3: not 1.5, 2.5
            dims.append(dict(label=labels.get(d.name, d.name), values=values,
                             range=[d.low, d.high],
                             **dict(tickvals=list(range(int(d.low), int(d.high) + 1)))
                             if whole else {}))
    losses = [t.value for t in done]
    dims.append(dict(label=tr("validation loss"), values=losses,
                     tickformat=".3~g"))  # 0.592, not 0.59227 over the tick 0.5
    fig = go.Figure(go.Parcoords(
        dimensions=dims, labelangle=-20, labelside="top",
        # the best trials blue, the worst orange: no line fades into the white background
        line=dict(color=losses, colorscale=[[0, LSTM], [1, VALIDATION]], showscale=False)))
    fig = _layout(fig, tr("Settings of the finished trials"), "", "")
    fig.update_layout(margin=dict(l=70, r=70, t=110, b=30), height=420)
    return fig
