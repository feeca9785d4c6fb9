"""Labelled texts as files and back: what a run keeps of the data it trained on.

``texts.csv`` holds the texts and labels as they were read (UTF-8, every cell quoted), under the
names their columns had (runs saved before 2026-12-05: "text" and "label"); ``labelled.json`` the
file's name, the columns, the classes in their order and the notices. Reading them back gives the same texts, classes and codes.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from ..csv_header import csv_rows
from ..i18n import said_all, said_forms, tr
from ..user_json import parse_json
from .labelled import LabelledTexts

FILES = ("texts.csv", "labelled.json")


def labelled_files(data: LabelledTexts) -> dict[str, bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a bare \r too
    writer.writerow([data.text_col, data.label_col])  # a reopened run's page reads them again
    writer.writerows((text, data.classes[y]) for text, y in zip(data.texts, data.y))
    meta = {"name": data.name, "text_col": data.text_col, "label_col": data.label_col,
            "classes": list(data.classes), "columns": list(data.columns),
            "notices": data.notices, "notices_said": said_forms(data.notices)}
    return {"texts.csv": out.getvalue().encode("utf-8"),
            "labelled.json": json.dumps(meta, ensure_ascii=False).encode("utf-8")}


def saved_columns(texts_csv: bytes) -> tuple[str, str]:
    """The names of the text and label columns ``texts.csv`` holds them under."""
    header = next(csv_rows(texts_csv.decode("utf-8", "replace")), [])
    return (header[0], header[1]) if len(header) == 2 else ("text", "label")


def labelled_from_files(files: dict[str, bytes]) -> LabelledTexts:
    """The labelled texts ``labelled_files`` wrote; a ValueError in plain words otherwise."""
    try:
        meta = parse_json(files["labelled.json"])
        rows = list(csv_rows(files["texts.csv"].decode("utf-8")))[1:]
        classes = tuple(meta["classes"])
        code = {label: i for i, label in enumerate(classes)}
        y = np.array([code[label] for _, label in rows], dtype=np.int64)
        texts = [text for text, _ in rows]
        strings = [meta["name"], meta["text_col"], meta["label_col"], *meta["notices"],
                   *meta["columns"], *classes]
        if not all(isinstance(s, str) for s in strings) or len(classes) < 2:
            raise ValueError
    except (KeyError, ValueError, TypeError, UnicodeDecodeError, csv.Error):
        raise ValueError(tr("The saved texts (texts.csv, labelled.json) are not labelled texts "
                            "this app wrote.")) from None
    return LabelledTexts(meta["name"], texts, y, classes, meta["text_col"], meta["label_col"],
                         tuple(meta["columns"]),
                         said_all(meta["notices"], meta.get("notices_said")))
