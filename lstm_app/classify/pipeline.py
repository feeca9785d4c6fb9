"""The classifier pipeline in two steps: ``fit_classifier`` trains, ``score_classifier`` scores.

``fit_classifier(data, config, callbacks) -> TrainedClassifier``: split the labelled texts
(stratified, seeded, leak-checked), fit the vocabulary on the training texts, and train the
network through the shared Trainer (validation loss for early stopping and the best epoch).
``score_classifier(trained, data) -> ClassifyResult``: the test texts' accuracy, macro-F1, each
class's scores and the confusion matrix beside the baselines', the misclassified texts (most
confident first) and the verdict. ``predict`` gives any texts' class probabilities.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch

from ..i18n import tr
from ..training.trainer import Callbacks, SizedBatches, Trainer, TrainResult, pick_device
from . import scores
from .labelled import LabelledTexts
from .model import Classifier, build_classifier
from .settings import ClassifyConfig
from .split import TextSplit, split_texts
from .batches import Encoded, encode, similar_length_batches
from .tokens import TokenVocabulary, choose_level, tokenize
from .trained import TrainedClassifier

PREDICT_BATCH = 512
MISTAKES_SHOWN = 50
TFIDF_TEXTS = 200_000  # texts the TF-IDF baseline is fitted on at most (a seeded sample)


@dataclass
class ClassifyResult:
    trained: TrainedClassifier
    data: LabelledTexts
    split: TextSplit
    notices: list[str]
    test: scores.ClassScores
    baselines: dict[str, scores.ClassScores]
    per_class: list[dict]
    confusion: list[list[int]]
    mistakes: list[dict]        # the misclassified test texts, most confident first
    verdict: str
    seconds: float = 0.0

    config = property(lambda self: self.trained.config)
    model = property(lambda self: self.trained.model)
    training = property(lambda self: self.trained.training)


def resolve(data: LabelledTexts, config: ClassifyConfig) -> ClassifyConfig:
    """The settings as trained: the level chosen from the texts, the columns named."""
    level = choose_level(data.texts) if config.level == "auto" else config.level
    return replace(config, level=level, text_col=data.text_col, label_col=data.label_col)


def fit_classifier(data: LabelledTexts, config: ClassifyConfig,
                   callbacks: Callbacks = Callbacks(),
                   start: TrainedClassifier | None = None) -> TrainedClassifier:
    """Train a classifier on ``data``'s training texts; with ``start``, go on from its weights
    and vocabulary for ``config.epochs`` more epochs (Train more)."""
    if start is not None and start.classes != data.classes:
        raise ValueError(tr("This classifier was trained on other classes; load the same file."))
    config = resolve(data, config) if start is None else replace(config, level=start.config.level)
    split = data_split(data, config)
    train_texts = [data.texts[i] for i in split.train]
    vocab = start.vocab if start else TokenVocabulary.fit(train_texts, config.level,
                                                          config.max_vocab)
    device = pick_device(config.device)
    train = encode(train_texts, vocab, config.max_length)
    val = encode([data.texts[i] for i in split.val], vocab, config.max_length)
    y_train = torch.as_tensor(data.y[split.train])
    y_val = torch.as_tensor(data.y[split.val])

    torch.manual_seed(config.seed)
    model = build_classifier(config, len(vocab), len(data.classes))
    if start is not None:
        model.load_state_dict(start.model.state_dict())
    elif config.class_weights:  # each class in inverse proportion to its training texts
        counts = torch.bincount(y_train, minlength=len(data.classes)).double()
        model.class_weights.copy_((counts.sum() / (len(counts) * counts.clamp(min=1))).float())
    model.to(device)
    trained = TrainedClassifier(config, model, vocab, data.classes, TrainResult())

    def train_batches(generator: torch.Generator) -> SizedBatches:
        chunks = similar_length_batches(train.lengths, config.batch_size, generator)
        batches = ((*_on(train.batch(rows), device), y_train[rows].to(device))
                   for rows in chunks)
        return SizedBatches(batches, len(chunks))

    @torch.no_grad()
    def val_loss(net: Classifier) -> tuple[float, dict]:
        """The validation loss, and the accuracy and macro-F1 the epoch's record keeps."""
        net.eval()
        total, predicted = 0.0, torch.empty(len(y_val), dtype=torch.int64)
        for rows in by_length(val):  # never empty (split.py)
            logits, loss = net(*_on(val.batch(rows), device), y_val[rows].to(device))
            total += float(loss) * len(rows)
            predicted[rows] = logits.argmax(dim=1).cpu()
        measured = scores.scores(y_val.numpy(), predicted.numpy())
        return total / max(len(y_val), 1), measured.to_dict()

    checkpoint = (None if callbacks.on_checkpoint is None
                  else lambda net, epoch: callbacks.on_checkpoint(trained, epoch))
    trainer = Trainer(model, config.trainer_config(), callbacks.on_progress,
                      callbacks.stop_event, checkpoint)
    trained.training = trainer.fit(train_batches, val_loss,
                                   earlier=start.training if start is not None else None)
    if trained.training.stop_reason == "diverged" and trained.training.best_epoch == 0:
        raise ValueError(trained.training.message)
    trained.model = model.cpu()
    return trained


