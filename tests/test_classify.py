"""The Classify task's core: reading labelled texts in the encodings exports come in, the split
and its leak check, tokens, the packed network, training and scoring against the baselines."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from lstm_app.classify.labelled import load_labelled, propose_columns
from lstm_app.classify.model import POOLINGS, ClassifierShape, Classifier
from lstm_app.classify.pipeline import (classify_report, fit_classifier, predict,
                                        score_classifier)
from lstm_app.classify.settings import ClassifyConfig
from lstm_app.classify.split import split_texts
from lstm_app.classify.batches import encode
from lstm_app.classify.tokens import TokenVocabulary, choose_level
from lstm_app.classify.trained import TrainedClassifier
from lstm_app.training.checkpoint import WEIGHTS, weights_bytes

GOOD = ["房间很干净，服务很好", "早餐不错，位置方便", "前台热情，下次还来", "环境安静，床很舒服"]
BAD = ["房间很脏，服务很差", "早餐难吃，位置偏僻", "前台冷漠，再也不来", "环境吵闹，床不舒服"]
# The same in Traditional characters, which Big5 (Taiwan, Hong Kong) encodes.
GOOD_TW = ["房間很乾淨，服務很好", "早餐不錯，位置方便", "前台熱情，下次還來", "環境安靜，床很舒服"]
BAD_TW = ["房間很髒，服務很差", "早餐難吃，位置偏僻", "前台冷漠，再也不來", "環境吵鬧，床不舒服"]


def reviews(n: int = 120, seed: int = 0, traditional: bool = False) -> list[tuple[str, str]]:
    """Chinese hotel reviews made for the tests: (text, label), labels 好评 and 差评."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        good = i % 3 != 0  # two good reviews for each bad one
        pool = (GOOD_TW if traditional else GOOD) if good else (BAD_TW if traditional else BAD)
        text = "".join(rng.choice(pool, size=2)) + f"，第{i}次入住"
        label = ("好評" if good else "差評") if traditional else ("好评" if good else "差评")
        rows.append((text, label))
    return rows


def csv_bytes(rows, header=("评论内容", "评价"), sep=",", newline="\n",
              encoding="utf-8") -> bytes:
    lines = [sep.join(header)] + [sep.join(f'"{c}"' for c in row) for row in rows]
    return (newline.join(lines) + newline).encode(encoding)


TINY = ClassifyConfig(embedding_dim=16, hidden_size=16, epochs=25, batch_size=16, lr=1e-2,
                      patience=0, minutes=0, max_length=40, dropout=0.0)


@pytest.mark.parametrize("encoding,said", [
    ("utf-8", None), ("utf-8-sig", None), ("utf-16", "UTF-16"),
    ("gb18030", "GBK/GB18030"), ("big5", "Big5")])
def test_every_encoding_reads_the_same_texts_with_a_notice(encoding, said):
    big5 = encoding == "big5"  # Traditional Chinese: the reviews in its characters
    rows = reviews(30, traditional=big5)
    header = ("評論內容", "評價") if big5 else ("评论内容", "评价")
    data = load_labelled(csv_bytes(rows, header, newline="\r\n", encoding=encoding),
                         "reviews.csv")
    assert data.texts == [t for t, _ in rows]
    assert (data.text_col, data.label_col) == header
    assert data.classes == (rows[1][1], rows[0][1])  # the good reviews are the most
    assert data.counts.tolist() == [20, 10]
    if said:
        assert any(said in n for n in data.notices), data.notices
    else:
        assert data.notices == []


def test_western_labels_in_windows_1252_and_a_quoted_newline():
    rows = [("Très bien,\nle café était parfait", "positif"), ("Mauvais séjour", "négatif")] * 5
    data = load_labelled(csv_bytes(rows, header=("avis", "note"), sep=";", encoding="cp1252"))
    assert data.texts[0] == "Très bien,\nle café était parfait"
    assert data.classes == ("négatif", "positif") and "Windows-1252" in data.notices[0]


def test_blanks_are_counted_and_a_class_too_small_to_test_is_named():
    rows = reviews(30) + [("", "好评"), ("没写评价", ""), ("唯一的中评", "中评")]
    data = load_labelled(csv_bytes(rows))
    assert len(data.texts) == 30
    assert "1 row with a blank text was left out." in data.notices
    assert "1 row with a blank label was left out." in data.notices
    assert any(n.startswith("The class '中评' has fewer than 3 texts") for n in data.notices)


def test_labels_written_as_numbers_are_one_class_and_the_columns_can_be_given():
    rows = [(f"{words} {i}", label) for i in range(3)
            for words, label in (("good stay", "1"), ("bad stay", "0"), ("fine stay", "1.0"),
                                 ("awful", "0.0"))]
    data = load_labelled(csv_bytes(rows, header=("text", "label")))
    assert data.classes == ("0", "1") and data.counts.tolist() == [6, 6]
    assert ("Labels that are whole numbers were read as the number, however they were written "
            "(fractions stay as written): '0' ('0', '0.0'); '1' ('1', '1.0').") in data.notices
    alone = load_labelled(csv_bytes([(f"a stay, review {i} of {label}", label) for i in range(3)
                                     for label in ("2.0", "x", "1.1", "1.10")],
                                    header=("text", "label")))
    assert alone.classes == ("1.1", "1.10", "2", "x")  # a fraction as written, 2.0 read as 2:
    assert alone.notices[-1].endswith("(fractions stay as written): '2' ('2.0').")  # said
    thousands = [(f"review {i}", label) for i in range(4) for label in ("1", "1,000", "1.000",
                                                                      "1e0")]
    assert load_labelled(csv_bytes(thousands, header=("text", "stars"))).classes == (
        "1", "1,000", "1.000", "1e0")
    with pytest.raises(ValueError, match="The file has no column 'stars'"):
        load_labelled(csv_bytes(rows, header=("text", "label")), label_col="stars")
    with pytest.raises(ValueError, match="needs two columns"):
        load_labelled(b"text\na\nb\n")
    with pytest.raises(ValueError, match="holds one value only, so there is nothing to tell"):
        load_labelled(csv_bytes([(f"text {i}", "same") for i in range(10)],
                                header=("text", "label")), text_col="text", label_col="label")
    # the columns the other way round: the reviews as labels
    reviews = [(f"2024-05-{i % 28 + 1:02d}", f"房间很干净，第{i}次住", "好评") for i in range(40)]
    with pytest.raises(ValueError, match="The label column 'review' holds 40 different values, "
                                         "nearly one per row: it looks like a column of texts"):
        load_labelled(csv_bytes(reviews, header=("date", "review", "label")), text_col="date",
                      label_col="review")
    # a few values, none common enough
    few = [(f"text {i}", label) for i, label in enumerate("aabbccdd")]
    with pytest.raises(ValueError, match="none of its 4 different values has that many"):
        load_labelled(csv_bytes(few, header=("text", "label")), text_col="text",
                      label_col="label")


