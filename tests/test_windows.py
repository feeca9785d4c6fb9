"""Chronological splits, the train-only Scaler, and sliding windows as views."""
import json

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_app.series.windows import Scaler, Split, make_windows, rows_for, split_rows, window_ids


def series_of(values) -> torch.Tensor:
    return torch.as_tensor(np.asarray(values, dtype=np.float32)).reshape(len(values), -1)


def test_windows_of_range_10_are_pinned():
    inputs, targets = make_windows(series_of(range(10)), lookback=3, horizon=2)
    assert inputs.shape == (6, 3, 1) and targets.shape == (6, 2)
    assert inputs[..., 0].tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4],
                                       [3, 4, 5], [4, 5, 6], [5, 6, 7]]
    assert targets.tolist() == [[3, 4], [4, 5], [5, 6], [6, 7], [7, 8], [8, 9]]
    origins = window_ids((0, 10), lookback=3, horizon=2) + 3
    assert origins.tolist() == [3, 4, 5, 6, 7, 8]


def test_windows_are_views_of_the_one_series():
    values = series_of(range(10))
    inputs, targets = make_windows(values, lookback=3, horizon=2)
    for stack in (inputs, targets):
        assert stack.untyped_storage().data_ptr() == values.untyped_storage().data_ptr()
        # No copy per window: the stack's storage is still just the 10 floats of the series.
        assert stack.untyped_storage().nbytes() == values.numel() * values.element_size()
    values[4, 0] = 100.0
    assert inputs[2, 2, 0] == 100 and inputs[4, 0, 0] == 100 and targets[1, 0] == 100


def test_multi_feature_targets_are_column_0():
    values = torch.stack([torch.arange(6.0), 10 * torch.arange(6.0)], dim=1)  # (6, 2)
    inputs, targets = make_windows(values, lookback=2, horizon=1)
    assert inputs.shape == (4, 2, 2)
    assert inputs[1].tolist() == [[1, 10], [2, 20]]
    assert targets.tolist() == [[2], [3], [4], [5]]


def test_window_ids_for_spans():
    # Span starting before the lookback: the first origin is row 3 (window 0).
    assert window_ids((0, 10), 3, 2).tolist() == [0, 1, 2, 3, 4, 5]
    # Test span of rows 7..9: origins 7 and 8, whose inputs reach back into earlier rows.
    assert window_ids((7, 10), 3, 2).tolist() == [4, 5]
    # Stride 5 on rows 85..99: origins 85, 90, 95 (98 is the last possible origin).
    assert window_ids((85, 100), 3, 2, stride=5).tolist() == [82, 87, 92]
    assert window_ids((0, 10), 3, 2, stride=2).tolist() == [0, 2, 4]


def test_split_rows_defaults_70_15_15():
    assert split_rows(100, 0.15, 0.15, 3, 2) == (Split((0, 70), (70, 85), (85, 100)), [])


def test_split_sizes_as_row_counts():
    assert split_rows(100, 10, 20, 3, 2) == (Split((0, 70), (70, 80), (80, 100)), [])


def test_small_spans_are_raised_to_one_horizon_with_a_notice():
    split, notices = split_rows(40, 0.05, 0.05, lookback=5, horizon=4)  # 2 rows each -> 4
    assert split == Split((0, 32), (32, 36), (36, 40))
    assert notices == [
        "The validation span was raised to 4 rows so that it holds at least one full horizon.",
        "The test span was raised to 4 rows so that it holds at least one full horizon."]


def test_too_few_rows_is_refused():
    with pytest.raises(ValueError) as error:
        split_rows(18, 0.15, 0.15, 24, 12, column="sales")
    assert str(error.value) == ("The column 'sales' has 18 numeric values; with lookback 24 and "
                                "horizon 12 at least 60 are needed. Choose a shorter lookback "
                                "and horizon: the lookback and three horizons must fit in 18 "
                                "values.")
    with pytest.raises(ValueError, match="Even a lookback and a horizon of 1 step need 4 "
                                         "values; add more values."):
        split_rows(3, 0.15, 0.15, 1, 1)
    # the lookback named trains: 20 rows keep 3 each for validation and test, 14 for training
    with pytest.raises(ValueError, match="Choose a lookback of at most 12 or a shorter horizon"):
        split_rows(20, 0.15, 0.15, 24, 2)
    assert split_rows(20, 0.15, 0.15, 12, 2)[0].train == (0, 14)
    # ... and so does the horizon named (it said 4 of 144 rows with lookback 130: 22 rows each
    # for validation and test leave 100, too few for 130)
    with pytest.raises(ValueError, match="Choose a lookback of at most 88 or a shorter horizon"):
        split_rows(144, 0.15, 0.15, 130, 12)
    with pytest.raises(ValueError, match="Choose a horizon of at most 8 or a shorter lookback"):
        split_rows(50, 0.15, 0.15, 24, 12)
    split_rows(50, 0.15, 0.15, 24, 8)
    # spans given as rows that leave nothing to train on: said of them, not of the horizon
    with pytest.raises(ValueError, match=r"The validation and test spans \(20 and 3 rows\) leave "
                                         r"too few rows to train on; make them smaller"):
        split_rows(24, 20, 3, 1, 12)


