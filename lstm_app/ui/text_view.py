"""What the Text page shows while a language model trains and after: curves, the sample timeline, the verdict."""

from __future__ import annotations

import html
import json
import math
from typing import Callable

import streamlit as st

from ..i18n import N_, again, sentences, tr, trn
from ..quoting import no_bidi
from ..training.endings import said_again
from ..filenames import download_name
from ..runs.table import LEVEL_NAMES
from ..text.copying import Memorization
from ..text.generate import loop_at_end
from ..text.live import Sample
from ..text.pipeline import TextResult, to_report
from ..text.scoring import HARDLY, SHORT_TEXT, TOO_FEW_TO_SCORE
from ..text.settings import TextConfig
from ..training.jobs import Snapshot
from ..training.trainer import Progress
from .keys import TEXT as KEYS
from .live import loss_curves, training_took
from .markdown import plain

LIVE_SAMPLES = 6         # the latest samples the live view redraws every second
COPIED = "#ffe08a"       # passages found verbatim in the training text
LONGEST = "#ffb347"      # the longest of them


def loss_label(level: str) -> str:
    return N_("loss (nats per character)") if level == "char" else N_("loss (nats per token)")


def token_speed(config: TextConfig) -> Callable[[Progress], str]:
    """The progress line's speed: streams per second times the chunk length."""
    if config.level == "char":
        return lambda p: tr("{rate:,.0f} characters/s", rate=p.samples_per_sec * config.seq_len)
    return lambda p: tr("{rate:,.0f} tokens/s", rate=p.samples_per_sec * config.seq_len)


def render_live(snap: Snapshot, config: TextConfig) -> None:
    """The live part: loss curves with perplexity, and the samples from the fixed prompt so far."""
    left, right = st.columns(2)
    with left:
        loss_curves(snap.history, snap.batches, KEYS.live_loss, loss_label(config.level),
                    perplexity_option=True)
        if snap.history:
            last = snap.history[-1].val_loss
            st.caption(tr("Validation loss now {loss:.3f} nats, perplexity {perplexity:.2f}.",
                          loss=last, perplexity=math.exp(min(last, 50))))
    with right:
        if snap.live is None:
            st.caption(tr("The first sample appears in a moment."))
            return
        entries = snap.live.timeline  # a TextLive
        # While it trains: the first sample and the latest few (all of them come after).
        timeline(snap.live.prompt, entries[:1] + entries[1:][-LIVE_SAMPLES:], height=470)


def timeline(prompt: str, entries: tuple[Sample, ...], height: int) -> None:
    """The samples from the fixed prompt, newest first, so the text visibly gets better."""
    st.markdown(tr("**Samples as it learns**, each starting from “{prompt}”",
                   prompt=plain(prompt)))
    with st.container(height=height):
        for entry in reversed(entries):
            values = dict(epoch=entry.epoch, seconds=entry.seconds, loss=entry.val_loss)
            if entry.epoch == 0:
                when = tr("Before training")
            elif entry.val_loss is None:
                when = tr("Epoch {epoch:g} · {seconds:.0f} s", **values)
            else:
                when = tr("Epoch {epoch:g} · {seconds:.0f} s · validation loss {loss:.3f}",
                          **values)
            st.caption(when)
            sample_code(st, entry.text)


def sample_code(where, text: str) -> None:
    """A sample as plain text in a code box (``where``: st, a column or a slot), without the
    controls that reorder what follows: a right-to-left override in the prompt would otherwise
    turn the whole sample around."""
    where.code(no_bidi(text), language=None, wrap_lines=True)