def test_one_column_given_stays_and_the_other_is_guessed_beside_it():
    rows = [(f"great hotel lovely staff {i}", "pos", "a") for i in range(20)] + [
        (f"dirty room rude staff {i}", "neg", "b") for i in range(20)] + [
        (f"something else {i}", f"misc{i}", "c") for i in range(60)]
    raw = csv_bytes(rows, header=("text", "topic", "shop"))
    assert load_labelled(raw).label_col == "shop"  # the fewest values; topic is asked for:
    data = load_labelled(raw, label_col="topic")  # it stays, and the wordiest other is the text
    assert (data.text_col, data.label_col) == ("text", "topic")
    assert data.classes == ("neg", "pos")
    assert load_labelled(raw, text_col="text", label_col="shop").label_col == "shop"
    assert load_labelled(raw, text_col="text").label_col == "shop"
    two = csv_bytes([row[:2] for row in rows], header=("text", "topic"))
    with pytest.raises(ValueError, match="^No column looks like labels"):  # 62 values in 100
        load_labelled(two)
    assert load_labelled(two, label_col="topic").classes == ("neg", "pos")  # as asked
    with pytest.raises(ValueError, match="needs two columns"):
        load_labelled(b"text\na\nb\n", label_col="text")


def test_the_proposed_columns_are_the_longest_texts_and_the_fewest_labels():
    import pandas as pd

    table = pd.DataFrame({"id": [str(i) for i in range(8)], "stars": list("12121212"),
                          "review": [f"a long review number {i}" for i in range(8)]})
    assert propose_columns(table) == ("review", "stars")


def test_a_label_column_of_one_class_is_named_and_guessed_as_the_labels():
    import pandas as pd

    from lstm_app.classify.labelled import guess_columns

    table = pd.DataFrame({"label": ["only"] * 8,
                          "review": [f"<b>review</b> number {i}" for i in range(8)]})
    with pytest.raises(ValueError) as error:
        propose_columns(table)
    assert str(error.value) == (
        "The column 'label' looks like the labels, but every text has the same one, 'only': a "
        "classifier needs texts of at least two classes. Add texts of another class, or choose "
        "the label column yourself.")
    assert guess_columns(table) == ("review", "label")  # what the page starts from
    # with no column of few values, the guess is still a pair of two columns
    table = pd.DataFrame({"a": [f"x{i}" for i in range(8)], "b": [f"y {i}" for i in range(8)]})
    with pytest.raises(ValueError, match="No column looks like labels"):
        propose_columns(table)
    assert guess_columns(table) == ("b", "a")
    # too many classes for the rows, beside a constant column: the labels are still the guess
    table = pd.DataFrame({"review": [f"review {i}" for i in range(10)],
                          "stars": ["1", "2", "3", "4", "5", "6", "1", "2", "3", "4"],
                          "source": ["web"] * 10})
    assert guess_columns(table) == ("review", "stars")
    with pytest.raises(ValueError, match="No column looks like labels"):
        propose_columns(table)


def test_the_split_is_stratified_and_removes_repeated_texts_from_the_later_part():
    texts = [f"text {i}" for i in range(100)]
    y = np.array([0] * 70 + [1] * 30)
    split = split_texts(texts, y, 0.1, 0.2, seed=0)
    assert len(split.test) == 20 and len(split.val) == 10 and len(split.train) == 70
    assert (y[split.test] == 1).sum() == 6  # 30% of each part is class 1
    # The same text twice: its copy in a later part is removed and counted.
    repeated = list(texts)
    first_test = int(split.test[0])
    repeated[first_test] = texts[int(split.train[0])]
    leaky = split_texts(repeated, y, 0.1, 0.2, seed=0)
    assert leaky.leaked_test == 1 and first_test not in leaky.test
    assert "1 test texts were also in an earlier part" in leaky.notices()[0]


def test_the_level_and_a_batch_of_ragged_texts():
    assert choose_level(["房间很干净", "服务很好"]) == "char"
    assert choose_level(["The room was clean", "great staff"]) == "word"
    # Chinese beside English words: each character counts as a word (as a share of letters,
    # 0.28 here, it read by word, and "质量太差了" was one token)
    mixed = ["terrible, broke after two days！产品太差", "用了两天就坏了 really", "great quality"]
    assert choose_level(mixed) == "char"
    assert choose_level(["Met 王小明 in 北京 today, a lovely trip with friends and we ate a lot",
                         "The room was clean and the staff were kind"]) == "word"
    # judged over the whole file: English rows first, many more Chinese ones after them
    english = ["the room was clean and the staff were kind to us all week long"] * 4_000
    assert choose_level(english + ["房间很干净，服务很好，下次还会再来住这家酒店"] * 20_000) == "char"
    assert choose_level(["ｺﾉﾎﾃﾙﾊｷﾚｲ", "ㄅㄆㄇㄈ", "𠀋𠀌𠀍"]) == "char"  # half-width kana, Bopomofo
    vocab = TokenVocabulary.fit(["ab", "a"], "char", max_size=10)
    assert vocab.tokens == ("a", "b") and vocab.ids("abz") == [2, 3, 1]
    encoded = encode(["ab", "a", ""], vocab, max_length=5)
    tokens, lengths = encoded.batch(torch.tensor([0, 1, 2]))
    assert tokens.tolist() == [[2, 3], [2, 0], [1, 0]] and lengths.tolist() == [2, 1, 1]
    assert encode(["abab"], vocab, max_length=3).cut == 1
    words = TokenVocabulary.fit(["Great room!"], "word", max_size=10)
    assert words.tokens == ("great", "room", "!")


