"""ONNX export (issue 16): each task's network traced, checked against PyTorch, quantized and
scored; the exported graphs equal to the trained networks; ``predict`` with ONNX Runtime and
numpy only, PyTorch never imported; damaged and mismatched files refused in a sentence."""

import io
import itertools
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import pandas as pd
import pytest
import torch

from lstm_app.classify.labelled import load_labelled
from lstm_app.classify.model import Classifier, ClassifierShape
from lstm_app.classify.pipeline import fit_classifier, predict as classifier_predict
from lstm_app.classify.settings import ClassifyConfig
from lstm_app.export.graphs import ClassifierGraph
from lstm_app.export.onnx_export import export_trained, write_export
from lstm_app.export.predict import ExportedModel, forecast, series_for
from lstm_app.export.predict_text import classify, generate
from lstm_app.i18n import speaking, tr
from lstm_app.samples import sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import fit_forecast, score_forecast, with_method
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.corpus import WordVocab, read_text, token_rule
from lstm_app.text.generate import generate as torch_generate
from lstm_app.text.pipeline import fit_text
from lstm_app.text.settings import TextConfig
from tests import documented_export as documented
from tests.conftest import REPO


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """A small trained network of each task, exported with its INT8 form into a folder."""
    torch.manual_seed(0)
    series = load_series(sample_path("promo_sales"))  # known-ahead inputs and the calendar
    text, _ = read_text(sample_path("shakespeare_excerpt"))
    labelled = load_labelled(sample_path("hotel_reviews_zh"))
    trained = {
        "forecast": (fit_forecast(series, ForecastConfig(epochs=2, hidden_size=16,
                                                         statistical_seconds=0)), series),
        "text": (fit_text(text, TextConfig(hidden_size=32, num_layers=2, epochs=1)), text),
        "classify": (fit_classifier(labelled, ClassifyConfig(
            hidden_size=16, embedding_dim=16, epochs=1, max_length=60)), labelled)}
    done = {}
    for task, (model, data) in trained.items():
        exported = export_trained(task, model, data, int8=True, run_id=f"run-{task}")
        folder = tmp_path_factory.mktemp(task)
        write_export(exported, folder)
        done[task] = (exported, folder, model, data)
    return done


@pytest.mark.parametrize("task", ["forecast", "text", "classify"])
def test_each_export_matches_pytorch_and_scores_its_int8_form(exports, task):
    exported, folder, _, _ = exports[task]
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    assert manifest["task"] == task and manifest["run"] == f"run-{task}"
    assert manifest["check"]["largest_difference"] <= 1e-4 and manifest["check"]["batches"] >= 1
    assert [row["form"] for row in manifest["table"]] == ["PyTorch", "ONNX fp32", "ONNX INT8"]
    metric = manifest["metric"]
    torch_row, fp32, int8 = manifest["table"]
    assert fp32[metric] == pytest.approx(torch_row[metric], rel=1e-4)
    # INT8 moves the metric a little (measured on these small models: well under 2%)
    assert int8[metric] == pytest.approx(torch_row[metric], rel=0.05)
    assert int8["bytes"] < fp32["bytes"] and all(r["latency_ms"] > 0 for r in manifest["table"])
    assert sorted(p.name for p in folder.iterdir()) == ["export.json", "model.int8.onnx",
                                                        "model.onnx"]
    for file in ("model.onnx", "model.int8.onnx"):  # written without debugging names
        graph = onnx.load(str(folder / file)).graph
        assert all(not node.name and not node.doc_string for node in graph.node), file
        assert all(len(t.name) <= 4 for t in graph.initializer) and not graph.value_info, file
        recurrent = [node for node in graph.node
                     if node.op_type in ("LSTM", "GRU", "DynamicQuantizeLSTM")]
        assert recurrent, file
        if task != "text":  # a language model reads its state; the others start from zeros
            assert not any(name for node in recurrent for name in node.input[5:7]), file
        assert "MatMulInteger" not in {node.op_type for node in graph.node}, file  # fused


@pytest.mark.parametrize("cell, bidirectional, layers, pooling", itertools.product(
    ["lstm", "gru", "peephole"], [True, False], [1, 2], ["last", "max", "mean", "attention"]))
def test_the_classifier_graph_equals_the_packed_network(cell, bidirectional, layers, pooling):
    """Padding never reaches a text's outputs: the graph reverses each text within its own
    length for the backward direction."""
    torch.manual_seed(1)
    model = Classifier(ClassifierShape(30, 3, 8, 6, layers, 0.1, cell, bidirectional,
                                       pooling)).eval()
    lengths = torch.tensor([5, 1, 9, 3])
    tokens = torch.randint(1, 30, (4, 9)) * (torch.arange(9)[None] < lengths[:, None])
    with torch.no_grad():
        expected = torch.softmax(model(tokens, lengths)[0], dim=1)
        got = ClassifierGraph(model)(tokens, lengths)
    assert torch.allclose(got, expected, atol=1e-6)


def test_peephole_networks_export_as_onnx_lstms_with_their_peepholes(tmp_path):
    """Each layer becomes ONNX's LSTM with the P input (and an 8-bit LSTM in INT8); the
    exported language model generates PyTorch's greedy text and the classifier its
    probabilities, on texts longer than any seen in tracing."""
    import onnx
    torch.manual_seed(2)
    text, _ = read_text(sample_path("shakespeare_excerpt"))
    labelled = load_labelled(sample_path("hotel_reviews_zh"))
    language = fit_text(text, TextConfig(hidden_size=16, num_layers=2, epochs=1,
                                         cell="peephole"))
    classifier = fit_classifier(labelled, ClassifyConfig(
        hidden_size=8, embedding_dim=8, epochs=1, max_length=40, cell="peephole",
        bidirectional=True, num_layers=2))
    for task, trained, data in (("text", language, text), ("classify", classifier, labelled)):
        exported = export_trained(task, trained, data, int8=True)
        assert exported.manifest["check"]["largest_difference"] <= 1e-4
        fp32 = onnx.load_from_string(exported.files["model.onnx"])
        lstms = [n for n in fp32.graph.node if n.op_type == "LSTM"]
        assert len(lstms) == (2 if task == "text" else 4)
        assert all(len(n.input) == 8 and n.input[7] for n in lstms)  # P: the peepholes
        int8 = onnx.load_from_string(exported.files["model.int8.onnx"])
        assert {n.op_type for n in int8.graph.node} >= {"DynamicQuantizeLSTM"}
        assert "LSTM" not in {n.op_type for n in int8.graph.node}
        write_export(exported, tmp_path / task)
    model = ExportedModel.open(tmp_path / "text")
    expected = torch_generate(language.model, language.vocab, "JULIET:", 50, greedy=True)
    assert generate(model, "JULIET:", 50, temperature=0) == expected
    texts = labelled.texts[:100] + ["很好" * 60]
    got = classify(ExportedModel.open(tmp_path / "classify"), texts)
    assert np.abs(got - classifier_predict(classifier, texts)).max() < 1e-4


