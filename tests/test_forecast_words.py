"""The Forecast page's sentences around the scores: what a MASE above 1 beside a win means."""

from types import SimpleNamespace

from lstm_app.series.metrics import Scores
from lstm_app.ui.forecast_view import mase_note


def scores(mae: float, mase: float | None) -> Scores:
    return Scores(mae=mae, rmse=mae, mape=None, smape=1.0, mase=mase)


def result(lstm_mase: float | None, lstm_mae: float = 8.0) -> SimpleNamespace:
    rules = {"naive": scores(10.0, 1.6), "seasonal_naive": scores(12.0, 1.9), "drift": scores(11.0, 1.7)}
    return SimpleNamespace(test=scores(lstm_mae, lstm_mase), baselines=rules)


def test_a_mase_above_one_beside_a_win_is_explained():
    note = mase_note(result(1.3))
    assert note.startswith("The LSTM's MASE is 1.30, above 1, although it beat every simple rule")
    assert "the verdict compares with the rules on the test span itself" in note


def test_no_note_where_mase_and_verdict_agree():
    assert mase_note(result(0.8)) == ""                 # below 1
    assert mase_note(result(1.3, lstm_mae=10.5)) == ""  # the LSTM lost: the verdict says so
    assert mase_note(result(None)) == ""                # no MASE


def test_the_scores_in_words_name_the_lstm_whatever_is_recommended():
    """The sentence follows a verdict that may recommend AutoETS: "its forecasts" read as
    AutoETS's (in Chinese "它的预测"); it names the LSTM."""
    import pandas as pd

    from lstm_app.i18n import speaking
    from lstm_app.ui.forecast_view import scores_in_words

    frame = pd.DataFrame({"v": range(24)}, index=pd.date_range("2020-01-01", periods=24,
                                                                freq="MS"))
    done = result(0.8)
    done.series = SimpleNamespace(frame=frame, freq="MS", season_length=12)
    done.split, done.labels = SimpleNamespace(test=(12, 24)), {}
    said = scores_in_words(done, None)
    assert "the LSTM's forecasts were off by **8** on average" in said, said
    with speaking("zh"):
        assert "LSTM 的预测平均偏差 **8**" in scores_in_words(done, None)


def test_the_statistical_models_time_is_said_beside_the_training_time():
    from lstm_app.ui.live import scoring_took

    assert scoring_took(120.2) == "Scoring it against the other methods took 2 min more."
    assert scoring_took(31.0) == "Scoring it against the other methods took 31 s more."
    assert scoring_took(0.4) == ""
