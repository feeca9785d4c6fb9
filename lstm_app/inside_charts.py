"""The Inside page's charts: a gate's or state's units over the steps, the hidden states in two
dimensions, and which past steps drove a forecast. Step labels and titles may be the user's
(column names, characters of their text): every figure is built through ``charts.literal``."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .charts import ACTUAL, TEMPLATE, _layout, _line, _x_title, literal
from .i18n import tr

EVERY_STEP = 80  # at most this many steps: every one labelled on the heatmaps' axis


@literal
def state_heatmap(matrix, steps: Sequence, title: str, gate: bool) -> go.Figure:
    """Units (rows) × time steps (columns): a gate from 0 to 1, or a state around 0 (blue below)."""
    values = np.asarray(matrix, dtype=float)
    colours = dict(colorscale="Blues", zmin=0.0, zmax=1.0) if gate else dict(
        colorscale="RdBu", reversescale=True, zmid=0.0)
    fig = go.Figure(go.Heatmap(z=values, x=[str(s) for s in steps],
                               y=[tr("unit {number}", number=u) for u in range(values.shape[0])],
                               hovertemplate=tr("{unit}, step {step}: {value}", unit="%{y}",
                                                step="%{x}", value="%{z:.3f}")
                               + "<extra></extra>",
                               **colours))
    fig.update_layout(template=TEMPLATE, height=min(120 + 14 * values.shape[0], 520),
                      title=dict(text=title, x=0, xanchor="left"),
                      margin=dict(l=70, r=20, t=40, b=40),
                      yaxis=dict(autorange="reversed"), xaxis=dict(type="category"))
    if len(steps) <= EVERY_STEP:  # each step named (plotly skipped every other character),
        # turned on its side where they crowd, with the height that takes
        fig.update_xaxes(tickmode="linear", dtick=1)
        fig.update_layout(height=fig.layout.height + 8 * max((len(str(s)) for s in steps),
                                                             default=0))
    return fig


@literal
def pca_chart(coords, labels: Sequence, shares: tuple[float, float], title: str) -> go.Figure:
    """Hidden states in two dimensions, joined in time order and coloured from early to late."""
    coords = np.asarray(coords)
    order = list(range(1, len(coords) + 1))  # numbered as the heatmaps number the steps
    fig = go.Figure(go.Scatter(
        x=coords[:, 0], y=coords[:, 1], mode="lines+markers", text=[str(v) for v in labels],
        line=dict(color="rgba(120,120,120,0.35)", width=1),
        marker=dict(color=order, colorscale="Viridis", size=6, showscale=True,
                    colorbar=dict(title=tr("step"))),
        hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(template=TEMPLATE, height=420, title=dict(text=title, x=0),
                      margin=dict(l=60, r=20, t=50, b=45),
                      xaxis_title=tr("first direction ({share:.0%} of the variation)",
                                     share=shares[0]),
                      yaxis_title=tr("second direction ({share:.0%})", share=shares[1]))
    return fig


@literal
def attribution_chart(times, values, scores, value_label: str) -> go.Figure:
    """The input window (line) with each step's importance for the forecast (bars behind it)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=list(times), y=list(scores), name=tr("importance (occlusion)"),
                         marker_color="rgba(224, 123, 26, 0.55)", yaxis="y2"))
    fig.add_trace(_line(times, values, value_label, ACTUAL, mode="lines+markers"))
    return _layout(fig, tr("Which past steps drove this forecast"), _x_title(pd.Index(times)),
                   value_label, yaxis2=dict(title=tr("importance"), overlaying="y", side="right",
                                            showgrid=False, rangemode="tozero",
                                            tickmode="auto"))  # not the value axis' (0.008, 0.12…)
