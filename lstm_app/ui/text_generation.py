"""Playing with a trained language model: a streaming generation panel and a temperature explorer."""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from ..i18n import tr
from ..text.copying import Memorization, memorization
from ..text.generate import generate, generate_tokens
from ..text.pipeline import TextResult
from ..text.settings import TEXT_SETTINGS
from .keys import TEXT as KEYS
from .markdown import plain
from .text_view import memorization_view, sample_code

TEMPERATURES = (0.2, 0.5, 1.0, 1.5)
REDRAW_SECONDS = 0.05            # while streaming, redraw the text at most this often


@dataclass(frozen=True)
class Written:
    """A text the page wrote from the model, for the screen and the download."""

    title: str
    text: str                                 # the prompt and what the model wrote after it
    prompt: str = ""
    memorization: Memorization | None = None  # what of it after the prompt was copied
    temperature: float | None = None          # the temperature it was written at


@dataclass(frozen=True)
class Explored:
    """The temperature explorer's samples: one prompt, one text per temperature."""

    prompt: str
    texts: tuple[str, ...]


def forget_samples() -> None:
    """A model trained more: the samples of the one before no longer apply."""
    st.session_state.pop(KEYS.generated, None)
    st.session_state.pop(KEYS.explored, None)


def _belong_to(result: TextResult) -> None:
    """The samples shown are this model's, and the prompt typed is for its text: another run
    opened (its address, the Runs page, an offer) starts afresh, one trained more on the same
    text keeps the prompt."""
    before = st.session_state.get(KEYS.generated_for)
    if before is result:
        return
    forget_samples()
    if before is not None and before.text != result.text:
        st.session_state.pop(KEYS.gen_prompt, None)
    st.session_state[KEYS.generated_for] = result


def forget_generation() -> None:
    """A new model, maybe of another text: its samples and its prompt start afresh."""
    forget_samples()
    st.session_state.pop(KEYS.gen_prompt, None)


def generation_panel(result: TextResult) -> None:
    """Prompt, length and sampling settings; Generate streams the text, then marks what it copied."""
    st.subheader(tr("Generate"))
    _belong_to(result)
    config = result.config
    prompt = st.text_area(tr("Prompt"), value=result.prompt, key=KEYS.gen_prompt, height=68,
                          persist_state="session",
                          max_chars=TEXT_SETTINGS["prompt"].max_length,
                          help=tr("The text the model continues. Characters or words it never "
                                  "saw are read as unknown, so any prompt works."))
    a, b, c, d = st.columns(4)
    length = a.slider(tr("Length (characters)") if config.level == "char" else
                      tr("Length (tokens)"), 10, 2000, 300, step=10, key=KEYS.gen_length,
                      persist_state="session",
                      help=tr("How much new text to write after the prompt."))
    row = TEXT_SETTINGS["temperature"]
    temperature = b.slider(tr(row.label), 0.0, 2.0, min(float(config.temperature), 2.0),
                           step=0.05, key=KEYS.gen_temperature, help=tr(row.help),
                           persist_state="session")
    row = TEXT_SETTINGS["top_k"]
    top_k = c.number_input(tr("{setting} (0 = off)", setting=tr(row.label)), 0, int(row.high),
                           config.top_k, key=KEYS.gen_top_k, help=tr(row.help),
                           persist_state="session")
    row = TEXT_SETTINGS["top_p"]
    top_p = d.slider(tr(row.label), row.low, row.high, float(config.top_p), step=0.01,
                     key=KEYS.gen_top_p, help=tr(row.help), persist_state="session")
    if st.button(tr("Generate"), type="primary", key=KEYS.generate):
        slot = st.empty()
        text = prompt
        last_drawn = 0.0
        for piece in generate_tokens(result.model, result.vocab, prompt, int(length),
                                     float(temperature), int(top_k), float(top_p)):
            text += piece
            if time.monotonic() - last_drawn > REDRAW_SECONDS:
                sample_code(slot, text)
                last_drawn = time.monotonic()
        sample_code(slot, text)  # whole, while what it copied is found
        with st.spinner(tr("Looking for what it copied from the training text…")):
            copied = memorization(text[len(prompt):], result.train_text)
        slot.empty()
        samples = st.session_state.setdefault(KEYS.generated, [])
        samples.append(Written(tr("Generated at temperature {temperature:g}, top-k {k}, top-p "
                                  "{p:g}", temperature=temperature, k=int(top_k), p=top_p),
                               text, prompt, copied, float(temperature)))
    samples = st.session_state.get(KEYS.generated, [])
    if samples:
        latest = samples[-1]
        memorization_view(latest.text, latest.prompt, latest.memorization,
                          result.unseen_copied, latest.temperature)
        if len(samples) > 1:
            with st.expander(tr("Earlier samples ({count})", count=len(samples) - 1)):
                for sample in reversed(samples[:-1]):
                    st.caption(sample.title)
                    sample_code(st, sample.text)


def temperature_explorer(result: TextResult) -> None:
    """One prompt at four temperatures side by side, with what temperature does in one sentence."""
    st.subheader(tr("Temperature explorer"))
    st.markdown(tr("Temperature divides the model's scores before they become probabilities: "
                   "below 1 the likeliest next token wins more often (safe, repetitive text), "
                   "above 1 the unlikely ones get more chances (surprising text, more "
                   "mistakes)."))
    prompt = st.session_state.get(KEYS.gen_prompt, result.prompt)
    length = 200 if result.config.level == "char" else 60
    if st.button(tr("Compare temperatures 0.2, 0.5, 1.0 and 1.5"), key=KEYS.explore):
        with st.spinner(tr("Writing four samples…")):
            st.session_state[KEYS.explored] = Explored(prompt, tuple(
                generate(result.model, result.vocab, prompt, length, t, seed=0)
                for t in TEMPERATURES))
    explored = st.session_state.get(KEYS.explored)
    if explored is None:
        return
    st.caption(tr("Each continues “{prompt}” with the same random draws, so only the "
                  "temperature differs.", prompt=plain(explored.prompt)) if explored.prompt else
               tr("Each starts from nothing, with the same random draws, so only the temperature "
                  "differs."))
    for column, t, text in zip(st.columns(len(TEMPERATURES)), TEMPERATURES, explored.texts):
        column.markdown(tr("**Temperature {t:.1f}**", t=t))
        sample_code(column, text)


def all_samples(result: TextResult) -> list[Written]:
    """Every sample of this model for the download: the final one, generated ones, the explorer's."""
    samples = [Written(tr("The sample at the end of training"), result.sample)]
    samples += st.session_state.get(KEYS.generated, [])
    explored = st.session_state.get(KEYS.explored)
    if explored is not None:
        samples += [Written(tr("Temperature {t:.1f}", t=t), text)
                    for t, text in zip(TEMPERATURES, explored.texts)]
    return samples
