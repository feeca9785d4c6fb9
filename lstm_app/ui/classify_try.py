"""The Classify page's "try it" box: type a text, get each class's probability and the
characters or words that moved the prediction, highlighted (occlusion, classify.explain)."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from ..classify.explain import Explained, explain
from ..i18n import sentences, tr, trn
from ..classify.pipeline import ClassifyResult
from .keys import CLASSIFY as KEYS
from ..quoting import cut, no_bidi
from .markdown import plain
from .text_view import text_box

MAX_CHARS = 2_000
CLASS_CHARS = 80  # of a class's name in the answer (a label may be a paragraph)
FOR, AGAINST = (22, 140, 60), (200, 40, 40)  # green spoke for the prediction, red against


def try_it(result: ClassifyResult, run_id: str | None) -> None:
    """The box, and the last answer for this model (kept across reruns)."""
    st.subheader(tr("Try it"))
    example = _example(result)
    length = result.config.max_length
    model_id = (run_id, id(result.trained))
    if st.session_state.get(KEYS.try_drawn_for) != model_id and KEYS.try_kept in st.session_state:
        # A new model: the box was not drawn while it trained, and the browser forgot its text
        # (the server still held it, so only setting it anew sends it back).
        st.session_state[KEYS.try_text] = st.session_state[KEYS.try_kept]
    st.session_state[KEYS.try_drawn_for] = model_id
    with st.form(KEYS.try_form, border=False):
        text = st.text_area(tr("Type or paste a text"), key=KEYS.try_text, max_chars=MAX_CHARS,
                            height=100, placeholder=example,
                            help=sentences(
                                tr("The classifier reads it as it read the training texts: up "
                                   "to its first {length:,} characters.", length=length)
                                if result.config.level == "char" else
                                tr("The classifier reads it as it read the training texts: up "
                                   "to its first {length:,} words.", length=length),
                                tr("The box holds at most {limit:,} characters; a longer paste "
                                   "is not taken, so paste a part of it.", limit=MAX_CHARS)))
        asked = st.form_submit_button(tr("Classify it"), type="primary", key=KEYS.try_button)
    if asked:
        if not text.strip():
            st.info(tr("Type a text first, such as one like the texts it learnt from; a paste "
                       "of more than {limit:,} characters is not taken, so paste a part of it.",
                       limit=MAX_CHARS))
            st.session_state.pop(KEYS.tried, None)
            st.session_state.pop(KEYS.try_kept, None)  # emptied: not brought back
            return
        st.session_state[KEYS.tried] = (model_id, explain(result.trained, text))
        st.session_state[KEYS.try_kept] = text
    tried = st.session_state.get(KEYS.tried)
    if tried is None or tried[0] != model_id:
        st.caption(tr("Its answer and the parts of the text that moved it appear here."))
        return
    answer(tried[1], result.data.classes, result.config.level)


def forget_tried() -> None:
    """A new model: the last answer was another model's."""
    st.session_state.pop(KEYS.tried, None)


def _example(result: ClassifyResult) -> str:
    """A short text of the data as the box's placeholder, so a visitor sees what to type."""
    short = [t for t in result.data.texts[:200] if 8 <= len(t) <= 60]
    return (tr("e.g. {text}", text=short[0]) if short else
            tr("e.g. a text like the ones it learnt from"))


