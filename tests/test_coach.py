"""The training coach's rules on synthetic histories: each diagnosis where it belongs, and only there."""

import math

import pytest

from lstm_app.training.coach import diagnose
from lstm_app.training.trainer import EpochRecord

SETTINGS = {"hidden_size": 64, "num_layers": 1, "dropout": 0.1, "lr": 0.003, "epochs": 20,
            "lookback": 12}


def history(train, val):
    return [EpochRecord(i + 1, t, v) for i, (t, v) in enumerate(zip(train, val))]


def kinds(found):
    return [d.kind for d in found]


def test_a_healthy_run_gets_no_advice():
    train = [1.0, 0.6, 0.45, 0.4, 0.38, 0.37, 0.369, 0.3685, 0.3683, 0.3682]
    val = [1.1, 0.7, 0.5, 0.45, 0.43, 0.425, 0.424, 0.4238, 0.4237, 0.4237]
    assert diagnose(history(train, val), SETTINGS, "early_stopping") == []


def test_a_validation_span_far_above_training_is_said_where_nothing_else_is():
    """A forecast's validation loss at 7 beside a training loss at 1: the coach said "nothing
    to change"."""
    train = [2.0, 1.3, 1.1, 1.0, 0.98, 0.97]
    val = [9.0, 7.6, 7.2, 7.0, 7.05, 7.1]
    found = diagnose(history(train, val), SETTINGS, "early_stopping", later_span=True)
    assert kinds(found) == ["apart"] and found[0].changes == {}
    assert found[0].explanation.startswith("Even at its best epoch (4) the validation loss (7) "
                                           "was 7 times the training loss (1)")
    # not for data that is no later span (a text, a classifier's texts), nor beside other advice
    assert diagnose(history(train, val), SETTINGS, "early_stopping") == []
    near = [1.1, 1.4, 1.2, 1.1, 1.12, 1.13]  # within three times: nothing to say
    assert diagnose(history(train, near), SETTINGS, "early_stopping", later_span=True) == []
    still = diagnose(history(train, [v * 0.9 for v in val][:5] + [5.0]), SETTINGS, "completed",
                     later_span=True)  # still learning: that is the advice
    assert "apart" not in kinds(still)


def test_overfitting_raises_dropout():
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1]
    val = [1.1, 0.8, 0.6, 0.55, 0.57, 0.6, 0.64, 0.7, 0.75]
    [d] = diagnose(history(train, val), SETTINGS, "early_stopping")
    assert d.kind == "overfitting" and d.changes == {"dropout": 0.3}
    assert d.change_label == "dropout 0.1 → 0.3" and "epoch 4" in d.explanation
    # how much each moved, so that a mild rise on a flat-looking curve reads as what it is
    assert "the validation loss rose by 36% while the training loss fell by 75%" in d.explanation


def test_overfitting_with_high_dropout_halves_the_network():
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1]
    val = [1.1, 0.8, 0.6, 0.55, 0.57, 0.6, 0.64, 0.7, 0.75]
    [d] = diagnose(history(train, val), {**SETTINGS, "dropout": 0.5}, "early_stopping")
    assert d.changes == {"hidden_size": 32} and d.change_label == "hidden units 64 → 32"


def test_a_validation_loss_that_rises_with_the_training_loss_is_not_overfitting():
    train = [1.0, 0.8, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9]
    val = [1.1, 0.9, 0.8, 0.82, 0.85, 0.9, 0.95, 1.0]
    assert "overfitting" not in kinds(diagnose(history(train, val), SETTINGS))


@pytest.mark.parametrize("stop, val", [("diverged", [1.0, 0.8, 0.7]),
                                       ("completed", [1.0, 0.8, 0.7, 3.5]),
                                       ("completed", [1.0, 0.8, math.nan])])
def test_divergence_divides_the_learning_rate_by_three(stop, val):
    train = [1.0] * len(val)
    found = diagnose(history(train, val), SETTINGS, stop)
    assert kinds(found) == ["diverging"]
    assert found[0].changes == {"lr": 0.001} and found[0].change_label == "learning rate 0.003 → 0.001"


