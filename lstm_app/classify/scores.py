"""How good a classifier is, and what it is measured against: accuracy, macro-F1, each class's
precision / recall / F1 and the confusion matrix (scikit-learn's metrics), the two baselines on
the same test texts, and the verdict in words.

Baselines: always the majority class of the training texts; and TF-IDF over character 1–3-grams
(or words and word pairs, for texts read by word; sublinear term counts) with logistic
regression, fitted on the training and validation texts (those the LSTM learnt from or chose its epoch on), as the
ChnSentiCorp reference was measured.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from ..i18n import N_, sentences, tr, trn
from .tokens import WORD

BASELINE_NAMES = {"majority": N_("always the most common class"),
                  "tfidf_logreg": N_("TF-IDF with logistic regression")}
NEAR = 0.005  # accuracies this close are "as good"
FEW_TEST_TEXTS = 100  # under this many, one test text moves the accuracy by over a point
FAR_F1 = 0.1  # a macro-F1 this much higher finds the rarer classes clearly better
UNBALANCED = 3.0  # classes are unbalanced where the largest has this many times the smallest's


def clearly_above(a: float, b: float, texts: int = 0) -> bool:
    """Whether accuracy ``a`` beats ``b`` by more than chance on ``texts`` test texts (0:
    unknown): by more than NEAR and by more than two standard errors of the difference of two
    shares of that many texts (a chance gap of one text in 96 is not a win)."""
    spread = math.sqrt((a * (1 - a) + b * (1 - b)) / texts) if texts > 0 else 0.0
    return a - b > max(NEAR, 2 * spread)


def unbalanced(counts) -> bool:
    """Whether classes of these (training) text counts are unbalanced."""
    counts = np.asarray(counts)
    return len(counts) >= 2 and counts.max() >= UNBALANCED * max(counts.min(), 1)


@dataclass(frozen=True)
class ClassScores:
    accuracy: float
    macro_f1: float

    def to_dict(self) -> dict:
        return asdict(self)


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> ClassScores:
    return ClassScores(float(accuracy_score(y_true, y_pred)),
                       float(f1_score(y_true, y_pred, average="macro", zero_division=0)))


def per_class(y_true: np.ndarray, y_pred: np.ndarray, classes: tuple[str, ...]) -> list[dict]:
    """Each class's precision, recall, F1 and number of test texts."""
    labels = np.arange(len(classes))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0)
    return [{"class": name, "precision": float(p), "recall": float(r), "f1": float(f),
             "texts": int(n)} for name, p, r, f, n in zip(classes, precision, recall, f1, support)]


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> list[list[int]]:
    """Row: the true class; column: the class predicted."""
    return confusion_matrix(y_true, y_pred, labels=np.arange(n_classes)).tolist()


def majority(y_train: np.ndarray, n_test: int) -> np.ndarray:
    return np.full(n_test, np.bincount(y_train).argmax())


def tfidf_logreg(train_texts: list[str], y_train: np.ndarray, test_texts: list[str],
                 level: str, seed: int) -> np.ndarray:
    """TF-IDF features with logistic regression: its class for each test text."""
    if level == "char":
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    else:
        vectorizer = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     token_pattern=WORD.pattern)  # the LSTM's own words
    features = vectorizer.fit_transform(train_texts)
    # C=10 (weaker regularisation than the default 1): on ChnSentiCorp's protocol split 0.889
    # accuracy against 0.870 with scikit-learn's defaults, a fairer rival.
    model = LogisticRegression(C=10, max_iter=1000, random_state=seed).fit(features, y_train)
    return model.predict(vectorizer.transform(test_texts))