def perplexity_in_words(result: TextResult) -> str:
    """The loss and the perplexity in words: as choices between equally likely ones, and, where
    it is more than the text's different characters (or words), that this is worse than a blind
    guess among them."""
    values = dict(perplexity=result.perplexity, choices=max(1, round(result.perplexity)))
    blind = result.counts.vocab_size - 1  # the text's own; the vocabulary adds the unknown one
    worse = (tr("That is more than the {blind:,} different ones the text has: on text it "
                "never saw, the model does worse than a blind guess among them, because it "
                "is sure of wrong answers (it learnt the training text by heart, or had too "
                "little to learn from).", blind=blind) if result.perplexity > blind else "")
    return sentences(tr(
        "The loss is the model's average surprise at each next character of text it never "
        "saw (in nats, a unit of information; lower is better). Perplexity turns it into "
        "choices: {perplexity:.1f} means it hesitates as if between about {choices} equally "
        "likely ones at each step.", **values) if result.config.level == "char" else tr(
        "The loss is the model's average surprise at each next word of text it never saw "
        "(in nats, a unit of information; lower is better). Perplexity turns it into "
        "choices: {perplexity:.1f} means it hesitates as if between about {choices} equally "
        "likely ones at each step.", **values), worse)


def verdict_kind(result: TextResult) -> str:
    """The verdict's box: "success" where the model learnt (as the verdict's words say: more
    than hardly beyond frequency guessing), "info" where it did on a text too short to be sure,
    else "warning"."""
    learnt = result.val_loss < result.baseline_loss * (1 - HARDLY)
    short = result.counts.train_chars < SHORT_TEXT  # a verdict on little text is fragile
    return "warning" if not learnt else "info" if short else "success"


def show_result(result: TextResult) -> None:
    """Scores in plain words first, then how training went and the sample it ended with."""
    if result.counts.scored_tokens >= TOO_FEW_TO_SCORE:
        getattr(st, verdict_kind(result))(again(result.verdict))
        scores(result)
        st.caption(perplexity_in_words(result))
    else:
        st.info(again(result.verdict))
        tiny_scores(result)
    values = dict(seconds=result.training.seconds, rate=result.tokens_per_second)
    if result.tokens_per_second <= 0:  # a reopened run trained nothing now
        took = training_took(result.training.seconds)
    elif result.config.level == "char":
        took = tr("Training took {seconds:.1f} s at {rate:,.0f} characters per second.",
                  **values)
    else:
        took = tr("Training took {seconds:.1f} s at {rate:,.0f} tokens per second.", **values)
    # The run's message is in the language it was trained in; the sentences join either way.
    st.caption(sentences(said_again(result.training), took))
    with st.expander(tr("How training went")):
        loss_curves(result.training.history, (), KEYS.final_loss, loss_label(result.config.level),
                    perplexity_option=True)
    with st.expander(tr("How the samples improved while it trained")):
        if result.timeline:
            timeline(result.prompt, result.timeline, height=420)
        else:
            st.caption(tr("No samples were taken while it trained."))
    st.subheader(tr("The sample at the end of training"))
    memorization_view(result.sample, result.prompt, result.memorization,
                      result.unseen_copied, result.config.temperature)


def scores(result: TextResult) -> None:
    """Validation loss, perplexity against frequency guessing, bits per character, what it copied."""
    char = result.config.level == "char"
    base_ppl = math.exp(min(result.baseline_loss, 50))
    values = dict(frequency=base_ppl, blind=result.counts.vocab_size)
    a, b, c, d = st.columns(4)
    a.metric(tr("Validation loss"), f"{result.val_loss:.3f}",
             help=tr("In nats per character: the model's average surprise at each next "
                     "character of text it never saw; lower is better.") if char else
             tr("In nats per token: the model's average surprise at each next token of text "
                "it never saw; lower is better."))
    b.metric(tr("Perplexity"), f"{result.perplexity:.2f}",
             delta=tr("{change:+.0%} vs. the frequency guess",
                      change=result.perplexity / base_ppl - 1),
             delta_color="inverse",
             help=tr("exp(loss): the model is as unsure as a blind choice among this many "
                     "characters. Guessing each character by how often it occurs in the "
                     "training text scores {frequency:.2f}; a blind guess, {blind:,}.", **values)
             if char else
             tr("exp(loss): the model is as unsure as a blind choice among this many tokens. "
                "Guessing each token by how often it occurs in the training text scores "
                "{frequency:.2f}; a blind guess, {blind:,}.", **values))
    c.metric(tr("Bits per character"), f"{result.bits_per_char:.2f}",
             help=tr("The same score in a unit that compares character and word models."))
    copied_metric(d, result)


