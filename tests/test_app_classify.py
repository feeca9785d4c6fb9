"""The Classify page's wiring, driven with AppTest: the sample and an upload with its own
columns, training live, the scoreboard, the try-it box, Train more, reopening the run from its
address, Home's demo, and bad files said in a sentence.

Models are tiny (8 hidden units, 2 epochs, 40 characters read) so that every training takes a
few seconds on a CPU.
"""

import json

import pytest
from streamlit.testing.v1 import AppTest

from lstm_app.tasks import CLASSIFY as CLASSIFY_TASK
from lstm_app.ui.classify_view import mistakes_caption
from lstm_app.ui.source_picker import source_of
from tests.conftest import assert_widgets_follow_the_table, poll, shown
from tests.test_classify import csv_bytes, reviews

PAGE = "pages/classify.py"
JOB = "cl_job"
SCOREBOARD = "**Scoreboard**"


def summary(at: AppTest) -> str:
    """The line show_labelled writes, as read (bold marks and escapes removed)."""
    return shown(next(m.value for m in at.markdown if " texts from the column " in m.value)
                 ).replace("**", "")


def tiny_model(at: AppTest, epochs: int = 2) -> None:
    for key, value in {"cl_hidden_size": 8, "cl_embedding_dim": 8, "cl_epochs": epochs,
                       "cl_max_length": 40, "cl_minutes": 0.0, "cl_patience": 0}.items():
        at.session_state[key] = value


def has_results(at: AppTest) -> bool:
    return any(m.value.startswith(SCOREBOARD) for m in at.markdown)


def job_done(at: AppTest) -> bool:
    return JOB in at.session_state and at.session_state[JOB].snapshot().done


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.run()
    at.radio(key="cl_kind").set_value("My own file")
    at.session_state["cl_uploaded"] = source_of(name, data)
    return at.run()