def test_too_small_training_span_is_refused():
    with pytest.raises(ValueError) as error:
        split_rows(100, 0.3, 0.3, lookback=40, horizon=5)
    assert str(error.value) == (
        "With 100 rows, a validation span of 30 and a test span of 30 leave 40 rows for "
        "training, but lookback 40 plus horizon 5 needs 45; make the validation or test span "
        "smaller, or the lookback shorter.")


def test_rows_for():
    assert rows_for(0.15, 100) == 15
    assert rows_for(0.15, 30) == 4  # 4.5 rounds half to even
    assert rows_for(12, 100) == 12 and rows_for(0, 100) == 0
    with pytest.raises(ValueError, match=r"^A split size cannot be negative \(got -1\)\.$"):
        rows_for(-1, 100)


def test_scaler_round_trip():
    raw = np.array([[1.0, 10.0], [3.0, 30.0]])  # means 2, 20; standard deviations 1, 10
    scaler = Scaler().fit(raw)
    assert scaler.mean_.tolist() == [2, 20] and scaler.std_.tolist() == [1, 10]
    assert scaler.transform(raw).tolist() == [[-1, -1], [1, 1]]
    assert scaler.inverse_transform(scaler.transform(raw)).tolist() == raw.tolist()
    assert scaler.inverse_transform(np.array([[0.0, 1.0, -1.0]]), column=1).tolist() == [[20, 30, 10]]


def test_scaler_constant_column_is_only_centred():
    scaler = Scaler().fit(np.array([[5.0, 1.0], [5.0, 3.0]]))
    assert scaler.std_.tolist() == [1, 1]
    assert scaler.transform(np.array([[5.0, 1.0], [6.0, 3.0]])).tolist() == [[0, -1], [1, 1]]


def test_scaler_to_dict_and_back():
    scaler = Scaler().fit(np.array([[1.0, 10.0], [3.0, 30.0]]))
    state = json.loads(json.dumps(scaler.to_dict()))
    assert state == {"mean": [2.0, 20.0], "std": [1.0, 10.0]}
    again = Scaler.from_dict(state)
    x = np.array([[7.0, -4.0]])
    assert again.transform(x).tolist() == scaler.transform(x).tolist()


def test_scaler_fitted_on_train_ignores_the_test_span():
    raw = (np.arange(100.0) + 5 * np.sin(np.arange(100.0)))[:, None]
    split, _ = split_rows(100, 0.15, 0.15, lookback=10, horizon=5)
    before = Scaler().fit(raw[split.train[0]:split.train[1]])
    raw[split.test[0]:split.test[1]] += 1000
    after = Scaler().fit(raw[split.train[0]:split.train[1]])
    assert after.mean_.tolist() == before.mean_.tolist()
    assert after.std_.tolist() == before.std_.tolist()


def test_pipeline_scaler_and_training_ignore_the_test_span():
    pipeline = pytest.importorskip("lstm_app.series.pipeline")
    config = pipeline.ForecastConfig(statistical_seconds=0, lookback=8, horizon=4, hidden_size=4, num_layers=1, epochs=1,
                                     seed=0, device="cpu")

    def run(values):
        series = pipeline.SeriesData(
            frame=pd.DataFrame({"y": values}), value_col="y", covariates=(), time_col=None,
            freq=None, freq_label="row order (no time column)", season_length=None, notices=(),
            numeric_columns=("y",), name="hand-made")
        return pipeline.run_forecast(series, config)

    values = 10 + np.sin(np.arange(80) / 3)
    first = run(values)
    shifted = values.copy()
    shifted[first.split.test[0]:] += 1000
    second = run(shifted)
    assert second.scaler.mean_.tolist() == first.scaler.mean_.tolist()
    assert second.scaler.std_.tolist() == first.scaler.std_.tolist()
    losses = lambda r: [(h.train_loss, h.val_loss) for h in r.training.history]
    assert losses(second) == losses(first)
