"""What the Inside page shows, computed from a trained result: an input, its trace, the numbers.

A forecast's input is one window of a series as the network reads it (a ``SeriesInput``: a
forecast's series, or one series of a panel), ending where a forecast starts; a text model's
input is a snippet of text; a classifier's input is a text it classifies. Each goes through the model's own input step (``rnn_inputs``:
anchoring, a panel's series embedding, a text's token embedding) and then through the explicit
cells.
"""

from __future__ import annotations

import math
import unicodedata

import pandas as pd
import torch

from ..classify.tokens import UNKNOWN, token_spans
from ..i18n import N_, tr, trn
from ..series.frequency import time_labels
from ..text.corpus import UNKNOWN_CHAR
from .cells import LayerTrace, trace
from .series_input import SeriesInput

LSTM_ROWS = [  # (symbol, gate key, what it is)
    ("f", "f", "forget gate"), ("i", "i", "input gate"), ("C̃", "g", "candidate"),
    ("o", "o", "output gate")]
UNDECIDED = 0.2  # every gate within this of one half (0.3…0.7): the gate heatmaps look alike
GRU_ROWS = [("r", "r", "reset gate"), ("z", "z", "update gate"), ("ñ", "n", "candidate")]
# A peephole LSTM's term in each gate it adds to (the step's numbers show it on its own)
PEEP_COLUMNS = {"f": "p_f∗C(t−1)", "i": "p_i∗C(t−1)", "o": "p_o∗C(t)"}


def forecast_origins(view: SeriesInput) -> list[int]:
    """Rows where a forecast can start: every test-span origin, and the end (the real forecast)."""
    first = max(view.lookback, view.test_start)
    return list(range(first, len(view.series.frame) + 1))


def forecast_labels(view: SeriesInput) -> list[str]:
    """A label per row of the series as a person reads it ("Dec 1960", "row 12"), and one more
    for the end: where the real forecast starts."""
    series = view.series
    return [*time_labels(series.frame.index, series.freq), tr("the future (the forecast)")]


@torch.no_grad()
def forecast_trace(view: SeriesInput, origin: int) -> tuple[list[LayerTrace], pd.Index]:
    """The trace of the window of ``lookback`` rows before ``origin``, and their timestamps."""
    window = view.inputs[origin - view.lookback:origin][None]  # (1, lookback, inputs)
    x, ids = view.model.split_ids(window)  # a panel's series number, for its embedding
    return (trace(view.model.rnn, view.model.rnn_inputs(x, ids)),
            view.series.frame.index[origin - view.lookback:origin])


@torch.no_grad()
def text_trace(result, snippet: str) -> tuple[list[LayerTrace], list[str]]:
    """The trace of a text snippet, and its tokens as text (one per step)."""
    ids = result.vocab.ids(snippet)
    if len(ids) == 0:
        raise ValueError(tr("Type a text to look at."))
    model = result.model.cpu().eval()
    tokens = [result.vocab.decode([i]) for i in ids.tolist()]
    return trace(model.rnn, model.rnn_inputs(ids[None])), tokens


@torch.no_grad()
def classify_trace(result, text: str) -> tuple[list[LayerTrace], list[str]]:
    """The trace of a text a classifier reads (up to its longest text read), and its tokens:
    forward and backward per layer for a bidirectional classifier."""
    trained = result.trained
    spans = token_spans(text, trained.vocab.level)[:trained.config.max_length]
    if not spans:
        raise ValueError(tr("Type a text to look at."))
    ids = torch.tensor(trained.vocab.ids(text)[:trained.config.max_length] or [UNKNOWN])
    model = trained.model.cpu().eval()
    return trace(model.rnn, model.embedding(ids[None])), [text[a:b] for a, b in spans]