def test_greedy_generation_step_by_step_equals_pytorch(exports):
    _, folder, trained, _ = exports["text"]
    model = ExportedModel.open(folder)
    expected = torch_generate(trained.model, trained.vocab, "ROMEO:", 50, greedy=True)
    assert generate(model, "ROMEO:", 50, temperature=0) == expected
    long = "ROMEO: " + "But soft, what light through yonder window breaks? " * 50  # 2 pieces
    expected = torch_generate(trained.model, trained.vocab, long, 30, greedy=True)
    assert generate(model, long, 30, temperature=0) == expected


def test_the_classifier_export_gives_pytorch_probabilities(exports):
    _, folder, trained, data = exports["classify"]
    texts = data.texts[:300] + ["", "   ", "从未见过的字" * 40]
    got = classify(ExportedModel.open(folder), texts)
    assert np.abs(got - classifier_predict(trained, texts)).max() < 1e-4


def test_the_forecast_export_gives_the_runs_future_forecast(exports):
    _, folder, trained, series = exports["forecast"]
    result = score_forecast(trained, series)
    model = ExportedModel.open(folder)
    got = forecast(model, series_for(model, sample_path("promo_sales")))
    lstm = with_method(result, "lstm")  # as `forecast --out` writes it, with the plan read
    assert list(got.columns) == list(lstm.columns)
    assert np.allclose(got["forecast"], lstm["forecast"], atol=1e-3)
    assert np.allclose(got["upper_95"], lstm["upper_95"], atol=1e-3)


def predict_without_torch(*argv: str) -> subprocess.CompletedProcess:
    """``python -m lstm_app predict …`` in a Python where importing PyTorch fails."""
    code = ("import sys, runpy; sys.modules['torch'] = None; "
            f"sys.argv = ['lstm_app', *{list(argv)!r}]; "
            "runpy.run_module('lstm_app', run_name='__main__', alter_sys=True)")
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_predict_runs_every_task_without_pytorch(exports, tmp_path):
    forecast_dir, text_dir, classify_dir = (exports[t][1] for t in ("forecast", "text",
                                                                    "classify"))
    out = tmp_path / "forecast.csv"
    done = predict_without_torch("predict", str(forecast_dir), str(sample_path("promo_sales")),
                                 "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == ["time", "forecast", "lower_80", "upper_80", "lower_95",
                                   "upper_95", "method"] and len(table) == 7
    done = predict_without_torch("predict", str(text_dir), "ROMEO:", "--length", "40",
                                 "--seed", "3", "--int8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ROMEO:") and len(done.stdout) > 40
    texts = tmp_path / "reviews.csv"
    texts.write_text("评论,id\n房间很干净，服务很好,1\n=HYPERLINK(\"x\"),2\n太吵了，不会再来,3\n"
                     " ,4\n", encoding="utf-8")
    out = tmp_path / "labels.csv"
    done = predict_without_torch("predict", str(classify_dir), str(texts), "--out", str(out))
    assert done.returncode == 0, done.stderr
    labels = pd.read_csv(out)
    classes = json.loads((classify_dir / "export.json").read_text(encoding="utf-8"))["classes"]
    shares = [f"p({name})" for name in classes]
    # every row as it came, its other columns too (to join it back by), the labels after them
    assert list(labels.columns) == ["评论", "id", "label", *shares] and len(labels) == 4
    assert labels["id"].tolist() == [1, 2, 3, 4]
    assert labels["评论"][1] == "'=HYPERLINK(\"x\")"  # a formula is not run by a spreadsheet
    assert set(labels["label"][:3]) <= set(classes)
    assert np.allclose(labels[shares][:3].sum(axis=1), 1, atol=1e-5)
    assert labels.iloc[3, 2:].isna().all()  # a blank text: no label, said
    assert "note: 1 text is blank: its label is left empty." in done.stderr
    assert out.read_bytes().startswith("\ufeff".encode())  # the file: for Excel
    done = predict_without_torch("predict", str(classify_dir), str(texts))
    assert done.returncode == 0 and done.stdout.startswith('"评论"'), done.stdout[:40]  # a pipe


def test_predict_keeps_every_row_of_a_file_of_texts_alone_so_answers_match_by_place(
        exports, tmp_path):
    """A one-column file's blank rows (a quoted "" and an empty line, first and between) were
    dropped with its empty rows: 5 texts in, 4 labels out, every later label a row too early."""
    classify_dir = exports["classify"][1]
    texts = tmp_path / "one_column.csv"
    texts.write_text('review\n""\n房间很干净\n""\n太吵了\n\n很好\n', encoding="utf-8")
    out = tmp_path / "labels.csv"
    done = predict_without_torch("predict", str(classify_dir), str(texts), "--out", str(out))
    assert done.returncode == 0, done.stderr
    labels = pd.read_csv(out, keep_default_na=False)
    assert labels["review"].tolist() == ["", "房间很干净", "", "太吵了", "", "很好"]
    assert (labels["label"] == "").tolist() == [True, False, True, False, True, False]
    assert "note: 3 texts are blank: their labels are left empty." in done.stderr


