"""Which characters or words moved a prediction, for the "try it" box: occlusion.

Each token of the text is replaced in turn by the unknown token, and the classifier reads every
such copy at once (one batch: the text, then the text less each token). A token's influence is
how much the log-odds of the predicted class, log(p / (1 − p)), fall without it: positive where
the token spoke for the prediction, negative where it spoke against. Log-odds, not the
probability itself: an answer 99.99% sure barely moves in probability when one token is left
out, and every token would look alike; its log-odds still tell them apart. Tokens past the
longest text read have no influence (the classifier never reads them).
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
    influence: np.ndarray              # (tokens read,) the fall in the predicted class's log-odds
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
    logits = logits.double()
    probs = torch.softmax(logits, dim=1).numpy()                   # (1 + tokens, classes)
    predicted = int(probs[0].argmax())
    odds = log_odds(logits, predicted)
    influence = odds[0] - odds[1:]
    return Explained(text, probs[0], predicted, spans, influence[:len(spans)],
                     sum(i == UNKNOWN for i in read), len(every) - len(spans))


def log_odds(logits: torch.Tensor, k: int) -> np.ndarray:
    """log(p_k / (1 − p_k)) of each row's softmax, from the logits (no probability rounded to 1
    on the way): the class's logit less the log-sum-exp of the others'."""
    others = logits.clone()
    others[:, k] = -torch.inf
    return (logits[:, k] - torch.logsumexp(others, dim=1)).numpy()
