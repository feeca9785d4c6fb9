"""Plotly figures for the series, the training curves, the backtest and the forecast, built from plain data."""

from __future__ import annotations

import datetime
import functools
import html
import math
import re
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from .i18n import N_, language, tr
from .quoting import cut, no_bidi

ACTUAL = "#222222"                      # what really happened: near black
LSTM = "rgb(31, 95, 209)"               # the model: one strong blue everywhere
BANDS = {80: "rgba(31, 95, 209, 0.30)",  # the LSTM blue, 95% lighter than 80%
         95: "rgba(31, 95, 209, 0.13)"}
MAX_POINTS = 4_000                      # a line's points sent to the browser, at most
AXIS_CHARS = 60                         # of a user's name on an axis, title or legend
CONTEXT = "#b5b5b5"                     # earlier values shown for context only
BASELINE = "#9a8f7d"                    # muted: baselines are for comparison, not the star
VALIDATION = "#e07b1a"                  # the validation loss curve, distinct from train (blue)
COVARIATES = ["#8c9fb5", "#b59a8c", "#9ab58c", "#b58cae"]
# Chinese (the interface in 简体中文, or a user's own column names) in every chart, on the page
# and in a downloaded image: after plotly's Latin font, the CJK fonts of Linux (Debian's
# fonts-noto-cjk), macOS and Windows.
FONTS = ('"Open Sans", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", '
         '"Microsoft YaHei", "WenQuanYi Micro Hei", verdana, arial, sans-serif')
# Made once: by name, plotly finds and copies the template again for every figure, a third of
# the time it takes to build a live chart.
TEMPLATE = go.layout.Template(pio.templates["plotly_white"])
TEMPLATE.layout.font.family = FONTS
SPAN_FILLS = {N_("train"): "rgba(120, 120, 120, 0.07)",
              N_("validation"): "rgba(224, 123, 26, 0.09)", N_("test"): "rgba(31, 95, 209, 0.08)"}


def literal(build):
    """A chart builder whose figure shows every label as the text it is. Plotly reads <a href>,
    <b>, <br> and entities as markup in titles, axis titles, legend names, tick labels, hover
    text and annotations, and column, file and run names and a text's tokens are the user's: a
    name holding <a href=…> would otherwise become a live link on the page."""

    @functools.wraps(build)
    def built(*args, **kwargs) -> go.Figure:
        fig = build(*args, **kwargs)
        for trace in fig.data:
            for field in ("name", "text", "x", "y"):
                value = getattr(trace, field, None)
                if isinstance(value, str):
                    trace[field] = _escape(value)
                elif (isinstance(value, (list, tuple)) and value
                      and all(isinstance(v, str) for v in value)):
                    trace[field] = [_escape(v) for v in value]
        fig.update_layout(title_text=_escape(fig.layout.title.text or ""))
        for axis in (fig.layout[name] for name in fig.layout if re.match(r"[xy]axis\d*$", name)):
            if axis.title.text:
                axis.title.text = _escape(axis.title.text)
            for field in ("tickvals", "ticktext"):  # category names, escaped as the data are
                values = axis[field]
                if values is not None and all(isinstance(v, str) for v in values):
                    axis[field] = [_escape(v) for v in values]
        for note in fig.layout.annotations:
            note.text = _escape(note.text or "")
        return _dates_in_language(_clear_of_toolbar(fig))

    return built


TOOLBAR = 28  # px: Plotly's toolbar at a chart's top right (on a phone it is always shown)
TOOLBAR_ROOM = TOOLBAR - 6  # px added above a titled chart's plot (and to its height)


def _clear_of_toolbar(fig: go.Figure) -> go.Figure:
    """The title put under the band Plotly's toolbar takes at the top, the plot moved down and
    the chart made taller as much (its plot keeps its size): on a phone a title runs under the
    toolbar, which hid it from its third word on."""
    if fig.layout.title.text:
        top, height = fig.layout.margin.t, fig.layout.height
        fig.update_layout(title=dict(yref="container", y=1, yanchor="top", pad=dict(t=TOOLBAR)),
                          margin_t=(45 if top is None else top) + TOOLBAR_ROOM)
        if height is not None:
            fig.update_layout(height=height + TOOLBAR_ROOM)
    return fig


