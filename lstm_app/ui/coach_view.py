"""The coach on the Forecast, Text and Classify pages: its diagnoses of the run shown, each with one click
that changes the settings (for the next Train)."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import streamlit as st

from ..series.evaluation import lstm_ties, lstm_wins, rules, simple_rules
from ..series.statistical import STATISTICAL
from ..series.model import count_parameters
from ..series.panel_scores import lstm_better, lstm_ties_rule
from ..series.panel_windows import span_windows
from ..series.windows import window_ids
from ..classify.coaching import baseline_won, no_better_than_guess, overlooked_class
from ..i18n import tr
from ..tasks import CLASSIFY, FORECAST, TEXT, Task
from ..series import sizing
from ..text import sizing as text_sizing
from ..training.coach import Diagnosis, diagnose, one_change_each
from .keys import CLASSIFY as CLASSIFY_KEYS
from .keys import FORECAST as FORECAST_KEYS
from .keys import TEXT as TEXT_KEYS
from .keys import TaskKeys
from .markdown import plain
from .settings_form import nearest


def as_trained(result) -> dict:
    """The run's settings as the coach reads them: its epochs are all those its network was
    trained for (a Train more's config holds only the epochs it added, so doubling those would
    advise fewer than were trained)."""
    settings = asdict(result.config)
    trained = max((h.epoch for h in result.training.history), default=0)
    settings["epochs"] = max(int(settings["epochs"]), trained)
    return settings


def forecast_coach(result) -> None:
    config = result.config
    windows = len(window_ids(result.split.train, config.lookback, config.horizon))
    found = diagnose(result.training.history, as_trained(result), result.training.stop_reason,
                     weights=count_parameters(result.model), examples=windows,
                     too_big_ratio=sizing.TOO_BIG,
                     beats_simple_rules=lstm_wins(result.test, simple_rules(result.baselines)),
                     ties_simple_rules=lstm_ties(result.test, simple_rules(result.baselines)),
                     best_rule=_best_rule(result),
                     season=result.series.season_length,
                     best_statistical=_better_statistical(result.test, result.baselines),
                     later_span=True)
    _show(found, FORECAST, FORECAST_KEYS)


def panel_coach(result) -> None:
    """The coach on a panel: its windows are those of every series it trained on."""
    config, panel, split = result.config, result.panel, result.split
    trainable = split.trainable(config.lookback, config.horizon)
    windows = len(span_windows(split, split.starts, split.val, config.lookback, config.horizon,
                               trainable)[0])
    summary = result.aggregate
    reference = summary["reference"]
    found = diagnose(result.training.history, as_trained(result), result.training.stop_reason,
                     weights=count_parameters(result.model), examples=windows,
                     too_big_ratio=sizing.TOO_BIG,
                     beats_simple_rules=lstm_better(summary),
                     ties_simple_rules=lstm_ties_rule(summary),
                     best_rule=rules(panel.season_length, panel.freq)[reference],
                     season=panel.season_length,
                     best_statistical=_better_in_panel(summary), later_span=True)
    _show(found, FORECAST, FORECAST_KEYS)


def _better_statistical(test, baselines: dict) -> str:
    """The statistical model that beat the LSTM on the test span (by MAE), if one did."""
    fitted = {name: baselines[name] for name in STATISTICAL if name in baselines}
    if not fitted:
        return ""
    best = min(fitted, key=lambda name: fitted[name].mae)
    return STATISTICAL[best] if fitted[best].mae < 0.99 * test.mae else ""  # 1%: a tie


def _better_in_panel(summary: dict) -> str:
    """The statistical model with a lower panel MASE than the LSTM's, if one has."""
    fitted = [k for k in STATISTICAL if k in summary and summary[k]["mase"] is not None]
    lstm = summary["lstm"]["mase"]
    if not fitted or lstm is None:
        return ""
    best = min(fitted, key=lambda k: summary[k]["mase"])
    return STATISTICAL[best] if summary[best]["mase"] < lstm else ""


def _best_rule(result) -> str:
    simple = simple_rules(result.baselines)
    best = min(simple, key=lambda name: simple[name].mae)
    return rules(result.series.season_length, result.series.freq)[best]


