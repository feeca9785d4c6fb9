"""The Plotly figures: the traces each chart draws, on tiny data."""
import ast
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from lstm_app.series.metrics import Scores
from lstm_app.training.jobs import BatchPoint
from lstm_app.training.trainer import EpochRecord
from lstm_app import charts, inside_charts, loss_charts

DATES = pd.date_range("2020-01-01", periods=12, freq="MS", name="month")


def names(fig: go.Figure) -> list[str]:
    return [trace.name for trace in fig.data]


def trace(fig: go.Figure, name: str):
    [found] = [t for t in fig.data if t.name == name]
    return found


def as_dates(values) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(values)))


def check_common_layout(fig: go.Figure) -> None:
    assert fig.layout.template.layout.paper_bgcolor == "white"  # plotly_white
    # The legend in a row at the figure's foot, never over the title (which wraps on a phone)
    # nor over slanted dates and the axis title (a share of the plot below it was).
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.yref == "container" and legend.y == 0
    # the title under the band of Plotly's toolbar (on a phone it hid the title), the chart
    # taller as much, so that its plot keeps its size
    assert fig.layout.title.yref == "container" and fig.layout.title.pad.t == charts.TOOLBAR
    assert fig.layout.margin.t == 45 + charts.TOOLBAR_ROOM
    assert fig.layout.height == 380 + charts.TOOLBAR_ROOM


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"passengers": np.arange(12.0) + 100, "price": np.linspace(1, 2, 12)},
                        index=DATES)


@pytest.fixture
def backtest() -> pd.DataFrame:
    """Origins at rows 8 and 9 of DATES, horizon 2: four rows."""
    origins, steps = [DATES[7], DATES[7], DATES[8], DATES[8]], [1, 2, 1, 2]
    times = [DATES[8], DATES[9], DATES[9], DATES[10]]
    forecast = np.array([108.5, 109.5, 109.2, 110.4])
    return pd.DataFrame({
        "origin": origins, "step": steps, "time": times, "actual": [108.0, 109.0, 109.0, 110.0],
        "forecast": forecast, "lower_80": forecast - 1, "upper_80": forecast + 1,
        "lower_95": forecast - 2, "upper_95": forecast + 2,
        "naive": [107.0, 107.0, 108.0, 108.0], "seasonal_naive": [106.0, 106.5, 106.5, 107.0],
        "drift": [108.0, 109.0, 109.0, 110.0]})


def test_backtest_chart_draws_the_method_picked_with_its_own_bands_and_the_lstm_beside(
        backtest, frame):
    ets = np.array([108.0, 109.8, 109.1, 110.9])
    picked = backtest.assign(auto_ets=ets, auto_ets_lower_80=ets - 3, auto_ets_upper_80=ets + 3)
    fig = charts.backtest_chart(picked, frame["passengers"], "passengers", step=1,
                                method="auto_ets", method_name="AutoETS")
    assert names(fig) == ["earlier values", "80% interval", "actual", "seasonal naive",
                          "LSTM forecast", "AutoETS forecast"]  # no 95% band: it has none
    assert list(trace(fig, "AutoETS forecast").y) == [108.0, 109.1]
    assert list(trace(fig, "80% interval").y) == [111.0, 112.1, 106.1, 105.0]
    assert trace(fig, "LSTM forecast").line.dash == "dash"
    assert list(trace(fig, "LSTM forecast").y) == [108.5, 109.2]
    whole = charts.backtest_chart(picked, frame["passengers"], "passengers", origin=DATES[8],
                                  method="auto_ets", method_name="AutoETS")
    assert list(trace(whole, "AutoETS forecast").y) == [109.1, 110.9]
    # A method the backtest lacks (a panel's series detail) draws the LSTM's, as before.
    same = charts.backtest_chart(backtest, frame["passengers"], "passengers", step=1,
                                 method="auto_ets", method_name="AutoETS")
    assert names(same)[-1] == "LSTM forecast" and len(same.data) == 6


