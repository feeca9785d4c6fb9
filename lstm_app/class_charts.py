"""The Classify page's charts: the texts of each class, their lengths, the validation scores per
epoch, and the confusion matrix. Class names and texts are the user's: every figure is built
through ``charts.literal``, so that they show as the text they are."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from .charts import AXIS_CHARS, LSTM, TEMPLATE, VALIDATION, _layout, literal, whole_epochs
from .i18n import tr
from .quoting import cut

MAX_CONFUSION_CLASSES = 30  # more than this is a table, not a readable matrix
NAMED_CLASSES = 40  # up to this many classes, every one is named on its axis (more: Plotly picks)


def every_name(names: list[str]) -> dict:
    """An axis that names every class (Plotly's own choice skipped every second of 30), up to
    ``NAMED_CLASSES`` of them."""
    return dict(tickmode="array", tickvals=names, ticktext=names) if len(names) <= NAMED_CLASSES \
        else {}


def axis_names(classes: Sequence[str]) -> list[str]:
    """The classes' names as an axis shows them: at most ``AXIS_CHARS`` characters (a name of
    300 squeezed the matrix to a speck), each still its own category."""
    names, seen = [], set()
    for name in (cut(c, AXIS_CHARS) for c in classes):
        shown, n = name, 1
        while shown in seen:
            n += 1
            shown = f"{name} ({n})"
        seen.add(shown)
        names.append(shown)
    return names


@literal
def class_counts_chart(classes: Sequence[str], counts: Sequence[int]) -> go.Figure:
    """One bar per class, the most common at the top."""
    names = axis_names(classes)[::-1]
    fig = go.Figure(go.Bar(x=list(counts)[::-1], y=names,
                           orientation="h", marker_color=LSTM,
                           hovertemplate=tr("%{y}: %{x:,} texts") + "<extra></extra>"))
    fig = _layout(fig, tr("Texts of each class"), tr("texts"), "")
    fig.update_layout(hovermode="closest", height=min(160 + 22 * len(classes), 1040),
                      margin=dict(l=20, r=20, t=45, b=50), showlegend=False,
                      yaxis=dict(type="category", automargin=True, **every_name(names)))
    return fig


@literal
def length_chart(lengths: np.ndarray, max_length: int, level: str) -> go.Figure:
    """How long the texts are (in characters, or words: ``level`` "char" or "word"), with the
    longest text read marked: what lies right of the line is cut."""
    lengths = np.asarray(lengths)
    top = float(np.quantile(lengths, 0.99)) if len(lengths) else 1.0
    far = max_length > 2 * max(top, 1.0)  # a line far right of every text squashes the bars
    right = max(top, 1.0) if far else max(top, max_length)
    shown = np.minimum(lengths, right)  # a few very long texts do not squash it
    width = max(1, int(np.ceil(right / 40)))  # whole tokens, about 40 bars from 0
    fig = go.Figure(go.Histogram(x=shown, xbins=dict(start=0, end=right + width, size=width),
                                 marker_color="rgba(31, 95, 209, 0.6)", name=tr("texts"),
                                 hovertemplate=(tr("%{x} characters: %{y:,} texts")
                                                if level == "char" else
                                                tr("%{x} words: %{y:,} texts"))
                                 + "<extra></extra>"))
    if far:  # the line would lie off the chart: said at its right edge instead
        fig.add_annotation(x=1, xref="paper", y=1, yref="paper", showarrow=False,
                           yanchor="top", xanchor="right",
                           text=tr("longest text read: {length:,} →", length=max_length))
    else:
        fig.add_vline(x=max_length, line=dict(color=VALIDATION, width=2, dash="dash"))
        # the label on the line's roomier side: right of it near the right edge, it was cut off
        fig.add_annotation(x=max_length, y=1, yref="paper", text=tr("longest text read"),
                           showarrow=False, yanchor="top",
                           xanchor="left" if max_length < 0.6 * (right + width) else "right")
    fig = _layout(fig, tr("Length of the texts"),
                  tr("characters") if level == "char" else tr("words"), tr("texts"))
    fig.update_layout(hovermode="closest", showlegend=False, margin=dict(l=60, r=20, t=45, b=50),
                      xaxis=dict(range=[0, right + width]))
    return fig


@literal
def scores_chart(history: Sequence) -> go.Figure:
    """Validation accuracy and macro-F1 after each epoch (epoch records with scores)."""
    scored = [h for h in history if h.scores]
    epochs = [h.epoch for h in scored]
    fig = go.Figure()
    mode = "lines+markers" if len(scored) <= 30 else "lines"
    fig.add_trace(go.Scatter(x=epochs, y=[h.scores.get("accuracy") for h in scored], mode=mode,
                             name=tr("accuracy"), line=dict(color=LSTM, width=2)))
    fig.add_trace(go.Scatter(x=epochs, y=[h.scores.get("macro_f1") for h in scored], mode=mode,
                             name=tr("macro-F1"), line=dict(color=VALIDATION, width=2)))
    return whole_epochs(_layout(fig, tr("Validation accuracy and macro-F1"), tr("epoch"),
                                tr("score"), yaxis=dict(range=[0, 1.02], tickformat=".0%")),
                        len(scored))


@literal
def confusion_chart(confusion: Sequence[Sequence[int]], classes: Sequence[str]) -> go.Figure:
    """Rows: the true class; columns: the class predicted; each cell's count written in it and
    coloured by its share of its row (what share of that class went where)."""
    counts = np.asarray(confusion, dtype=float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    names = axis_names(classes)
    fig = go.Figure(go.Heatmap(
        z=shares, x=names, y=names, colorscale="Blues", zmin=0, zmax=1,
        text=counts.astype(int).astype(str), texttemplate="%{text}",
        customdata=shares, showscale=False,
        hovertemplate=tr("true %{y}, predicted %{x}: %{text} texts (%{customdata:.0%} of %{y})")
        + "<extra></extra>"))
    size = len(names)
    fig.update_layout(template=TEMPLATE, height=min(200 + 40 * size, 700 if size < 20 else 900),
                      title=dict(text=tr("Confusion matrix (test texts)"), x=0, xanchor="left"),
                      margin=dict(l=20, r=20, t=45, b=40),
                      xaxis=dict(title=tr("predicted"), type="category", side="bottom",
                                 automargin=True, **every_name(names)),
                      yaxis=dict(title=tr("true class"), type="category", autorange="reversed",
                                 automargin=True, **every_name(names)))
    return fig