def test_predict_refuses_the_sampling_the_text_command_refuses_and_names_its_column(
        exports, tmp_path):
    from lstm_app.export.commands import TEMPERATURE_RANGE, TOP_K_RANGE
    from lstm_app.text.settings import TEXT_SETTINGS

    for name, bounds in (("temperature", TEMPERATURE_RANGE), ("top_k", TOP_K_RANGE)):
        assert (TEXT_SETTINGS[name].low, TEXT_SETTINGS[name].high) == bounds
    text_dir, classify_dir = exports["text"][1], exports["classify"][1]
    for option, value, said in [
            ("--temperature", "nan", "--temperature must be a number from 0 to 5."),
            ("--temperature", "-1", "--temperature must be a number from 0 to 5."),
            ("--top-k", "-3", "--top-k must be a whole number from 0 to 200,000."),
            ("--seed", "-1", "--seed must be a whole number from 0 to 2,147,483,647.")]:
        done = predict_without_torch("predict", str(text_dir), "ROMEO:", option, value)
        assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr
    texts = tmp_path / "dates.csv"
    texts.write_text("month,passengers\n1949-01,112\n1949-02,118\n", encoding="utf-8")
    done = predict_without_torch("predict", str(classify_dir), str(texts))
    trained = json.loads((classify_dir / "export.json").read_text(encoding="utf-8"))[
        "settings"]["text_col"]
    assert done.returncode == 0 and f"The file has no column '{trained}' (the one the model " \
        f"learnt from), so the texts were read from 'month'" in done.stderr, done.stderr
    # One column and no row of names: its first text became the name, and that is said.
    texts.write_text("very bad\ngreat product\nit is ok\n", encoding="utf-8")
    done = predict_without_torch("predict", str(classify_dir), str(texts))
    assert done.returncode == 0 and "The file's first row, 'very bad', was read as its " \
        "column's name, not as a text to label" in done.stderr, done.stderr
    texts.write_text("comment\ngreat product\nit is ok\n", encoding="utf-8")  # a real name
    done = predict_without_torch("predict", str(classify_dir), str(texts))
    assert done.returncode == 0 and "first row" not in done.stderr, done.stderr
    assert "so the texts were read from 'comment'" in done.stderr, done.stderr
    # What only a language model reads is refused on a classifier, not ignored.
    done = predict_without_torch("predict", str(classify_dir), str(texts), "--length", "5",
                                 "--temperature", "2")
    assert done.returncode == 2 and "This model is a classifier, which does not read " \
        "--length, --temperature: leave them out." in done.stderr, done.stderr
    done = predict_without_torch("predict", str(text_dir), "ROMEO:", "--text-col", "x")
    assert done.returncode == 2 and "This model is a language model, which does not read " \
        "--text-col: leave it out." in done.stderr, done.stderr


def test_predict_on_a_file_whose_columns_are_named_otherwise_says_to_rename_them(
        exports, tmp_path):
    forecast_dir = exports["forecast"][1]
    table = pd.read_csv(sample_path("promo_sales")).rename(columns={"date": "日期",
                                                                    "sales": "销量"})
    given = tmp_path / "renamed.csv"
    table.to_csv(given, index=False)
    done = predict_without_torch("predict", str(forecast_dir), str(given))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert ("The model was trained on a file with the columns 'date', 'sales'; this file lacks "
            "'date', 'sales' (its columns: '日期', 'promo', '销量'). Name its columns as the "
            "training file did.") in done.stderr, done.stderr


def test_damaged_and_mismatched_exports_are_refused_in_a_sentence(exports, tmp_path):
    _, classify_dir, _, _ = exports["classify"]
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in ("export.json", "model.onnx"):
        (damaged / name).write_bytes((classify_dir / name).read_bytes())
    (damaged / "model.onnx").write_bytes(b"not a model at all")
    done = predict_without_torch("predict", str(damaged), "x.csv")
    assert done.returncode == 2 and "is not a model ONNX Runtime can read" in done.stderr
    assert "Traceback" not in done.stderr
    # the text model's graph behind the classifier's export.json
    (damaged / "model.onnx").write_bytes((exports["text"][1] / "model.onnx").read_bytes())
    done = predict_without_torch("predict", str(damaged), "x.csv")
    assert done.returncode == 2 and "do not belong together" in done.stderr
    done = predict_without_torch("predict", str(tmp_path), "x.csv")
    assert done.returncode == 2 and "holds no export.json" in done.stderr
    done = predict_without_torch("predict", str(tmp_path / "nowhere"), "x.csv")
    assert done.returncode == 2 and "There is no folder '" in done.stderr
    (damaged / "export.json").write_text('{"format": "something else"}', encoding="utf-8")
    done = predict_without_torch("predict", str(damaged), "x.csv")
    assert done.returncode == 2 and "does not describe a model exported by LSTM Studio" in done.stderr
    (damaged / "export.json").write_text(
        (classify_dir / "export.json").read_text(encoding="utf-8").replace(
            '"classes": [', '"classes": 3, "was": ['), encoding="utf-8")
    (damaged / "model.onnx").write_bytes((classify_dir / "model.onnx").read_bytes())
    done = predict_without_torch("predict", str(damaged), "x.csv")
    assert done.returncode == 2 and "is damaged (its classes is not" in done.stderr, done.stderr
    done = predict_without_torch("predict", str(classify_dir), "x.csv", "--int8")
    assert done.returncode == 2 and "could not be opened" in done.stderr  # x.csv
    # A model file named outside the export's folder is refused as such, not said "missing".
    (tmp_path / "elsewhere.onnx").write_bytes((classify_dir / "model.onnx").read_bytes())
    (damaged / "export.json").write_text(
        (classify_dir / "export.json").read_text(encoding="utf-8").replace(
            '"fp32": "model.onnx"', '"fp32": "../elsewhere.onnx"'), encoding="utf-8")
    done = predict_without_torch("predict", str(damaged), "x.csv")
    assert done.returncode == 2 and "names the model file '../elsewhere.onnx', outside its " \
        "folder" in done.stderr, done.stderr