@pytest.mark.parametrize("pooling", POOLINGS)
def test_a_padded_batch_gives_what_each_text_gives_alone(pooling):
    torch.manual_seed(0)
    model = Classifier(ClassifierShape(20, 3, 8, 6, num_layers=2, dropout=0.0,
                                       bidirectional=True, pooling=pooling)).eval()
    texts = [torch.tensor([2, 5, 7, 9, 3]), torch.tensor([4, 6]), torch.tensor([8, 2, 11])]
    lengths = torch.tensor([len(t) for t in texts])
    padded = torch.nn.utils.rnn.pad_sequence(texts, batch_first=True)
    with torch.no_grad():
        together, _ = model(padded, lengths)
        alone = torch.cat([model(t[None], torch.tensor([len(t)]))[0] for t in texts])
    assert torch.allclose(together, alone, atol=1e-5)


@pytest.fixture(scope="module")
def trained():
    data = load_labelled(csv_bytes(reviews(150)), "reviews.csv")
    return data, fit_classifier(data, TINY)


def test_training_learns_the_reviews_and_scores_against_the_baselines(trained):
    data, model = trained
    result = score_classifier(model, data)
    assert result.config.level == "char" and result.config.text_col == "评论内容"
    assert result.test.accuracy >= 0.9, result.test
    assert set(result.baselines) == {"majority", "tfidf_logreg"}
    assert result.baselines["majority"].accuracy == pytest.approx(2 / 3, abs=0.05)
    assert len(result.confusion) == 2 and sum(map(sum, result.confusion)) == len(result.split.test)
    assert [c["class"] for c in result.per_class] == ["好评", "差评"]
    report = json.loads(json.dumps(classify_report(result), ensure_ascii=False))
    for key in ("accuracy", "macro_f1", "per_class", "confusion", "baselines", "split",
                "notices", "history", "seconds"):
        assert key in report
    assert set(report["baselines"]) == {"majority", "tfidf_logreg"}
    probs = predict(model, ["房间很干净，服务很好", "房间很脏，服务很差"])
    assert probs.shape == (2, 2) and probs[0, 0] > 0.5 and probs[1, 1] > 0.5


def test_a_trained_classifier_is_saved_and_loaded_the_same(trained):
    data, model = trained
    files = {**model.files(), WEIGHTS: weights_bytes(model.model, 1)}
    again = TrainedClassifier.from_files(files, model.training)
    assert again.classes == model.classes and again.vocab == model.vocab
    text = ["早餐不错，位置方便"]
    assert np.allclose(predict(again, text), predict(model, text))
    broken = {**files, "vocab.json": b'{"level": "char", "tokens": [], "classes": ["x"]}'}
    with pytest.raises(ValueError, match="at least two classes"):
        TrainedClassifier.from_files(broken, model.training)


def test_labelled_texts_are_saved_and_read_back_the_same():
    from lstm_app.classify.saving import labelled_files, labelled_from_files

    long = "很长的评论，" * 25_000  # 150,000 characters with commas: past csv's own default
    data = load_labelled(csv_bytes(reviews(20) + [('他说："好"，\n然后走了', "好评"),
                                                  (long, "差评")]))
    assert data.texts[-1] == long
    again = labelled_from_files(labelled_files(data))
    assert again.texts == data.texts and again.classes == data.classes
    assert (again.y == data.y).all() and again.notices == data.notices
    with pytest.raises(ValueError, match="are not labelled texts this app wrote"):
        labelled_from_files({"texts.csv": b"text,label\n", "labelled.json": b"[]"})


def test_the_command_line_classifies_a_gb18030_file_with_its_own_columns(tmp_path, capsys):
    from lstm_app.cli import main

    data = tmp_path / "酒店评论.csv"
    data.write_bytes(csv_bytes(reviews(150), header=("备注", "情感"), newline="\r\n",
                               encoding="gb18030"))
    report = tmp_path / "report.json"
    tiny = ["--embedding-dim", "16", "--hidden-size", "16", "--epochs", "25", "--lr", "0.01",
            "--patience", "0", "--minutes", "0", "--batch-size", "16", "--quiet"]
    assert main(["classify", str(data), "--report", str(report), *tiny]) == 0
    out = capsys.readouterr()
    assert "150 texts in 2 classes (好评 100, 差评 50); texts from '备注', labels from '情感'" in out.out
    assert "TF-IDF with logistic regression" in out.out and "GBK/GB18030" in out.err
    # the level chosen is said before training, with the option that reads the other way
    assert "Read by character (chosen from the texts; --level word reads by word)." in out.out
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["accuracy"] >= 0.9 and saved["config"]["level"] == "char"
    assert set(saved["baselines"]) == {"majority", "tfidf_logreg"}
    assert main(["classify", str(data), "--label-col", "stars", "--quiet"]) == 2
    assert "The file has no column 'stars'" in capsys.readouterr().err
    # texts cut at the length read are said on the command line too
    assert main(["classify", str(data), *tiny, "--epochs", "1", "--max-length", "26"]) == 0, \
        capsys.readouterr().err
    assert "test texts are longer than 26 characters and were read up to there" in \
        capsys.readouterr().err
    assert main(["classify", str(data), "--pooling", "sum", "--quiet"]) == 2
    assert "Pooling must be one of: last, max, mean, attention." in capsys.readouterr().err