def test_series_chart_draws_the_value_over_dates(frame):
    fig = charts.series_chart(frame, "passengers")
    assert names(fig) == ["passengers"]
    assert as_dates(fig.data[0].x) == list(DATES)
    assert list(fig.data[0].y) == list(frame["passengers"])
    assert fig.layout.xaxis.title.text == "month"
    assert fig.layout.yaxis.title.text == "passengers"
    assert fig.layout.title.text == "passengers over time"
    check_common_layout(fig)


def test_series_chart_puts_covariates_on_a_second_axis_and_shades_spans(frame):
    spans = {"train": (0, 8), "validation": (8, 10), "test": (10, 12)}
    fig = charts.series_chart(frame, "passengers", covariates=["price"], title="Air", spans=spans)
    assert names(fig) == ["passengers", "price"]
    assert fig.data[1].yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    assert fig.data[1].line.width < fig.data[0].line.width
    assert fig.layout.title.text == "Air"
    assert len(fig.layout.shapes) == 3
    assert [a.text for a in fig.layout.annotations] == ["train", "validation", "test"]
    train = fig.layout.shapes[0]
    assert pd.Timestamp(train.x0) == DATES[0] and pd.Timestamp(train.x1) == DATES[8]
    assert pd.Timestamp(fig.layout.shapes[2].x1) == DATES[-1]
    assert fig.layout.yaxis2.dtick is None  # prices: plotly's own ticks
    flags = frame.assign(promo=[float(i % 2) for i in range(len(frame))])
    fig = charts.series_chart(flags, "passengers", covariates=["promo"])
    assert (fig.layout.yaxis2.dtick, fig.layout.yaxis2.tickformat) == (1, "d")  # not 0.125


def test_series_chart_without_dates_uses_a_step_axis():
    frame = pd.DataFrame({"load": [1.0, 2.0, 3.0]}, index=pd.RangeIndex(3, name="step"))
    fig = charts.series_chart(frame, "load")
    assert list(fig.data[0].x) == [0, 1, 2]
    assert fig.layout.xaxis.title.text == "step"


HISTORY = [EpochRecord(1, 1.0, 0.9), EpochRecord(2, 0.6, 0.5), EpochRecord(3, 0.4, 0.7)]


def test_loss_chart_marks_the_best_validation_epoch():
    fig = loss_charts.loss_chart(HISTORY)
    assert names(fig) == ["train", "validation", "best"]
    assert list(trace(fig, "validation").x) == [1, 2, 3]
    best = trace(fig, "best")
    assert list(best.x) == [2] and list(best.y) == [0.5]
    assert fig.layout.annotations == ()  # the legend names the star (a label crossed curves)
    assert best.hovertemplate == "best: %{x}, %{y:.4g}<extra></extra>"
    assert fig.layout.xaxis.title.text == "epoch"
    assert fig.layout.yaxis.title.text == "loss (MSE, scaled)"
    assert fig.layout.yaxis.type != "log"
    check_common_layout(fig)


def test_loss_chart_log_axis_and_batches_underneath():
    batches = [BatchPoint(0.5, 1.2), BatchPoint(1.5, 0.8)]
    fig = loss_charts.loss_chart(HISTORY, batches=batches, log_y=True, loss_label="loss")
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.title.text == "loss"
    assert names(fig)[0] == "train (per batch)"  # drawn first, so it sits under the epoch curves
    assert list(fig.data[0].x) == [0.5, 1.5]
    assert fig.data[0].line.width < trace(fig, "train").line.width
    assert list(trace(fig, "best").y) == [0.5]  # a trace on a log axis takes the value itself


def test_loss_chart_with_an_empty_history():
    fig = loss_charts.loss_chart([])
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0 and len(fig.layout.annotations) == 0
    assert fig.layout.xaxis.title.text == "epoch"
    assert fig.layout.yaxis.title.text == "loss (MSE, scaled)"


def test_loss_chart_ignores_missing_validation_losses():
    fig = loss_charts.loss_chart([EpochRecord(1, 1.0, float("nan"))])
    assert names(fig) == ["train", "validation"]