def verdict(lstm: ClassScores, baselines: dict[str, ClassScores], train_counts=None,
            weighted: bool = False, early_stopped: bool = False, test_texts: int = 0) -> str:
    """The LSTM against the baselines in one sentence and what to do, and a word on how little
    a few ``test_texts`` tell. Always guessing the most common class is never advised: where it
    is right as often as the LSTM or more (unbalanced classes), the sentence says that it never
    finds the other classes. Weighing rare classes up is advised only where the training texts'
    ``train_counts`` are unbalanced and the run did not (``weighted``); more epochs only where
    early stopping did not end the training (it stopped improving: the coach says so too)."""
    said = _verdict(lstm, baselines, train_counts, weighted, early_stopped, test_texts)
    if 0 < test_texts < FEW_TEST_TEXTS:
        said = sentences(said, trn(
            "The test span holds only {count} text, so these figures are rough.",
            "The test span holds only {count} texts: one text moves the accuracy by {step:.1%}, "
            "so a gap of a few texts can be chance.", test_texts, step=1 / test_texts))
    return said


def _verdict(lstm, baselines, train_counts, weighted, early_stopped, texts) -> str:
    weigh = not weighted and (train_counts is None or unbalanced(train_counts))
    more = _more_advice(weigh, early_stopped)
    tfidf = baselines.get("tfidf_logreg")
    majority = baselines["majority"]
    values = dict(accuracy=lstm.accuracy, macro_f1=lstm.macro_f1,
                  majority=majority.accuracy, majority_f1=majority.macro_f1)
    if tfidf is not None:
        values.update(tfidf=tfidf.accuracy, tfidf_f1=tfidf.macro_f1)
    if lstm.macro_f1 <= majority.macro_f1 + NEAR:
        return _no_better_than_guess(lstm, majority, values, more, tfidf is not None, texts)
    if (tfidf is not None and train_counts is not None and not unbalanced(train_counts)
            and not clearly_above(tfidf.accuracy, majority.accuracy, texts)
            and not clearly_above(lstm.accuracy, majority.accuracy, texts)):
        return tr("Neither the LSTM ({accuracy:.1%}) nor TF-IDF with logistic regression "
                  "({tfidf:.1%}) was right clearly more often than always answering the most "
                  "common class ({majority:.1%}): these texts may not tell their labels apart. "
                  "Check that the label column is the one you meant, or give them more texts.",
                  **values)
    if tfidf is not None and clearly_above(tfidf.accuracy, lstm.accuracy, texts):
        return _tfidf_better(values, early_stopped)
    if majority.accuracy >= lstm.accuracy - NEAR:
        return _as_often_as_guess(lstm, majority, values, weigh, weighted, more)
    if tfidf is not None and not clearly_above(lstm.accuracy, tfidf.accuracy, texts):
        return _near_tfidf(lstm, tfidf, values)
    if tfidf is not None:
        return tr("The LSTM was right on {accuracy:.1%} of the test texts (macro-F1 "
                  "{macro_f1:.3f}), better than TF-IDF with logistic regression ({tfidf:.1%}, "
                  "macro-F1 {tfidf_f1:.3f}).", **values)
    return tr("The LSTM was right on {accuracy:.1%} of the test texts (macro-F1 {macro_f1:.3f}), "
              "better than always the most common class ({majority:.1%}, macro-F1 "
              "{majority_f1:.3f}).", **values)


def _near_tfidf(lstm, tfidf, values) -> str:
    """The LSTM neither clearly better nor clearly worse than TF-IDF on the test texts."""
    if abs(lstm.accuracy - tfidf.accuracy) < 1e-9:
        return tr("The LSTM was right on exactly as many test texts as TF-IDF with logistic "
                  "regression (both {accuracy:.1%}): the simpler method does as well here.",
                  **values)
    if tfidf.accuracy > lstm.accuracy:
        said = tr("TF-IDF with logistic regression was right more often than the LSTM on the "
                  "test texts ({tfidf:.1%} against {accuracy:.1%}), by a difference chance can "
                  "make: the simpler method does at least as well here.",
                  **values)
        if tfidf.macro_f1 - lstm.macro_f1 > FAR_F1:  # what accuracy hides: the rarer classes
            said = sentences(said, tr(
                "It finds the rarer classes clearly better, though (macro-F1 {tfidf_f1:.3f} "
                "against {macro_f1:.3f}), so it is the better choice here.", **values))
        return said
    return tr("The LSTM was about as accurate as TF-IDF with logistic regression on the "
              "test texts ({accuracy:.1%} against {tfidf:.1%}, a difference chance can "
              "make): the simpler method does as well here.", **values)


