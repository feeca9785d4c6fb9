"""The coach's rule of its own for classifiers: a rare class the model overlooks.

The shared rules (``training.coach``: blowing up, overfitting, underfitting, a plateau) read a
classifier's curves as they read any; this one reads its test scores. Where the classes are
unbalanced (the largest has ``UNBALANCED`` times the texts of the smallest), rare classes are
not weighed up, and the model finds less than ``LOW_RECALL`` of some class's test texts, it
says which class and offers to weigh rare classes up.
"""

from __future__ import annotations

import numpy as np

from ..i18n import tr
from ..training.coach import Diagnosis

UNBALANCED = 3.0
LOW_RECALL = 0.6


def overlooked_class(per_class: list[dict], train_counts: np.ndarray,
                     class_weights: bool) -> list[Diagnosis]:
    """[the diagnosis] when a rare class is overlooked and weighing it up is still to try."""
    counts = np.asarray(train_counts)
    if class_weights or len(counts) < 2 or counts.max() < UNBALANCED * max(counts.min(), 1):
        return []
    scored = [c for c in per_class if c["texts"] > 0]
    if not scored:
        return []
    worst = min(scored, key=lambda c: c["recall"])
    if worst["recall"] >= LOW_RECALL:
        return []
    i = [c["class"] for c in per_class].index(worst["class"])
    return [Diagnosis(
        "overlooked_class", tr("A rare class is being overlooked"),
        tr("The class “{name}” had {texts:,} training texts against {most:,} of the most common "
           "one, and the model found only {recall:.0%} of its test texts: guessing the common "
           "classes pays off in the loss. Weighing rare classes up makes each of their texts "
           "count for more.", name=worst["class"], texts=int(counts[i]),
           most=int(counts.max()), recall=worst["recall"]),
        {"class_weights": True}, tr("weigh rare classes up"))]
