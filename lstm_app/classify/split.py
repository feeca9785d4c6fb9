"""Owns the split of labelled texts into training, validation and test, and the leak check.

The split is stratified (each class in the same share in every part, stratified on the labels
as written) and seeded: first the test part is drawn from all texts, then the validation part
from the rest (as the ChnSentiCorp protocol in ``../shared/datasets/README.md`` does with
scikit-learn's ``train_test_split``, so its test part is the one the published figures were
measured on; tested). A text that appears in more than one part, as the model reads it (the
same tokens up to the longest text read), would be scored on what the model learnt by heart: it
is removed from the later part (validation after training, test after both) and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable

import numpy as np
from sklearn.model_selection import train_test_split

from ..i18n import tr, trn


@dataclass(frozen=True)
class TextSplit:
    train: np.ndarray   # indices of the texts
    val: np.ndarray
    test: np.ndarray
    leaked_val: int     # texts removed from validation: the same text is in training
    leaked_test: int    # texts removed from test: the same text is in training or validation
    stratified: bool = True

    def leak_notice(self) -> str:
        """What the leak check removed ("" where it removed nothing)."""
        if not (self.leaked_val or self.leaked_test):
            return ""
        return tr("Leak check: {val:,} validation and {test:,} test texts were also in an "
                  "earlier part (the same text twice in the file) and were removed from the "
                  "later one, so that no score is measured on a text the model trained on.",
                  val=self.leaked_val, test=self.leaked_test)

    def notices(self) -> list[str]:
        said = [self.leak_notice()] if self.leak_notice() else []
        if not self.stratified:
            said.append(tr("There are too few texts to give every part each class in the same "
                           "share, so the texts were split at random."))
        return said


def split_texts(texts: list[str], labels: np.ndarray, val_size: float, test_size: float,
                seed: int, key: Callable[[str], Hashable] = str) -> TextSplit:
    """Stratified training / validation / test indices (``val_size`` and ``test_size`` are
    shares of all texts; ``labels`` each text's label as written), with the texts repeated
    across parts (the same ``key``: what the model reads of them) removed from the later part.
    A ValueError when that leaves no validation or no test texts."""
    every = np.arange(len(texts))
    try:
        rest, test = train_test_split(every, test_size=test_size, random_state=seed,
                                      stratify=labels)
        train, val = train_test_split(rest, test_size=val_size / (1 - test_size),
                                      random_state=seed, stratify=labels[rest])
        stratified = True
    except ValueError:  # a part smaller than the number of classes: no stratified split
        try:
            rest, test = train_test_split(every, test_size=test_size, random_state=seed)
            train, val = train_test_split(rest, test_size=val_size / (1 - test_size),
                                          random_state=seed)
        except ValueError:  # scikit-learn's words name its own parameters: ours instead
            raise ValueError(trn("{count:,} text is too few to split into training, "
                                 "validation and test texts; give more texts.",
                                 "{count:,} texts are too few to split into training, "
                                 "validation and test texts; give more texts.",
                                 len(texts))) from None
        stratified = False
    keys = [key(text) for text in texts]
    seen = {keys[i] for i in train}
    kept_val = np.array([i for i in val if keys[i] not in seen], dtype=np.int64)
    seen.update(keys[i] for i in kept_val)
    kept_test = np.array([i for i in test if keys[i] not in seen], dtype=np.int64)
    split = TextSplit(np.asarray(train, dtype=np.int64), kept_val, kept_test,
                      len(val) - len(kept_val), len(test) - len(kept_test), stratified)
    if not len(kept_val):
        raise ValueError(tr("After removing {removed:,} validation texts that are also training "
                            "texts, no validation texts are left: the file holds the same texts "
                            "many times. Keep each text once (a spreadsheet's Remove Duplicates "
                            "does it), or add other texts.",
                            removed=split.leaked_val))
    if not len(kept_test):
        raise ValueError(tr("After removing {removed:,} test texts that are also training or "
                            "validation texts, no test texts are left: the file holds the same "
                            "texts many times. Keep each text once (a spreadsheet's Remove "
                            "Duplicates does it), or add other texts.",
                            removed=split.leaked_test))
    return split
