"""Baselines, the verdict and conformal intervals on tiny hand-checked arrays."""
import numpy as np
import pytest

from lstm_app.series.metrics import Scores
from lstm_app.series import baselines, evaluation, intervals

PATTERN = np.array([1.0, 5.0, 9.0, 3.0, 2.0, 6.0, 10.0, 4.0])  # rows 0..7, season 4


def test_naive_repeats_the_last_value():
    assert baselines.naive(PATTERN, np.array([4, 6]), 3).tolist() == [[3, 3, 3], [6, 6, 6]]


def test_seasonal_naive_repeats_the_last_season():
    # Origin 4 reads rows 0..3, then starts over; origin 6 reads rows 2..5, then starts over.
    forecast = baselines.seasonal_naive(PATTERN, np.array([4, 6]), horizon=6, season_length=4)
    assert forecast.tolist() == [[1, 5, 9, 3, 1, 5], [9, 3, 2, 6, 9, 3]]


def test_drift_extends_the_first_to_last_line():
    y = np.array([2.0, 4.0, 5.0, 8.0])
    # Origin 4: 8 + h·(8-2)/3; origin 3: 5 + h·(5-2)/2; origin 1: one observation, no slope.
    assert baselines.drift(y, np.array([4, 3, 1]), 3).tolist() == [
        [10, 12, 14], [6.5, 8, 9.5], [2, 2, 2]]


def test_seasonal_naive_is_left_out_without_a_usable_season():
    for season, origins in ((None, [4, 6]), (5, [4, 6]), (1, [4, 6])):
        preds = evaluation.baseline_forecasts(PATTERN, np.array(origins), 2, season)
        assert set(preds) == {"naive", "drift"}, season  # not naive again under another name
    preds = evaluation.baseline_forecasts(PATTERN, np.array([4, 6]), 2, 4)
    assert preds["seasonal_naive"].tolist() == [[1, 5], [9, 3]]
    assert set(preds) == {"naive", "seasonal_naive", "drift"}


def scores(mae):
    return Scores(mae=mae, rmse=mae, mape=None, smape=1.0, mase=mae / 2)


def rows(**mae_by_name):
    return {name: scores(value) for name, value in mae_by_name.items()}


def test_verdict_when_the_lstm_wins_in_everyday_words():
    text = evaluation.verdict(scores(0.78), rows(naive=1.2, seasonal_naive=1.0, drift=1.5),
                              season_length=12, freq="MS")
    assert text == ("The LSTM's forecasts were 22% closer to what happened than repeating last "
                    "year's value, the best of three simple rules, on the test span.")


def test_verdict_when_a_baseline_wins():
    text = evaluation.verdict(scores(1.25), rows(naive=1.0, drift=1.5))
    assert text == ("Simply repeating the last value beat the LSTM: that rule's forecasts were 20% "
                    "closer to what happened on the test span, so trust that rule for this "
                    "series, or try a longer lookback, more epochs or a smaller model.")


def test_verdict_when_it_is_a_tie_and_the_seasons_words():
    text = evaluation.verdict(scores(1.005), rows(seasonal_naive=1.0, drift=3.0),
                              season_length=7, freq="D")
    assert text.startswith("The LSTM's forecasts were as close to what happened as repeating "
                           "last week's value on the same day (within 1%), the best of two")
    assert evaluation.rules(24, "h")["seasonal_naive"] == "repeating yesterday's value at the same hour"
    assert evaluation.rules(5, None)["seasonal_naive"] == "repeating the value from 5 steps earlier"


def crafted_errors(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Validation windows whose absolute errors are 1..n (step 1) and 10..10n (step 2), shuffled."""
    order = np.random.default_rng(0).permutation(n) + 1
    pred = np.stack([order, 10 * order], axis=1).astype(float)  # (n, horizon=2)
    return np.zeros_like(pred), -pred


def test_conformal_widths_use_the_exact_rank():
    true, pred = crafted_errors(40)
    widths, enough = intervals.conformal_widths(true, pred, 95)  # rank ceil(41 · 0.95) = 39
    assert widths.tolist() == [39, 390] and enough
    widths, enough = intervals.conformal_widths(true, pred, 80)  # rank ceil(41 · 0.80) = 33
    assert widths.tolist() == [33, 330] and enough
    widths, enough = intervals.conformal_widths(*crafted_errors(10), 80)  # rank ceil(8.8) = 9
    assert widths.tolist() == [9, 90] and enough


def test_conformal_widths_flag_too_few_windows():
    true, pred = crafted_errors(9)
    widths, enough = intervals.conformal_widths(true, pred, 95)  # rank ceil(9.5) = 10 > 9
    assert widths.tolist() == [9, 90] and not enough
    _, notices = evaluation.interval_widths(true, pred)
    assert notices == ["The validation span has only 9 windows, too few for a guaranteed 95% "
                       "interval, so its width is estimated from the spread of the validation "
                       "errors; check the measured coverage."]
    _, notices = evaluation.interval_widths(true[:1], pred[:1])  # one window: no "1 windows"
    assert notices[0].startswith("The validation span has only 1 window, too few")


def test_with_few_windows_the_95_band_is_still_clearly_wider_than_the_80_band():
    # Four windows: ranks ceil(5 · 0.8) = 4 and ceil(5 · 0.95) = 5 > 4 would both take the
    # largest error, and the two bands would be the same.
    true, pred = crafted_errors(4)
    widths, estimated = intervals.widths(true, pred)
    assert estimated == [95]
    assert widths[80].tolist() == [4, 40]  # the conformal rank, the largest error here
    ratio = 1.959964 / 1.281552  # a normal error's 95% over its 80% half-width
    assert widths[95] == pytest.approx(np.array([4, 40]) * ratio, rel=1e-5)
    rms = np.sqrt(np.mean(np.array([1, 4, 9, 16]))) * np.array([1, 10])
    assert (widths[95] >= 1.959964 * rms - 1e-9).all()


def test_with_enough_windows_the_bands_are_the_conformal_ones():
    true, pred = crafted_errors(40)
    widths, estimated = intervals.widths(true, pred)
    assert estimated == [] and widths[80].tolist() == [33, 330] and widths[95].tolist() == [39, 390]


def test_coverage_counts_the_bounds_as_inside():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    lower, upper = np.array([0.0, 2.5, 3.0, 5.0]), np.array([2.0, 3.0, 3.0, 6.0])
    assert intervals.coverage(y, lower, upper) == 0.5  # in, out, on both bounds, out


def test_coverage_note_speaks_only_when_intervals_fall_short():
    from lstm_app.series.evaluation import coverage_note
    assert coverage_note({"80": 0.78, "95": 0.9}) == ""
    assert coverage_note({"80": 0.77, "95": 0.84}) == (
        "The intervals were too narrow on the test span: only 84% of actual values fell inside "
        "the 95% interval, so the series behaved differently there than in the validation span; "
        "read them as optimistic.")


def test_lstm_wins_follows_the_verdicts_one_percent_rule():
    from lstm_app.series.evaluation import lstm_wins
    baselines = {"naive": scores(1.0), "seasonal_naive": scores(0.8), "drift": scores(1.2)}
    assert lstm_wins(scores(0.7), baselines)
    assert not lstm_wins(scores(0.795), baselines)  # within 1%: "adds nothing yet"
    assert not lstm_wins(scores(0.9), baselines)
