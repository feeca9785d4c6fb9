"""The Trainer: best weights, early stopping, the stop flag, divergence, seeds, progress, budget."""
import dataclasses
import math
import threading

import pytest
import torch
from torch import nn

from lstm_app.training.trainer import (OPTIMIZERS, EpochRecord, Progress, SizedBatches, Trainer,
                                       TrainerConfig, TrainResult)

X = torch.linspace(-1, 1, 64).reshape(32, 2)
Y = X @ torch.tensor([[2.0], [-1.0]]) + 0.5  # (32, 1)


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x, targets=None):
        out = self.linear(x)
        return out, None if targets is None else nn.functional.mse_loss(out, targets)


def train_batches(generator):
    order = torch.randperm(len(X), generator=generator)
    for i in range(0, len(X), 8):  # 4 batches of 8
        yield X[order[i:i + 8]], Y[order[i:i + 8]]


@torch.no_grad()
def real_val_loss(model):
    return float(model(X, Y)[1])


def scripted(losses):
    """A val_loss callable returning the given values, one per epoch."""
    values = iter(losses)
    return lambda model: next(values)


def fresh_model(seed=0):
    torch.manual_seed(seed)
    return Tiny()


def weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


def fit(config, val_loss=real_val_loss, model=None, stop_event=None, on_epoch=None,
        train=train_batches, **kwargs):
    """Train; return the model, the result and the progress records."""
    model = model or fresh_model()
    records = []

    def on_progress(p):
        records.append(p)
        if on_epoch and p.kind == "epoch":
            on_epoch(p, model)

    result = Trainer(model, config, on_progress, stop_event).fit(train, val_loss, **kwargs)
    return model, result, records


def test_best_epoch_weights_are_restored():
    snapshots = {}
    model, result, _ = fit(TrainerConfig(epochs=4, lr=0.1, patience=0, lr_schedule="none"),
                           val_loss=scripted([3, 1, 2, 4]),
                           on_epoch=lambda p, m: snapshots.__setitem__(p.epoch, weights(m)))
    assert result.best_epoch == 2 and result.best_val_loss == 1 and result.stop_reason == "completed"
    assert same(weights(model), snapshots[2])
    assert not same(weights(model), snapshots[4])  # a shallow copy would hold epoch 4's weights
    assert result.message == "Training ran all its epochs; the best validation loss (1) was at epoch 2, and those weights are kept."


def test_early_stopping_after_patience_epochs_without_gain():
    _, result, _ = fit(TrainerConfig(epochs=10, patience=2), val_loss=scripted([2, 1, 1.5, 1, 3, 0]))
    assert result.stop_reason == "early_stopping"
    assert [h.epoch for h in result.history] == [1, 2, 3, 4] and result.best_epoch == 2


def test_stop_flag_ends_training_within_the_epoch_and_keeps_the_best_weights():
    stop, snapshots = threading.Event(), {}
    model = fresh_model()

    def on_progress(p):
        if p.kind == "batch" and p.epoch == 2:
            stop.set()
        if p.kind == "epoch":
            snapshots[p.epoch] = weights(model)

    config = TrainerConfig(epochs=5, lr=0.1, progress_every=1, patience=0)
    result = Trainer(model, config, on_progress, stop).fit(train_batches, scripted([1, 5, 5, 5, 5]))
    assert result.stop_reason == "stopped" and len(result.history) == 2
    assert max(snapshots) == 2 and result.best_epoch == 1
    assert same(weights(model), snapshots[1])
    assert result.message.startswith("Training was stopped by the user;")


def test_nan_loss_stops_with_diverged_and_keeps_finite_best_weights():
    calls = []

    def loss_fn(model, batch):  # NaN at the 6th batch: the 2nd of epoch 2
        calls.append(1)
        loss = model(*batch)[1]
        return loss * math.nan if len(calls) == 6 else loss

    model, result, _ = fit(TrainerConfig(epochs=5, lr=0.1), loss_fn=loss_fn)
    assert result.stop_reason == "diverged" and len(result.history) == 1 and result.best_epoch == 1
    assert "NaN" in result.message and "learning rate" in result.message
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_huge_learning_rate_diverges_with_finite_weights():
    model, result, _ = fit(TrainerConfig(epochs=5, lr=1e6, optimizer="sgd", grad_clip=0))
    assert result.stop_reason == "diverged" and "learning rate" in result.message
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_same_seed_reproduces_and_another_seed_differs():
    strip = lambda history: [(h.train_loss, h.val_loss) for h in history]
    runs = [fit(TrainerConfig(epochs=3, lr=0.05, seed=seed)) for seed in (1, 1, 2)]
    (m1, r1, _), (m2, r2, _), (m3, r3, _) = runs
    assert strip(r1.history) == strip(r2.history) and same(weights(m1), weights(m2))
    assert strip(r1.history) != strip(r3.history) and not same(weights(m1), weights(m3))


def test_progress_records():
    _, result, records = fit(TrainerConfig(epochs=2, progress_every=2))
    assert [(p.kind, p.epoch, p.step) for p in records] == [
        ("batch", 1, 2), ("batch", 1, 4), ("epoch", 1, 4),
        ("batch", 2, 2), ("batch", 2, 4), ("epoch", 2, 4)]
    assert {f.name for f in dataclasses.fields(Progress)} == {
        "kind", "epoch", "epochs", "step", "steps_per_epoch", "train_loss", "val_loss",
        "best_val_loss", "lr", "elapsed", "samples_per_sec", "max_seconds", "record",
        "start_epoch"}
    assert all(p.epochs == 2 and p.lr == 1e-3 and p.samples_per_sec > 0 for p in records)
    assert all(p.val_loss is None and p.record is None for p in records if p.kind == "batch")
    assert [p.record for p in records if p.kind == "epoch"] == result.history
    last = records[-1]
    assert last.steps_per_epoch == 4 and last.val_loss == result.history[-1].val_loss
    assert last.best_val_loss == result.best_val_loss
    assert last.train_loss == result.history[-1].train_loss