def test_a_validation_loss_three_times_its_best_while_training_falls_is_overfitting():
    """A classifier trained 500 epochs and stopped: the validation loss rose smoothly to three
    times its best as the training loss fell to nearly 0. The coach said it was blowing up and
    to lower the learning rate."""
    train = [0.9, 0.5, 0.3, 0.1, 0.03, 0.01, 0.004, 0.002]
    val = [0.8, 0.6, 0.55, 0.7, 0.9, 1.3, 1.8, 2.4]
    found = diagnose(history(train, val), SETTINGS, "stopped")
    assert "diverging" not in kinds(found) and kinds(found)[0] == "overfitting"
    # the same validation loss with a training loss that did not fall: a blow-up
    assert kinds(diagnose(history([0.9, 0.5, 0.4, 0.4, 0.45, 0.6, 0.9, 1.5], val), SETTINGS,
                          "stopped"))[0] == "diverging"
    # a leap within two epochs of the best, the training loss still falling: a blow-up still
    # (overfitting's rule needs three epochs above the best to say anything)
    for train, leap in (([1, .8, .6, .5, .4], [1, .5, .4, 2, 30]), ([1, .5, .2], [1, .5, 2])):
        assert kinds(diagnose(history(train, leap), SETTINGS, "completed")) == ["diverging"]


def test_still_falling_at_the_end_doubles_the_epochs():
    train = [1.0 - 0.05 * i for i in range(10)]
    val = [1.1 - 0.05 * i for i in range(10)]
    [d] = diagnose(history(train, val), SETTINGS, "completed")
    assert d.kind == "underfitting" and d.changes == {"epochs": 40}
    # The same curves stopped early are not "out of epochs"; stopped by the user, going on is
    # Train more's, with no setting to change.
    assert "underfitting" not in kinds(diagnose(history(train, val), SETTINGS,
                                                "early_stopping"))
    [d] = diagnose(history(train, val), SETTINGS, "stopped")
    assert d.kind == "underfitting" and d.changes == {}
    assert d.title == "It was still learning when you stopped it" and "Train more" in \
        d.explanation
    # Two epochs, both falling: still learning too (it said nothing to change)
    [d] = diagnose(history([3.9, 3.8], [3.85, 3.77]), SETTINGS, "completed")
    assert d.kind == "underfitting"
    assert diagnose(history([3.9], [3.85]), SETTINGS, "completed") == []  # (cannot be read)
    # One epoch asked for and trained: no curve to read, and it has hardly started
    [d] = diagnose(history([3.9], [3.85]), {**SETTINGS, "epochs": 1}, "completed")
    assert d.kind == "underfitting" and d.changes == {"epochs": 10}
    assert d.title == "It trained for one epoch only"


def test_after_train_more_the_epochs_advised_count_every_epoch_trained():
    from types import SimpleNamespace
    from lstm_app.series.settings import ForecastConfig
    from lstm_app.ui.coach_view import as_trained
    train = [1.0 - 0.05 * i for i in range(10)]
    val = [1.1 - 0.05 * i for i in range(10)]
    more = SimpleNamespace(config=ForecastConfig(epochs=2),  # Train more: 8 epochs, then 2
                           training=SimpleNamespace(history=history(train, val)))
    assert as_trained(more)["epochs"] == 10
    [d] = diagnose(more.training.history, as_trained(more), "completed")
    assert d.changes == {"epochs": 20} and d.change_label == "epochs 10 → 20"
    early = SimpleNamespace(config=ForecastConfig(epochs=30), training=more.training)
    assert as_trained(early)["epochs"] == 30  # stopped early: its own setting


def test_an_early_plateau_raises_the_learning_rate():
    train = [1.0, 0.95, 0.93, 0.93, 0.93, 0.93, 0.93, 0.93]
    val = [1.0, 0.96, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]
    [d] = diagnose(history(train, val), SETTINGS, "early_stopping")
    assert d.kind == "plateau" and d.changes == {"lr": 0.009}


def test_a_model_far_too_large_is_halved():
    found = diagnose([], SETTINGS, weights=50_000, examples=100, too_big_ratio=200)
    assert kinds(found) == ["too_big"] and found[0].changes == {"hidden_size": 32}
    assert diagnose([], SETTINGS, weights=5_000, examples=100, too_big_ratio=200) == []