def _more_advice(weigh, early_stopped) -> str:
    """What more training data or time could do, the way the training ended."""
    return (tr("Early stopping ended its training, so more epochs would not help: weigh rare "
               "classes up, or give it more texts.") if early_stopped and weigh else
            tr("Early stopping ended its training, so more epochs would not help: give it more "
               "texts.") if early_stopped else
            tr("Train it for more epochs, weigh rare classes up, or give it more texts.") if weigh
            else tr("Train it for more epochs, or give it more texts."))


def _no_better_than_guess(lstm, majority, values, more, with_tfidf, texts) -> str:
    """Said where the LSTM's macro-F1 is no better than the guess's: worse where it is right
    less often by more than a text and a half of the ``texts`` (one text apart is no verdict)."""
    return sentences(
        tr("The LSTM did worse than always answering the most common class: macro-F1 "
           "{macro_f1:.3f} against that guess's {majority_f1:.3f}, so it does not tell the "
           "classes apart yet.", **values)
        if lstm.macro_f1 < majority.macro_f1 - NEAR else
        tr("The LSTM did worse than always answering the most common class: right on "
           "{accuracy:.1%} of the test texts against that guess's {majority:.1%}, with a "
           "macro-F1 of {macro_f1:.3f} against {majority_f1:.3f}, so it does not tell the "
           "classes apart yet.", **values)
        if majority.accuracy - lstm.accuracy > max(NEAR, 1.5 / texts if texts else 0.0) else
        tr("The LSTM learnt no more than always answering the most common class: macro-F1 "
           "{macro_f1:.3f}, about the same as that guess ({majority_f1:.3f}), so it does "
           "not tell the classes apart yet.", **values),
        more,
        tr("TF-IDF with logistic regression got {tfidf:.1%} right.", **values)
        if with_tfidf else "")


def _tfidf_better(values, early_stopped) -> str:
    if early_stopped:
        return tr("TF-IDF with logistic regression beat the LSTM on the test texts ({tfidf:.1%} "
                  "against {accuracy:.1%}; macro-F1 {tfidf_f1:.3f} against {macro_f1:.3f}): for "
                  "these texts it is the better tool (this app shows it as a yardstick only), "
                  "or give the LSTM more texts (early stopping ended its training, so more "
                  "epochs would not help).", **values)
    return tr("TF-IDF with logistic regression beat the LSTM on the test texts ({tfidf:.1%} "
              "against {accuracy:.1%}; macro-F1 {tfidf_f1:.3f} against {macro_f1:.3f}): for "
              "these texts it is the better tool (this app shows it as a yardstick only), "
              "or give the LSTM more texts or epochs (the coach below the results says "
              "what its curves suggest).", **values)


def _as_often_as_guess(lstm, majority, values, weigh, weighted, more) -> str:
    if majority.accuracy > lstm.accuracy + NEAR:
        said = tr("The LSTM was right on {accuracy:.1%} of the test texts (macro-F1 "
                  "{macro_f1:.3f}), less often than always guessing the most common class "
                  "({majority:.1%}), which never finds the other classes (macro-F1 "
                  "{majority_f1:.3f}).", **values)
    else:
        said = tr("The LSTM was right on {accuracy:.1%} of the test texts, about as often "
                  "as always guessing the most common class ({majority:.1%}); it finds "
                  "more of the other classes than that guess (macro-F1 {macro_f1:.3f} "
                  "against {majority_f1:.3f}), but not yet enough to be right more "
                  "often.", **values)
    return sentences(said, tr("The classes are unbalanced: weigh rare classes up, or give "
                              "the LSTM more texts of them.") if weigh else
                     tr("Rare classes are already weighed up: give the LSTM more texts of "
                        "them.") if weighted else more)