# Plotly writes dates in English ("Jul 1956"); in Chinese, each zoom level's ticks and the
# unified hover's date the Chinese way ("1956年7月"). Only on date axes: on a numeric axis these
# formats would be read as number formats.
CHINESE_DATES = [dict(dtickrange=[None, 86_400_000], value="%-m月%-d日 %H:%M"),
                 dict(dtickrange=[86_400_000, "M1"], value="%Y年%-m月%-d日"),
                 dict(dtickrange=["M1", "M12"], value="%Y年%-m月"),
                 dict(dtickrange=["M12", None], value="%Y年")]


def _dates_in_language(fig: go.Figure) -> go.Figure:
    if language() != "zh":
        return fig
    # Numbers written whole (18,000,000): a Chinese reader counts in 万, not in k and M
    fig.update_xaxes(exponentformat="none", separatethousands=True)
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    for trace in fig.data:
        if "colorbar" in trace:  # a heatmap's scale too (a confusion matrix of 1,200 texts)
            trace.colorbar.update(exponentformat="none", separatethousands=True)
        x = getattr(trace, "x", None)
        if x is not None and len(x) and _is_date(x[0]):
            axis = "xaxis" + (trace.xaxis or "x")[1:]
            fig.layout[axis].tickformatstops = CHINESE_DATES
            fig.layout[axis].hoverformat = _chinese_hover(x)
    return fig


def _chinese_hover(x) -> str:
    """The unified hover's date as precise as the data: month, day or minute."""
    times = pd.DatetimeIndex(pd.to_datetime(list(x[:200])))
    if (times.normalize() != times).any():
        return "%Y年%-m月%-d日 %H:%M"
    return "%Y年%-m月" if (times.day == 1).all() else "%Y年%-m月%-d日"


def _is_date(value) -> bool:
    return isinstance(value, (pd.Timestamp, np.datetime64, datetime.date)) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][\d:.]+)?", value) is not None)


def _escape(text: str) -> str:
    return html.escape(no_bidi(text), quote=False)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, **extra) -> go.Figure:
    """The look every chart shares: white template, the title alone at the top, the legend in
    a row under the plot (on a narrow screen a legend above would wrap over the title)."""
    fig.update_layout(
        template=TEMPLATE, height=380, hovermode="x unified",
        title=dict(text=title, x=0, xanchor="left", y=0.98, yanchor="top"),
        # at the figure's foot, not a share of the plot below it: slanted dates (long in Chinese)
        # and the axis title pushed into a legend placed so
        legend=dict(orientation="h", x=0, xanchor="left", yref="container", y=0,
                    yanchor="bottom"),
        margin=dict(l=60, r=60 if "yaxis2" in extra else 20, t=45, b=110),
        xaxis_title=x_title, yaxis_title=y_title, **extra)
    return fig


def whole_epochs(fig: go.Figure, epochs: int) -> go.Figure:
    """An epoch axis ticked at whole epochs where there are few (not 1.5, 2.5)."""
    if epochs <= 10:
        fig.update_xaxes(dtick=1)
    return fig


def _x_title(index) -> str:
    """The time axis label: the time column's name (or "date") for dates, otherwise "step" (in
    the reader's language: the loaders name a row-order index "step")."""
    index = pd.Index(index)
    if isinstance(index, pd.DatetimeIndex):
        return str(index.name or tr("date"))
    return tr("step") if index.name in (None, "step") else str(index.name)


def _line(x, y, name: str, color: str, width: float = 2, dash: str | None = None,
          mode: str = "lines", **kw) -> go.Scatter:
    x, y = thinned(x, y)
    return go.Scatter(x=list(x), y=list(y), name=name, mode=mode,
                      line=dict(color=color, width=width, dash=dash), **kw)