def test_not_beating_the_simple_rules_lengthens_a_short_lookback():
    [d] = diagnose([], SETTINGS, beats_simple_rules=False, season=12,
                   best_rule="repeating last year's value")
    assert d.kind == "no_better" and d.changes == {"lookback": 24}
    assert "did worse than simply repeating last year's value" in d.explanation
    [d] = diagnose([], {**SETTINGS, "lookback": 36}, beats_simple_rules=False, season=12)
    assert d.changes == {"hidden_size": 32}
    assert diagnose([], SETTINGS, beats_simple_rules=True, season=12) == []
    [tie] = diagnose([], SETTINGS, beats_simple_rules=False, ties_simple_rules=True, season=12,
                     best_rule="repeating last year's value")  # the verdict's "as close as"
    assert tie.title == "The LSTM forecasts no better than a simple rule"
    assert tie.explanation.startswith("On the test span the LSTM did as well as simply repeating "
                                      "last year's value, no better")
    assert "worse" not in tie.explanation and tie.changes == {"lookback": 24}


def test_the_coach_reads_a_tie_as_the_verdicts_do():
    from lstm_app.series.evaluation import lstm_ties
    from lstm_app.series.metrics import Scores
    from lstm_app.series.panel_scores import lstm_better, lstm_ties_rule

    scores = lambda mae: Scores(mae=mae, rmse=mae, mape=None, smape=0.1, mase=1.0)
    rows = {"naive": scores(10.0), "seasonal_naive": scores(9.0)}
    assert lstm_ties(scores(9.05), rows) and not lstm_ties(scores(9.5), rows)
    summary = {"reference": "seasonal_naive", "lstm": {"mase": 0.949},
               "seasonal_naive": {"mase": 0.952}}  # both read 0.95 in the verdict
    assert lstm_ties_rule(summary) and not lstm_better(summary)
    summary["lstm"]["mase"] = 0.97
    assert not lstm_ties_rule(summary)


def test_a_curve_flat_after_its_best_epoch_is_not_overfitting():
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1]
    val = [1.1, 0.8, 0.6, 0.55, 0.561, 0.556, 0.565, 0.559, 0.563]  # noise within 3%
    assert "overfitting" not in kinds(diagnose(history(train, val), SETTINGS, "early_stopping"))


def test_a_model_far_too_large_is_never_told_to_train_longer_too():
    train = [3.0, 2.5, 2.0, 1.6, 1.3, 1.0]
    val = [3.1, 2.6, 2.1, 1.7, 1.4, 1.1]  # still falling at the last epoch
    found = diagnose(history(train, val), SETTINGS, "completed", weights=500_000, examples=100,
                     too_big_ratio=20)
    assert kinds(found) == ["too_big"]
    alone = diagnose(history(train, val), SETTINGS, "completed")
    assert kinds(alone) == ["underfitting"]


def test_two_rules_never_change_one_setting_twice():
    train = [1.0, 0.9, 0.85, 0.84, 0.84, 0.84]
    val = [1.0, 0.9, 0.85, 0.84, 0.84, 0.84]
    found = diagnose(history(train, val), {**SETTINGS, "lookback": 48}, "early_stopping",
                     weights=500_000, examples=100, too_big_ratio=20, beats_simple_rules=False,
                     season=12)
    changed = [name for d in found for name in d.changes]
    assert len(changed) == len(set(changed)) and kinds(found) == ["too_big"]


def test_tiny_data_learnt_by_heart_is_said_once_with_no_setting_to_change():
    # As lstm_zh.txt trained: best on held-out text at epoch 6, then memorised (train → 0).
    train = [5.5, 3.0, 1.5, 0.8, 0.3, 0.1, 0.05, 0.02, 0.01, 0.005]
    val = [5.4, 5.0, 4.8, 4.7, 4.6, 4.55, 5.2, 5.9, 6.4, 6.75]
    found = diagnose(history(train, val), SETTINGS, "completed", weights=250_000,
                     examples=1_936, too_big_ratio=20, tiny="1,936 characters")
    [d] = found
    assert d.kind == "by_heart" and d.changes == {}
    assert "1,936 characters" in d.explanation and "epoch 6 (4.550)" in d.explanation
    assert "6.750" in d.explanation
    # The same curves on data that is not tiny: the usual advice.
    assert kinds(diagnose(history(train, val), SETTINGS, "completed", weights=250_000,
                          examples=1_936, too_big_ratio=20)) == ["overfitting", "too_big"]


