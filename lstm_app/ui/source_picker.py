"""Choosing what to train on, for both task pages: a sample, or an upload that survives page switches."""

from __future__ import annotations

import hashlib

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ..i18n import N_, language, tr, translator
from ..samples import list_samples, sample_named
from .keys import TaskKeys
from .language import translated, uploader_words
from .markdown import plain

SAMPLE_CHOICE = N_("A sample")  # the radio's value; shown in the reader's language


@dataclass(frozen=True)
class SourceWidgets:
    """What differs between the pages; the keys are the page's (``kind``, ``sample``, ``upload``)."""

    keys: TaskKeys
    kind: str                  # the samples' kind in samples.json
    label: str                 # the radio's label
    own_choice: str            # e.g. "My own file"
    radio_help: str
    upload_label: str
    upload_types: tuple[str, ...]  # the file name endings taken; () takes any file
    upload_help: str
    empty_hint: str            # shown while there is no upload yet


@dataclass(frozen=True)
class Chosen:
    """The data a task page shows, as it would train on it."""

    data: Any                  # a SeriesData, or the text
    name: str                  # its file's name
    fingerprint: str           # the run store's fingerprint of it: results carry the same
    settings: dict = field(default_factory=dict)  # the settings a sample is meant for
    unit: str = ""             # what a series' values count, when a sample says
    repaired: tuple[str, ...] = ()  # what the loader repaired when a reopened run's data was
                                    # first uploaded (its saved copy needs no repair now)


def use_sample(keys: TaskKeys, name: str) -> None:
    """Make a sample the chosen data, with the settings its demo starts with (the Home page's
    demos call this; they stay on the page as if the user had set them)."""
    st.session_state[keys.kind] = SAMPLE_CHOICE
    st.session_state[keys.sample] = name
    for setting, value in sample_named(name).demo_settings.items():
        st.session_state[keys.setting(setting)] = value


def source_of(name: str, data: bytes, **more) -> dict:
    """A data source as the pages pass it on: {"name", "data", "digest", "settings", …}. The
    digest is taken once, when the data arrives: the pages' caches are keyed by it, not by the
    bytes (hashing a 50 MB upload took Streamlit 0.55 s, several times on every rerun)."""
    return {"name": name, "data": data, "digest": hashlib.sha256(data).hexdigest(),
            "settings": {}, **more}


def choose_source(w: SourceWidgets) -> dict | None:
    """A sample or an upload: {"name", "data", "settings"}, or None while there is nothing to use."""
    choice = st.radio(tr(w.label), [SAMPLE_CHOICE, w.own_choice], horizontal=True,
                      key=translated(w.keys.kind), persist_state="session",
                      help=tr(w.radio_help),
                      format_func=translator())
    if choice == SAMPLE_CHOICE:
        samples = {s.name: s for s in list_samples(w.kind)}
        if w.keys.sample not in st.session_state:  # first seen: one in the reader's language
            st.session_state[w.keys.sample] = next(
                (n for n, s in samples.items() if s.language == language()), next(iter(samples)))
        name = st.selectbox(tr("Sample"), list(samples), key=translated(w.keys.sample),
                            persist_state="session",
                            format_func=lambda n, title=translator(): title(samples[n].title))
        st.caption(tr(samples[name].description))
        return source_of(samples[name].path.name, samples[name].path.read_bytes(),
                         settings=samples[name].settings, unit=samples[name].unit)
    kept = w.keys.uploaded  # the last upload's {"name", "data", "settings"}
    key = uploader_key(w.keys)
    uploaded = st.file_uploader(tr(w.upload_label), type=list(w.upload_types) or None,
                                key=key, help=tr(w.upload_help),
                                on_change=_forget_if_removed, args=(key, kept))
    uploader_words(key, w.upload_types)
    known = st.session_state.get(kept)
    if uploaded is not None and (known is None or known.get("file_id") != uploaded.file_id):
        st.session_state[kept] = source_of(uploaded.name, uploaded.getvalue(),
                                           file_id=uploaded.file_id)
    source = st.session_state.get(kept)
    if source is None:
        st.info(tr(w.empty_hint))
    elif uploaded is None:
        st.caption(tr("Using **{name}**, uploaded earlier.", name=plain(source["name"])))
    return source


def uploader_key(keys: TaskKeys) -> str:
    """The file uploader's widget key: a new one each time a run's saved data takes the place
    of a file still in it (``use_saved_data``). An uploader cannot be emptied otherwise, and
    its file would take the place back on the next rerun."""
    rounds = st.session_state.get(keys.upload_round, 0)
    return keys.upload if not rounds else f"{keys.upload}_{rounds}"


def use_saved_data(keys: TaskKeys, source: dict) -> None:
    """``source`` (a run's saved copy of its data) as the page's own file, in the place of the
    upload; a file still in the uploader is taken out of it."""
    st.session_state[keys.uploaded] = source
    if st.session_state.get(uploader_key(keys)) is not None:
        st.session_state[keys.upload_round] = st.session_state.get(keys.upload_round, 0) + 1


def _forget_if_removed(widget_key: str, kept: str) -> None:
    """The user removed the file with its ×: stop using it. (Coming back from another page also
    shows an empty uploader, but fires no change, so the upload is kept then.)"""
    if st.session_state.get(widget_key) is None:
        st.session_state.pop(kept, None)


def show_notices(notices, chosen: Chosen) -> None:
    """What the loader repaired, one caption each; for a run's saved (already clean) data, what
    was repaired when its file was first uploaded."""
    for notice in notices:
        st.caption(f"ℹ️ {plain(notice)}")
    earlier = [n for n in chosen.repaired if n not in notices]  # not what the data says again
    if earlier:
        st.caption(tr("When this file was first uploaded, the app noted the following; the run "
                      "saved the data as it was read then:"))
        for notice in earlier:
            st.caption(f"ℹ️ {plain(notice)}")