def text_coach(result) -> None:
    tiny = result.counts.train_tokens < text_sizing.TINY_TOKENS
    found = diagnose(result.training.history, as_trained(result), result.training.stop_reason,
                     weights=count_parameters(result.model),
                     examples=result.counts.train_tokens, too_big_ratio=text_sizing.TOO_BIG,
                     tiny=tr("{count:,} characters", count=result.counts.train_chars)
                     if tiny else "")
    _show(found, TEXT, TEXT_KEYS)


def classify_coach(result) -> None:
    """A classifier no better than a guess (said first), the shared rules on its curves, and a
    rare class it overlooks; one change per setting. With none of them, where TF-IDF beat it,
    what is left to try."""
    config = result.config
    found = no_better_than_guess(result.test, result.baselines["majority"], as_trained(result),
                                 result.training.stop_reason)
    found += diagnose(result.training.history, as_trained(result), result.training.stop_reason)
    scores = [h.scores for h in result.training.history if h.scores]
    if scores and scores[-1].get("accuracy") == 1.0 and result.test.accuracy == 1.0:
        # Every text right: more epochs would only make it surer, not better.
        found = [d for d in found if d.kind not in ("underfitting", "plateau")]
    classes = len(result.data.classes)
    train_counts = np.bincount(result.data.y[result.split.train], minlength=classes)
    file_counts = np.bincount(result.data.y, minlength=classes)
    found = one_change_each(found + overlooked_class(result.per_class, train_counts,
                                                     config.class_weights, file_counts))
    if not found:  # the verdict, where TF-IDF won, points here: say what is left to try
        found = baseline_won(result.test, result.baselines, as_trained(result),
                             result.training.stop_reason, len(result.split.train),
                             sum(c["texts"] for c in result.per_class))  # the test texts
    _show(found, CLASSIFY, CLASSIFY_KEYS)


def _show(found: list[Diagnosis], task: Task, keys: TaskKeys) -> None:
    st.subheader(tr("Coach"))
    if not found:
        st.caption(tr("The coach read the curves and sees nothing to change: no overfitting, no "
                      "blow-up, no plateau, and the model's size suits the data."))
        return
    for i, d in enumerate(found):
        with st.container(border=True):
            st.markdown(tr("**{title}.** {explanation}", title=d.title,
                           explanation=plain(d.explanation)))  # may name a user's class
            changes = {k: _allowed(task, k, v) for k, v in d.changes.items()
                       if task.settings[k].on_page}
            changes = {k: v for k, v in changes.items()
                       if st.session_state.get(keys.setting(k)) != v}  # already at a bound
            if changes:
                label = _relabelled(d.change_label, d.changes, changes)
                a, b = st.columns([3, 2])
                a.button(tr("Apply: {change}", change=label), key=keys.coach(i),
                         on_click=_apply, args=(changes, keys), width="stretch",
                         help=tr("Changes the settings above; press Train to try them."))
                b.button(tr("Apply and train"), key=keys.coach(i) + "_train", on_click=_apply,
                         args=(changes, keys, True), type="primary", width="stretch",
                         help=tr("Changes the settings above and trains with them at once."))


def _relabelled(label: str, advised: dict, allowed: dict) -> str:
    """The button's label with the value the widget will hold where it differs from the
    advice (a learning rate snapped to the slider, epochs or minutes held to their bounds)."""
    for name, value in allowed.items():
        if value != advised[name] and "→" in label:
            head, tail = label.rsplit("→", 1)
            said = next((f for f in (f"{advised[name]:g}", str(advised[name])) if f in tail),
                        tail.strip())
            label = f"{head}→{tail.replace(said, f'{value:g}', 1)}"
    return label


def _allowed(task: Task, name: str, value):
    """The value as the page's widget can hold it: the nearest learning rate its slider offers,
    a number within the setting's bounds."""
    row = task.settings[name]
    if row.presets:
        return nearest(row.presets, value)
    if row.kind in (int, float):
        return min(max(value, row.low), row.high)
    return value


def _apply(changes: dict, keys: TaskKeys, train: bool = False) -> None:
    for name, value in changes.items():
        st.session_state[keys.setting(name)] = value
    if train:
        st.session_state[keys.autostart] = True  # the Train button presses itself
    else:
        st.toast(tr("Settings changed: press Train to try them."))
