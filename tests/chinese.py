"""What a page shows in words, for the checks that a page in Chinese has no English left
(issue 17): titles, text, captions, notices, widget labels and options, expanders, tabs,
metrics, table headers, download labels, and the charts' titles, axes, legends and hovers."""

import json
import re

# Words a Chinese page may show in Latin letters: names, units and abbreviations readers know.
NAMES = {"lstm", "gru", "rnn", "rnns", "lstms", "csv", "mase", "smape", "mae", "rmse", "onnx",
         "mape", "f1", "int8", "fp32", "safetensors", "pickle", "torch", "pytorch", "studio", "english", "excel", "utf", "json", "id", "ids",
         "autoets", "autotheta", "autoarima", "tf", "idf", "ms", "kb", "mb", "gb", "cpu", "gpu",
         "cuda", "adam", "adamw", "sgd", "rmsprop", "top", "k", "p", "auto",  # settings' names
         "de", "cn", "us", "ca",  # country codes in the holidays' help
         "optuna", "tpe", "postgresql", "sqlite", "ray",  # the engines' names
         "keras", "box", "jenkins", "chnsenticorp", "tiny", "shakespeare",  # sources' names
         "exp", "mse", "txt", "tsv", "gbk", "big5", "gb18030", "windows", "nan", "zip", "pca",
         "xls", "xlsx", "ods", "libreoffice", "word",  # file formats and programs
         "euc", "kr", "shift", "jis",  # encodings' names
         "ets", "theta", "arima", "tanh", "sigmoid", "x", "t", "h", "c", "f", "i", "o", "r",
         "z", "e", "w", "b", "ln", "log", "pt", "py", "python", "m", "s", "d"}  # symbols


def _chart_words(spec: dict) -> list[str]:
    layout, texts = spec.get("layout", {}), []
    def title(node):
        if isinstance(node, dict):
            node = node.get("text")
        return [node] if isinstance(node, str) else []
    texts += title(layout.get("title"))
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(axis, dict):
            texts += title(axis.get("title"))
    for note in layout.get("annotations", []) or []:
        texts += [note.get("text", "")]
    for trace in spec.get("data", []):
        if trace.get("showlegend", True) is not False and isinstance(trace.get("name"), str):
            texts.append(trace["name"])
        if isinstance(trace.get("hovertemplate"), str):
            texts.append(re.sub(r"%\{[^}]*\}|<extra>.*?</extra>|<br>", " ",
                                trace["hovertemplate"]))
        for axis in ("colorbar",):
            if isinstance(trace.get(axis), dict):
                texts += title(trace[axis].get("title"))
    return texts


def visible_text(at) -> list[str]:
    """Every word the page shows except the values in its tables."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "exception"):
        texts += [str(element.value) for element in at.get(kind)]
    for kind in ("button", "checkbox", "radio", "selectbox", "multiselect", "text_input",
                 "number_input", "slider", "select_slider", "toggle", "text_area",
                 "date_input", "button_group", "file_uploader", "download_button"):
        for widget in at.get(kind):
            label = getattr(widget, "label", None)
            if label is None and hasattr(widget, "proto"):
                label = getattr(widget.proto, "label", "")
            texts.append(str(label or ""))
            texts += [str(option) for option in getattr(widget, "options", None) or []]
            if hasattr(widget, "proto") and getattr(widget.proto, "help", ""):
                texts.append(widget.proto.help)
    for kind in ("expander", "tab", "status"):
        texts += [str(getattr(e, "label", "")) for e in at.get(kind)]
    for metric in at.get("metric"):
        texts += [metric.label]
    for table in at.get("dataframe"):
        texts += [str(c) for c in table.value.columns]
    for chart in at.get("plotly_chart"):
        texts += _chart_words(json.loads(chart.proto.spec))
    return texts


# A holiday calendar's choice: the country in Chinese, then the region's code as the holidays
# package names it ("德国，BY（DE-BY）", "法国，Zone A（FR-Zone A）"): codes, not sentences.
HOLIDAY_CHOICE = re.compile(r"[^A-Za-z]+?(，[^（]+)?（[A-Z]{2,3}(-[^）]+)?）")
RUN_ID = re.compile(r"(?=[0-9a-f]*[0-9])[0-9a-f]{6,}")  # a run's id or a file's digest
TOKEN = r"[A-Za-z0-9]+(?:'[A-Za-z]+)*"  # letters and digits, an apostrophe inside (don't)
WORD = r"[A-Za-z][A-Za-z0-9]*(?:'[A-Za-z]+)*"  # a word, with an apostrophe inside (don't), not a quote


def english_left(texts: list[str], allowed=()) -> list[str]:
    """Latin-letter words in ``texts`` that are not names, units, markup or ``allowed`` (the
    user's own data: column names, file names, ids)."""
    own = {w.lower() for text in allowed for w in re.findall(WORD, str(text))}
    words = []
    for text in texts:
        if HOLIDAY_CHOICE.fullmatch(text):
            continue
        plain = re.sub(r":material/[a-z_]+:|\*\*|`[^`]*`|https?://\S+|<[^>]+>|&[a-z]+;", " ",
                       text)
        for token in re.findall(TOKEN, plain):
            word = token.lstrip("0123456789")
            if word and not RUN_ID.fullmatch(token) and word.lower() not in NAMES \
                    and word.lower() not in own:
                words.append(word)
    return words