def crafted_classifier() -> TrainedClassifier:
    """A classifier made by hand: "好" lights unit 0, "差" unit 1 (a little more), every other
    character nothing; the LSTM passes its input through (input and output gates open, forget gate shut,
    the candidate reading the embedding), max pooling keeps what lit up, and the head says good
    for unit 0, bad for unit 1."""
    vocab = TokenVocabulary("char", ("好", "差", "房", "间", "很"))
    config = ClassifyConfig(level="char", embedding_dim=2, hidden_size=2, bidirectional=False,
                            pooling="max", dropout=0.0)
    model = Classifier(ClassifierShape(len(vocab), 2, 2, 2, 1, 0.0, "lstm", False, "max"))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.embedding.weight[2] = torch.tensor([3.0, 0.0])  # 好
        model.embedding.weight[3] = torch.tensor([0.0, 6.0])  # 差
        # nn.LSTM's rows: input gate, forget gate, candidate, output gate (2 units each).
        model.rnn.bias_ih_l0[0:2] = 10.0
        model.rnn.bias_ih_l0[2:4] = -10.0
        model.rnn.bias_ih_l0[6:8] = 10.0
        model.rnn.weight_ih_l0[4:6] = torch.eye(2)
        model.head.weight.copy_(torch.tensor([[50.0, -50.0], [-50.0, 50.0]]))
    return TrainedClassifier(config, model.eval(), vocab, ("好评", "差评"), None)


def test_the_try_it_box_names_the_characters_that_moved_the_prediction():
    from lstm_app.classify.explain import explain

    crafted = crafted_classifier()
    shown = explain(crafted, "房间 很好")
    assert shown.predicted == 0 and shown.probabilities[0] > 0.9
    assert shown.spans == [(0, 1), (1, 2), (3, 4), (4, 5)]  # the space is no token
    assert shown.influence.argmax() == 3 and shown.influence[3] > 0.45  # 好 decided it
    assert np.allclose(shown.influence[:3], 0.0, atol=1e-6)  # 房, 间, 很: nothing
    against = explain(crafted, "好差")  # 差 lights its unit more: bad, and 好 speaks against it
    assert against.predicted == 1 and against.influence[0] < -0.2 < 0.2 < against.influence[1]
    words = TokenVocabulary.fit(["Great room!"], "word", max_size=10)
    assert words.tokens == ("great", "room", "!")


def test_an_answer_all_but_certain_still_shows_which_characters_made_it_so():
    """Occlusion on the log-odds: two 好 both speak for 好评 when leaving one out moves its
    probability by less than a millionth (1 − 1e-22 to 1 − 1e-11), which no colour would show."""
    from lstm_app.classify.explain import explain, log_odds

    crafted = crafted_classifier()
    shape = ClassifierShape(len(crafted.vocab), 2, 2, 2, 1, 0.0, "lstm", False, "mean")
    model = Classifier(shape)
    model.load_state_dict(crafted.model.state_dict())
    mean = TrainedClassifier(replace(crafted.config, pooling="mean"), model.eval(),
                             crafted.vocab, crafted.classes, None)
    shown = explain(mean, "好好很")
    assert shown.probabilities[0] > 1 - 1e-9
    assert shown.influence[0] == pytest.approx(shown.influence[1]) and shown.influence[0] > 10
    assert abs(shown.influence[2]) < 1e-6  # 很 reads as nothing, as the unknown token does
    logits = torch.tensor([[2.0, 0.0, -1.0]], dtype=torch.float64)
    p = torch.softmax(logits, dim=1)[0, 0].item()
    assert log_odds(logits, 0)[0] == pytest.approx(np.log(p / (1 - p)))


def test_the_try_it_box_says_what_the_classifier_could_not_read():
    from lstm_app.classify.explain import explain
    from lstm_app.ui.classify_try import unread_note

    crafted = crafted_classifier()
    assert explain(crafted, "房间 很好").unknown == 0
    assert unread_note(explain(crafted, "房间 很好"), "char") == ""
    some = explain(crafted, "房间太吵")  # 太 and 吵 were never in the training texts
    assert some.unknown == 2
    assert unread_note(some, "char") == ("2 of the 4 characters read never occur in the training "
                                         "texts: the classifier reads each as the same unknown "
                                         "token.")
    script = explain(crafted, "<script>alert(1)</script>\u200b")
    assert script.unknown == len(script.spans) > 0
    assert unread_note(script, "char").startswith("None of the characters of this text occurs")


def test_the_try_it_box_says_and_greys_what_a_long_text_left_unread():
    import dataclasses

    from lstm_app.classify.explain import explain
    from lstm_app.ui.classify_try import cut_note, highlighted

    crafted = crafted_classifier()
    assert explain(crafted, "房间很好").unread == 0
    short = dataclasses.replace(crafted, config=dataclasses.replace(crafted.config, max_length=4))
    found = explain(short, "房间很很好 差")  # 好 and 差 come after the four characters read
    assert found.unread == 2 and len(found.spans) == 4 and found.probabilities[0] < 0.9
    assert cut_note(found, "char") == ("The text is longer than the classifier reads: its last "
                                       "2 characters (in grey) were not read and cannot change "
                                       "the answer.")
    assert highlighted(found).endswith('<span style="color:#999">好 差</span></div>')


def test_the_split_is_sklearns_on_the_labels_as_written():
    # The codes order the classes by count ("b" first), the labels as written alphabetically:
    # the split must be the one train_test_split gives on the labels themselves, as the
    # ChnSentiCorp protocol draws it.
    from sklearn.model_selection import train_test_split

    labels = np.array(["a"] * 30 + ["b"] * 70, dtype=object)
    rng = np.random.default_rng(0)
    labels = labels[rng.permutation(100)]
    texts = [f"text {i}" for i in range(100)]
    split = split_texts(texts, labels, 0.1, 0.2, seed=0)
    _, test = train_test_split(np.arange(100), test_size=0.2, random_state=0, stratify=labels)
    assert sorted(split.test) == sorted(test)


def test_a_file_of_the_same_texts_over_and_over_is_refused_in_a_sentence(tmp_path, capsys):
    from lstm_app.cli import main

    data = tmp_path / "repeats.csv"
    data.write_text("text,label\n" + "good,pos\nbad,neg\ngreat,pos\nawful,neg\n" * 20)
    assert main(["classify", str(data), "--quiet"]) == 2
    assert "no validation texts are left: the file holds the same texts many times" in \
        capsys.readouterr().err
    # As the model reads them: the same words in capitals are the same text at word level.
    texts = [f"review {i} was fine" for i in range(50)] + [f"REVIEW {i} WAS FINE" for i in range(50)]
    labels = np.array(["x", "y"] * 50, dtype=object)
    from lstm_app.classify.tokens import tokenize

    split = split_texts(texts, labels, 0.1, 0.2, 0, key=lambda t: tuple(tokenize(t, "word")))
    read = [tuple(tokenize(texts[i], "word")) for i in split.train]
    assert not {tuple(tokenize(texts[i], "word")) for i in split.test} & set(read)
    assert split.leaked_test > 0


