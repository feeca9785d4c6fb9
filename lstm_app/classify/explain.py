"""Which characters or words moved a prediction, for the "try it" box: occlusion.

Each token of the text is replaced in turn by the unknown token, and the classifier reads every
such copy at once (one batch: the text, then the text less each token). A token's influence is
how much the probability of the predicted class falls without it: positive where the token
spoke for the prediction, negative where it spoke against. Tokens past the longest text read
have no influence (the classifier never reads them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .tokens import UNKNOWN, token_spans
from .trained import TrainedClassifier


@dataclass(frozen=True)
class Explained:
    text: str
    probabilities: np.ndarray          # (classes,)
    predicted: int                     # the class with the highest probability
    spans: list[tuple[int, int]]       # where each token read lies in ``text``
    influence: np.ndarray              # (tokens read,) the fall in the predicted class's probability
    unknown: int = 0                   # tokens read that the vocabulary lacks (all read alike)
    unread: int = 0                    # tokens after the longest text read: never read


@torch.no_grad()
def explain(trained: TrainedClassifier, text: str) -> Explained:
    """The class probabilities of ``text`` and each of its tokens' influence on the prediction."""
    model = trained.model.eval()
    every = token_spans(text, trained.vocab.level)
    spans = every[:trained.config.max_length]
    read = trained.vocab.ids(text)[:trained.config.max_length]
    ids = read or [UNKNOWN]
    n = len(ids)
    copies = torch.tensor(ids).repeat(n + 1, 1)                    # (1 + tokens, tokens)
    copies[torch.arange(1, n + 1), torch.arange(n)] = UNKNOWN      # copy k lacks token k − 1
    logits, _ = model(copies, torch.full((n + 1,), n))
    probs = torch.softmax(logits, dim=1).double().numpy()          # (1 + tokens, classes)
    predicted = int(probs[0].argmax())
    influence = probs[0, predicted] - probs[1:, predicted]
    return Explained(text, probs[0], predicted, spans, influence[:len(spans)],
                     sum(i == UNKNOWN for i in read), len(every) - len(spans))