def test_validation_chart_with_and_without_a_forecast():
    times = DATES[8:]
    fig = charts.validation_chart(times, [1.0, 2, 3, 4], [1.5, 2, 2.5, 4], "passengers")
    assert names(fig) == ["actual", "LSTM forecast"]
    assert as_dates(fig.data[1].x) == list(times)
    assert fig.layout.yaxis.title.text == "passengers"
    assert fig.layout.title.text == "Live forecast on the validation span"
    untrained = charts.validation_chart(times, [1.0, 2, 3, 4], None, "passengers")
    assert names(untrained) == ["actual"]


def test_backtest_chart_draws_forecast_bands_actual_and_context(backtest, frame):
    history = frame["passengers"]
    fig = charts.backtest_chart(backtest, history, "passengers", step=1)
    assert names(fig) == ["earlier values", "95% interval", "80% interval", "actual",
                          "seasonal naive", "LSTM forecast"]
    assert fig.layout.title.text == "Test span: 1-step-ahead forecasts vs actual"
    assert as_dates(trace(fig, "LSTM forecast").x) == [DATES[8], DATES[9]]
    assert list(trace(fig, "LSTM forecast").y) == [108.5, 109.2]
    assert trace(fig, "seasonal naive").line.dash == "dot"
    band = trace(fig, "80% interval")
    assert band.fill == "toself"
    assert list(band.y) == [109.5, 110.2, 108.2, 107.5]  # upper forward, lower back
    # 95% is lighter than 80%: a smaller alpha in the same colour.
    alpha = lambda t: float(t.fillcolor.rstrip(")").split(",")[-1])
    assert alpha(trace(fig, "95% interval")) < alpha(band)
    # Context: 3 × 2 test points before the span, plus the first test point to join the lines.
    assert as_dates(fig.data[0].x) == list(DATES[2:9])
    # Two test points: drawn as points too (a line through one point draws nothing).
    assert trace(fig, "actual").mode == "lines+markers"
    assert trace(fig, "LSTM forecast").mode == "lines+markers"


def test_backtest_chart_other_steps_and_a_missing_step(backtest, frame):
    fig = charts.backtest_chart(backtest, frame["passengers"], "passengers", step=2)
    assert as_dates(trace(fig, "actual").x) == [DATES[9], DATES[10]]
    assert fig.layout.title.text.startswith("Test span: 2-step-ahead")
    with pytest.raises(ValueError, match="no 5-step-ahead forecasts"):
        charts.backtest_chart(backtest, frame["passengers"], "passengers", step=5)


@pytest.fixture
def future() -> pd.DataFrame:
    forecast = np.array([112.0, 113.0])
    return pd.DataFrame({"time": pd.date_range("2021-01-01", periods=2, freq="MS"),
                         "forecast": forecast, "lower_80": forecast - 1, "upper_80": forecast + 1,
                         "lower_95": forecast - 2, "upper_95": forecast + 2})


def test_forecast_chart_joins_the_forecast_to_the_last_observation(frame, future):
    history = frame["passengers"]
    fig = charts.forecast_chart(history, future, "passengers", tail=5)
    assert names(fig) == ["actual", "95% interval", "80% interval", "LSTM forecast"]
    line = trace(fig, "LSTM forecast")
    assert pd.Timestamp(line.x[0]) == DATES[-1] and line.y[0] == history.iloc[-1]
    assert list(line.y[1:]) == [112.0, 113.0]
    assert as_dates(trace(fig, "actual").x) == list(DATES[-5:])
    band = trace(fig, "95% interval")
    assert pd.Timestamp(band.x[0]) == DATES[-1] and band.y[0] == history.iloc[-1]
    [now] = fig.layout.shapes
    assert pd.Timestamp(now.x0) == DATES[-1] and now.line.dash == "dash"
    assert [a.text for a in fig.layout.annotations] == ["now"]
    assert fig.layout.yaxis.title.text == "passengers"
    check_common_layout(fig)


def test_a_one_step_forecast_is_a_point_with_error_bars_not_a_wedge(frame, future):
    history = frame["passengers"]
    one = future.iloc[:1]
    fig = charts.forecast_chart(history, one, "passengers", tail=5)
    assert fig.layout.title.text == "Forecast: the next step"
    point = trace(fig, "LSTM forecast")
    assert list(point.y) == [112.0] and "markers" in point.mode and len(point.x) == 1
    band = trace(fig, "95% interval")
    assert band.error_y.array[0] == pytest.approx(one["upper_95"].iloc[0] - 112.0)
    assert band.error_y.arrayminus[0] == pytest.approx(112.0 - one["lower_95"].iloc[0])
    assert all(len(t.x) == 1 for t in fig.data if t.name != "actual")  # nothing from "now"