def test_labels_that_look_like_huge_numbers_stay_words():
    rows = [(f"text {i}", label) for i in range(4)
            for label in ("1", "1.0", "x", "30000000000000000000", "inf")]
    data = load_labelled(csv_bytes(rows, header=("text", "label")), text_col="text",
                         label_col="label")
    assert set(data.classes) == {"1", "x", "30000000000000000000", "inf"}
    ids = [(str(3 * 10**19 + i), f"review number {i}", "good" if i % 2 else "bad")
           for i in range(20)]
    data = load_labelled(csv_bytes(ids, header=("id", "text", "label")))
    assert (data.text_col, data.label_col) == ("text", "label")


def test_the_verdict_never_advises_always_guessing_the_common_class():
    from lstm_app.classify.scores import ClassScores, verdict

    said = verdict(ClassScores(0.885, 0.72), {"majority": ClassScores(0.90, 0.47),
                                              "tfidf_logreg": ClassScores(0.87, 0.60)})
    assert "never finds the other classes" in said and "use it" not in said
    said = verdict(ClassScores(0.80, 0.78), {"majority": ClassScores(0.6, 0.4),
                                             "tfidf_logreg": ClassScores(0.9, 0.88)})
    assert said.startswith("TF-IDF with logistic regression beat the LSTM")
    # a model that answers the common class every time is said to, whatever TF-IDF did
    said = verdict(ClassScores(0.667, 0.40), {"majority": ClassScores(0.667, 0.40),
                                              "tfidf_logreg": ClassScores(0.9, 0.88)})
    assert said.startswith("The LSTM learnt no more than always answering the most common "
                           "class") and "TF-IDF with logistic regression got 90.0% right" in said
    # one that always answers a rarer class did worse than the guess, and is told so
    said = verdict(ClassScores(0.267, 0.211), {"majority": ClassScores(0.733, 0.423)})
    assert said == ("The LSTM did worse than always answering the most common class: macro-F1 "
                    "0.211 against that guess's 0.423, so it does not tell the classes apart "
                    "yet. Train it for more epochs, weigh rare classes up, or give it more "
                    "texts.")
    # weighing rare classes up is advised only where they are rare and not weighed up yet
    balanced = verdict(ClassScores(0.267, 0.211), {"majority": ClassScores(0.733, 0.423)},
                       train_counts=[60, 60])
    assert balanced.endswith("yet. Train it for more epochs, or give it more texts.")
    said = verdict(ClassScores(0.885, 0.72), {"majority": ClassScores(0.90, 0.47)},
                   train_counts=[90, 10], weighted=True)
    assert said.endswith("Rare classes are already weighed up: give the LSTM more texts of them.")
    said = verdict(ClassScores(0.885, 0.72), {"majority": ClassScores(0.90, 0.47)},
                   train_counts=[90, 10])
    assert said.endswith("The classes are unbalanced: weigh rare classes up, or give the LSTM "
                         "more texts of them.")


def test_the_verdict_says_a_tie_with_the_guess_early_stopping_and_a_small_test_span():
    from lstm_app.classify.scores import ClassScores, verdict

    # ahead by a gap chance can make on 71 texts, but far ahead on the rare classes: said so
    # (a manager read "a difference chance can make" beside 0.891 against 0.654 as "it is fine")
    said = verdict(ClassScores(0.845, 0.654), {"majority": ClassScores(0.34, 0.13),
                                               "tfidf_logreg": ClassScores(0.929, 0.891)},
                   train_counts=[115, 108, 97, 17], test_texts=71)
    assert said == ("TF-IDF with logistic regression was right more often than the LSTM on the "
                    "test texts (92.9% against 84.5%), by a difference chance can make: the "
                    "simpler method does at least as well here. It finds the rarer classes "
                    "clearly better, though (macro-F1 0.891 against 0.654), so it is the better "
                    "choice here. The test span holds only 71 texts: one text moves the "
                    "accuracy by 1.4%, so a gap of a few texts can be chance.")
    close = verdict(ClassScores(0.845, 0.80), {"majority": ClassScores(0.34, 0.13),
                                               "tfidf_logreg": ClassScores(0.929, 0.85)},
                    train_counts=[115, 108, 97, 17], test_texts=71)
    assert "rarer classes" not in close

    # as often right as the guess, better than TF-IDF: no "better than TF-IDF" headline
    said = verdict(ClassScores(0.417, 0.302), {"majority": ClassScores(0.417, 0.196),
                                               "tfidf_logreg": ClassScores(0.333, 0.25)},
                   train_counts=[20, 6, 10], test_texts=12)
    assert said == ("The LSTM was right on 41.7% of the test texts, about as often as always "
                    "guessing the most common class (41.7%); it finds more of the other classes "
                    "than that guess (macro-F1 0.302 against 0.196), but not yet enough to be "
                    "right more often. The classes are unbalanced: weigh rare classes up, or "
                    "give the LSTM more texts of them. The test span holds only 12 texts: one "
                    "text moves the accuracy by 8.3%, so a gap of a few texts can be chance.")
    # a macro-F1 like the guess's, but right far less often: worse, not "about the same"
    said = verdict(ClassScores(0.167, 0.118), {"majority": ClassScores(0.417, 0.118)},
                   train_counts=[20, 6, 10], test_texts=12)
    assert said.startswith("The LSTM did worse than always answering the most common class: "
                           "right on 16.7% of the test texts against that guess's 41.7%"), said
    # one text apart in 200 is no verdict of worse
    said = verdict(ClassScores(0.600, 0.40), {"majority": ClassScores(0.605, 0.40)},
                   train_counts=[20, 6, 10], test_texts=200)
    assert said.startswith("The LSTM learnt no more than always answering"), said
    # early stopping ended it: more epochs are not advised (the coach says the same)
    said = verdict(ClassScores(0.167, 0.162), {"majority": ClassScores(0.417, 0.196)},
                   train_counts=[20, 6, 10], weighted=True, early_stopped=True)
    assert said.endswith("Early stopping ended its training, so more epochs would not help: "
                         "give it more texts.")
    said = verdict(ClassScores(0.167, 0.162), {"majority": ClassScores(0.417, 0.196)},
                   train_counts=[20, 6, 10], early_stopped=True)
    assert said.endswith("more epochs would not help: weigh rare classes up, or give it more "
                         "texts.")
    said = verdict(ClassScores(0.8, 0.78), {"majority": ClassScores(0.6, 0.4),
                                            "tfidf_logreg": ClassScores(0.9, 0.88)},
                   early_stopped=True)
    assert said.startswith("TF-IDF with logistic regression beat the LSTM") and \
        said.endswith("give the LSTM more texts (early stopping ended its training, so more "
                      "epochs would not help).")
    assert "test span" not in verdict(ClassScores(0.9, 0.9), {"majority": ClassScores(0.5, 0.3)},
                                      test_texts=100)
    assert verdict(ClassScores(0.9, 0.9), {"majority": ClassScores(0.5, 0.3)},
                   test_texts=1).endswith("The test span holds only 1 text, so these figures "
                                          "are rough.")


