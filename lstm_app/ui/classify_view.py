"""What the Classify page shows while a classifier trains and after: the curves, the scoreboard
against the baselines with its verdict, each class, the confusion matrix, the mistakes, and the
downloads."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from ..class_charts import MAX_CONFUSION_CLASSES, confusion_chart, scores_chart
from ..classify.pipeline import ClassifyResult, classify_report
from ..classify.scores import BASELINE_NAMES, NEAR
from ..filenames import download_name
from ..i18n import N_, again, sentences, tr, trn
from ..training.endings import said_again
from ..quoting import spreadsheet_csv
from ..training.jobs import Snapshot
from ..training.trainer import Progress
from .keys import CLASSIFY as KEYS
from .live import loss_curves, training_took
from .markdown import plain, table_shown

LOSS_LABEL = N_("loss (cross-entropy)")
PER_CLASS_COLUMNS = {"class": N_("class"), "precision": N_("precision"), "recall": N_("recall"),
                     "f1": N_("F1"), "texts": N_("texts")}
MISTAKE_COLUMNS = {"text": N_("text"), "label": N_("label"), "predicted": N_("predicted"),
                   "confidence": N_("confidence")}
SURE_MISTAKE = 0.9  # a mistake this confident may be the data's label, not the model's slip


def text_speed(p: Progress) -> str:
    return tr("{rate:,.0f} texts/s", rate=p.samples_per_sec)


def render_live(snap: Snapshot) -> None:
    """The loss curves, and the validation accuracy and macro-F1 after each epoch."""
    left, right = st.columns(2)
    with left:
        loss_curves(snap.history, snap.batches, KEYS.live_loss, LOSS_LABEL)
    with right:
        st.plotly_chart(scores_chart(snap.history), key=KEYS.live_scores)
        scored = [h for h in snap.history if h.scores]
        if scored:
            last = scored[-1].scores
            st.caption(tr("After epoch {epoch}, right on {accuracy:.1%} of the validation texts "
                          "(macro-F1 {macro_f1:.3f}).", epoch=scored[-1].epoch,
                          accuracy=last.get("accuracy", 0), macro_f1=last.get("macro_f1", 0)))
        else:
            st.caption(tr("The validation scores appear after the first epoch."))


def headline(result: ClassifyResult) -> None:
    """The verdict, what scoring said, and the scoreboard against the baselines."""
    tfidf = result.baselines.get("tfidf_logreg")
    wins = tfidf is None or result.test.accuracy > tfidf.accuracy + NEAR
    loses = tfidf is not None and tfidf.accuracy > result.test.accuracy + NEAR
    (st.success if wins and result.test.accuracy > result.baselines["majority"].accuracy + NEAR
     else st.warning if loses else st.info)(again(result.verdict))
    leak = result.split.leak_notice()  # the scoreboard's own caption says it
    for notice in result.notices:
        if notice not in result.data.notices and again(notice) != leak:  # (data's: shown above)
            st.caption(f"ℹ️ {plain(notice)}")
    scoreboard(result)


def details(result: ClassifyResult) -> None:
    """Each class, the confusion matrix, how training went, and the test texts it got wrong."""
    st.subheader(tr("Each class"))
    a, b = st.columns(2)
    with a:
        columns = {name: tr(label) for name, label in PER_CLASS_COLUMNS.items()}
        table = pd.DataFrame(result.per_class)
        untested = table["texts"] == 0  # no test text: nothing to score it on, not a zero
        table.loc[untested, ["precision", "recall", "f1"]] = np.nan
        st.dataframe(table_shown(table.rename(columns=columns)), hide_index=True, placeholder="",
                     column_config={columns[c]: st.column_config.NumberColumn(format="%.3f")
                                    for c in ("precision", "recall", "f1")})
        st.caption(tr("On the test texts. Precision: of the texts it put in a class, the share "
                      "that belong there. Recall: of a class's texts, the share it found. F1 "
                      "weighs the two."))
        if untested.any():
            st.caption(tr("A class with no test texts (too few texts to put some aside) has no "
                          "scores: the cells are left empty."))
    with b:
        if len(result.data.classes) <= MAX_CONFUSION_CLASSES:
            st.plotly_chart(confusion_chart(result.confusion, result.data.classes),
                            key=KEYS.confusion)
            st.caption(tr("Each row is a class as labelled, each column the class the LSTM "
                          "answered; a cell is coloured by its share of its row, so the darker "
                          "cell of a row is where more of that class's texts went."))
        else:
            st.caption(tr("{count} classes: the confusion matrix is in the report (JSON) below "
                          "rather than drawn.", count=len(result.data.classes)))
    st.caption(sentences(said_again(result.training),
                             training_took(result.training.seconds)))
    with st.expander(tr("How training went")):
        loss_curves(result.training.history, (), KEYS.final_loss, LOSS_LABEL)
        st.plotly_chart(scores_chart(result.training.history), key=KEYS.final_scores)
    mistakes(result)


def scoreboard(result: ClassifyResult) -> None:
    """The LSTM and the baselines on the same test texts."""
    method, accuracy, macro_f1 = tr("method"), tr("accuracy"), tr("macro-F1")
    # accuracies in percent, one decimal each (as the verdict writes them)
    rows = [{method: tr("LSTM (this model)"), accuracy: 100 * result.test.accuracy,
             macro_f1: result.test.macro_f1}]
    rows += [{method: tr(BASELINE_NAMES[name]), accuracy: 100 * s.accuracy,
              macro_f1: s.macro_f1} for name, s in result.baselines.items()]
    st.markdown(tr("**Scoreboard**: {test:,} test texts no method saw while learning ({train:,} "
                   "trained on, {val:,} kept for validation)", test=len(result.split.test),
                   train=len(result.split.train), val=len(result.split.val)))
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
        accuracy: st.column_config.ProgressColumn(format="%.1f%%", min_value=0,
                                                  max_value=100, color="blue"),
        macro_f1: st.column_config.NumberColumn(format="%.3f")})
    split = result.split
    st.caption(tr("Leak check: {val:,} validation and {test:,} test texts repeated a text of an "
                  "earlier part and were removed from theirs.", val=split.leaked_val,
                  test=split.leaked_test)
               if split.leaked_val or split.leaked_test else
               tr("Leak check: no text of the validation or test part is also in an earlier "
                  "part."))


def mistakes_caption(shown: int, wrong: int, surest: float) -> str:
    """How many mistakes are shown, and, where the surest of them was ``SURE_MISTAKE`` sure, that
    its label may be the data's error (a mistake near a coin toss is the model's own)."""
    counted = (trn("The one mistake.", "The {count:,} mistakes, the most confident first.",
                   wrong) if shown == wrong else
               tr("{shown} of the {wrong:,} mistakes, the most confident first.",
                  shown=shown, wrong=wrong))
    return sentences(counted, tr(
        "Where it was {sure:.0%} sure or more of another class, the text's own label may be "
        "wrong in the data: worth a look.", sure=SURE_MISTAKE) if surest >= SURE_MISTAKE else "")


def mistakes(result: ClassifyResult) -> None:
    """The misclassified test texts, the most confident first."""
    st.subheader(tr("Test texts it got wrong"))
    if not result.mistakes:
        st.caption(tr("None: it classified every test text right."))
        return
    frame = pd.DataFrame(result.mistakes, columns=list(MISTAKE_COLUMNS))
    confusion = np.asarray(result.confusion)
    wrong = int(confusion.sum() - np.trace(confusion))
    st.caption(mistakes_caption(len(frame), wrong, float(frame["confidence"].max())))
    columns = {name: tr(label) for name, label in MISTAKE_COLUMNS.items()}
    # the short columns first: on a phone the text took the width, the labels out of sight
    order = [columns[c] for c in ("label", "predicted", "confidence", "text")]
    st.dataframe(table_shown(frame.rename(columns=columns)), hide_index=True, key=KEYS.mistakes,
                 column_order=order, column_config={
                     columns["text"]: st.column_config.TextColumn(width="large"),
                     columns["label"]: tr("true label"),
                     columns["confidence"]: st.column_config.NumberColumn(format="percent")})


def downloads(result: ClassifyResult, data_name: str, run_id: str | None) -> None:
    st.subheader(tr("Download"))
    a, b = st.columns(2)
    frame = pd.DataFrame(result.mistakes, columns=list(MISTAKE_COLUMNS))  # a data file: stable
    wrong = int(np.sum(result.confusion) - np.trace(np.asarray(result.confusion)))
    a.download_button(tr("Download the mistakes (CSV)") if len(frame) == wrong else
                      tr("Download the {shown} most confident mistakes (CSV)", shown=len(frame)),
                      spreadsheet_csv(frame),
                      file_name=download_name(data_name, run_id, "mistakes", "csv"),
                      mime="text/csv", key=KEYS.mistakes_csv)
    b.download_button(tr("Download the report (JSON)"),
                      json.dumps(classify_report(result), indent=2, ensure_ascii=False,
                                 default=str),
                      file_name=download_name(data_name, run_id, "report", "json"),
                      mime="application/json", key=KEYS.report)