def test_forecast_chart_default_tail_is_capped_by_the_history(frame, future):
    fig = charts.forecast_chart(frame["passengers"], future, "passengers")
    assert len(trace(fig, "actual").x) == 12  # max(4 × 2, 48) = 48, but only 12 points exist
    long = pd.Series(np.arange(100.0), index=pd.RangeIndex(100, name="step"))
    steps = pd.DataFrame({"time": [100, 101], "forecast": [1.0, 2.0]})
    fig = charts.forecast_chart(long, steps, "load")
    assert list(trace(fig, "actual").x) == list(range(52, 100))
    assert names(fig) == ["actual", "LSTM forecast"]  # no interval columns, no bands
    assert fig.layout.xaxis.title.text == "step"


def test_metrics_table_labels_rounding_and_missing_mape():
    from lstm_app.series.score_table import metrics_table

    row = lambda scale, mape: Scores(mae=1.234567 * scale, rmse=2.0 * scale, mape=mape,
                                     smape=5.0, mase=0.98765)
    table = metrics_table(row(1, None), {"naive": row(10, 12.3456789),
                                                "seasonal_naive": row(100, 1.0),
                                                "drift": row(1000, 0.0)})
    without_season = metrics_table(row(1, None), {"naive": row(10, 12.3456789),
                                                         "drift": row(1000, 0.0)})
    assert list(without_season.index) == ["LSTM", "Naive (last value)", "Drift"]
    assert list(table.index) == ["LSTM", "Naive (last value)", "Seasonal naive", "Drift"]
    assert list(table.columns) == ["MASE", "MAE", "RMSE", "MAPE %", "sMAPE %"]
    assert math.isnan(table.loc["LSTM", "MAPE %"])
    assert table.loc["LSTM", "MAE"] == 1.235
    assert table.loc["Drift", "MAE"] == 1235.0
    assert table.loc["Naive (last value)", "MAPE %"] == 12.35
    assert table.loc["Drift", "MAPE %"] == 0.0
    assert table.loc["LSTM", "MASE"] == 0.9877
    # the combination's row named as the choice of forecast names it, not "the best statistical"
    both = metrics_table(row(1, None), {"auto_arima": row(2, 1.0), "combination": row(3, 1.0)},
                         {"combination": "mean of the LSTM and AutoARIMA"})
    assert list(both.index) == ["LSTM", "AutoARIMA", "mean of the LSTM and AutoARIMA"]


@pytest.mark.parametrize("module", [charts, inside_charts])
def test_chart_modules_import_neither_streamlit_nor_torch(module):
    tree = ast.parse(open(module.__file__, encoding="utf-8").read())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported.isdisjoint({"streamlit", "torch"})
    assert "plotly" in imported


def test_backtest_chart_shows_one_whole_forecast_from_its_origin(backtest, frame):
    fig = charts.backtest_chart(backtest, frame["passengers"], "passengers",
                                origin=DATES[8], origin_label="Sep 2000")
    assert as_dates(trace(fig, "actual").x) == [DATES[9], DATES[10]]
    assert list(trace(fig, "LSTM forecast").y) == [109.2, 110.4]
    assert fig.layout.title.text == "Test span: the forecast from Sep 2000 on, vs actual"


def test_a_long_series_is_sent_thinned_with_its_peaks_and_troughs():
    n = 1_000_000
    index = pd.date_range("2000-01-01", periods=n, freq="min")
    values = np.sin(np.arange(n) / 5000.0)
    values[123_457] = 50.0      # one spike, one dip: both must survive the thinning
    values[876_543] = -50.0
    fig = charts.series_chart(pd.DataFrame({"load": values}, index=index), "load")
    line = fig.data[0]
    assert len(line.y) <= charts.MAX_POINTS
    assert max(line.y) == 50.0 and min(line.y) == -50.0
    times = pd.to_datetime(list(line.x))
    assert times.is_monotonic_increasing and times[0] == index[0] and times[-1] == index[-1]
    short = charts.series_chart(pd.DataFrame({"load": values[:100]}, index=index[:100]), "load")
    assert len(short.data[0].y) == 100  # a short series is sent whole