def test_the_verdict_names_no_winner_that_chance_could_have_made():
    from lstm_app.classify.coaching import baseline_won
    from lstm_app.classify.scores import ClassScores, clearly_above, verdict

    # Labels nothing in the texts tells (a sales channel drawn at random), 96 test texts: all
    # three near the guess, and TF-IDF's four points over the LSTM are not a win.
    guess = ClassScores(0.26, 0.10)
    board = {"majority": guess, "tfidf_logreg": ClassScores(0.312, 0.29)}
    said = verdict(ClassScores(0.271, 0.25), board, train_counts=[90, 80, 85, 75],
                   test_texts=96)
    assert said.startswith("Neither the LSTM (27.1%) nor TF-IDF with logistic regression "
                           "(31.2%) was right clearly more often than always answering the "
                           "most common class (26.0%)") and "label column" in said
    settings = dict(epochs=40, minutes=2.0, class_weights=False)
    assert baseline_won(ClassScores(0.271, 0.25), board, settings, "early_stopping", 335,
                        96) == []
    # One text in 96 between them: ahead by chance, and nobody is told to switch.
    board = {"majority": ClassScores(0.43, 0.2), "tfidf_logreg": ClassScores(1.0, 1.0)}
    said = verdict(ClassScores(0.99, 0.99), board, train_counts=[206, 202, 71], test_texts=96)
    assert said.startswith("TF-IDF with logistic regression was right more often than the LSTM "
                           "on the test texts (100.0% against 99.0%), by a difference chance "
                           "can make: the simpler method does at least as well") and (
        "better tool" not in said)
    # The other way round, and a tie, said as such.
    said = verdict(ClassScores(1.0, 1.0), board, train_counts=[206, 202, 71], test_texts=96)
    assert said.startswith("The LSTM was right on exactly as many test texts as TF-IDF with "
                           "logistic regression (both 100.0%)")
    said = verdict(ClassScores(0.99, 0.99), {**board, "tfidf_logreg": ClassScores(0.98, 0.98)},
                   train_counts=[206, 202, 71], test_texts=96)
    assert said.startswith("The LSTM was about as accurate as TF-IDF with logistic regression "
                           "on the test texts (99.0% against 98.0%, a difference chance can "
                           "make)")
    assert baseline_won(ClassScores(0.99, 0.99), board, settings, "completed", 335, 96) == []
    # The benchmark's 1,553 test texts: 3.4 points is a win, 0.7 is not.
    assert clearly_above(0.889, 0.855, 1553) and not clearly_above(0.889, 0.882, 1553)
    assert clearly_above(0.9, 0.89) and not clearly_above(0.9, 0.897)  # unknown: NEAR alone


def test_a_wrong_label_in_the_data_is_hinted_at_only_beside_a_confident_mistake():
    from lstm_app.ui.classify_view import mistakes_caption

    assert mistakes_caption(6, 6, 0.51) == "The 6 mistakes, the most confident first."
    assert mistakes_caption(1, 1, 0.4) == "The one mistake."
    assert mistakes_caption(20, 35, 0.97) == (
        "20 of the 35 mistakes, the most confident first. Where it was 90% sure or more of "
        "another class, the text's own label may be wrong in the data: worth a look.")


def test_texts_of_punctuation_and_a_bare_carriage_return_survive():
    from lstm_app.classify.saving import labelled_files, labelled_from_files

    rows = [("👍👍!!", "up"), ("👎??", "down"), ("old mac cell\rsecond line", "up")] * 4
    data = load_labelled(csv_bytes([(f"{t} {i}", label) for i, (t, label) in enumerate(rows)],
                                   header=("text", "label")))
    assert labelled_from_files(labelled_files(data)).texts == data.texts
    result = score_classifier(fit_classifier(data, replace(TINY, level="word", epochs=2)), data)
    assert "tfidf_logreg" in result.baselines


def test_a_file_without_a_header_row_is_said():
    rows = reviews(30)
    lines = "\n".join(f"{text}非常非常非常好的一次入住体验，强烈推荐给大家,{label}" for text, label in rows)
    data = load_labelled(lines.encode("utf-8"))
    assert len(data.texts) == 29  # the first row became the names
    assert any(n.startswith("The first row was read as the column names, but") for n in data.notices)


def test_the_tfidf_baseline_is_fitted_on_a_sample_of_a_huge_file(trained, monkeypatch):
    import lstm_app.classify.pipeline as pipeline

    data, model = trained
    monkeypatch.setattr(pipeline, "TFIDF_TEXTS", 40)
    result = score_classifier(model, data)
    assert "tfidf_logreg" in result.baselines
    assert any(n.startswith("TF-IDF with logistic regression was fitted on 40 of the")
               for n in result.notices)