def train(at: AppTest) -> AppTest:
    at.button(key="cl_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return poll(at, lambda a: job_done(a) and has_results(a), "training")


def test_the_sample_shows_its_classes_lengths_and_settings(apps):
    at = apps(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    line = summary(at)
    assert line.startswith("hotel_reviews_zh.csv: 2,000 texts from the column review in 2 "
                           "classes from label; the median text is ")
    assert " characters long, and 17% are longer than the 200 characters read" in line
    at.session_state["cl_level"] = "word"  # the same texts read by word: other lengths
    at.run()
    line = summary(at)
    assert " words long, and 0% are longer than the 200 words read" in line
    assert at.selectbox(key="cl_text_hotel_reviews_zh.csv").value == "review"
    assert at.selectbox(key="cl_label_hotel_reviews_zh.csv").value == "label"
    assert_widgets_follow_the_table(at, CLASSIFY_TASK, "cl")


def test_an_upload_with_its_own_columns_trains_scores_and_answers(apps, app_store, downloads):
    rows = reviews(90)
    data = csv_bytes([(f"id{i}", text, label) for i, (text, label) in enumerate(rows)],
                     header=("编号", "评论内容", "评价"), newline="\r\n", encoding="gb18030")
    at = upload(apps(PAGE), "评论.csv", data)
    assert not at.error, [e.value for e in at.error]
    assert any("GBK/GB18030" in c.value for c in at.caption)
    assert at.selectbox(key="cl_text_评论.csv").value == "评论内容"
    assert at.selectbox(key="cl_label_评论.csv").value == "评价"
    tiny_model(at)
    train(at)
    assert not at.error, [e.value for e in at.error]
    verdict = (at.success or at.warning or at.info)[0].value
    assert "LSTM" in verdict
    board = next(d for d in at.dataframe if list(d.value.columns) == ["method", "accuracy",
                                                                        "macro-F1"])
    assert list(board.value["method"]) == ["LSTM (this model)", "always the most common class",
                                           "TF-IDF with logistic regression"]
    run = app_store.list()[0]
    assert run.task == "classify" and run.status == "finished"
    assert at.query_params["run"] == run.id
    assert board.value["accuracy"][0] == pytest.approx(100 * run.metrics["test"]["accuracy"])  # %
    mistakes = at.session_state["cl_job"].result().mistakes
    assert mistakes_caption(len(mistakes), len(mistakes), max(m["confidence"] for m in mistakes)
                            ) in [c.value for c in at.caption]  # the caption shown
    wrong = next(d for d in at.dataframe if "predicted" in d.value.columns)
    # the short columns before the text: on a phone the text took the width and hid them
    assert list(wrong.proto.column_order) == ["label", "predicted", "confidence", "text"]
    history = app_store.history(run.id)
    assert len(history) == 2 and all("accuracy" in h.scores for h in history)
    # the try-it box: each class's probability and the characters coloured
    at.text_area(key="cl_try_text").input("房间很干净，服务很好")
    at.button(key="cl_try").click().run()
    assert not at.exception, [e.value for e in at.exception]
    answer = next(m.value for m in at.markdown if "with probability" in m.value)
    assert shown(answer).split(",")[0].strip("*") in ("好评", "差评")
    coloured = next(h.value for h in at.get("html") if "<span title=" in h.value)
    assert coloured.count("<span") == len("房间很干净，服务很好")
    report = json.loads(downloads[f"评论-{run.id}-report.json"])
    assert report["baselines"].keys() == {"majority", "tfidf_logreg"}
    assert report["config"]["text_col"] == "评论内容"


def test_a_saved_classifier_reopens_from_its_address_and_trains_more(apps, app_store):
    rows = reviews(90)
    at = upload(apps(PAGE), "reviews.csv", csv_bytes(rows + [("", "好评"), rows[0]]))
    uploaded = [c.value for c in at.caption]
    assert any("row with a blank text was left out" in c for c in uploaded), uploaded
    tiny_model(at)
    train(at)
    run_id = at.query_params["run"]
    again = apps(PAGE)
    again.query_params["run"] = run_id
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    again = poll(again, has_results, "reopening")
    assert any("Viewing saved run" in i.value for i in again.info)
    # what reading the upload noted: the repeat, said again of the saved texts, and (its row
    # gone from them) the blank text, as noted at the upload; each once
    captions = [shown(c.value) for c in again.caption]
    assert sum("repeats a text already in the file" in c for c in captions) == 1, captions
    first = captions.index("When this file was first uploaded, the app noted the following; the "
                           "run saved the data as it was read then:")
    assert "row with a blank text was left out" in captions[first + 1], captions
    # the columns keep the names the user's file gave them (they were "text" and "label")
    assert again.selectbox(key="cl_text_reviews.csv").value == "评论内容"
    assert again.selectbox(key="cl_label_reviews.csv").value == "评价"
    assert again.session_state["cl_hidden_size"] == 8
    again.number_input(key="cl_more").set_value(1)
    again.button(key="cl_train_more").click().run()
    poll(again, lambda a: job_done(a) and has_results(a), "training more")
    child = app_store.list()[0]
    assert child.parent == run_id and [h.epoch for h in app_store.history(child.id)] == [1, 2, 3]


def test_the_text_tried_is_still_in_the_box_for_the_next_model(apps, app_store):
    """The box is not drawn while a model trains: the browser forgets its text (the server may
    keep it, or forget it too). The text last classified is set anew for the next model, so the
    browser is sent it (``set_value``), to compare the two models on it."""
    at = upload(apps(PAGE), "reviews.csv", csv_bytes(reviews(90)))
    tiny_model(at)
    train(at)
    at.text_area(key="cl_try_text").input("房间很干净，服务很好")
    at.button(key="cl_try").click().run()
    at.button(key="cl_train").click().run()  # the next model, the same settings
    assert not at.text_area  # not drawn while it trains
    at = poll(at, lambda a: job_done(a) and has_results(a), "training")
    box = at.text_area(key="cl_try_text")
    assert box.value == "房间很干净，服务很好" and box.proto.set_value  # sent to the browser
    at.run()  # the same model: what the reader types is left alone
    assert not at.text_area(key="cl_try_text").proto.set_value


def test_a_workbook_of_reviews_and_statistics_reads_its_reviews(apps):
    import datetime as dt

    from tests.test_spreadsheet import workbook

    stats = [["日期", "评论数"]] + [[dt.date(2024, 1, 1) + dt.timedelta(days=d), d % 17]
                                 for d in range(365)]
    reviews = [["评论", "情感"]] + [[f"房间干净，服务很好，第{i}次入住" if i % 2 else
                                   f"早餐太差，隔音也不好，第{i}次", "好评" if i % 2 else "差评"]
                                  for i in range(60)]
    at = upload(apps(PAGE), "reviews.xlsx", workbook({"统计": stats, "评论": reviews}))
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="cl_text_reviews.xlsx").value == "评论"
    assert at.selectbox(key="cl_label_reviews.xlsx").value == "情感"


def test_a_refusal_is_shown_with_what_reading_the_workbook_found(apps):
    from tests.test_spreadsheet import workbook

    rows = [["review", "label"]] + [[f"a review of the hotel, number {i}", '=IF(1,"pos","neg")']
                                     for i in range(12)]
    at = upload(apps(PAGE), "book.xlsx", workbook({"data": rows}))
    assert [shown(e.value) for e in at.error][0].startswith("The label column")
    assert any("hold formulas whose results were never calculated" in c.value
               for c in at.caption), [c.value for c in at.caption]


def test_texts_of_one_label_are_refused_once(apps):
    rows = [(f"房间很干净，第{i}次住", "好评") for i in range(12)]
    at = upload(apps(PAGE), "one.csv", csv_bytes(rows))
    said = [shown(e.value) for e in at.error] + [shown(i.value) for i in at.info]
    assert said == ["The label column '评价' holds one value only, so there is nothing to tell "
                    "apart: choose the column of labels, or add texts of another class."], said


def test_unbalanced_classes_are_said_with_their_ratio_as_counted(apps):
    rows = [(f"房间很干净，第{i}次住", "好评") for i in range(25)] + [
        (f"房间很吵，第{i}次住", "差评") for i in range(7)]
    at = upload(apps(PAGE), "unbalanced.csv", csv_bytes(rows))
    said = [shown(i.value) for i in at.info if "unbalanced" in i.value]
    assert said and said[0].startswith("The classes are unbalanced: the largest has 3.6 times "
                                       "the texts of the smallest."), said  # 25 / 7, not "4"


def test_a_file_of_the_same_texts_over_and_over_is_said_before_train_not_by_a_failed_run(
        apps, app_store):
    rows = [(f"same text {'good' if i % 2 else 'bad'}", "好评" if i % 2 else "差评")
            for i in range(100)]
    at = upload(apps(PAGE), "dups.csv", csv_bytes(rows))
    assert [shown(e.value) for e in at.error] == [
        "After removing 10 validation texts that are also training texts, no validation texts "
        "are left: the file holds the same texts many times. Keep each text once (a "
        "spreadsheet's Remove Duplicates does it), or add "
        "other texts."]
    assert at.button(key="cl_train").disabled
    assert app_store.list() == []  # was a failed run, announced as saved and reopenable


def test_the_leak_check_is_said_once_after_a_language_switch(apps, app_store):
    """The scoreboard's caption says what the leak check removed; the same notice scoring wrote
    (in English, before the switch) is not said again above it in another language."""
    rows = reviews(120)
    rows += rows[:40:4]  # ten texts twice: some land in a later part than their twin
    at = apps(PAGE)
    at.query_params["lang"] = "en"
    tiny_model(upload(at, "repeats.csv", csv_bytes(rows)))
    at = train(at)

    def leak_lines():
        return [c.value for c in at.caption if "eak check" in c.value or "泄漏检查" in c.value]
    assert len(leak_lines()) == 1, leak_lines()
    at.query_params["lang"] = "zh"
    at.run()
    assert len(leak_lines()) == 1 and "泄漏检查" in leak_lines()[0], leak_lines()


def test_the_hotel_demo_pressed_again_offers_the_run_it_trained(apps, app_store):
    """Its page holds the level "auto"; the run keeps the level it chose ("char"): they never
    matched, so every press trained the demo again."""
    def pressed():
        at = apps(None)
        tiny_model(at, epochs=1)
        at.run()
        at.button(key="demo_hotel_reviews_zh").click().run()
        assert not at.exception, [e.value for e in at.exception]
        at.switch_page(PAGE)
        return at

    poll(pressed(), job_done, "the demo's training", 180)
    [run] = app_store.list()
    at = pressed().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(app_store.list()) == 1, "the demo trained the same run again"
    assert any("You have trained this before" in i.value and run.id in i.value for i in at.info)


def test_homes_demo_trains_the_hotel_reviews(apps):
    at = apps(None)
    at.run()
    at.button(key="demo_hotel_reviews_zh").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["cl_sample"] == "hotel_reviews_zh"
    assert JOB in at.session_state  # the page pressed Train itself
    at.session_state[JOB].stop()


@pytest.mark.parametrize("data,said", [
    (b"just one column\nabc\ndef\n", "it needs two"),
    (csv_bytes([("好", "a"), ("坏", "b")]), "at least two classes"),
    (b"\x00\x01\x02\xff" * 50, ""),
    (b"", "The file is empty; choose a CSV file that has a header row and rows of data below "
          "it.")])  # not "rows of numbers": that is the Forecast page's want
def test_a_bad_file_is_said_in_a_sentence(apps, data, said):
    at = upload(apps(PAGE), "bad.csv", data)
    assert not at.exception, [e.value for e in at.exception]
    messages = [e.value for e in at.error] + [i.value for i in at.info]
    assert messages and said in " ".join(messages)
    assert not any(b.key == "cl_train" for b in at.button)


def test_hostile_labels_and_column_names_are_shown_as_text(apps, app_store):
    """Class names and columns that are markdown, a link or HTML read as written: in the
    summary, the try-it answer and its caption (the charts and tables show text by design)."""
    good, bad = "[点我](http://evil.example)", "<img src=x onerror=alert(1)>**差**"
    rows = [(text, good if label == "好评" else bad) for text, label in reviews(90)]
    at = upload(apps(PAGE), "x.csv", csv_bytes(rows, header=("**评论**", "<b>标签</b>")))
    assert not at.error, [e.value for e in at.error]
    line = next(m.value for m in at.markdown if " texts from the column " in m.value)
    assert "\\*\\*评论\\*\\*" in line and "\\<b\\>标签\\</b\\>" in line
    tiny_model(at)
    train(at)
    at.text_area(key="cl_try_text").input("房间很干净")
    at.button(key="cl_try").click().run()
    assert not at.exception, [e.value for e in at.exception]
    said = [m.value for m in at.markdown if "with probability" in m.value]
    said += [c.value for c in at.caption if "spoke for" in c.value]
    assert len(said) == 2
    for text in said:
        assert "](" not in text and "<img" not in text and "://" not in text
        assert "\\[点我\\]\\(http\\:\u2060//" in text or "\\<img" in text


def test_a_label_that_turns_text_around_is_shown_the_right_way_in_tables_and_pickers(apps):
    """U+202E in a label and a column name: the tables and the column pickers leave it out (a
    label "\u202eevil" drew as "live"); a 300-character label is cut on the charts' axes."""
    long = "L" * 300
    rows = [(text, "\u202eevil" if label == "好评" else long) for text, label in reviews(90)]
    at = upload(apps(PAGE), "x.csv", csv_bytes(rows, header=("评论\u202e", "标签")))
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Text column"))
    assert picker.value == "评论\u202e" and "\u202e" not in "".join(picker.options)
    tiny_model(at)
    train(at)
    cells = [str(v) for d in at.dataframe for column in d.value.columns
             for v in [column, *d.value[column].tolist()]]
    assert "evil" in cells and not any("\u202e" in c for c in cells)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    ticks = [y for c in charts for t in c["data"] for y in (t.get("y") or [])
             if isinstance(y, str) and y.startswith("LLL")]
    assert ticks and all(len(y) <= 60 for y in ticks), ticks
    # the try-it answer names the class in bold, whichever it is: no space inside the marks
    for text in ("房间很干净", "差差差差"):
        at.text_area(key="cl_try_text").input(text)
        at.button(key="cl_try").click().run()
        said = next(m.value for m in at.markdown if "with probability" in m.value)
        assert said.startswith("**") and said[2] != " " and "\u202e" not in said, said
        assert said.split("**")[1].strip() == said.split("**")[1], said


def classify_coach_of(epochs: int, history: list, y: list, per_class: list, test: tuple,
                      majority: tuple, tfidf: tuple | None = None,
                      stop_reason: str = "completed") -> None:
    """The coach of a classifier as classify_coach is given it after a training: ``epochs``
    asked, its epoch ``history``, the labels ``y`` (all training texts), the test scores."""
    from types import SimpleNamespace

    import numpy as np

    from lstm_app.classify.scores import ClassScores
    from lstm_app.classify.settings import ClassifyConfig
    from lstm_app.training.trainer import TrainResult
    from lstm_app.ui.coach_view import classify_coach

    classify_coach(SimpleNamespace(
        config=ClassifyConfig(epochs=epochs),
        training=TrainResult(history, len(history), history[-1].val_loss, stop_reason),
        data=SimpleNamespace(y=np.array(y), classes=("good", "bad")),
        split=SimpleNamespace(train=np.arange(len(y))), per_class=per_class,
        test=ClassScores(*test), baselines={"majority": ClassScores(*majority),
                                            **({"tfidf_logreg": ClassScores(*tfidf)} if tfidf
                                               else {})}))


def coach_page(script) -> AppTest:
    """The page a coach ``script`` draws, run once, without an exception."""
    at = AppTest.from_function(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def coach_of_a_classifier_no_better_than_a_guess():
    """A page that shows only the coach of a classifier that always answered the rarer class
    (1 epoch, ran them all)."""
    from lstm_app.training.trainer import EpochRecord
    from tests.test_app_classify import classify_coach_of

    classify_coach_of(
        1, [EpochRecord(1, 0.70, 0.69)], [0] * 8 + [1] * 3,
        [{"class": "good", "precision": 0.0, "recall": 0.0, "f1": 0.0, "texts": 8},
         {"class": "bad", "precision": 0.27, "recall": 1.0, "f1": 0.42, "texts": 3}],
        (0.267, 0.211), (0.733, 0.423))


def test_the_coach_does_not_call_a_classifier_worse_than_a_guess_fine():
    at = coach_page(coach_of_a_classifier_no_better_than_a_guess)
    assert not any("sees nothing to change" in c.value for c in at.caption)
    card = next(m.value for m in at.markdown if "tell the classes apart" in m.value)
    assert card.startswith("**It does not tell the classes apart yet.**")
    assert "macro-F1 0.211 against 0.423" in card
    assert [b.label for b in at.button] == ["Apply: epochs 1 → 2", "Apply and train"]


def coach_of_a_classifier_tfidf_beat():
    """The coach of a classifier that tells the classes apart, early stopped, beaten by TF-IDF
    (85% against 65%): its curves show nothing to change."""
    from lstm_app.training.trainer import EpochRecord
    from tests.test_app_classify import classify_coach_of

    losses = [0.69, 0.66, 0.64, 0.63, 0.63, 0.64, 0.64, 0.65]
    classify_coach_of(
        40, [EpochRecord(e, loss, loss) for e, loss in enumerate(losses, 1)],
        [0] * 120 + [1] * 120,
        [{"class": "good", "precision": 0.65, "recall": 0.65, "f1": 0.65, "texts": 30},
         {"class": "bad", "precision": 0.65, "recall": 0.65, "f1": 0.65, "texts": 30}],
        (0.65, 0.638), (0.5, 0.333), tfidf=(0.85, 0.85), stop_reason="early_stopping")


def test_where_tfidf_won_the_coach_says_what_is_left_not_that_nothing_is():
    """The verdict sends the reader to the coach; the coach said "nothing to change"."""
    at = coach_page(coach_of_a_classifier_tfidf_beat)
    assert not any("sees nothing to change" in c.value for c in at.caption)
    card = next(m.value for m in at.markdown if "did better" in m.value)
    assert card.startswith("**TF-IDF with logistic regression did better.** It was right on "
                           "85.0% of the test texts, the LSTM on 65.0%. Early stopping ended")
    assert "its 240 training texts teach" in card


def coach_of_a_perfect_classifier():
    """The coach of a classifier right on every validation and test text whose loss still
    fell at its last epoch."""
    from lstm_app.training.trainer import EpochRecord
    from tests.test_app_classify import classify_coach_of

    right = {"accuracy": 1.0, "macro_f1": 1.0}
    classify_coach_of(
        10, [EpochRecord(e, 0.5 / e, 0.4 / e, scores=right) for e in range(1, 11)],
        [0] * 8 + [1] * 8,
        [{"class": "good", "precision": 1.0, "recall": 1.0, "f1": 1.0, "texts": 8},
         {"class": "bad", "precision": 1.0, "recall": 1.0, "f1": 1.0, "texts": 8}],
        (1.0, 1.0), (0.5, 0.333))


def test_the_coach_asks_no_more_epochs_of_a_classifier_right_on_every_text():
    at = coach_page(coach_of_a_perfect_classifier)
    assert not any("still learning" in m.value for m in at.markdown)
    assert any("sees nothing to change" in c.value for c in at.caption)