def data_split(data: LabelledTexts, config: ClassifyConfig) -> TextSplit:
    """The split ``config`` (level resolved) makes of ``data``: the same in fit and score."""
    labels = np.asarray(data.classes, dtype=object)[data.y]
    read = lambda text: tuple(tokenize(text, config.level)[:config.max_length])
    return split_texts(data.texts, labels, config.val_size, config.test_size, config.seed, read)


def _on(batch: tuple[torch.Tensor, torch.Tensor], device: torch.device):
    tokens, lengths = batch
    return tokens.to(device), lengths  # lengths stay on the CPU, where packing reads them


@torch.no_grad()
def probabilities(model: Classifier, encoded: Encoded) -> np.ndarray:
    """(texts, classes): each text's class probabilities."""
    model.eval()
    device = next(model.parameters()).device
    out = torch.zeros(len(encoded.lengths), model.shape.n_classes, dtype=torch.float64)
    for rows in by_length(encoded):
        out[rows] = torch.softmax(model(*_on(encoded.batch(rows), device))[0], dim=1).cpu().double()
    return out.numpy()


def by_length(encoded: Encoded) -> list[torch.Tensor]:
    """Batches of rows for predicting, the texts sorted by length: each batch steps through
    texts of about the same length (the rows go back to their places after)."""
    return [rows for rows in torch.argsort(encoded.lengths, stable=True).split(PREDICT_BATCH)
            if len(rows)]


def predict(trained: TrainedClassifier, texts: list[str]) -> np.ndarray:
    """(texts, classes): the class probabilities of any texts."""
    return probabilities(trained.model, encode(texts, trained.vocab, trained.config.max_length))


