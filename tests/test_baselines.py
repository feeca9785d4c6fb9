"""Baselines, the verdict and conformal intervals on tiny hand-checked arrays."""
import numpy as np

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


def test_baseline_forecasts_fall_back_to_naive_without_a_usable_season():
    naive = baselines.naive(PATTERN, np.array([4, 6]), 2)
    for season, origins in ((None, [4, 6]), (5, [4, 6]), (1, [4, 6])):
        preds = evaluation.baseline_forecasts(PATTERN, np.array(origins), 2, season)
        assert preds["seasonal_naive"].tolist() == naive.tolist(), season
    preds = evaluation.baseline_forecasts(PATTERN, np.array([4, 6]), 2, 4)
    assert preds["seasonal_naive"].tolist() == [[1, 5], [9, 3]]
    assert set(preds) == {"naive", "seasonal_naive", "drift"}


def scores(mase, mae):
    return Scores(mae=mae, rmse=mae, mape=None, smape=1.0, mase=mase)


def rows(**mase_by_name):
    return {name: scores(value, 10.0) for name, value in mase_by_name.items()}


def test_verdict_when_the_lstm_wins():
    text = evaluation.verdict(scores(0.82, 1.0),
                              rows(naive=1.2, seasonal_naive=1.0, drift=1.5))
    assert text == ("The LSTM's MASE is 18% lower than seasonal naive's, the best of the three "
                    "baselines, on the test span.")


def test_verdict_when_a_baseline_wins():
    text = evaluation.verdict(scores(1.25, 1.0),
                              rows(naive=1.0, seasonal_naive=1.1, drift=1.5))
    assert text == ("Naive (last value) beats this LSTM: its MASE is 20% lower on the test span, "
                    "so trust naive (last value) for this series, or try a longer lookback, more "
                    "epochs or a smaller model.")


def test_verdict_falls_back_to_mae_without_mase():
    baseline_rows = {"naive": scores(None, 5.0),
                     "seasonal_naive": scores(None, 4.5),
                     "drift": scores(None, 4.0)}
    assert evaluation.verdict(scores(None, 3.0), baseline_rows) == (
        "The LSTM's MAE is 25% lower than drift's, the best of the three baselines, on the test span.")


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
                       "interval; the largest validation error is used, so check the measured "
                       "coverage."]


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
    row = lambda mase: scores(mase, 1.0)
    baselines = {"naive": row(1.0), "seasonal_naive": row(0.8), "drift": row(1.2)}
    assert lstm_wins(row(0.7), baselines)
    assert not lstm_wins(row(0.795), baselines)  # within 1%: "adds nothing yet"
    assert not lstm_wins(row(0.9), baselines)