def thinned(x, y, limit: int = MAX_POINTS):
    """At most about ``limit`` points of a line, drawn as the full one is: the series is cut
    into ``limit / 2`` stretches and each keeps its lowest and highest point, in time order,
    the first and last points too (a chart a few thousand pixels wide cannot show more, and
    the browser need not receive it)."""
    values = np.asarray(y, dtype=float)
    n = len(values)
    if n <= limit:
        return x, y
    stretch = np.arange(n) * (limit // 2) // n                      # each point's stretch
    order = np.lexsort((np.nan_to_num(values, nan=np.inf), stretch))  # by stretch, then value
    starts = np.searchsorted(stretch[order], np.arange(limit // 2))
    ends = np.append(starts[1:], n) - 1
    keep = np.unique(np.concatenate([[0, n - 1], order[starts], order[ends]]))  # and the ends
    return np.asarray(x)[keep], values[keep]


def _add_band(fig: go.Figure, x, lower, upper, level: int) -> None:
    """A translucent interval band: the upper edge forward, then the lower edge back, filled."""
    x = list(x)
    fig.add_trace(go.Scatter(
        x=x + x[::-1], y=list(upper) + list(lower)[::-1], fill="toself",
        fillcolor=BANDS[level], line=dict(width=0), mode="lines",
        name=tr("{level}% interval", level=level), hoverinfo="skip"))


def _add_bands(fig: go.Figure, x, frame: pd.DataFrame, prefix: Sequence[float] = ()) -> None:
    """The 95% band, then the 80% band on top of it, for every level the frame has columns for."""
    for level in (95, 80):
        if f"lower_{level}" in frame and f"upper_{level}" in frame:
            _add_band(fig, x, [*prefix, *frame[f"lower_{level}"]],
                      [*prefix, *frame[f"upper_{level}"]], level)


def _add_span(fig: go.Figure, index: pd.Index, name: str, start: int, end: int) -> None:
    """A light background rectangle over rows [start, end), labelled at the top."""
    end = min(end, len(index))
    if start >= end:
        return
    # Rectangles meet at the next span's first row, so neighbouring spans leave no gap.
    x1 = index[end] if end < len(index) else index[-1]
    fig.add_vrect(x0=index[start], x1=x1, fillcolor=SPAN_FILLS.get(name, "rgba(0,0,0,0.05)"),
                  line_width=0, layer="below", annotation_text=tr(name),
                  annotation_position="top left", annotation_font_color="#666666")


FEW_DATES = 15  # a series of fewer dates gets a tick on each


@literal
def series_chart(frame: pd.DataFrame, value_col: str, covariates: Sequence[str] = (),
                 title: str | None = None,
                 spans: dict[str, tuple[int, int]] | None = None) -> go.Figure:
    """The loaded series as a line, covariates thinner on a right-hand axis, spans shaded behind."""
    index, short = frame.index, cut(value_col, AXIS_CHARS)  # a long name would run past it
    fig = go.Figure(_line(index, frame[value_col], short, ACTUAL))
    for i, column in enumerate(covariates):
        fig.add_trace(_line(index, frame[column], cut(column, AXIS_CHARS),
                            COVARIATES[i % len(COVARIATES)], width=1, yaxis="y2"))
    for name, (start, end) in (spans or {}).items():
        _add_span(fig, index, name, start, end)
    extra = {}
    if covariates:
        extra["yaxis2"] = dict(title=cut(", ".join(covariates), AXIS_CHARS), overlaying="y",
                               side="right",
                               showgrid=False, **_whole_ticks(frame[list(covariates)]))
    if isinstance(index, pd.DatetimeIndex) and len(index) < FEW_DATES and \
            (index.normalize() == index).all():  # a few days: ticks on them, not on hours
        extra["xaxis"] = dict(tickvals=list(index))
    return _layout(fig, title or tr("{column} over time", column=short), _x_title(index),
                   short, **extra)


def _whole_ticks(values: pd.DataFrame) -> dict:
    """Ticks on whole numbers for inputs that only hold a few of them (a promotion's 0 and 1
    had ticks at 0.125 and 0.293); nothing for others."""
    held = values.to_numpy(dtype=float)
    held = held[~np.isnan(held)]
    if not len(held) or (held % 1).any() or held.max() - held.min() > 10:
        return {}
    return dict(dtick=1, tickformat="d")


SMALL_POINTS = 600  # a small chart's line, at most (a few hundred pixels wide)


@literal
def small_multiples(lines: Sequence[tuple[str, Sequence, Sequence, Sequence | None]],
                    title: str, columns: int = 3, height_each: int = 170) -> go.Figure:
    """Several series drawn small, each in its own panel with its name above it: ``lines`` are
    (name, times, actual, forecast or None). Each line is thinned to ``SMALL_POINTS``."""
    rows = max(1, math.ceil(len(lines) / columns))
    # Between two rows, 75 px: the upper one's date labels (two lines) and the lower's title.
    plot = height_each * rows + 75 * (rows - 1)  # the plotting area, margins aside
    height = plot + 130
    gap = 75 / plot if rows > 1 else 0.0
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[n for n, *_ in lines],
                        horizontal_spacing=0.06, vertical_spacing=gap)
    any_forecast = any(f is not None for *_, f in lines)
    for i, (name, times, actual, forecast) in enumerate(lines):
        row, col = i // columns + 1, i % columns + 1
        x, y = thinned(times, actual, SMALL_POINTS)
        fig.add_trace(go.Scatter(x=list(x), y=list(y), name=tr("actual"), mode="lines",
                                 line=dict(color=ACTUAL, width=1.2), legendgroup="actual",
                                 showlegend=i == 0 and any_forecast), row=row, col=col)
        if forecast is not None:
            x, y = thinned(times, forecast, SMALL_POINTS)
            fig.add_trace(go.Scatter(x=list(x), y=list(y), name=tr("LSTM forecast"), mode="lines",
                                     line=dict(color=LSTM, width=1.5), legendgroup="lstm",
                                     showlegend=i == 0), row=row, col=col)
    for note in fig.layout.annotations:  # the series' names: small, and cut to fit
        note.font.size = 12
        note.text = note.text if len(note.text) <= 40 else note.text[:39] + "…"
    fig.update_layout(template=TEMPLATE, height=height,
                      hovermode="x unified", showlegend=any_forecast,
                      title=dict(text=title, x=0, xanchor="left"),
                      margin=dict(l=40, r=20, t=70, b=60),
                      legend=dict(orientation="h", x=0, y=-45 / plot, yanchor="top"))
    return fig


@literal
def validation_chart(times, actual, forecast, value_label: str,
                     title: str | None = None) -> go.Figure:
    """The validation span's actual values and, once there is one, the model's one-step-ahead forecast."""
    fig = go.Figure(_line(times, actual, tr("actual"), ACTUAL))
    if forecast is not None:
        fig.add_trace(_line(times, forecast, tr("LSTM forecast"), LSTM))
    return _layout(fig, title or tr("Live forecast on the validation span"), _x_title(times),
                   value_label)


@literal
def backtest_chart(backtest: pd.DataFrame, history: pd.Series, value_label: str,
                   step: int = 1, origin=None, origin_label: str = "", method: str = "lstm",
                   method_name: str = "LSTM") -> go.Figure:
    """The test span's forecasts with bands against the actual values, after some context:
    those made ``step`` steps ahead of each date, or (given ``origin``) the whole forecast made
    from that point on, ``origin_label`` naming it in the title. ``method`` (a column of
    ``backtest``, with its bands where it has them) is drawn as the forecast, named
    ``method_name``, the LSTM's thinner beside it."""
    if origin is not None:
        rows = backtest[backtest["origin"] == origin].sort_values("time")
        title = tr("Test span: the forecast from {origin} on, vs actual",
                   origin=origin_label or origin)
    else:
        rows = backtest[backtest["step"] == step].sort_values("time")
        title = tr("Test span: {step}-step-ahead forecasts vs actual", step=step)
    if rows.empty:
        raise ValueError(tr("The backtest has no {step}-step-ahead forecasts; choose a step "
                            "from 1 to {last}.", step=step,
                            last=int(backtest['step'].max()) if len(backtest) else 0))
    times = rows["time"]
    # Context: the last ~3 test-spans of the series, up to and including the first test point
    # so the grey line meets the actual line.
    context = history[history.index <= times.iloc[0]].tail(3 * len(rows) + 1)
    fig = go.Figure(_line(context.index, context, tr("earlier values"), CONTEXT, width=1.5))
    own = method != "lstm" and method in rows
    picked = rows.filter(regex=f"^{re.escape(method)}_(lower|upper)_").rename(
        columns=lambda c: c[len(method) + 1:]) if own else rows
    _add_bands(fig, times, picked)
    # A short test span is drawn with markers too: a line through one point draws nothing.
    mode = "lines+markers" if len(rows) <= 12 else "lines"
    fig.add_trace(_line(times, rows["actual"], tr("actual"), ACTUAL, mode=mode))
    if "seasonal_naive" in rows and method != "seasonal_naive":
        fig.add_trace(_line(times, rows["seasonal_naive"], tr("seasonal naive"), BASELINE,
                            width=1.5, dash="dot", mode=mode))
    if own:
        fig.add_trace(_line(times, rows["forecast"], tr("LSTM forecast"), VALIDATION,
                            width=1.5, dash="dash", mode=mode))
    fig.add_trace(_line(times, rows[method if own else "forecast"],
                        tr("{method} forecast", method=method_name) if own else
                        tr("LSTM forecast"), LSTM, mode=mode))
    return _layout(fig, title, _x_title(history.index), value_label)


@literal
def forecast_chart(history: pd.Series, forecast: pd.DataFrame, value_label: str,
                   tail: int | None = None, method: str = "LSTM",
                   base: pd.DataFrame | None = None) -> go.Figure:
    """Recent history, then the forecast with its bands, joined at the last observation ("now");
    a forecast of one step is a point with its intervals as error bars (a band from "now" to one
    point would be a wedge that says nothing). With ``base`` (a what-if's base forecast), that
    one is drawn dashed beside it."""
    recent = history.tail(tail if tail is not None else max(4 * len(forecast), 48))
    last_time, last_value = history.index[-1], float(history.iloc[-1])
    # ``method``: a method's display name, marked for the catalog where the core names it
    # (LSTM, seasonal naive, AutoETS …), translated here.
    method_forecast = tr("{method} forecast", method=tr(method))
    fig = go.Figure(_line(recent.index, recent, tr("actual"), ACTUAL))
    if len(forecast) == 1:
        row = forecast.iloc[0]
        for level in (95, 80):
            if f"lower_{level}" in forecast:
                fig.add_trace(go.Scatter(
                    x=[row["time"]], y=[row["forecast"]], mode="markers",
                    name=tr("{level}% interval", level=level),
                    marker=dict(color=BANDS[level], size=1), error_y=dict(
                        type="data", symmetric=False, array=[row[f"upper_{level}"] - row["forecast"]],
                        arrayminus=[row["forecast"] - row[f"lower_{level}"]],
                        color=BANDS[level].replace("0.30", "0.9").replace("0.13", "0.5"),
                        thickness=12 if level == 80 else 6, width=0)))
        fig.add_trace(_line([row["time"]], [row["forecast"]], method_forecast, LSTM,
                            mode="markers", marker=dict(size=10, color=LSTM)))
        title = tr("Forecast: the next step")
    else:
        # Every forecast trace starts at the last observed point: the line and bands leave no gap.
        x = [last_time, *forecast["time"]]
        _add_bands(fig, x, forecast, prefix=[last_value])
        fig.add_trace(_line(x, [last_value, *forecast["forecast"]], method_forecast, LSTM))
        title = tr("Forecast: the next {count} steps", count=len(forecast))
    if base is not None:
        fig.add_trace(_line([last_time, *base["time"]], [last_value, *base["forecast"]],
                            tr("base forecast"), VALIDATION, dash="dash"))
    fig.add_vline(x=last_time, line_dash="dash", line_width=1, line_color="#888888",
                  annotation_text=tr("now"), annotation_position="top left")
    return _layout(fig, title, _x_title(history.index), value_label)
