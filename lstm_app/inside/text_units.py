"""Finding units of a text model that track something simple (inside quotes, position in the line,
start of a word, uppercase), and colouring text by a unit's activation."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ..i18n import N_

QUOTES = '"“”«»'
PROPERTIES = (N_("inside quotes"), N_("position in the line"), N_("start of a word"),
              N_("uppercase"))


def token_properties(tokens: list[str]) -> dict[str, np.ndarray]:
    """Each property's value at each token (for characters, each character), read at its start."""
    inside, column, start, upper = [], [], [], []
    quoted, col, previous = False, 0, " "
    for token in tokens:
        first = token[:1]
        inside.append(float(quoted))
        column.append(float(col))
        start.append(float(first.isalpha() and not previous[-1:].isalpha()))
        upper.append(float(first.isupper()))
        for ch in token:
            if ch in QUOTES:
                quoted = not quoted
            col = 0 if ch == "\n" else col + 1
        previous = token or previous
    values = dict(zip(PROPERTIES, (inside, column, start, upper)))
    return {name: np.asarray(v) for name, v in values.items()}


def tracking_units(h: np.ndarray, tokens: list[str], top: int = 3) -> pd.DataFrame:
    """For each property that varies in the text, the units whose activation follows it best
    (Pearson correlation over the steps; its sign says which way)."""
    rows = []
    for name, values in token_properties(tokens).items():
        if values.std() == 0 or len(values) < 3:
            continue  # e.g. no quotes in the text: nothing to track
        corr = _correlations(h, values)
        for u in np.argsort(-np.abs(corr))[:top]:
            rows.append({"property": name, "unit": int(u), "correlation": round(float(corr[u]), 3)})
    return pd.DataFrame(rows, columns=["property", "unit", "correlation"])


def _correlations(h: np.ndarray, values: np.ndarray) -> np.ndarray:
    hc = h - h.mean(axis=0)
    vc = values - values.mean()
    denom = np.sqrt((hc ** 2).sum(axis=0) * (vc ** 2).sum())
    return np.divide(hc.T @ vc, denom, out=np.zeros(h.shape[1]), where=denom > 0)


def coloured_html(tokens: list[str], activation: np.ndarray) -> str:
    """HTML spans of the tokens, shaded from blue (−1) through none to red (+1) by activation
    (a page puts them in its text box)."""
    spans = []
    for token, a in zip(tokens, np.clip(activation, -1, 1)):
        colour = "220,38,38" if a >= 0 else "37,99,235"  # red, blue; faint enough to read on
        text = html.escape(token).replace("\n", "↵<br>")
        spans.append(f'<span style="background:rgba({colour},{0.6 * abs(a):.2f})">{text}</span>')
    return "".join(spans)
