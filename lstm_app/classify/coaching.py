"""The coach's rules of its own for classifiers: a rare class the model overlooks, and a model
that tells the classes apart no better than a guess.

The shared rules (``training.coach``: blowing up, overfitting, underfitting, a plateau) read a
classifier's curves as they read any; these read its test scores. Where the classes are
unbalanced (the largest has ``UNBALANCED`` times the texts of the smallest), rare classes are
not weighed up, and the model finds less than ``LOW_RECALL`` of some class's test texts, it
says which class and offers to weigh rare classes up. Where its macro-F1 is no better than
always answering the most common class (the verdict's test), it says so and offers what is left
to try: more time or epochs when training ended while it could go on, else weighing rare
classes up; with both tried, more texts. Where TF-IDF with logistic regression beat it (the
verdict then points here) and nothing else was found, it says what is left: Train more, more
epochs or time, or, once early stopping ended it, more texts (TF-IDF the better tool till then).
"""

from __future__ import annotations

import numpy as np

from ..i18n import sentences, tr, trn
from ..training.coach import Diagnosis, more_training
from .scores import NEAR, ClassScores, clearly_above, unbalanced

LOW_RECALL = 0.6


def overlooked_class(per_class: list[dict], train_counts: np.ndarray, class_weights: bool,
                     file_counts: np.ndarray | None = None) -> list[Diagnosis]:
    """[the diagnosis] when a rare class is overlooked and weighing it up is still to try.
    With ``file_counts`` (every text's class, not only the training texts'), the file itself
    must be unbalanced too: a balanced file of a few texts per class splits unevenly."""
    counts = np.asarray(train_counts)
    if class_weights or not unbalanced(counts) or (file_counts is not None
                                                   and not unbalanced(file_counts)):
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


def baseline_won(lstm: ClassScores, baselines: dict[str, ClassScores], settings: dict,
                 stop_reason: str, train_texts: int, test_texts: int = 0) -> list[Diagnosis]:
    """[the diagnosis] when TF-IDF with logistic regression beat the LSTM's accuracy though the
    LSTM tells the classes apart (``no_better_than_guess`` has that case): what the verdict's
    "the coach says" promises, for a coach that found nothing else."""
    tfidf = baselines.get("tfidf_logreg")
    if (tfidf is None or not clearly_above(tfidf.accuracy, lstm.accuracy, test_texts)
            or lstm.macro_f1 <= baselines["majority"].macro_f1 + NEAR
            or stop_reason == "diverged"):
        return []
    title = tr("TF-IDF with logistic regression did better")
    said = tr("It was right on {tfidf:.1%} of the test texts, the LSTM on {accuracy:.1%}.",
              tfidf=tfidf.accuracy, accuracy=lstm.accuracy)
    if stop_reason == "stopped":
        return [Diagnosis("baseline_won", title, sentences(said, tr(
            "Training was stopped before it ended by itself: Train more (below) goes on from "
            "these weights.")))]
    if stop_reason in ("completed", "time_budget"):
        change, label = more_training(settings, stop_reason)
        why = (tr("Its time budget ended training before it stopped improving: give it more "
                  "time.") if "minutes" in change else
               trn("Training ended after its {epochs} epoch, not because it stopped improving: "
                   "more epochs let it go on.", "Training ended after its {epochs} epochs, not "
                   "because it stopped improving: more epochs let it go on.",
                   settings["epochs"], epochs=settings["epochs"]))
        return [Diagnosis("baseline_won", title, sentences(said, why), change, label)]
    return [Diagnosis("baseline_won", title, sentences(said, trn(
        "Early stopping ended training when the validation texts stopped improving, so more "
        "epochs would not help: the LSTM has learnt what its {count:,} training text teaches. "
        "Give it more texts; until then TF-IDF is the better tool for these texts (this app "
        "shows it as a yardstick only): counting the words or characters that give a class "
        "away works with fewer texts.",
        "Early stopping ended training when the validation texts stopped improving, so more "
        "epochs would not help: the LSTM has learnt what its {count:,} training texts teach. "
        "Give it more texts; until then TF-IDF is the better tool for these texts (this app "
        "shows it as a yardstick only): counting the words or characters that give a class "
        "away works with fewer texts.", train_texts)))]


def no_better_than_guess(lstm: ClassScores, majority: ClassScores, settings: dict,
                         stop_reason: str) -> list[Diagnosis]:
    """[the diagnosis] when the test macro-F1 is no better than always answering the most
    common class; ``settings`` holds the run's epochs, minutes and class_weights."""
    if lstm.macro_f1 > majority.macro_f1 + NEAR or stop_reason == "diverged":
        return []  # (a blow-up has the shared rules' advice)
    title = tr("It does not tell the classes apart yet")
    said = tr("On the test texts the classifier did no better than always answering the most "
              "common class (macro-F1 {macro_f1:.3f} against {majority_f1:.3f}).",
              macro_f1=lstm.macro_f1, majority_f1=majority.macro_f1)
    if stop_reason in ("completed", "time_budget"):
        change, label = more_training(settings, stop_reason)
        why = (tr("Its time budget ended training before it had learnt to: give it more time.")
               if "minutes" in change else
               trn("Training ended after its {epochs} epoch: more epochs let it go on (early "
                   "stopping ends it when it stops improving).",
                   "Training ended after its {epochs} epochs: more epochs let it go on (early "
                   "stopping ends it when it stops improving).", settings["epochs"],
                   epochs=settings["epochs"]))
        return [Diagnosis("no_better", title, sentences(said, why), change, label)]
    if not settings.get("class_weights"):
        return [Diagnosis("no_better", title, sentences(said, tr(
            "Weighing rare classes up makes answering only the common class cost more in the "
            "loss.")), {"class_weights": True}, tr("weigh rare classes up"))]
    return [Diagnosis("no_better", title, sentences(said, tr(
        "It had its epochs and rare classes weighed up: it needs more texts of each class.")))]