@pytest.mark.parametrize("task, edit, field", [
    ("text", lambda m: m["vocab"].update(itos=m["vocab"]["itos"][:5]), "vocab"),  # a traceback
    ("classify", lambda m: m["classes"].append("maybe"), "classes"),  # numpy's shape mismatch
    ("forecast", lambda m: m["scaler"]["std"].__setitem__(0, 0), "scaler"),  # blanks, rc 0
    ("forecast", lambda m: m["scaler"]["std"].__setitem__(0, -1), "scaler"),
    ("forecast", lambda m: m["widths"]["80"].__setitem__(0, -5.0), "widths"),  # lower > upper
    ("forecast", lambda m: m["widths"].update({"50": m["widths"]["80"]}), "widths"),
    ("forecast", lambda m: m["scaler"]["std"].__setitem__(0, 1e300), "scaler"),  # all zeros
    ("forecast", lambda m: m["settings"].update(value_col=m["inputs_read"][1]), "settings"),
    ("forecast", lambda m: m.update(known_positions=[1, 1, 1]), "known_positions"),
    ("classify", lambda m: m["classes"].__setitem__(1, m["classes"][0]), "classes"),
    ("classify", lambda m: m["classes"].__setitem__(0, " "), "classes"),
    ("classify", lambda m: m["vocab"].update(tokens=[]), "vocab"),
    ("forecast", lambda m: m.pop("freq"), "freq"),  # a KeyError in predict
    ("forecast", lambda m: m.update(floor=1e9), "floor"),  # every forecast 1,000,000,000
    ("forecast", lambda m: m.update(known_ranges={"promo": [1, 0]}), "known_ranges"),
    ("forecast", lambda m: m["scaler"]["mean"].__setitem__(0, 1e300), "scaler"),  # blanks
    ("forecast", lambda m: m["settings"].update(holidays=5), "settings"),  # a traceback
    ("text", lambda m: m.update(layers=10**9), "layers"),  # numpy's memory error
    ("text", lambda m: m.update(hidden_size=m["hidden_size"] + 1), "hidden_size"),
    ("classify", lambda m: m.update(outputs=5), "outputs")])