def test_the_coach_names_a_rare_class_the_model_overlooks():
    from lstm_app.classify.coaching import overlooked_class

    per_class = [{"class": "好评", "precision": 0.8, "recall": 0.95, "f1": 0.9, "texts": 90},
                 {"class": "<b>差评</b>", "precision": 0.5, "recall": 0.3, "f1": 0.4,
                  "texts": 10}]
    found = overlooked_class(per_class, np.array([450, 50]), class_weights=False)
    assert [d.changes for d in found] == [{"class_weights": True}]
    assert "“<b>差评</b>” had 50 training texts against 450" in found[0].explanation
    assert "found only 30%" in found[0].explanation
    assert overlooked_class(per_class, np.array([450, 50]), class_weights=True) == []
    assert overlooked_class(per_class, np.array([60, 40]), class_weights=False) == []  # balanced
    # A balanced file (6 texts a class) whose split left one class 2 training texts: no advice.
    assert overlooked_class(per_class, np.array([6, 2]), False, np.array([8, 8])) == []
    assert overlooked_class(per_class, np.array([6, 2]), False, np.array([24, 8]))
    per_class[1]["recall"] = 0.7
    assert overlooked_class(per_class, np.array([450, 50]), class_weights=False) == []


def test_the_coach_says_when_the_classifier_is_no_better_than_a_guess_and_what_is_left():
    from lstm_app.classify.coaching import no_better_than_guess
    from lstm_app.classify.scores import ClassScores

    guess = ClassScores(0.733, 0.423)
    settings = dict(epochs=1, minutes=2.0, class_weights=False)
    assert no_better_than_guess(ClassScores(0.8, 0.7), guess, settings, "completed") == []
    worse = ClassScores(0.267, 0.211)
    [said] = no_better_than_guess(worse, guess, settings, "completed")
    assert said.title == "It does not tell the classes apart yet"
    assert "macro-F1 0.211 against 0.423" in said.explanation and said.changes == {"epochs": 2}
    assert "Training ended after its 1 epoch:" in said.explanation  # one epoch, not "1 epochs"
    [said] = no_better_than_guess(worse, guess, settings, "time_budget")
    assert said.changes == {"minutes": 4.0}
    [said] = no_better_than_guess(worse, guess, settings, "early_stopping")
    assert said.changes == {"class_weights": True}
    [said] = no_better_than_guess(worse, guess, dict(settings, class_weights=True),
                                  "early_stopping")
    assert said.changes == {} and "more texts of each class" in said.explanation
    assert no_better_than_guess(worse, guess, settings, "diverged") == []


def test_where_tfidf_beat_the_lstm_the_coach_says_what_is_left_to_try():
    from lstm_app.classify.coaching import baseline_won
    from lstm_app.classify.scores import ClassScores

    lstm, guess = ClassScores(0.65, 0.638), ClassScores(0.5, 0.333)
    board = {"majority": guess, "tfidf_logreg": ClassScores(0.85, 0.85)}
    settings = dict(epochs=40, minutes=2.0, class_weights=False)
    [said] = baseline_won(lstm, board, settings, "early_stopping", 1)
    assert said.changes == {} and "its 1 training text teaches" in said.explanation
    [said] = baseline_won(lstm, board, settings, "completed", 240)
    assert said.changes == {"epochs": 80} and "after its 40 epochs, not because" in said.explanation
    [said] = baseline_won(lstm, board, settings, "time_budget", 240)
    assert said.changes == {"minutes": 4.0}
    [said] = baseline_won(lstm, board, settings, "stopped", 240)
    assert said.changes == {} and "Train more" in said.explanation
    assert baseline_won(lstm, board, settings, "diverged", 240) == []
    # Not beaten (within half a point), no TF-IDF, or no better than a guess: another rule's
    assert baseline_won(ClassScores(0.848, 0.84), board, settings, "completed", 240) == []
    assert baseline_won(lstm, {"majority": guess}, settings, "completed", 240) == []
    assert baseline_won(ClassScores(0.5, 0.333), board, settings, "completed", 240) == []


def test_batches_hold_texts_of_similar_length_and_every_text_once_an_epoch():
    from lstm_app.classify.batches import POOL_BATCHES, similar_length_batches

    lengths = torch.randint(1, 300, (1000,))
    generator = torch.Generator().manual_seed(0)
    first = similar_length_batches(lengths, 8, generator)
    second = similar_length_batches(lengths, 8, generator)
    for batches in (first, second):
        rows = torch.cat(batches)
        assert sorted(rows.tolist()) == list(range(1000)) and len(batches) == 125
        assert all(len(b) == 8 for b in batches)
        spread = np.mean([float(lengths[b].max() - lengths[b].min()) for b in batches])
        assert spread < 300 / POOL_BATCHES * 3  # random batches of 8 spread over ~230
    assert [b.tolist() for b in first] != [b.tolist() for b in second]  # each epoch its own
    again = similar_length_batches(lengths, 8, torch.Generator().manual_seed(0))
    assert [b.tolist() for b in again] == [b.tolist() for b in first]  # seeded


def test_labels_that_differ_in_capitals_or_say_missing_are_pointed_out():
    rows = [(f"text number {i}", ("positive", "Positive", "POSITIVE ", "negative", "NA")[i % 5])
            for i in range(50)]
    data = load_labelled(csv_bytes(rows))
    assert set(data.classes) == {"positive", "Positive", "POSITIVE", "negative", "NA"}
    assert ("The labels 'POSITIVE', 'Positive', 'positive' differ only in capital letters, so "
            "they are learnt as different classes; if they mean one class, write them alike in "
            "the file.") in data.notices
    assert ("The label 'NA' looks like a missing value but is learnt as a class of its own; if "
            "those texts have no label, leave it blank (they are then left out).") in data.notices
    plain = load_labelled(csv_bytes([(f"text {i}", ("good", "bad")[i % 2]) for i in range(20)]))
    assert not any("capital" in n or "missing value" in n for n in plain.notices)


def test_the_try_it_text_is_drawn_escaped_and_never_turned_around():
    from lstm_app.classify.explain import Explained
    from lstm_app.ui.classify_try import highlighted

    text = "good \u202e<b>room</b>"  # a right-to-left override, then markup
    found = Explained(text, np.array([0.2, 0.8]), 1, [(0, 4), (6, len(text))],
                      np.array([0.3, -0.1]))
    drawn = highlighted(found)
    assert "\u202e" not in drawn and "<b>" not in drawn and "&lt;b&gt;room&lt;/b&gt;" in drawn