def tiny_scores(result: TextResult) -> None:
    """A text too short to score on unseen text: how well it learnt the text, and what it copied."""
    a, b, _, _ = st.columns(4)
    if result.training.history:
        a.metric(tr("Training loss"), f"{result.training.history[-1].train_loss:.3f}",
                 help=tr("In nats per character, on the text it trained on: near 0 means it "
                         "knows the text by heart.") if result.config.level == "char" else
                 tr("In nats per token, on the text it trained on: near 0 means it knows the "
                    "text by heart."))
    copied_metric(b, result)


def copied_metric(column, result: TextResult) -> None:
    share = result.memorization.copied_ngram_share
    column.metric(tr("Copied in its sample"), percent(share),
                  help=tr("The share of the 8-character pieces the model wrote at the end of "
                          "training that occur word for word in the training text."))


def percent(share: float) -> str:
    """A share as a percentage that never rounds a little to nothing (or almost all to all)."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 < share < 1:
        return ">99%"
    return f"{share:.0%}"


def memorization_view(sample: str, prompt: str, memo: Memorization,
                      normal: float | None = None, temperature: float | None = None) -> None:
    """The sample, its prompt set apart, and every passage the model copied verbatim highlighted.

    ``memo`` is the memorization check of what the model wrote after ``prompt``; ``normal`` is
    the share of pieces that unseen text of the same hand shares with the training text, the
    yardstick for what is copying and what is just writing alike. A sample ending in a loop
    says why, by the ``temperature`` it was written at.
    """
    written = sample[len(prompt):]
    st.html(highlighted(prompt, written, list(memo.spans), memo.longest_start,
                        memo.longest_chars))
    if memo.longest_chars:
        st.caption(sentences(
            tr("After the prompt (in bold), highlighted: passages found word for word in the "
               "training text ({n} characters or longer). {share} of the written text's "
               "{n}-character pieces occur there; the longest copied passage (darker) is "
               "{longest} characters long.", n=memo.ngram,
               share=percent(memo.copied_ngram_share), longest=memo.longest_chars),
            _normal(normal, memo)))
    else:
        st.caption(tr("Nothing the model wrote after the prompt (in bold) was copied from the "
                      "training text: none of its {n}-character pieces occur there.",
                      n=memo.ngram))
    loop = loop_at_end(written)
    if loop:
        st.caption(looping(loop, temperature))


def looping(loop: str, temperature: float | None) -> str:
    """What the sample's end repeats (``loop``, the piece) and why, in two sentences."""
    what = (tr("The end of this sample is blank lines or spaces, over and over.")
            if not loop.strip() else
            trn("The end of this sample writes the same character over and over.",
                "The end of this sample writes the same {count} characters over and over.",
                len(loop)))
    if temperature is not None and temperature < 0.5:
        return sentences(what, tr(
            "At a low temperature the network takes its likeliest next character or word "
            "nearly every time, so once it is back where it was, it writes the same again: a temperature of "
            "0.5 or more breaks the loop."))
    return sentences(what, tr("The network has learnt little more than this so far: training "
                              "longer, or on a longer text, helps."))


def _normal(normal: float | None, memo: Memorization) -> str:
    """What share of copied pieces is normal for this text, in one sentence."""
    if normal is None:
        return ""
    return tr(COMPARED[compared(memo.copied_ngram_share, normal)], share=percent(normal))


def compared(share: float, normal: float) -> str:
    """The sample's share of copied pieces against the normal share, as a COMPARED key: judged
    by their ratio (10% against 2% is five times as much) or, near the top, by the ratio of
    what is its own (95% against 80%: a quarter as much of its own), a gap of a few points
    being alike."""
    gap = share - normal
    if abs(gap) < 0.03:  # a few points either way: the sample's own noise
        return "alike"
    ratio = lambda a, b: a / b if b > 0 else float("inf")
    if gap > 0:
        apart = max(ratio(share, normal), ratio(1 - normal, 1 - share))
        return "far more" if gap > 0.25 or apart >= 2 else "more" if apart >= 1.25 else "alike"
    apart = max(ratio(normal, share), ratio(1 - share, 1 - normal))
    return "less" if apart >= 1.25 else "alike"


