"""A task's settings as widgets, built from its settings table, and the config they describe.

Both task pages use this one pattern: each setting's value lives in the session under
``keys.setting(name)`` (``init_settings`` fills in what is not there yet, so the values survive
page switches); ``settings_form`` lays the table's rows out, four basic ones first and the
rest under "More settings", each with the table's label, bounds, choices and help; and
``config_from_settings`` makes the task's config from them, checked by the config itself.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from ..i18n import tr, translator
from .language import choices_placeholder, select_all, translated
from ..tasks import Task
from ..quoting import no_bidi
from ..training.settings import AUTO, CHOICE_LABELS, Setting
from .keys import TaskKeys

def choice_labels():
    """A choice's label in the language of this run (a widget's format_func)."""
    label = translator()
    return lambda choice: label(CHOICE_LABELS.get(choice, choice))


def init_settings(task: Task, keys: TaskKeys, values: dict | None = None,
                  overwrite: bool = False) -> None:
    """Put ``values`` (else the config's defaults) into the session for the widgets that have
    none yet, or for all of them with ``overwrite`` (new suggestions for new data)."""
    defaults = task.config()
    kept = st.session_state.get(keys.kept) or {}
    if values is None:
        _undo_reset(task, keys, kept)
    for s in task.settings.values():
        if not s.on_page:
            continue
        key = keys.setting(s.name)
        value = _widget_value((values or {}).get(s.name, getattr(defaults, s.name)), s)
        if overwrite and values is not None and s.name in values:
            st.session_state[key] = value
        elif key not in st.session_state:
            st.session_state[key] = kept.get(s.name, value)
        elif st.session_state[key] is None and not (s.auto or s.optional):
            # Emptied: a box cleared by the user, or a folded widget whose value the browser
            # sent back empty after a new upload. The last value shown stands.
            st.session_state[key] = kept.get(s.name, value)


def _undo_reset(task: Task, keys: TaskKeys, kept: dict) -> None:
    """After a new upload the browser may send the folded widgets back at their blank values
    (a number box at its lowest value, no choice made), all at once. A person changes one
    widget per rerun: when two or more settings come back blank together, differing from what
    the page last showed, that is the browser's reset, and the values shown stand."""
    blank = [s.name for s in task.settings.values()
             if s.on_page and s.name in kept
             and st.session_state.get(keys.setting(s.name)) != kept[s.name]
             and st.session_state.get(keys.setting(s.name)) == _blank(s)]
    if len(blank) >= 2:
        for name in blank:
            st.session_state[keys.setting(name)] = kept[name]


def _blank(s: Setting):
    """What a setting's widget holds when the browser resets it (it is drawn without a value)."""
    if s.kind is bool:
        return False
    if s.kind is tuple:
        return []
    if s.choices and len(s.choices) <= 3:
        return None                      # a segmented control with nothing chosen
    if s.choices:
        return list(s.choices)[0]
    if s.presets:
        return list(s.presets)[0]
    if s.kind is str or s.auto:
        return None
    return s.low


def suggest(task: Task, keys: TaskKeys, source_id: str, basis: dict,
            make: Callable[[], dict]) -> None:
    """Set the widgets to the settings ``make()`` suggests for the data ``source_id`` (the same
    suggestion the command line takes), once per data and ``basis`` (the settings it depends
    on, e.g. the level of a text): the settings still at what the page put there (the earlier
    suggestion, or the default) take the new one; what the user changed stays. The settings
    the earlier data was suggested go back to their defaults first, unless the user changed
    them, so that ``make`` reads the widgets as this data starts from (a panel's season anchor
    is not read as a single series' own)."""
    state = st.session_state
    if state.get(keys.suggested_for) == (source_id, basis):
        return
    defaults = task.config()
    earlier = state.get(keys.suggestion) or {}
    page_put = lambda name: state.get(keys.setting(name)) == _widget_value(
        earlier.get(name, getattr(defaults, name)), task.settings[name])
    reset = {name: getattr(defaults, name) for name in earlier if page_put(name)}
    init_settings(task, keys, reset, overwrite=True)
    suggestion = make()
    untouched = {name: value for name, value in suggestion.items()
                 if name in reset or page_put(name)}
    init_settings(task, keys, untouched, overwrite=True)
    state[keys.suggestion] = suggestion
    state[keys.suggested_for] = (source_id, {name: state.get(keys.setting(name))
                                             for name in basis})


def own_choices(task: Task, keys: TaskKeys) -> list[str]:
    """The labels of the suggested settings the user has set otherwise (kept over suggestions)."""
    suggestion = st.session_state.get(keys.suggestion) or {}
    return [tr(task.settings[name].label) for name, value in suggestion.items()
            if st.session_state.get(keys.setting(name)) != _widget_value(value,
                                                                         task.settings[name])]


def _widget_value(value, s: Setting):
    """A setting's value as its widget holds it: an empty box for a number left to the data
    ("auto"; a choice named "auto" stays a choice), a list for a tuple."""
    if s.auto and value == AUTO:
        return None
    return list(value) if isinstance(value, tuple) else value


def settings_form(task: Task, keys: TaskKeys, basic: list[str], more: dict[str, list[list[str]]],
                  limits: dict[str, dict] | None = None) -> None:
    """The ``basic`` settings in one row (on a phone: four fields, then Train), and the rest
    under "More settings", one titled group of rows each; ``limits`` tightens a setting's
    widget for the data at hand (e.g. the lookback to the series' length, the covariates'
    choices)."""
    limits = limits or {}
    for column, name in zip(st.columns([_width(task.settings[name]) for name in basic]), basic):
        setting_widget(column, task.settings[name], keys, **limits.get(name, {}))
    # Keyed, and kept open or folded by the script: a choice in it that adds or takes away a
    # notice above it (the known-ahead inputs) would otherwise fold it shut at once.
    with st.expander(tr("More settings"), key=keys.more_settings, on_change="rerun"):
        for title, rows in more.items():
            st.markdown(f"**{tr(title)}**")
            for row in rows:
                widths = [_width(task.settings[name]) for name in row]
                for column, name in zip(st.columns(widths), row):
                    setting_widget(column, task.settings[name], keys, **limits.get(name, {}))
    st.session_state[keys.kept] = {
        name: st.session_state[keys.setting(name)] for name in task.settings
        if task.settings[name].on_page and st.session_state.get(keys.setting(name)) is not None}


def _width(s: Setting) -> float:
    """A setting's share of its row: a segmented control shows all its choices side by side
    (three cut the last short in a quarter of the page), the other widgets one value."""
    return 1 + 0.75 * (len(s.choices) - 1) if s.choices and len(s.choices) <= 3 else 1


def setting_widget(container, s: Setting, keys: TaskKeys, **limits) -> Any:
    """The widget for one row of a settings table; its value lives in the session."""
    key = keys.setting(s.name)
    common = dict(key=key, help=tr(s.help), persist_state="session")
    label = tr(s.label)
    if s.kind is bool:
        return container.toggle(label, **common)
    if s.kind is tuple:
        options = limits.get("options", [])
        st.session_state[key] = [c for c in st.session_state.get(key) or [] if c in options]
        return container.multiselect(label, options, placeholder=choices_placeholder(options),
                                     format_func=no_bidi,  # the file's own column names
                                     disabled=not options, select_all=select_all(), **common)
    if s.choices or s.presets or "options" in limits:
        common["key"] = translated(key)  # its options are shown in the reader's language
    if s.choices and len(s.choices) <= 3:
        return container.segmented_control(label, list(s.choices), required=True,
                                           format_func=choice_labels(), **common)
    if s.choices:
        return container.selectbox(label, list(s.choices), format_func=choice_labels(), **common)
    if s.presets:
        _snap(key, s.presets)
        return container.select_slider(label, list(s.presets), format_func=lambda v: f"{v:g}",
                                       **common)
    if s.kind is str and "options" in limits:  # a long list to search: {value: label}
        options = limits["options"]
        if st.session_state.get(key) not in options:
            st.session_state[key] = next(iter(options))
        return container.selectbox(label, list(options), format_func=options.get, **common)
    if s.kind is str:
        return container.text_input(label, max_chars=s.max_length,
                                    placeholder=limits.get("placeholder"), **common)
    low, high = limits.get("min_value", s.low), limits.get("max_value", s.high)
    _clamp(key, low, high, s.auto)
    number = int if s.kind is int else float
    return container.number_input(
        label, min_value=number(low), max_value=number(high),
        step=number(s.step or 1), placeholder=limits.get("placeholder"),
        **({"value": None} if s.auto else {}), **common)


def _clamp(key: str, low, high, auto: bool) -> None:
    """A value kept from other data may be out of this data's bounds: bring it back inside."""
    value = st.session_state.get(key)
    if value is None:
        if not auto:
            st.session_state[key] = low
    elif not low <= value <= high:
        st.session_state[key] = None if auto else min(max(value, low), high)


def _snap(key: str, presets: tuple) -> None:
    """A slider offers a few values: a value kept from elsewhere takes the nearest of them."""
    value = st.session_state.get(key)
    if value not in presets:
        st.session_state[key] = nearest(presets, value if value else presets[0])


def nearest(presets, value: float) -> float:
    """The preset nearest to ``value`` on a log scale (learning rates)."""
    return min(presets, key=lambda p: abs(p - value) / p)


def config_from_settings(task: Task, keys: TaskKeys, fixed: dict | None = None,
                         suggestion: dict | None = None):
    """The task's config from the widgets' values and ``fixed`` ones (e.g. the data's columns);
    ``suggested`` names the settings still at the ``suggestion`` made for the data."""
    values = {}
    for s in task.settings.values():
        if s.on_page:
            value = st.session_state.get(keys.setting(s.name))
            values[s.name] = (AUTO if s.auto and value is None
                              else tuple(value) if s.kind is tuple else value)
    values.update(fixed or {})
    same = [n for n, v in (suggestion or {}).items() if n in values and values[n] == v]
    return task.config(**values, suggested=tuple(same))


def page_settings(task: Task, config) -> dict:
    """The values the page's widgets hold for ``config`` (a config or a saved run's dict): its
    settings shown on the page, with "auto" for those it left to the data. A run saved before a
    setting existed trained with its default, so a key it lacks reads as that default."""
    defaults = task.config()
    get = ((lambda name: config.get(name, getattr(defaults, name, None)))
           if isinstance(config, dict) else lambda name: getattr(config, name))
    suggested = get("suggested") or ()
    values = {}
    for s in task.settings.values():
        if s.on_page:
            value = AUTO if s.auto and s.name in suggested else get(s.name)
            values[s.name] = tuple(value) if isinstance(value, list) else value
    if values.get("known_covariates") and values.get("covariates"):  # each in its own box
        values["covariates"] = tuple(c for c in values["covariates"]
                                     if c not in values["known_covariates"])
    return values


def restore_settings(keys: TaskKeys, task: Task, config) -> None:
    """Put a run's settings into the widgets (the run's address, Open from the Runs page); a
    value the page's slider does not offer (a learning rate given on the command line) is said,
    with the one the form holds instead."""
    values = {name: value for name, value in page_settings(task, config).items()
              if value is not None or task.settings[name].auto or task.settings[name].optional}
    init_settings(task, keys, values, overwrite=True)
    for name, value in values.items():
        presets = task.settings[name].presets
        if presets and isinstance(value, (int, float)) and value not in presets:
            st.info(tr("This run's {setting} ({value:g}) is not one the page offers; the "
                       "settings above hold the nearest, {nearest:g}, for the next Train.",
                       setting=tr(task.settings[name].label).lower(), value=value,
                       nearest=nearest(presets, value)))