EVIL = '<a href="https://evil.example/x">open</a> <b>&amp;</b>'
SHOWN = '&lt;a href="https://evil.example/x"&gt;open&lt;/a&gt; &lt;b&gt;&amp;amp;&lt;/b&gt;'


def texts_of(fig: go.Figure) -> list[str]:
    """Every text of a figure that Plotly reads as markup."""
    found = [fig.layout.title.text or ""]
    found += [fig.layout[a].title.text or "" for a in fig.layout if a[1:5] == "axis"]
    found += [note.text or "" for note in fig.layout.annotations]
    for t in fig.data:
        for field in ("name", "text", "x", "y"):
            value = getattr(t, field, None)
            values = [value] if isinstance(value, str) else [] if value is None else list(value)
            found += [v for v in values if isinstance(v, str)]
    return found


def test_every_chart_shows_a_users_markup_as_text(frame, backtest, future):
    """A column, run or token named with an <a href> must not become a link on the page: every
    label that holds it holds it escaped, the entities Plotly turns back into the characters."""
    frame = frame.rename(columns={"passengers": EVIL, "price": EVIL + " 2"})
    frame.index.name = EVIL
    history = [EpochRecord(epoch=1, train_loss=1.0, val_loss=0.9, seconds=1.0)]
    figures = [
        charts.series_chart(frame, EVIL, [EVIL + " 2"]),
        charts.backtest_chart(backtest, frame[EVIL], EVIL, origin=DATES[8], origin_label=EVIL),
        charts.forecast_chart(frame[EVIL], future, EVIL),
        charts.validation_chart(DATES[:3], [1, 2, 3], [1, 2, 3], EVIL),
        loss_charts.runs_loss_chart([(EVIL, history)]),
        inside_charts.state_heatmap(np.ones((2, 2)), [EVIL, "b"], EVIL, gate=True),
        inside_charts.pca_chart(np.ones((2, 2)), [EVIL, "b"], (0.5, 0.2), EVIL),
        inside_charts.attribution_chart(DATES[:2], [1.0, 2.0], [0.1, 0.2], EVIL),
    ]
    for fig in figures:
        texts = texts_of(fig)
        assert any(SHOWN in t for t in texts), fig.layout.title.text
        assert not any("<a " in t or "<b>" in t for t in texts), texts
    assert charts.series_chart(frame[[EVIL]], EVIL).layout.title.text == f"{SHOWN} over time"


def test_every_chart_reads_chinese_with_a_cjk_font_after_the_latin_one(frame):
    """Issue 17: the interface in Chinese and a user's Chinese column names draw as characters,
    not boxes, on the page and in a downloaded image."""
    fig = charts.series_chart(frame.rename(columns={"passengers": "旅客"}), "旅客")
    family = fig.layout.template.layout.font.family
    assert family == charts.FONTS and family.index("Open Sans") < family.index("Noto Sans CJK SC")
    assert family.rstrip().endswith("sans-serif")


def test_a_few_days_get_a_tick_each_not_ticks_on_hours():
    days = pd.date_range("2024-01-01", periods=3, freq="D", name="date")
    fig = charts.series_chart(pd.DataFrame({"v": [1.0, 2.0, 3.0]}, index=days), "v")
    assert [pd.Timestamp(t) for t in fig.layout.xaxis.tickvals] == list(days)
    many = pd.date_range("2024-01-01", periods=40, freq="D", name="date")
    fig = charts.series_chart(pd.DataFrame({"v": np.arange(40.0)}, index=many), "v")
    assert fig.layout.xaxis.tickvals is None  # plotly's own ticks


