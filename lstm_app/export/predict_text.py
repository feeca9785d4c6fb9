"""An exported language model or classifier at work with ONNX Runtime and numpy only (PyTorch
is never imported): text generated from a prompt, the labels of a CSV of texts, each read as
the app reads it (the same vocabulary, the same first ``max_length`` tokens)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..classify.tokens import UNKNOWN, TokenVocabulary
from ..csv_table import read_csv_table
from ..i18n import tr
from ..quoting import listed, quoted
from ..text.corpus import vocab_from_dict
from .manifest import MANIFEST
from .predict import BATCH, ExportedModel

PROMPT_PIECE = 1000  # prompt tokens read per run of a language model (as text/generate.py)


# --- language model -------------------------------------------------------------------------

def generate(model: ExportedModel, prompt: str, length: int, temperature: float = 1.0,
             top_k: int = 0, seed: int | None = None) -> str:
    """The prompt and ``length`` tokens written after it, one step at a time with the state
    carried; ``temperature`` 0 always takes the likeliest token (as the app's greedy)."""
    m = model.manifest
    try:
        vocab = vocab_from_dict(m["vocab"])
    except ValueError:
        raise ValueError(tr("{file} is damaged (its vocab is not what an export writes); "
                            "export the run again.", file=MANIFEST)) from None
    rng = np.random.default_rng(seed)
    ids = vocab.encode(prompt) or [vocab.stoi_.get("\n", 1)]
    zeros = np.zeros((m["layers"], 1, m["hidden_size"]), np.float32)
    state = [zeros] if m["cell"] == "gru" else [zeros, zeros]  # h (and c)
    for start in range(0, len(ids), PROMPT_PIECE):  # logits for a piece, not the whole prompt
        logits, *state = model.run(np.asarray([ids[start:start + PROMPT_PIECE]], np.int64),
                                   *state)
    logits = logits[0, -1].astype(np.float64)
    written = []
    for _ in range(length):
        logits[0] = -np.inf  # id 0 is the unknown token
        if temperature <= 0:
            token = int(np.argmax(logits))
        else:
            token = _sampled(logits / temperature, top_k, rng)
        written.append(vocab.decode([token]))
        logits, *state = model.run(np.asarray([[token]], np.int64), *state)
        logits = logits[0, -1].astype(np.float64)
    return prompt + "".join(written)


def _sampled(logits: np.ndarray, top_k: int, rng: np.random.Generator) -> int:
    if 0 < top_k < len(logits):
        cutoff = np.partition(logits, -top_k)[-top_k]
        logits = np.where(logits < cutoff, -np.inf, logits)
    p = np.exp(logits - logits.max())
    return int(rng.choice(len(p), p=p / p.sum()))


# --- classifier -----------------------------------------------------------------------------

def classify(model: ExportedModel, texts: list[str]) -> np.ndarray:
    """(texts, classes): each text's class probabilities, read as the classifier read its
    training texts (their first ``max_length`` tokens)."""
    m = model.manifest
    vocab = TokenVocabulary(m["vocab"]["level"], tuple(m["vocab"]["tokens"]))
    ids = [vocab.ids(text)[:m["max_length"]] or [UNKNOWN] for text in texts]
    lengths = np.asarray([len(i) for i in ids], np.int64)
    out = np.zeros((len(texts), len(m["classes"])))
    order = np.argsort(lengths, kind="stable")  # batches of similar lengths pad little
    for start in range(0, len(order), BATCH):
        rows = order[start:start + BATCH]
        tokens = np.zeros((len(rows), lengths[rows].max()), np.int64)
        for r, row in enumerate(rows):
            tokens[r, :lengths[row]] = ids[row]
        out[rows] = model.run(tokens, lengths[rows])[0]
    return out


def texts_of(source, text_col: str | None, trained_col: str | None,
             notices: list[str]) -> tuple[pd.DataFrame, str]:
    """The table of a CSV to classify and the column of its texts: ``text_col`` if given,
    else the column the model was trained on if the file has it, else its only column, else
    the column with the longest cells; what reading the file repaired or left out is said in
    ``notices``."""
    # every row kept up to the last text, blank ones too: the answers are matched to them by place
    table, _ = read_csv_table(source, None, notices, holding="texts", empty_rows="until_last")
    if text_col is not None and text_col not in table.columns:
        raise ValueError(tr("The file has no column {column}; its columns are {columns}.",
                            column=quoted(text_col),
                            columns=listed(table.columns, limit=8)))
    column = text_col or (trained_col if trained_col in table.columns else None)
    if column is None:
        lengths = {c: table[c].dropna().astype(str).str.len().mean() for c in table.columns}
        column = max(table.columns, key=lambda c: lengths[c] if lengths[c] == lengths[c] else 0)
    return table, column


def labelled_rows(table: pd.DataFrame, column: str, probs: np.ndarray,
                  classes: list[str]) -> tuple[pd.DataFrame, int]:
    """The rows of ``table`` as they came (every column, in order) with each text's label and
    class probabilities after them (``probs``: of the texts that are not blank), blank where its
    text is blank; and how many were. The file's columns keep their names: one of the model's
    named as one of them is called "predicted label", "predicted p(…)"."""
    filled = (table[column].fillna("").astype(str).str.strip() != "").to_numpy()
    out = table.copy()
    labels = np.full(len(out), "", dtype=object)
    labels[filled] = [classes[i] for i in probs.argmax(axis=1)]
    out[_free("label", out.columns)] = labels
    for i, cls in enumerate(classes):
        shares = np.full(len(out), np.nan)
        shares[filled] = probs[:, i].round(6)
        out[_free(f"p({cls})", out.columns)] = shares
    return out, int((~filled).sum())


def _free(name: str, taken) -> str:
    """``name``, or "predicted …" (then numbered) where the file already has a column so named."""
    taken, n = set(taken), 1
    candidate = name
    while candidate in taken:
        candidate = f"predicted {name}" + (f" {n}" if n > 1 else "")
        n += 1
    return candidate
