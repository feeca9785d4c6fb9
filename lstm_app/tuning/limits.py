"""How far the data lets an auto-tune search go: the longest lookback a forecaster can train
with, and the most hidden units, for each number of layers, that the page and the coach do not
call far too large for the data. ``space.search_space`` takes them as its limits."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..i18n import tr, trn
from .space import hidden_range


def lookback_limit(task_name: str, data: Any, base: Any) -> int | None:
    """The longest lookback the data lets a forecaster train with (None: no limit): for a
    panel, as long as every series the start trains on keeps a training window."""
    if task_name == "forecast":
        from ..series.window_choice import longest_lookback
        return longest_lookback(data, base)
    if task_name == "panel":  # as long as every series the start trains on keeps a window
        from ..series.panel_windows import split_panel
        lookback, horizon = int(base.lookback), int(base.horizon)
        split = split_panel(data, base.val_size, base.test_size, horizon)
        room = (split.val - split.starts - horizon)[split.trainable(lookback, horizon)]
        return int(max(lookback, room.min())) if len(room) else lookback
    return None


def _weighed(task_name: str, data: Any, base: Any):
    """(the weights of a config, the most weights the page and the coach do not call far too
    large) for a forecaster or a language model; None otherwise."""
    try:
        if task_name in ("forecast", "panel"):
            from ..series import sizing
            windows = sizing.training_windows(data, base)
            return (lambda config: sizing.count_weights(data, config)), sizing.TOO_BIG * windows
        if task_name == "text":
            from ..text import sizing
            from ..text.spans import summarize
            summary = summarize(data, base.level, base.max_vocab, base.val_fraction)
            return (lambda config: sizing.count_weights(config, summary.vocab_size)), \
                sizing.TOO_BIG * summary.train_tokens
    except ValueError:  # the settings do not fit the data: the first trial will say why
        return None
    return None


def hidden_limits(task_name: str, data: Any, base: Any) -> tuple[int, ...]:
    """For a forecaster or a language model, the most hidden units that the page and the coach
    do not call far too large for the data, with 1, 2, 3 … layers of the heavier cell the
    search may choose: the search stays where their advice does (empty: no limit)."""
    weighed = _weighed(task_name, data, base)
    if weighed is None:
        return ()
    weights, most = weighed
    cell = base.cell if base.cell == "peephole" else "lstm"

    def largest(layers: int) -> int:
        fits = lambda units: weights(replace(
            base, hidden_size=units, num_layers=layers, cell=cell)) <= most
        low, high = hidden_range(task_name)
        if not fits(low):
            return low
        while low < high:  # the largest that fits: the weights grow with the units
            middle = (low + high + 1) // 2
            low, high = (middle, high) if fits(middle) else (low, middle - 1)
        return low
    return tuple(largest(layers) for layers in range(1, max(3, int(base.num_layers)) + 1))


# The least validation a study compares its trials on: fewer, and which trial scores best is
# chance (a forecaster's windows, a classifier's texts, a language model's tokens).
LEAST_TO_COMPARE = {"forecast": 5, "panel": 5, "classify": 20, "text": 100}


def too_little_to_tune(task_name: str, data: Any, resolved: Any) -> str:
    """Why the data's validation part is too small to compare trials on ("" where it is not;
    the toy sentence among the samples is, and says so):
    the settings ``resolved`` (the task's, "auto" made numbers) train on it, but a study's
    best trial would be picked by chance."""
    count, what = _validation(task_name, data, resolved)
    least = LEAST_TO_COMPARE[task_name]
    if count is None or count >= least:
        return ""
    return tr("The validation part holds only {what} (an auto-tune needs at least {least} to "
              "compare its trials on): the best trial would be chance. Add data, or train with "
              "settings you choose.", what=what, least=least)


def _validation(task_name: str, data: Any, resolved: Any) -> tuple[int | None, str]:
    """How much the validation part holds, counted and in words ("3 windows")."""
    if task_name == "forecast":
        from ..series.windows import split_rows, window_ids
        split, _ = split_rows(len(data.frame), resolved.val_size, resolved.test_size,
                              resolved.lookback, resolved.horizon)
        count = len(window_ids(split.val, resolved.lookback, resolved.horizon))
    elif task_name == "panel":
        from ..series.panel_windows import span_windows, split_panel
        lookback, horizon = int(resolved.lookback), int(resolved.horizon)
        split = split_panel(data, resolved.val_size, resolved.test_size, horizon)
        count = len(span_windows(split, split.val, split.test, lookback, horizon,
                                 split.trainable(lookback, horizon))[0])
    elif task_name == "classify":
        from ..classify.pipeline import data_split
        count = len(data_split(data, resolved).val)
        return count, trn("{count:,} text", "{count:,} texts", count)
    elif task_name == "text":
        from ..text.spans import summarize
        count = summarize(data, resolved.level, resolved.max_vocab,
                          resolved.val_fraction).val_tokens
        return count, trn("{count:,} token", "{count:,} tokens", count)
    else:
        return None, ""
    return count, trn("{count:,} window", "{count:,} windows", count)