def test_the_longest_text_read_is_labelled_on_the_side_with_room():
    from lstm_app.class_charts import length_chart

    lengths = np.arange(1, 301)
    inside = length_chart(lengths, 100, "char").layout.annotations[0]
    at_edge = length_chart(lengths, 400, "char").layout.annotations[0]  # the right edge
    assert inside.xanchor == "left" and at_edge.xanchor == "right"
    # short texts (11 characters or so) and 200 read: the bars fill the chart, the line is said
    far = length_chart(np.full(50, 11), 200, "char")
    assert far.layout.xaxis.range[1] < 20 and not far.layout.shapes
    assert far.layout.annotations[0].text == "longest text read: 200 →"


def test_every_class_of_thirty_is_named_on_the_class_charts():
    """Plotly's own ticks named every second class of 30 on both charts."""
    from lstm_app.class_charts import class_counts_chart, confusion_chart

    classes = [f"class_{i}" for i in range(30)]
    counts = class_counts_chart(classes, list(range(30, 0, -1)))
    assert sorted(counts.layout.yaxis.tickvals) == sorted(classes)
    assert counts.layout.height >= 30 * 22  # room for each name
    matrix = confusion_chart(np.eye(30, dtype=int).tolist(), classes)
    assert list(matrix.layout.xaxis.tickvals) == classes == list(matrix.layout.yaxis.tickvals)
    hostile = class_counts_chart(["<b>pos</b>", "neg"], [2, 1])  # named as the bars are
    assert list(hostile.layout.yaxis.ticktext) == list(hostile.data[0].y) != ["neg", "<b>pos</b>"]
    many = class_counts_chart([f"c{i}" for i in range(90)], [1] * 90)
    assert many.layout.yaxis.tickvals is None  # too many to name each: Plotly chooses


def test_epoch_axes_tick_whole_epochs_when_there_are_few():
    from lstm_app.class_charts import scores_chart
    from lstm_app.loss_charts import loss_chart, runs_loss_chart
    from lstm_app.training.trainer import EpochRecord

    few = [EpochRecord(e, 1.0 / e, 1.2 / e, scores={"accuracy": 0.5, "macro_f1": 0.4})
           for e in (1, 2, 3)]
    many = [EpochRecord(e, 1.0 / e, 1.2 / e, scores={"accuracy": 0.5, "macro_f1": 0.4})
            for e in range(1, 31)]
    for chart in (loss_chart, scores_chart, lambda h: runs_loss_chart([("a", h)])):
        assert chart(few).layout.xaxis.dtick == 1  # 1, 2, 3: not 1.5, 2.5
        assert chart(many).layout.xaxis.dtick is None  # plotly's own ticks


def test_the_importance_axis_has_ticks_of_its_own():
    """Overlaid on the values' axis, it took that axis' ticks (0.008, 0.12, 0.232…): plotly.js
    makes an overlaying axis' tickmode "sync" unless it is given."""
    fig = inside_charts.attribution_chart(DATES[:3], [20000.0, 24000.0, 28000.0],
                                          [0.008, 0.2, 0.456], "sales")
    assert fig.layout.yaxis2.tickmode == "auto" and fig.layout.yaxis2.rangemode == "tozero"


def test_a_heatmap_names_every_step_of_a_short_input_and_leaves_a_long_one_to_plotly():
    from lstm_app import inside_charts

    short = inside_charts.state_heatmap(np.ones((4, 41)), [f"{i}:雨" for i in range(41)], "f",
                                        gate=True)
    assert short.layout.xaxis.dtick == 1 and short.layout.xaxis.tickmode == "linear"
    room = charts.TOOLBAR_ROOM  # (above the title: the toolbar's band)
    assert short.layout.height == 120 + 14 * 4 + 8 * len("40:雨") + room  # turned labels' room
    long = inside_charts.state_heatmap(np.ones((4, 200)), list(range(200)), "f", gate=True)
    assert long.layout.xaxis.dtick is None and long.layout.height == 120 + 14 * 4 + room


def test_the_hidden_state_path_numbers_its_steps_from_one_as_the_heatmaps_do():
    """A newcomer saw the colour bar run 0–12 beside heatmaps numbering the steps 1–14."""
    fig = inside_charts.pca_chart(np.zeros((14, 2)), [f"{i}:x" for i in range(1, 15)],
                                  (0.5, 0.2), "states")
    assert list(fig.data[0].marker.color) == list(range(1, 15))