def test_a_class_without_test_texts_has_no_scores_on_the_command_line():
    from types import SimpleNamespace

    from lstm_app.classify.scores import ClassScores
    from lstm_app.cli import classify_table

    result = SimpleNamespace(
        test=ClassScores(0.9, 0.8), baselines={"majority": ClassScores(0.5, 0.3)},
        per_class=[{"class": "pos", "precision": 0.9, "recall": 0.8, "f1": 0.85, "texts": 10},
                   {"class": "rare", "precision": 0.0, "recall": 0.0, "f1": 0.0, "texts": 0}],
        training=SimpleNamespace(message="Training ran all its epochs."), verdict="Fine.")
    lines = classify_table(result).splitlines()
    assert lines[-4].split() == ["pos", "0.900", "0.800", "0.850", "10"]
    assert lines[-3].split() == ["rare", "—", "—", "—", "0"]  # not 0.000: nothing to score


def test_the_command_lines_first_line_names_the_commonest_classes_and_counts_the_rest():
    from lstm_app.cli import _class_counts

    classes = tuple(f"c{i}" for i in range(500))
    counts = [6] * 499 + [9]
    said = _class_counts(classes, counts)
    assert said.startswith("c499 9, c0 6, c1 6") and said.endswith(" and 490 more")
    assert _class_counts(("a", "b"), [1, 3]) == "b 3, a 1"


def test_a_column_of_numbers_read_as_the_texts_is_said():
    rows = [(str(1000 + i), "a" if i % 2 else "b") for i in range(60)]
    data = load_labelled(csv_bytes(rows, header=("id", "label")))
    assert any("The texts of 'id' are nearly all numbers" in n for n in data.notices)
    words = load_labelled(csv_bytes(reviews(60)))
    assert not any("nearly all numbers" in n for n in words.notices)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_too_few_texts_to_split_are_said_in_words_not_scikit_learns(count):
    from lstm_app.classify.split import split_texts

    with pytest.raises(ValueError) as error:
        split_texts(["good"] * count, np.array(["pos"] * count), 0.1, 0.2, seed=0)
    noun = "text is" if count == 1 else "texts are"
    assert str(error.value) == (f"{count} {noun} too few to split into training, validation "
                                "and test texts; give more texts.")


def test_a_column_named_as_labels_is_the_label_guess_over_another_of_fewer_values():
    import pandas as pd

    reviews = [f"review number {i}, some words" for i in range(60)]
    sentiment = [("pos", "neg", "neutral")[i % 3] for i in range(60)]
    channel = [("web", "app")[i % 4 < 2] for i in range(60)]  # two values: fewer than three
    table = pd.DataFrame({"review": reviews, "label": sentiment, "channel": channel})
    assert propose_columns(table) == ("review", "label")  # ("review", "channel") before
    table.columns = ["评论", "情感倾向", "渠道"]
    assert propose_columns(table) == ("评论", "情感倾向")
    table.columns = ["review", "mood", "channel"]  # no name says which: the fewest values
    assert propose_columns(table) == ("review", "channel")
    # a column named "label" that holds no usable classes is not taken over one that does
    table = pd.DataFrame({"review": reviews, "label": reviews, "channel": channel})
    assert propose_columns(table) == ("review", "channel")


def test_a_file_of_one_class_whose_texts_repeat_is_said_to_be_one_class_not_read_swapped():
    import pandas as pd

    from lstm_app.classify.labelled import OneClass, guess_columns

    texts = [f"Loved the café, visit {i % 9}" for i in range(58)]  # 9 texts, each repeated
    table = pd.DataFrame({"text": texts, "label": ["good"] * 58})
    with pytest.raises(OneClass, match="'label'.*same one, 'good'"):
        propose_columns(table)
    assert guess_columns(table) == ("text", "label")  # the page starts from the named pair
    # a column named as the texts is not proposed as labels while another column can be
    table = pd.DataFrame({"Review Text": texts, "Stars": [("1", "5", "3")[i % 3]
                                                          for i in range(58)]})
    assert propose_columns(table) == ("Review Text", "Stars")
    table.columns = ["评论内容", "评价"]
    assert propose_columns(table) == ("评论内容", "评价")
    # a name that says both (a review's sentiment) is a label column still
    table = pd.DataFrame({"review": texts, "review_sentiment": ["pos", "neg"] * 29,
                          "platform": [("web", "app", "shop")[i % 3] for i in range(58)]})
    assert propose_columns(table) == ("review", "review_sentiment")
    table.columns = ["评论", "评论类别", "平台"]
    assert propose_columns(table) == ("评论", "评论类别")


def test_texts_the_file_repeats_and_a_text_labelled_two_ways_are_said_on_loading():
    rows = reviews(60)
    rows += rows[:3] + [("此用户没有填写评价", "好评")] * 4 + [("此用户没有填写评价", "差评")] * 2
    data = load_labelled(csv_bytes(rows), name="x.csv")
    said = " ".join(data.notices)
    # 3 copies, and 5 more of the blank-review text: 8 rows repeat an earlier one, 61 differ
    assert "8 texts repeat a text already in the file (61 different texts in all)" in said
    assert ("1 text has different labels in different rows, such as '此用户没有填写评价' "
            "('好评' ×4, '差评' ×2): no classifier can be right on every row of it.") in said
    assert not any("repeat" in n or "different labels" in n
                   for n in load_labelled(csv_bytes(reviews(60)), name="y.csv").notices)


def test_labels_that_read_as_a_rating_are_said_to_be_learnt_as_separate_classes():
    rows = [(text, str(1 + i % 5)) for i, (text, _) in enumerate(reviews(60))]
    said = " ".join(load_labelled(csv_bytes(rows), name="stars.csv").notices)
    assert "The labels are the numbers 1 to 5: if they are ratings" in said
    assert "4 taken for 5 counts as wrong as 1 would" in said
    for labels in (range(100, 105), range(1, 5), range(0, 10)):  # codes, topics 1–4 and 0–9
        rows = [(text, str(labels[i % len(labels)])) for i, (text, _) in enumerate(reviews(60))]
        notices = load_labelled(csv_bytes(rows), name="codes.csv").notices
        assert not any("ratings" in n for n in notices), (labels, notices)