def test_an_export_json_edited_out_of_step_with_its_network_is_refused(exports, tmp_path, task,
                                                                     edit, field):
    from lstm_app.export.manifest import read_manifest

    folder = tmp_path / task
    folder.mkdir()
    for name in ("export.json", "model.onnx"):
        (folder / name).write_bytes((exports[task][1] / name).read_bytes())
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    edit(manifest)
    (folder / "export.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"is damaged \(its {field} is not what an export "):
        read_manifest(folder)


def test_the_manifest_reads_the_inputs_known_ahead_as_the_forecaster_does():
    from lstm_app.export.manifest import _known_positions
    from lstm_app.series.known import known_positions

    names = ["sales", "promo", "price", "month of year (sine)", "month of year (cosine)"]
    for covariates, known in [((), ()), (("promo", "price"), ("promo",)),
                              (("promo", "price"), ("price", "promo"))]:
        config = ForecastConfig(covariates=covariates, known_covariates=known)
        used = names[:1] + list(covariates) + names[3:]
        assert _known_positions(used, {"covariates": list(covariates),
                                       "known_covariates": list(known)}) == \
            known_positions(tuple(used), config)


def test_an_export_json_whose_outputs_are_edited_with_its_classes_is_refused(exports, tmp_path):
    """The classes and the outputs edited together: the network's own outputs disagree."""
    folder = tmp_path / "classify"
    folder.mkdir()
    for name in ("export.json", "model.onnx"):
        (folder / name).write_bytes((exports["classify"][1] / name).read_bytes())
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    manifest["classes"].append("maybe")
    manifest["outputs"][0]["shape"][-1] += 1
    (folder / "export.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ValueError, match="does not take the inputs or give the outputs "
                       "export.json names .* the files do not belong together"):
        ExportedModel.open(folder)


def test_a_forecaster_with_inputs_known_ahead_and_holidays_predicts_a_plan_as_the_what_if(
        tmp_path):
    """A genuine export of the richest forecaster opens under the manifest's checks, and a
    plan given with --future moves its forecast as the app's what-if does."""
    from lstm_app.series.ahead import what_if_of

    torch.manual_seed(0)
    series = load_series(sample_path("promo_sales"), covariates=["promo"])
    config = ForecastConfig(covariates=("promo",), known_covariates=("promo",), holidays="DE",
                            epochs=1, hidden_size=8, horizon=7, statistical_seconds=0)
    trained = fit_forecast(series, config)
    folder = tmp_path / "export"
    write_export(export_trained("forecast", trained, series, int8=True, run_id="run-plan"),
                 folder)
    result = score_forecast(trained, series)
    plan = result.known.copy()
    plan["promo"] = 1.0  # a promotion every day
    data, future = tmp_path / "sales.csv", tmp_path / "plan.csv"
    series.frame.to_csv(data)
    plan[["promo"]].rename_axis("date").to_csv(future)
    done = predict_without_torch("predict", str(folder), str(data), "--future", str(future))
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(io.StringIO(done.stdout))
    assert np.allclose(got["forecast"], what_if_of(result).moved(plan)["forecast"], atol=1e-3)
    assert (got["planned_promo"] == 1).all()  # beside each step, the plan it read there
    assert got.columns[-1].startswith("planned_") and got.columns[-2] == "planned_promo"
    assert not np.allclose(got["forecast"], result.futures["lstm"]["forecast"], atol=1.0)
    assert "beyond" not in done.stderr  # a promotion every day: as the training read them
    # export.json says how each input is made: holidays and the plan included
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    assert manifest["date_inputs"][-1]["name"] == "public holiday (DE)"
    model = ExportedModel.open(folder)
    calls = recording(model)
    forecast(model, series_for(model, data, future))
    (window, ahead), = calls
    want_window, want_ahead = documented_forecast_inputs(manifest, series.frame, plan)
    assert np.allclose(window[0], want_window, atol=1e-6)
    assert np.allclose(ahead[0], want_ahead, atol=1e-6) and ahead[0, :, -1].any()
    assert predict_without_torch("predict", str(folder), str(data), "--future", str(future),
                                 "--int8").returncode == 0
    # A plan beyond what the model learnt from is said, as the page and 'forecast' say it.
    plan.iloc[[2, 3], 0] = 3.0
    plan[["promo"]].rename_axis("date").to_csv(future)
    done = predict_without_torch("predict", str(folder), str(data), "--future", str(future))
    assert done.returncode == 0 and "note: The plan sets 'promo' to 3 on " in done.stderr \
        and ", beyond the 0 to 1 it held in training: the model never read such values, so its " \
        "forecast there is a guess" in done.stderr, done.stderr
    # A plan refused (a blank day) is refused alone, without a note on the days it does set.
    plan.iloc[5, 0] = np.nan
    plan[["promo"]].rename_axis("date").to_csv(future)
    done = predict_without_torch("predict", str(folder), str(data), "--future", str(future))
    assert done.returncode == 2 and done.stderr.startswith("error: The known-ahead column "
                                                           "'promo' has no values"), done.stderr
    plan.iloc[5, 0] = 1.0
    plan[["promo"]].rename_axis("date").to_csv(future)
    # An export made before the ranges were recorded predicts as before, without the note.
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    del manifest["known_ranges"]
    (folder / "export.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = predict_without_torch("predict", str(folder), str(data), "--future", str(future))
    assert done.returncode == 0 and "beyond" not in done.stderr, done.stderr


def test_predict_refuses_a_plan_for_a_forecaster_that_reads_none(exports, tmp_path):
    _, folder, _, series = exports["forecast"]
    data, plan = tmp_path / "sales.csv", tmp_path / "plan.csv"
    series.frame.to_csv(data)
    plan.write_text("date,promo\n2030-01-01,1\n")
    done = predict_without_torch("predict", str(folder), str(data), "--future", str(plan))
    assert done.returncode == 2 and done.stderr == (
        "error: This model reads no planned values: it was trained without columns known ahead "
        "(its calendar and holidays come from the dates), so leave --future out.\n"), done.stderr


def test_runs_export_onnx_on_the_command_line(tmp_path, monkeypatch, capsys):
    from lstm_app.cli import main as cli_main
    from lstm_app.runs.recording import record, start_run
    from lstm_app.runs.store import RunStore

    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    store = RunStore(tmp_path / "home")  # a classifier run saved as the command line saves it
    data = load_labelled(sample_path("hotel_reviews_zh"))
    config = ClassifyConfig(hidden_size=8, embedding_dim=8, epochs=1, max_length=30)
    run_id = start_run(store, "classify", data, config, data.name, data.name)
    record(store.home, run_id, "classify", data, config)
    out = tmp_path / "onnx"
    assert cli_main(["runs", "export-onnx", run_id, "--out", str(out), "--int8"]) == 0
    printed = capsys.readouterr().out
    assert "ONNX INT8" in printed and "test accuracy" in printed
    assert (out / "model.int8.onnx").is_file()
    assert cli_main(["runs", "export-onnx", run_id, "--out", str(out)]) == 0  # without INT8
    assert not (out / "model.int8.onnx").exists()
    assert cli_main(["runs", "export-onnx", "nope", "--out", str(out)]) == 2
    assert "There is no run 'nope'" in capsys.readouterr().err
    # the run store's own folder, and a folder holding a model.onnx of the user's own: refused
    assert cli_main(["runs", "export-onnx", run_id, "--out", str(tmp_path / "home")]) == 2
    assert "inside the run store" in capsys.readouterr().err
    own = tmp_path / "mine"
    own.mkdir()
    (own / "model.onnx").write_text("precious")
    assert cli_main(["runs", "export-onnx", run_id, "--out", str(own)]) == 2
    assert ("already holds model.onnx, which is not from an export of LSTM Studio: exporting "
            "would replace it") in capsys.readouterr().err
    assert (own / "model.onnx").read_text() == "precious" and not (own / "export.json").exists()
    (own / "export.json").write_text('{"format": "lstm-studio-onnx"}')  # naming no model files
    assert cli_main(["runs", "export-onnx", run_id, "--out", str(own)]) == 2
    capsys.readouterr()
    int8 = (out / "model.int8.onnx")  # the earlier fp32 export's folder, and a file of the user's
    int8.write_text("mine")
    assert cli_main(["runs", "export-onnx", run_id, "--out", str(out)]) == 2
    assert "already holds model.onnx, model.int8.onnx, export.json" in capsys.readouterr().err
    assert int8.read_text() == "mine"
    int8.unlink()
    (own / "export.json").write_text("[" * 200_000)  # no export's, and too deep to read
    assert cli_main(["runs", "export-onnx", run_id, "--out", str(own)]) == 2
    assert "already holds model.onnx, export.json, which are not from an export" in \
        capsys.readouterr().err
    with speaking("zh"):  # a Chinese column name runs wide: still a space between each
        assert cli_main(["runs", "export-onnx", run_id, "--out", str(out)]) == 0
        header = capsys.readouterr().out.splitlines()[0]
        names = [tr("size"), tr("batch-1 latency"), tr("test accuracy")]
    assert header.split() == " ".join(names).split(), header


def test_a_bundle_carries_the_export_and_importing_checks_it_against_the_weights(tmp_path):
    import io
    import zipfile

    from lstm_app.runs.onnx import export_run
    from lstm_app.runs.bundle import BundleError, export_bundle, import_bundle
    from lstm_app.runs.recording import record, start_run
    from lstm_app.runs.store import RunStore

    store = RunStore(tmp_path / "home")
    data = load_labelled(sample_path("hotel_reviews_zh"))
    config = ClassifyConfig(hidden_size=8, embedding_dim=8, epochs=1, max_length=30)
    run_id = start_run(store, "classify", data, config, "reviews", data.name)
    record(store.home, run_id, "classify", data, config)
    export_run(store, run_id, int8=True)
    bundle = export_bundle(store, run_id)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert {"model.onnx", "model.int8.onnx", "export.json"} <= set(members)
    new_id = import_bundle(store, bundle)
    folder = store.run_dir(new_id)
    assert (folder / "model.onnx").read_bytes() == members["model.onnx"]
    assert json.loads((folder / "export.json").read_text(encoding="utf-8"))["run"] == new_id

    def rezipped(**changes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, content in {**members, **changes}.items():
                if content is not None:
                    archive.writestr(name, content)
        return out.getvalue()

    other = onnx.load_from_string(members["model.onnx"])  # other weights: one of them moved
    largest = max(other.graph.initializer, key=lambda t: onnx.numpy_helper.to_array(t).size)
    largest.CopyFrom(onnx.numpy_helper.from_array(onnx.numpy_helper.to_array(largest) + 0.1,
                                                  largest.name))
    other = other.SerializeToString()
    # The run's input names, but texts fixed at 3 tokens: ONNX Runtime refuses the run's own.
    fixed = onnx.helper.make_model(onnx.helper.make_graph(
        [onnx.helper.make_node("Cast", ["tokens"], ["probabilities"], to=onnx.TensorProto.FLOAT)],
        "fixed", [onnx.helper.make_tensor_value_info("tokens", onnx.TensorProto.INT64, ["b", 3]),
                  onnx.helper.make_tensor_value_info("lengths", onnx.TensorProto.INT64, ["b"])],
        [onnx.helper.make_tensor_value_info("probabilities", onnx.TensorProto.FLOAT, ["b", 3])]),
        opset_imports=[onnx.helper.make_opsetid("", 17)])
    before = len(store.list())
    for changes, said in [({"model.onnx": other}, "model.onnx does not match its weights"),
                          ({"model.onnx": fixed.SerializeToString()},
                           "its model.onnx does not run on its run's data"),
                          ({"model.onnx": b"junk"}, "is not a model ONNX Runtime can read"),
                          ({"export.json": None}, "its ONNX export is incomplete"),
                          ({"model.int8.onnx": None}, "does not describe the model it carries")]:
        with pytest.raises(BundleError, match=said):
            import_bundle(store, rezipped(**changes))
    assert len(store.list()) == before  # a refused bundle adds nothing
    # Its INT8 model is made again from the checked fp32 one: another model never comes in
    foreign = import_bundle(store, rezipped(**{"model.int8.onnx": b"any other model"}))
    assert (store.run_dir(foreign) / "model.int8.onnx").read_bytes() == \
        members["model.int8.onnx"]


def test_the_check_sentence_counts_one_batch_in_the_singular():
    from types import SimpleNamespace

    from lstm_app.export.onnx_export import check_sentence
    check = {"batches": 1, "largest_difference": 1e-7, "tolerance": 1e-4}
    one = check_sentence(SimpleNamespace(manifest={"check": check}))
    assert "on 1 batch of the run's" in one and "1.0e-07" in one and "1e-04" in one
    two = check_sentence(SimpleNamespace(manifest={"check": {**check, "batches": 2}}))
    assert "on 2 batches of" in two


def test_a_graph_traced_for_fixed_sizes_is_refused_in_a_sentence(exports, monkeypatch):
    """PyTorch 2.11's exporter fixed a classifier's text length at the example's (seen on a GPU
    machine): ONNX Runtime then refuses the run's own texts, and the export says so in words."""
    import dataclasses
    from lstm_app.export import onnx_export
    _, _, model, data = exports["classify"]
    real = onnx_export.spec_for
    monkeypatch.setattr(onnx_export, "spec_for", lambda *args: dataclasses.replace(
        real(*args), dynamic={}))
    with pytest.raises(ValueError, match="does not run on this run's validation data in ONNX "
                                         "Runtime .* Please report this run's settings"):
        export_trained("classify", model, data)


def test_predict_says_what_it_left_out_of_the_texts_and_values_far_from_its_training(
        exports, tmp_path):
    forecast_dir, classify_dir = exports["forecast"][1], exports["classify"][1]
    texts = tmp_path / "commas.csv"
    texts.write_text("review\nthe room was clean, the staff friendly\nbad, dirty, loud\ngood\n",
                     encoding="utf-8")
    done = predict_without_torch("predict", str(classify_dir), str(texts))
    assert done.returncode == 0, done.stderr
    # a file of one column: its texts' commas are theirs (each was cut at its first, and said)
    assert '"the room was clean, the staff friendly"' in done.stdout, done.stdout
    assert '"bad, dirty, loud"' in done.stdout and "more cells" not in done.stderr
    table = pd.read_csv(sample_path("promo_sales"))
    scaled = tmp_path / "in_grams.csv"
    table.assign(sales=table["sales"] * 1000).to_csv(scaled, index=False)
    done = predict_without_torch("predict", str(forecast_dir), str(scaled))
    assert done.returncode == 0, done.stderr
    assert "far from those this model learnt from" in done.stderr, done.stderr
    done = predict_without_torch("predict", str(forecast_dir), str(sample_path("promo_sales")))
    assert done.returncode == 0 and "far from" not in done.stderr, done.stderr
    # a column of numbers labelled: said, as training says it (it labelled them silently)
    done = predict_without_torch("predict", str(classify_dir), str(scaled), "--text-col",
                                 "sales")
    assert done.returncode == 0, done.stderr
    assert "The texts of 'sales' are nearly all numbers" in done.stderr, done.stderr
    assert "nearly all numbers" not in predict_without_torch(
        "predict", str(classify_dir), str(texts)).stderr
    # a prompt that names a file is the words, with the way to read the file said
    text_dir = exports["text"][1]
    prompt = tmp_path / "poem.txt"
    prompt.write_text("ROMEO: hello", encoding="utf-8")
    done = predict_without_torch("predict", str(text_dir), str(prompt), "--length", "5")
    assert done.returncode == 0 and done.stdout.startswith(str(prompt)), done.stderr
    assert done.stderr.startswith("note: The prompt is the words '/") and \
        f"'; to continue the text of that file, write @{prompt}." in done.stderr, done.stderr
    done = predict_without_torch("predict", str(text_dir), "@" + str(prompt), "--length", "5")
    assert done.stdout.startswith("ROMEO: hello") and "note:" not in done.stderr, done.stderr
    long = "床前明月光，疑是地上霜。" * 10  # too long for a file's name: asking raised
    done = predict_without_torch("predict", str(text_dir), long, "--length", "5")
    assert done.returncode == 0 and done.stdout.startswith(long), done.stderr


def test_labels_predicted_never_overwrite_a_column_of_the_file():
    from lstm_app.export.predict_text import labelled_rows

    table = pd.DataFrame({"text": ["good", "", "bad"], "label": ["pos", "neg", "neg"],
                          "p(pos)": ["mine", "mine", "mine"]})
    probs = np.array([[0.2, 0.8], [0.9, 0.1]])  # the two texts that are not blank
    out, blank = labelled_rows(table, "text", probs, ["neg", "pos"])
    assert blank == 1
    assert list(out.columns) == ["text", "label", "p(pos)", "predicted label", "p(neg)",
                                 "predicted p(pos)"]
    assert out["label"].tolist() == ["pos", "neg", "neg"] and out["p(pos)"].eq("mine").all()
    assert out["predicted label"].tolist() == ["pos", "", "neg"]
    assert out["predicted p(pos)"].tolist()[::2] == [0.8, 0.1]


def test_the_export_folder_is_made_before_any_work_or_refused_in_a_sentence(tmp_path):
    from lstm_app.runs.commands import export_folder

    with export_folder(str(tmp_path / "new" / "export")) as folder:
        assert folder.is_dir()
    assert folder.is_dir()
    for out in [tmp_path / "a" / "b", folder, folder / "c"]:
        with pytest.raises(RuntimeError), export_folder(str(out)):
            raise RuntimeError("the export failed")  # the folders it made go again, empty
        assert sorted(tmp_path.rglob("*")) == sorted([tmp_path / "new", folder]), out
    with pytest.raises(RuntimeError), export_folder(str(tmp_path / "d")) as written:
        (written / "model.onnx").write_bytes(b"")
        raise RuntimeError("the check failed")
    assert (written / "model.onnx").exists()  # a folder holding a file stays
    taken = tmp_path / "afile"
    taken.write_text("mine")
    for out, said in [("", "Give the folder to write the export into (--out FOLDER)."),
                      (str(taken / "sub"), f"The folder '{taken / 'sub'}' cannot be made or "
                                           "written to (Not a directory); give a folder you "
                                           "can write to."),
                      ("/proc/export", "The folder '/proc/export' cannot be made or written to "
                                       "(No such file or directory); give a folder you can "
                                       "write to.")]:
        with pytest.raises(ValueError) as error, export_folder(out):
            pass
        assert str(error.value) == said
    assert taken.read_text() == "mine"


def test_a_bundles_damaged_export_is_named_in_the_readers_language():
    from lstm_app.export.onnx_export import checked_bundled
    from lstm_app.i18n import speaking

    files = {"export.json": b"{bad", "model.onnx": b""}
    with speaking("zh"), pytest.raises(ValueError) as error:
        checked_bundled("forecast", None, None, files)
    assert str(error.value) == "其中的 export.json 不是可读的 JSON；请重新导出这条运行记录。"
    with pytest.raises(ValueError, match=r"^its export.json is not readable JSON; export the run"):
        checked_bundled("forecast", None, None, files)


# --- export.json describes its inputs: a program written from its keys alone feeds the network
# what predict feeds it (tests/documented_export.py is that program)

def recording(model: ExportedModel) -> list:
    """The arrays each run of ``model`` is given, in order."""
    calls, run = [], model.run
    model.run = lambda *arrays: calls.append(arrays) or run(*arrays)
    return calls


def test_the_classifiers_token_rule_gives_the_ids_predict_feeds(exports):
    _, folder, trained, data = exports["classify"]
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    rule, tokens = manifest["token_rule"], manifest["vocab"]["tokens"]
    assert rule["level"] == manifest["vocab"]["level"] == "char" and not rule["lower_case"]
    assert (rule["padding_id"], rule["unknown_id"], rule["first_token_id"]) == (0, 1, 2)
    assert rule["max_length"] == manifest["max_length"] == 60 and rule["keep"] == "first"
    texts = data.texts[:5] + ["", "从未见过的字 ok", "好" * 100, tokens[0] + " " + tokens[-1]]
    model = ExportedModel.open(folder)
    calls = recording(model)
    classify(model, texts)
    (fed_tokens, fed_lengths), = calls
    want, lengths = documented.classifier_batch(rule, tokens, texts)
    order = np.argsort(lengths, kind="stable")  # predict batches texts by length
    assert np.array_equal(fed_lengths, lengths[order])
    assert np.array_equal(fed_tokens, want[order][:, :fed_tokens.shape[1]])
    assert lengths.max() == 60 and want[-1, :2].tolist() == [2, len(tokens) + 1]


def test_a_word_level_token_rule_says_what_the_classifier_reads():
    from lstm_app.classify.batches import encode
    from lstm_app.classify.tokens import TokenVocabulary, token_rule
    vocab = TokenVocabulary.fit(["The hotel was GOOD, the staff kind.", "Rooms: bad!"],
                                "word", 50)
    rule = json.loads(json.dumps(token_rule("word", 5)))  # as export.json holds it
    assert rule["lower_case"] and rule["split"] == "pattern"
    texts = ["the Hotel, GOOD!", "Unseen words here", "", "a b c d e f g h", "Ça va? Très bien."]
    encoded = encode(texts, vocab, 5)
    for row, text in enumerate(texts):
        want = encoded.flat[encoded.starts[row]:encoded.starts[row] + encoded.lengths[row]]
        assert documented.classifier_ids(rule, list(vocab.tokens), text) == want.tolist(), text


def test_the_language_models_token_rule_gives_the_ids_predict_feeds(exports):
    _, folder, trained, _ = exports["text"]
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    rule, itos = manifest["token_rule"], manifest["vocab"]["itos"]
    assert rule["level"] == "char" and rule["unknown_id"] == 0
    model = ExportedModel.open(folder)
    calls = recording(model)
    prompt = "ROMEO:\n  Wherefore art thou 😀?"
    generate(model, prompt, 1, temperature=0)
    fed = calls[0]
    assert fed[0].tolist() == [documented.text_ids(rule, itos, prompt)]
    assert all(not state.any() and state.shape == (manifest["layers"], 1,
                                                   manifest["hidden_size"]) for state in fed[1:])
    word = json.loads(json.dumps(token_rule("word")))
    vocab = WordVocab(max_size=20).fit("To be, or not to be:\nthat is the question.")
    text = "To be  or NOT to be?\tthat"
    assert documented.text_ids(word, vocab.itos_, text) == vocab.encode(text)


def test_the_forecasters_date_inputs_and_scaler_give_the_window_predict_feeds(exports):
    _, folder, trained, series = exports["forecast"]
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    names = [rule["name"] for rule in manifest["date_inputs"]]
    assert "day of year (sine)" in names and names == manifest["inputs_read"][1:]
    assert {r["name"]: r["formula"] for r in manifest["date_inputs"]}["day of year (sine)"] \
        == "sin(2*pi*(day_of_year - 1)/366)"
    model = ExportedModel.open(folder)
    calls = recording(model)
    forecast(model, series_for(model, sample_path("promo_sales")))
    (window, future), = calls
    want_window, want_future = documented_forecast_inputs(manifest, series.frame)
    assert np.allclose(window[0], want_window, atol=1e-6)
    assert np.allclose(future[0], want_future, atol=1e-6)


def documented_forecast_inputs(manifest: dict, frame: pd.DataFrame, plan=None):
    """(window, future) of a one-series forecaster by export.json's keys: the file's columns
    then ``date_inputs``, scaled by ``scaler``; the future's planned columns from ``plan``."""
    freq, lookback, horizon = manifest["freq"], manifest["lookback"], manifest["horizon"]
    scaler = manifest["scaler"]
    own = manifest["inputs_read"][:len(manifest["inputs_read"]) - len(manifest["date_inputs"])]
    scale = lambda x: (x - np.asarray(scaler["mean"])) / np.asarray(scaler["std"])
    last = frame.iloc[-lookback:]
    window = np.concatenate([last[own].to_numpy(np.float64), documented.date_columns(
        manifest["date_inputs"], pd.DatetimeIndex(last.index), freq)], axis=1)
    times = pd.date_range(frame.index[-1], periods=horizon + 1, freq=freq)[1:]
    ahead = np.full((horizon, len(own)), np.nan)
    for j, name in enumerate(own):
        if plan is not None and name in plan:
            ahead[:, j] = plan[name].to_numpy()
    ahead = np.concatenate([ahead, documented.date_columns(manifest["date_inputs"], times, freq)],
                           axis=1)
    return scale(window), scale(ahead)[:, manifest["known_positions"]]


@pytest.mark.parametrize("freq", ["h", "D", "B", "W-MON", "W-SUN", "MS", "ME", "QE", "YS"])
def test_the_documented_holiday_and_calendar_rules_give_the_networks_inputs(freq):
    from lstm_app.series.calendar import calendar_features, date_rules, holiday_counts
    times = pd.date_range("2023-12-24", periods=40, freq=freq)  # Christmas in it
    rules = json.loads(json.dumps(date_rules(freq, 4, "DE-BY")))  # as export.json holds them
    got = documented.date_columns(rules, times, freq)
    assert np.allclose(got[:, :-1], calendar_features(times, freq, 4), atol=1e-12)
    assert np.array_equal(got[:, -1], holiday_counts(times, freq, "DE-BY"))
    assert got[:, -1].any()


def test_an_export_of_a_run_that_recommended_another_forecast_says_its_forecasts_are_the_lstms(
        tmp_path):
    """The app recommended the mean of the LSTM and AutoTheta; the export's predict gave the
    LSTM's forecasts under "LSTM" with no word that they are not the ones recommended."""
    from lstm_app.export.manifest import lstm_not_recommended
    from lstm_app.runs.onnx import export_run
    from lstm_app.runs.recording import record, start_run
    from lstm_app.runs.store import RunStore

    store = RunStore(tmp_path / "home")
    series = load_series(sample_path("airline_passengers"))
    config = ForecastConfig(epochs=1, hidden_size=8, statistical_seconds=0)
    run_id = start_run(store, "forecast", series, config, "airline", series.name)
    record(store.home, run_id, "forecast", series, config)
    report = store.read_json(run_id, "report.json")
    assert report["recommended"]["method"] == "lstm"  # (no statistical model to recommend)
    assert "recommended" not in export_run(store, run_id).manifest
    report["recommended"] = {"method": "combination", "name": "mean of the LSTM and AutoTheta",
                             "why": "closest on the validation span"}
    store.write_json(run_id, "report.json", report)
    exported = export_run(store, run_id)
    assert exported.manifest["recommended"] == {"method": "combination",
                                                "name": "mean of the LSTM and AutoTheta"}
    written = json.loads((store.run_dir(run_id) / "export.json").read_text(encoding="utf-8"))
    assert written["recommended"] == exported.manifest["recommended"]
    said = lstm_not_recommended(written)
    assert said.startswith("The run recommended another forecast, 'mean of the LSTM and "
                           "AutoTheta' (chosen on its validation span)")
    done = predict_without_torch("predict", str(store.run_dir(run_id)),
                                 str(sample_path("airline_passengers")))
    assert done.returncode == 0, done.stderr
    assert f"note: {said}" in done.stderr
    with speaking("zh"):  # the method's name said in the reader's language too
        assert "'LSTM 与 AutoTheta 取平均'" in lstm_not_recommended(written)
    for nothing in ({}, {"recommended": {"method": "lstm"}}, {"recommended": {"method": ""}},
                    {"recommended": "AutoTheta"}, {"recommended": {"name": "x"}}):
        assert lstm_not_recommended(nothing) == ""


def test_a_report_nested_too_deep_is_no_recommendation(tmp_path):
    """A run's report.json comes with a user's bundle: nested 100,000 deep it overflowed
    Python's stack (a RecursionError) where the export reads its recommendation."""
    from lstm_app.runs.onnx import _recommended
    from lstm_app.runs.store import RunStore

    store = RunStore(tmp_path / "home")
    run_id = store.create("forecast", "deep", {"hidden_size": 8}, "d.csv", 10, "beef")
    store.write_bytes(run_id, "report.json", b"[" * 100_000 + b"]" * 100_000)
    assert _recommended(store, run_id) is None
    store.write_bytes(run_id, "report.json", b'{"recommended": {"method": "auto_ets"}}')
    assert _recommended(store, run_id) == {"method": "auto_ets", "name": ""}