def test_tiny_data_that_has_not_memorised_gets_the_usual_advice():
    train = [1.0 - 0.05 * i for i in range(10)]
    val = [1.1 - 0.05 * i for i in range(10)]
    assert kinds(diagnose(history(train, val), SETTINGS, "completed",
                          tiny="900 characters")) == ["underfitting"]


def test_a_time_budget_that_ends_a_run_still_learning_doubles_the_budget():
    train = [1.0 - 0.05 * i for i in range(10)]
    val = [1.1 - 0.05 * i for i in range(10)]
    [d] = diagnose(history(train, val), {**SETTINGS, "minutes": 1.5}, "time_budget")
    assert d.kind == "underfitting" and d.changes == {"minutes": 3.0}
    assert "time budget 1.5 → 3 minutes" == d.change_label
    # Without a budget setting (a forecast), it is the epochs that double.
    [d] = diagnose(history(train, val), SETTINGS, "time_budget")
    assert d.changes == {"epochs": 40}


def test_a_slow_steady_fall_is_not_a_plateau():
    # As the Shakespeare demo: the first epoch already learnt most; then a slow, steady fall
    # (each epoch a little under the flat threshold) while the training loss keeps falling.
    val = [2.0, 1.80, 1.72, 1.68, 1.665, 1.655, 1.648, 1.643, 1.640, 1.638]
    train = [2.3, 1.9, 1.75, 1.66, 1.60, 1.56, 1.53, 1.50, 1.48, 1.46]
    assert "plateau" not in kinds(diagnose(history(train, val), SETTINGS, "early_stopping"))


def test_a_statistical_model_that_beat_the_lstm_is_named_with_one_change():
    from lstm_app.training.coach import diagnose

    settings = {"hidden_size": 32, "num_layers": 1, "dropout": 0.1, "lr": 3e-3, "epochs": 100,
                "lookback": 12}
    found = diagnose([], settings, beats_simple_rules=True, season=12,
                     best_statistical="AutoTheta")
    [advice] = [d for d in found if d.kind == "no_better"]
    assert advice.title == "AutoTheta forecasts better than the LSTM"
    assert "beat the simple rules but not AutoTheta" in advice.explanation
    assert advice.changes == {"lookback": 24}  # it could not see a whole season repeat
    assert not [d for d in diagnose([], settings, beats_simple_rules=True, season=12)
                if d.kind == "no_better"]


def coach_advising_beyond_the_bounds():
    """A page showing only the coach's cards: twice the epochs past the page's highest, a time
    budget already at the value advised, and a learning rate between the slider's stops."""
    import streamlit as st

    from lstm_app.tasks import TEXT
    from lstm_app.training.coach import Diagnosis
    from lstm_app.ui.coach_view import _show
    from lstm_app.ui.keys import TEXT as KEYS

    st.session_state.setdefault(KEYS.setting("minutes"), 4.0)
    _show([Diagnosis("underfitting", "More", "Go on.", {"epochs": 12_000},
                     "epochs 6000 → 12000"),
           Diagnosis("underfitting", "Time", "Go on.", {"minutes": 4.0},
                     "time budget 2 → 4 minutes"),
           Diagnosis("diverging", "Blow-up", "Slower.", {"lr": 0.0011},
                     "learning rate 0.0033 → 0.0011")], TEXT, KEYS)


def test_the_coachs_buttons_say_the_value_the_setting_will_hold():
    from streamlit.testing.v1 import AppTest

    from lstm_app.ui.keys import TEXT as KEYS

    at = AppTest.from_function(coach_advising_beyond_the_bounds)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.label for b in at.button if b.label.startswith("Apply: ")]
    assert labels[0] == "Apply: epochs 6000 → 10000"  # the page's highest
    assert not any("time budget" in label for label in labels)  # already 4: nothing to apply
    assert labels[1].startswith("Apply: learning rate 0.0033 → ") and "0.0011" not in labels[1]
    at.button[0].click().run()
    assert at.session_state[KEYS.setting("epochs")] == 10_000
