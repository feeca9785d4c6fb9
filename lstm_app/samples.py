"""The registry of sample datasets shipped in sample_data/ (read from its samples.json).

Each entry of samples.json names a file there, a title, a one-line description for a
non-coder, a kind ("series" for CSV time series, "text" for .txt corpora, "labelled" for CSV files of
labelled texts) and optionally the
settings it is meant for (the word-level Keras sentences: {"level": "word"}), the settings its
Home demo starts with besides (the 50 stores: a 20-second limit for each statistical model, so
that the demo ends within a minute) and, for a series, the unit of its values ("thousand
passengers"), for the axes and the scores in words.
A sample's name is its file stem, e.g. "airline_passengers".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"


@dataclass(frozen=True)
class Sample:
    name: str
    title: str
    description: str
    kind: str
    path: Path
    settings: dict = field(default_factory=dict)  # settings the sample is meant for, e.g. {"level": "word"}
    unit: str = ""              # what its values count, e.g. "thousand passengers"
    demo_settings: dict = field(default_factory=dict)  # what its Home demo also sets
    language: str = ""          # "zh": the first one a page offers a reader of Chinese


def list_samples(kind: str | None = None) -> list[Sample]:
    """The samples in samples.json order, only those of `kind` if given."""
    entries = json.loads((SAMPLE_DIR / "samples.json").read_text(encoding="utf-8"))
    samples = [
        Sample(
            name=Path(e["file"]).stem,
            title=e["title"],
            description=e["description"],
            kind=e["kind"],
            path=SAMPLE_DIR / e["file"],
            settings=e.get("settings", {}),
            unit=e.get("unit", ""),
            demo_settings=e.get("demo_settings", {}),
            language=e.get("language", ""),
        )
        for e in entries
    ]
    return [s for s in samples if kind is None or s.kind == kind]


def sample_named(name: str) -> Sample:
    """The sample called `name`; ValueError naming the choices if there is none."""
    samples = list_samples()
    for s in samples:
        if s.name == name:
            return s
    choices = ", ".join(s.name for s in samples)
    raise ValueError(f"There is no sample called '{name}'; choose one of: {choices}.")


def sample_path(name: str) -> Path:
    """The file of the sample called `name`; ValueError naming the choices if there is none."""
    return sample_named(name).path