def test_time_budget():
    _, result, _ = fit(TrainerConfig(epochs=50, max_seconds=1e-9))
    assert result.stop_reason == "time_budget" and len(result.history) == 1
    assert result.message.startswith("Training used up its time budget;")


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_optimizer_trains(name):
    before = weights(fresh_model())
    model, result, _ = fit(TrainerConfig(epochs=2, lr=0.01, optimizer=name))
    assert result.stop_reason == "completed" and not same(weights(model), before)


def test_unknown_optimizer_and_schedule_are_refused():
    with pytest.raises(ValueError, match="Unknown optimizer 'lbfgs'; choose one of: adam, adamw, sgd, rmsprop."):
        Trainer(fresh_model(), TrainerConfig(optimizer="lbfgs"))
    with pytest.raises(ValueError, match="Unknown learning-rate schedule 'step'"):
        Trainer(fresh_model(), TrainerConfig(lr_schedule="step"))


def earlier_training(epochs=5, best_epoch=3, best=0.5, seconds=10.0) -> TrainResult:
    history = [EpochRecord(e, 1.0, best if e == best_epoch else best + 1, 1e-3, seconds * e / epochs)
               for e in range(1, epochs + 1)]
    return TrainResult(history=history, best_epoch=best_epoch, best_val_loss=best,
                       kept_epoch=best_epoch)


def test_continuing_an_earlier_training_numbers_after_it_and_keeps_its_clock():
    earlier = earlier_training()
    _, result, records = fit(TrainerConfig(epochs=2), val_loss=scripted([0.4, 0.45]),
                             earlier=earlier)
    assert [h.epoch for h in result.history] == [1, 2, 3, 4, 5, 6, 7]
    assert result.history[:5] == earlier.history
    assert all(h.seconds >= 10.0 for h in result.history[5:])  # the clock goes on
    assert {p.epochs for p in records} == {7}
    # The bar and the time left count this training's own two epochs, as its clock does.
    assert [p.fraction_done for p in records if p.kind == "epoch"] == [0.5, 1.0]
    assert result.best_epoch == result.kept_epoch == 6 and result.best_val_loss == 0.4
    assert [p.record for p in records if p.kind == "epoch"] == result.history[5:]


def test_continuing_keeps_the_earlier_weights_unless_a_new_epoch_beats_them():
    model = fresh_model()
    before = weights(model)
    _, result, _ = fit(TrainerConfig(epochs=2, lr=0.1, patience=0), model=model,
                       val_loss=scripted([0.9, 0.8]), earlier=earlier_training(best=0.5))
    assert result.best_epoch == result.kept_epoch == 3 and result.best_val_loss == 0.5
    assert same(weights(model), before)  # trained two epochs, but the earlier weights were better
    assert "epoch 3" in result.message


def test_sized_batches_make_the_first_epochs_progress_right():
    sized = lambda generator: SizedBatches(train_batches(generator), 4)
    _, _, records = fit(TrainerConfig(epochs=1, progress_every=2), train=sized)
    first = records[0]
    assert (first.kind, first.step, first.steps_per_epoch) == ("batch", 2, 4)
    assert first.epochs_done == 0.5 and first.fraction_done == 0.5
    # Without a count, the first epoch can only say the batches done so far.
    _, _, records = fit(TrainerConfig(epochs=1, progress_every=2))
    assert records[0].steps_per_epoch == 2


def test_keep_best_off_ends_with_the_last_weights():
    # The validation loss only rises: the best epoch is the first one.
    config = TrainerConfig(epochs=3, lr=0.05, patience=0, lr_schedule="none")
    last_model, last, _ = fit(dataclasses.replace(config, keep_best=False),
                              val_loss=scripted([1.0, 2.0, 3.0]))
    plain_model, plain, _ = fit(dataclasses.replace(config, keep_best=True),
                                val_loss=scripted([1.0, 2.0, 3.0]))
    ran_through, _, _ = fit(config, val_loss=scripted([3.0, 2.0, 1.0]))
    assert last.best_epoch == plain.best_epoch == 1
    assert same(weights(last_model), weights(ran_through))      # three epochs of updates
    assert not same(weights(plain_model), weights(ran_through))  # restored to epoch 1
    assert "the last epoch's weights are kept" in last.message


def test_the_result_says_where_it_trained():
    model, result, _ = fit(TrainerConfig(epochs=1))
    assert result.device == str(next(model.parameters()).device) == "cpu"


@pytest.mark.parametrize("keep_best, expected", [(True, [1, 3]), (False, [1, 2, 3, 4])])
def test_checkpoints_follow_the_weights_training_would_end_with(keep_best, expected):
    saved = {}
    model = fresh_model()
    config = TrainerConfig(epochs=4, lr=0.1, patience=0, lr_schedule="none", keep_best=keep_best)
    Trainer(model, config, on_checkpoint=lambda m, epoch: saved.__setitem__(epoch, weights(m))) \
        .fit(train_batches, scripted([2, 3, 1, 4]))
    assert sorted(saved) == expected
    assert same(weights(model), saved[expected[-1]])  # the last checkpoint is the final model