def unknown_note(tokens: list[str], level: str) -> str:
    """A sentence on the tokens of a snippet the text model's vocabulary lacks (shown as "�",
    read all alike), or ""."""
    count = sum(token == UNKNOWN_CHAR for token in tokens)
    if not count:
        return ""
    return (trn("{count} character of this text never occurs in the training text: the network "
                "reads it as the unknown token, shown as “�”.",
                "{count} characters of this text never occur in the training text: the network "
                "reads each as the same unknown token, shown as “�”.", count)
            if level == "char" else
            trn("{count} word of this text is not in the model's vocabulary: the network reads "
                "it as the unknown token, shown as “�”.",
                "{count} words of this text are not in the model's vocabulary: the network reads "
                "each as the same unknown token, shown as “�”.", count))


def directions_label(traces: list[LayerTrace], i: int) -> str:
    """"layer 2", or for a bidirectional network "layer 1, backward" (its i-th trace)."""
    both = any(t.backward for t in traces)
    layer = i // 2 if both else i
    if not both:
        return tr("layer {number}", number=layer + 1)
    return (tr("layer {number}, backward (from the end)", number=layer + 1) if traces[i].backward
            else tr("layer {number}, forward", number=layer + 1))


VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥"}


def token_labels(tokens: list[str]) -> list[str]:
    """One label per step of a text, by position and token ("3:␣", "4:e"): repeated characters
    stay apart on a chart's axis, and spaces, line breaks and the characters that draw nothing
    (a zero-width joiner, a right-to-left override: "5:U+202E") can be seen; a combining mark
    sits on a dotted circle ("6:◌́"), not on the colon."""
    return [f"{i + 1}:{_shown(token)}" for i, token in enumerate(tokens)]  # "80 s" read as time


def _shown(token: str) -> str:
    mark = token[:1] and unicodedata.category(token[0])[0] == "M"  # nothing to sit on
    return (("◌" if mark else "") + "".join(
        VISIBLE.get(c) or (f"U+{ord(c):04X}" if unicodedata.category(c)[0] in "CZ" else c)
        for c in token))[:12]  # controls, format characters, other spaces: by their number


def step_numbers(layer: LayerTrace, t: int, units: list[int]) -> pd.DataFrame:
    """Every number in the cell's equations at step ``t`` for the chosen units: one row per unit."""
    lstm = layer.c is not None
    rows = []
    for u in units:
        row = {"unit": u}
        for symbol, key, _ in (LSTM_ROWS if lstm else GRU_ROWS):
            row[f"{symbol} before σ/tanh"] = float(layer.pre[key][0, t, u])
            if layer.peep is not None and key in layer.peep:  # its part of the value before σ
                row[PEEP_COLUMNS[key]] = float(layer.peep[key][0, t, u])
            row[symbol] = float(layer.gates[key][0, t, u])
        h_prev = layer.h0[0, u] if t == 0 else layer.h[0, t - 1, u]
        row["h(t−1)"] = float(h_prev)
        if lstm:
            c_prev = layer.c0[0, u] if t == 0 else layer.c[0, t - 1, u]
            row["C(t−1)"] = float(c_prev)
            row["C(t)"] = float(layer.c[0, t, u])
        row["h(t)"] = float(layer.h[0, t, u])
        rows.append(row)
    return pd.DataFrame(rows).set_index("unit")