COMPARED = {  # the sample's share of copied pieces against the unseen text's, in words
    "far more": N_("For comparison, {share} of the pieces of text it never saw (the end of the "
                   "same text) occur in the training text too: that much is writing alike, not "
                   "copying. This sample copies far more than that."),
    "more": N_("For comparison, {share} of the pieces of text it never saw (the end of the same "
               "text) occur in the training text too: that much is writing alike, not copying. "
               "This sample copies more than that."),
    "alike": N_("For comparison, {share} of the pieces of text it never saw (the end of the "
                "same text) occur in the training text too: that much is writing alike, not "
                "copying. This sample copies about as much as that."),
    "less": N_("For comparison, {share} of the pieces of text it never saw (the end of the same "
               "text) occur in the training text too: that much is writing alike, not copying. "
               "This sample copies less than that: more of it is its own."),
}


def highlighted(prompt: str, written: str, spans: list[tuple[int, int]], longest_start: int,
                longest_chars: int) -> str:
    """HTML of a sample in a text box: the prompt in bold, then ``written`` with the copied spans
    marked and the longest copied passage darker (positions are in ``written``). The controls
    that turn text around are left out of both (a model trained on a text that holds them
    writes them too, and "script" drew as "tpircs"), and each is isolated (``<bdi>``)."""
    longest = (longest_start, longest_start + longest_chars) if longest_chars else ()
    bounds = sorted({0, len(written), *(i for span in spans for i in span), *longest})
    pieces = []
    for start, end in zip(bounds, bounds[1:]):
        text = html.escape(no_bidi(written[start:end]))
        if longest and longest[0] <= start and end <= longest[1]:
            pieces.append(f'<mark style="background:{LONGEST}">{text}</mark>')
        elif any(a <= start and end <= b for a, b in spans):
            pieces.append(f'<mark style="background:{COPIED}">{text}</mark>')
        else:
            pieces.append(text)
    shown_prompt = f"<b><bdi>{html.escape(no_bidi(prompt))}</bdi></b>" if prompt else ""
    return text_box(shown_prompt + "<bdi>" + "".join(pieces) + "</bdi>")


def text_box(inner_html: str) -> str:
    """Text shown as written (monospace, line breaks kept) in a bordered box that scrolls past
    30 lines (a sample of a few hundred line breaks drew a box some 7,000 pixels tall)."""
    return ('<div style="white-space:pre-wrap;font-family:ui-monospace,monospace;'
            'font-size:0.9rem;line-height:1.6;padding:0.75rem 1rem;border:1px solid #ddd;'
            'border-radius:0.5rem;max-height:calc(30 * 1.6 * 0.9rem);overflow-y:auto">'
            + inner_html + "</div>")


def downloads(result: TextResult, samples: list, data_name: str, run_id: str | None) -> None:
    """The samples (each with a title and a text) as a text file, and the report as JSON, named
    after the text and the run."""
    level = result.config.level
    lines = ["# " + tr("Samples from an LSTM trained on this text ({level})",
                       level=tr(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level) + "\n"]
    for sample in samples:
        lines.append(f"## {sample.title}\n\n{sample.text}\n")
    st.subheader(tr("Download"))
    a, b = st.columns(2)
    a.download_button(tr("Download the samples (TXT)"), "\n".join(lines),
                      file_name=download_name(data_name, run_id, "samples", "txt"),
                      mime="text/plain", key=KEYS.samples_txt)
    b.download_button(tr("Download the report (JSON)"), json.dumps(to_report(result), indent=2),
                      file_name=download_name(data_name, run_id, "report", "json"),
                      mime="application/json", key=KEYS.report)