def answer(found: Explained, classes: tuple[str, ...], level: str) -> None:
    """Each class's probability, and the text with its tokens coloured by their influence."""
    predicted = cut(classes[found.predicted], CLASS_CHARS)
    st.markdown(tr("**{predicted}**, with probability {probability:.1%}.",
                   predicted=plain(predicted) or "?",
                   probability=found.probabilities[found.predicted]))
    order = found.probabilities.argsort()[::-1][:10]
    probability = tr("probability")
    st.dataframe(pd.DataFrame({tr("class"): [cut(classes[i], CLASS_CHARS) for i in order],
                               probability: 100 * found.probabilities[order]}),
                 hide_index=True, column_config={probability: st.column_config.ProgressColumn(
                     format="%.1f%%", min_value=0.0, max_value=100.0, color="blue")})
    st.html(highlighted(found))  # every piece escaped; st.html reads no markdown or math
    note = unread_note(found, level)
    if note:
        st.warning(note, icon=":material/help:")
    if found.unread:
        st.warning(cut_note(found, level), icon=":material/content_cut:")
    st.caption(tr("Green characters spoke for “{predicted}”, red ones against it, the deeper "
                  "the more: each was left out in turn and how sure the classifier then was of "
                  "“{predicted}” read again (occlusion, on the log-odds, so that an answer "
                  "100% sure still shows what made it so).", predicted=plain(predicted))
               if level == "char" else
               tr("Green words spoke for “{predicted}”, red ones against it, the deeper the "
                  "more: each was left out in turn and how sure the classifier then was of "
                  "“{predicted}” read again (occlusion, on the log-odds, so that an answer "
                  "100% sure still shows what made it so).", predicted=plain(predicted)))


def cut_note(found: Explained, level: str) -> str:
    """What of a text longer than the classifier reads was left unread."""
    return (trn("The text is longer than the classifier reads: its last character (in grey) "
                "was not read and cannot change the answer.",
                "The text is longer than the classifier reads: its last {count:,} characters (in "
                "grey) were not read and cannot change the answer.", found.unread)
            if level == "char" else
            trn("The text is longer than the classifier reads: its last word (in grey) was not "
                "read and cannot change the answer.",
                "The text is longer than the classifier reads: its last {count:,} words (in "
                "grey) were not read and cannot change the answer.", found.unread))


def unread_note(found: Explained, level: str) -> str:
    """What the classifier could not read of the text: every token unknown (its answer then
    says nothing of the text), or how many were; "" when it knew them all."""
    count, total = found.unknown, len(found.spans)
    if count and count == total:
        return (tr("None of the characters of this text occurs in the training texts, so the "
                   "classifier read nothing it knows: its answer says nothing about this text.")
                if level == "char" else
                tr("None of the words of this text is in the classifier's vocabulary, so it read "
                   "nothing it knows: its answer says nothing about this text."))
    if not count:
        return ""
    return (trn("{count:,} of the {total:,} characters read never occurs in the training texts: "
                "the classifier reads it as the unknown token.", "{count:,} of the {total:,} "
                "characters read never occur in the training texts: the classifier reads each "
                "as the same unknown token.", count, total=total)
            if level == "char" else
            trn("{count:,} of the {total:,} words read is not in the classifier's vocabulary: "
                "it reads it as the unknown token.", "{count:,} of the {total:,} words read are "
                "not in the classifier's vocabulary: it reads each as the same unknown token.",
                count, total=total))


def highlighted(found: Explained) -> str:
    """The text as HTML, each token read coloured by its influence (every piece escaped)."""
    text, spans, influence = found.text, found.spans, found.influence
    scale = max(float(abs(influence).max()) if len(influence) else 0.0, 1e-6)
    pieces, at = [], 0
    shown = lambda piece: html.escape(no_bidi(piece))  # no control turns the text around
    for (start, end), value in zip(spans, influence):
        pieces.append(shown(text[at:start]))
        colour = FOR if value > 0 else AGAINST
        alpha = min(abs(float(value)) / scale, 1.0) * 0.75
        title = html.escape(f"{value:+.3f}", quote=True)
        pieces.append(f'<span title="{title}" style="background:rgba{(*colour, round(alpha, 3))};'
                      f'border-radius:3px">{shown(text[start:end])}</span>')
        at = end
    # The rest: only spaces after the last token read, or (greyed) what was never read.
    pieces.append(f'<span style="color:#999">{shown(text[at:])}</span>' if found.unread
                  else shown(text[at:]))
    return text_box("".join(pieces))