def equations_with_numbers(numbers: pd.Series, lstm: bool) -> list[str]:
    """LaTeX lines of the cell's equations with one unit's numbers put in; a negative number
    multiplied or added is in brackets (0.585 × (−0.670), not 0.585 × −0.670)."""
    n = {k: _fmt(v) for k, v in numbers.items()}
    p = {k: f"({v})" if v.startswith("-") else v for k, v in n.items()}  # as a term
    if lstm:
        gate = lambda s: _peephole_gate(numbers, s) if PEEP_COLUMNS[s] in numbers else (
            rf"{s}_t = \sigma({n[f'{s} before σ/tanh']}) = {n[s]}")
        return [
            gate("f"),
            gate("i"),
            rf"\tilde{{C}}_t = \tanh({n['C̃ before σ/tanh']}) = {n['C̃']}",
            rf"C_t = f_t \ast C_{{t-1}} + i_t \ast \tilde{{C}}_t = {n['f']} \times {p['C(t−1)']}"
            rf" + {n['i']} \times {p['C̃']} = {n['C(t)']}",
            gate("o"),
            rf"h_t = o_t \ast \tanh(C_t) = {n['o']} \times \tanh({n['C(t)']}) = {n['h(t)']}"]
    return [
        rf"r_t = \sigma({n['r before σ/tanh']}) = {n['r']}",
        rf"z_t = \sigma({n['z before σ/tanh']}) = {n['z']}",
        rf"\tilde{{n}}_t = \tanh({n['ñ before σ/tanh']}) = {n['ñ']}",
        rf"h_t = (1 - z_t) \ast \tilde{{n}}_t + z_t \ast h_{{t-1}} = (1 - {n['z']}) \times "
        rf"{p['ñ']} + {n['z']} \times {p['h(t−1)']} = {n['h(t)']}"]


def _peephole_gate(numbers: pd.Series, symbol: str) -> str:
    """A peephole LSTM's gate with its peephole term on its own: σ(the rest + p ∗ C) = σ(the
    value before σ) = the gate."""
    s, before = symbol, float(numbers[f"{symbol} before σ/tanh"])
    term = float(numbers[PEEP_COLUMNS[s]])
    c, shown = ("C_{t-1}" if s != "o" else "C_t"), _fmt(term)
    shown = f"({shown})" if shown.startswith("-") else shown  # as a term
    return (rf"{s}_t = \sigma(W_{s} \cdot [h_{{t-1}}, x_t] + b_{s} + p_{s} \ast {c}) = "
            rf"\sigma({_fmt(before - term)} + {shown}) = \sigma({_fmt(before)}) = "
            rf"{_fmt(float(numbers[s]))}")


def in_words(numbers: pd.Series, lstm: bool, unit: int) -> str:
    """One unit's step in a sentence a newcomer can follow: what share of its memory it keeps,
    what share of the new candidate it writes, what share it lets out (an LSTM); or how much of
    its previous output it keeps (a GRU)."""
    share = lambda key: f"{min(max(float(numbers[key]), 0.0), 1.0):.0%}"
    if lstm:
        return tr("In words: unit {unit} keeps {keep} of what its memory cell held, writes {write} "
                  "of the new candidate into it, and lets {show} of its memory out as its output.",
                  unit=unit, keep=share("f"), write=share("i"), show=share("o"))
    return tr("In words: unit {unit} keeps {keep} of its previous output and takes the rest from "
              "the new candidate, which reads {reset} of that previous output.",
              unit=unit, keep=share("z"), reset=share("r"))


def undecided(layer: LayerTrace) -> bool:
    """Every gate of every unit stays near one half over the whole input, so the gate heatmaps
    (0 to 1) look alike. Not a sign of too little training: the airline's forecast network
    keeps its gates within 0.3…0.7 after 3 epochs and after 100 alike."""
    gates = [g for key, g in layer.gates.items() if key in ("f", "i", "o", "r", "z")]
    return bool(gates) and all(float((g - 0.5).abs().max()) < UNDECIDED for g in gates)


def heatmaps(layer: LayerTrace) -> dict[str, torch.Tensor]:
    """Units × steps matrices of every gate and state, for the heatmaps."""
    lstm = layer.c is not None
    names = ({N_("forget gate f"): "f", N_("input gate i"): "i", N_("output gate o"): "o"} if lstm
             else {N_("reset gate r"): "r", N_("update gate z"): "z"})
    maps = {title: layer.gates[key][0].T for title, key in names.items()}
    if lstm:
        maps[N_("cell state C")] = layer.c[0].T
    maps[N_("hidden state h")] = layer.h[0].T
    return maps


def _fmt(value: float) -> str:
    value = 0.0 if abs(value) < 5e-4 else value
    return f"{value:.3f}" if math.isfinite(value) else r"\infty"