def score_classifier(trained: TrainedClassifier, data: LabelledTexts, on_stage=None,
                     stop_event=None) -> ClassifyResult:
    """Score the classifier and the baselines on the test texts."""
    started = time.perf_counter()
    config = trained.config
    if data.classes != trained.classes:
        raise ValueError(tr("This classifier was trained on other classes; load the same file."))
    split = data_split(data, config)
    test_texts = [data.texts[i] for i in split.test]
    y_test = data.y[split.test]
    encoded = encode(test_texts, trained.vocab, config.max_length)
    probs = probabilities(trained.model, encoded)
    y_pred = probs.argmax(axis=1)
    seen = np.concatenate([split.train, split.val])
    if len(seen) > TFIDF_TEXTS:  # its fit grows with the texts; the LSTM's with its budget
        seen = np.sort(np.random.default_rng(config.seed).choice(seen, TFIDF_TEXTS,
                                                                 replace=False))
    baselines = {
        "majority": scores.scores(y_test, scores.majority(data.y[split.train], len(y_test)))}
    notices = list(data.notices) + split.notices()
    if stop_event is not None and stop_event.is_set():
        notices.append(tr("Stopped before TF-IDF with logistic regression was fitted: it is not "
                          "on the scoreboard."))
    else:
        if on_stage is not None:
            on_stage(tr("Fitting TF-IDF with logistic regression to compare the LSTM with it"))
        try:
            baselines["tfidf_logreg"] = scores.scores(y_test, scores.tfidf_logreg(
                [data.texts[i] for i in seen], data.y[seen], test_texts, config.level,
                config.seed))
            if len(seen) < len(split.train) + len(split.val):
                notices.append(tr("TF-IDF with logistic regression was fitted on {fitted:,} of "
                                  "the {texts:,} training and validation texts, drawn at random, "
                                  "to keep its time bounded.", fitted=len(seen),
                                  texts=len(split.train) + len(split.val)))
        except ValueError as error:  # e.g. texts with no word TF-IDF can read
            notices.append(tr("TF-IDF with logistic regression could not be fitted ({error}); "
                              "it is not on the scoreboard.", error=str(error)[:80]))
    test = scores.scores(y_test, y_pred)
    if encoded.cut:
        values = dict(cut=encoded.cut, texts=len(test_texts), length=config.max_length)
        notices.append(tr("{cut:,} of {texts:,} test texts are longer than {length:,} characters "
                          "and were read up to there (Longest text read).", **values)
                       if config.level == "char" else
                       tr("{cut:,} of {texts:,} test texts are longer than {length:,} words and "
                          "were read up to there (Longest text read).", **values))
    return ClassifyResult(
        trained, data, split, notices, test, baselines,
        scores.per_class(y_test, y_pred, data.classes),
        scores.confusion(y_test, y_pred, len(data.classes)),
        _mistakes(test_texts, y_test, probs, data.classes),
        scores.verdict(test, baselines, np.bincount(data.y[split.train],
                                                   minlength=len(data.classes)),
                       config.class_weights,
                       trained.training.stop_reason == "early_stopping", len(test_texts)),
        time.perf_counter() - started + trained.training.seconds)


def _mistakes(texts: list[str], y: np.ndarray, probs: np.ndarray,
              classes: tuple[str, ...]) -> list[dict]:
    """The misclassified texts, the most confident mistakes first."""
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y)
    order = wrong[np.argsort(-probs[wrong, predicted[wrong]], kind="stable")][:MISTAKES_SHOWN]
    return [{"text": texts[i], "label": classes[y[i]], "predicted": classes[predicted[i]],
             "confidence": float(probs[i, predicted[i]])} for i in order]


def classify_report(result: ClassifyResult) -> dict:
    """REPORT.json of a classifier."""
    training = result.training
    return {"config": asdict(result.config), "notices": result.notices,
            "data": {"name": result.data.name, "texts": len(result.data.texts),
                     "classes": list(result.data.classes),
                     "counts": result.data.counts.tolist()},
            "accuracy": result.test.accuracy, "macro_f1": result.test.macro_f1,
            "per_class": result.per_class, "confusion": result.confusion,
            "baselines": {name: s.to_dict() for name, s in result.baselines.items()},
            "split": {"train": len(result.split.train), "val": len(result.split.val),
                      "test": len(result.split.test), "leaked_val": result.split.leaked_val,
                      "leaked_test": result.split.leaked_test},
            "verdict": result.verdict, "mistakes": result.mistakes[:20],
            "history": [h.to_dict() for h in training.history],
            "training": {"best_epoch": training.best_epoch, "stop_reason": training.stop_reason,
                         "message": training.message},
            "seconds": round(result.seconds, 3)}


def run_classifier(data: LabelledTexts, config: ClassifyConfig,
                   callbacks: Callbacks = Callbacks()) -> ClassifyResult:
    """``fit_classifier`` then ``score_classifier``."""
    return score_classifier(fit_classifier(data, config, callbacks), data)
