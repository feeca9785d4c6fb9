"""A reopened run's data put back in its page's picker: the sample it trained on where the
sample (read with the run's columns) still holds that data, else the data saved with the run
(a forecast's with the plan it read, a panel's series as one long file, a classifier's texts),
with what the loader repaired in it when it was first read."""

from __future__ import annotations

import hashlib

import streamlit as st

from ..classify.labelled import load_labelled
from ..classify.saving import saved_columns
from ..i18n import said_all
from ..runs.recording import data_fingerprint
from ..runs.store import RunStore
from ..samples import list_samples
from ..series.time_column import NO_TIME_COLUMN
from ..series.panel_saving import panel_csv
from ..series.saving import FILES as SERIES_FILES, data_with_plan
from ..tasks import PANEL, TASKS
from ..user_json import parse_json
from .classify_input import SOURCE as CLASSIFY_SOURCE
from .keys import CLASSIFY, FORECAST, TEXT, page_keys
from .panel_input import panel_cached, panel_fingerprint
from .series_input import SOURCE as SERIES_SOURCE, fingerprint_cached as series_fingerprint
from .source_picker import source_of, use_sample, use_saved_data
from .text_input import SOURCE as TEXT_SOURCE, fingerprint_cached as text_fingerprint


# Each task page's data picker, by its keys (page_keys gives a run's page).
SOURCES = {FORECAST: SERIES_SOURCE, TEXT: TEXT_SOURCE, CLASSIFY: CLASSIFY_SOURCE}


def show_its_data(run, store: RunStore, task: str) -> None:
    """Point the page's data picker at the run's data, so the page shows what it trained on."""
    source = SOURCES[page_keys(task)]
    keys = source.keys
    config, name = run.config, run.data_name
    # A sample by the run's data name, unless the run's data is another file of that name
    sample = next((s for s in list_samples(source.kind) if s.path.name == name
                   and _holds_its_data(s.path, run)), None)
    if task == "classify":  # the texts as trained on, in two columns named text and label
        _show_labelled(run, store, name, sample and sample.name)
        return
    if sample is not None:
        use_sample(keys, sample.name)
        if task == "panel":
            st.session_state[FORECAST.layout(name)] = "wide" if config.get("wide") else "long"
            st.session_state[FORECAST.id_cols(name)] = list(config.get("id_col") or [])
    elif task == "panel":  # the series as trained on, one long file with its id columns
        data, id_cols = panel_csv(PANEL.data_from_files(_files(store, run, PANEL.data_names)))
        st.session_state[keys.kind] = source.own_choice
        use_saved_data(keys, source_of(name, data, repaired=_repairs(
            store.run_dir(run.id), "panel.json"), run=run.id))  # (whose saved data it is)
        st.session_state[FORECAST.layout(name)] = "long"
        st.session_state[FORECAST.id_cols(name)] = list(id_cols)
    else:
        folder = store.run_dir(run.id)
        data = (_with_plan(store, run) if task == "forecast"
                else (folder / "text.txt").read_bytes())
        st.session_state[keys.kind] = source.own_choice
        use_saved_data(keys, source_of(name, data, repaired=_repairs(folder), run=run.id))
    if task == "forecast":
        st.session_state[FORECAST.layout(name)] = "one"
    if task != "text" and config.get("value_col"):  # the column pickers
        st.session_state[FORECAST.value_col(name)] = config["value_col"]
        known = config.get("known_covariates") or []  # shown in their own box, not twice
        st.session_state[FORECAST.setting("covariates")] = [
            c for c in config.get("covariates") or [] if c not in known]
        # trained in row order: so read again, not with a date column found in the file
        st.session_state[FORECAST.time_col(name)] = config.get("time_col") or NO_TIME_COLUMN


def _holds_its_data(path, run) -> bool:
    """Whether the sample file at ``path``, read with the run's columns as the page reads it,
    is the data the run trained on (its run-store fingerprint): a user's own file can carry a
    sample's name. Where unsure (a column the file lacks, settings that do not read), False:
    the run's saved data is shown instead, which is its data for certain."""
    config = run.config
    try:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if run.task == "panel":  # read with the run's layout and columns, as the page reads it
            columns = ("wide" if config.get("wide") else "long", tuple(config.get("id_col") or ()),
                       config.get("time_col") or NO_TIME_COLUMN, config.get("value_col"),
                       tuple(config.get("covariates") or ()))
            panel = panel_cached(data, digest, run.data_name, *columns)
            return panel_fingerprint(panel, digest, columns) == run.data_hash
        if run.task == "text":
            return text_fingerprint(data, digest) == run.data_hash
        if run.task == "forecast":
            chosen = [*(config.get("covariates") or ()), *(config.get("known_covariates") or ())]
            return series_fingerprint(  # no time column: row order, not one detected
                data, digest, run.data_name, config.get("time_col") or NO_TIME_COLUMN,
                config.get("value_col"), tuple(dict.fromkeys(chosen))) == run.data_hash
        if run.task == "classify":
            texts = load_labelled(path, run.data_name, config.get("text_col"),
                                  config.get("label_col"))
            return data_fingerprint(TASKS["classify"], texts) == run.data_hash
    except Exception:  # a best guess: settings a bundle brought may not read at all
        return False
    return False


def _show_labelled(run, store: RunStore, name: str, sample: str | None) -> None:
    """A classifier's data in the Classify page's picker: its sample with the run's columns,
    or its saved texts (the file it wrote: columns text and label)."""
    keys = CLASSIFY_SOURCE.keys
    if sample:
        use_sample(keys, sample)
        columns = (run.config.get("text_col"), run.config.get("label_col"))
    else:
        folder = store.run_dir(run.id)
        texts = (folder / "texts.csv").read_bytes()
        st.session_state[keys.kind] = CLASSIFY_SOURCE.own_choice
        use_saved_data(keys, source_of(name, texts, run=run.id,
                                       repaired=_repairs(folder, "labelled.json")))
        columns = saved_columns(texts)  # the names the user's file gave them
    if all(isinstance(c, str) for c in columns):
        st.session_state[CLASSIFY.text_col(name)], st.session_state[CLASSIFY.label_col(name)] = (
            columns)


def _with_plan(store: RunStore, run) -> bytes:
    """A forecast run's data with the plan it was trained with (the known-ahead values after
    the last one); its data alone if the files do not read back as a series."""
    files = _files(store, run, SERIES_FILES)
    try:
        return data_with_plan(files)
    except ValueError:
        return files["data.csv"]


def _files(store: RunStore, run, names: tuple[str, ...]) -> dict[str, bytes]:
    folder = store.run_dir(run.id)
    return {n: (folder / n).read_bytes() for n in names if (folder / n).exists()}


def _repairs(folder, file_name: str = "series.json") -> list[str]:
    """What the loader repaired in a forecast run's data when it was uploaded (series.json, or
    a panel's panel.json)."""
    try:
        meta = parse_json((folder / file_name).read_bytes())
        notices, forms = meta.get("notices", []), meta.get("notices_said")
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(notices, list) or not all(isinstance(n, str) for n in notices):
        return []
    return said_all(notices[:50], forms)  # said again in the reader's language where shown
