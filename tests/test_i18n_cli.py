"""The command line in Chinese (issue 17): under LANG=zh_CN.UTF-8 its help (argparse's own words
too), a training's progress and results, `runs list` and `runs show`, and its refusals print
Chinese with no English left, as a user in a shell sees them; English stays argparse's and ours."""

import argparse
import os
import re
import subprocess
import sys

import pytest

from lstm_app.argparse_words import argparse_in_language, argparse_word
from lstm_app.i18n import language, set_language
from tests.chinese import english_left
from tests.conftest import REPO, SAMPLES

TINY = ["--hidden-size", "8", "--num-layers", "1", "--epochs", "2"]
AIRLINE = SAMPLES / "airline_passengers.csv"
ARTICLE = SAMPLES / "lstm_zh.txt"


def english(texts, allowed=()) -> list[str]:
    """english_left, less "MAPE": a metric's name as MASE and sMAPE are (which NAMES has), left
    in the table's header and the MAPE sentence; NAMES lacks it for now."""
    return [w for w in english_left(texts, allowed) if w.lower() != "mape"]


def run_cli(*args: str, home=None, lang="zh_CN.UTF-8") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env["LANG"] = lang
    if home is not None:
        env["LSTM_APP_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "lstm_app", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


def lines_of(stream: str) -> list[str]:
    """What a terminal shows: the progress bar redraws its line with \\r, each drawing a line."""
    return [line for line in re.split(r"[\r\n]", stream) if line.strip()]


def help_words(text: str) -> list[str]:
    """The words of a --help, less what is typed, not read: the usage block (the command, its
    options and their metavars) and the left column of each option (``--hidden-size N``,
    ``{forecast,text,…}``, a positional's name). What is left is argparse's and our prose."""
    text = re.sub(r"^用法：.*?(?:\n\n|\Z)", "", text, flags=re.S | re.M)
    return [re.sub(r"^ {2,4}\S.*?(?: {2,}|$)", "", line) for line in text.splitlines()]


def saved_as(done: subprocess.CompletedProcess) -> str:
    return re.search(r"已保存为运行记录 ([0-9a-f]+)", done.stdout).group(1)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A run store with a forecast and a text model, each trained in Chinese with --save-run,
    and what those trainings printed."""
    home = tmp_path_factory.mktemp("home")
    forecast = run_cli("forecast", str(AIRLINE), *TINY, "--statistical-seconds", "0",
                       "--save-run", home=home)
    text = run_cli("text", str(ARTICLE), *TINY, "--embedding-dim", "8", "--seq-len", "20",
                   "--batch-size", "8", "--length", "20", "--minutes", "0.2", "--save-run",
                   home=home)
    assert forecast.returncode == 0, forecast.stderr
    assert text.returncode == 0, text.stderr
    return home, forecast, text


@pytest.mark.parametrize("command", [[], ["forecast"], ["text"], ["classify"], ["runs"],
                                     ["runs", "export-onnx"], ["predict"]])
def test_the_help_is_chinese_with_argparse_s_words(command):
    done = run_cli(*command, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("用法：python -m lstm_app")
    assert "选项:" in done.stdout and "显示这段帮助并退出" in done.stdout
    assert "usage:" not in done.stdout and "show this help" not in done.stdout
    assert not english_left(help_words(done.stdout)), english_left(help_words(done.stdout))


def test_argparse_s_own_refusals_are_chinese():
    done = run_cli("forecast")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "python -m lstm_app forecast：错误：缺少必需的参数：data"
    done = run_cli("predict", "folder", "input.csv", "--length", "many")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == ("python -m lstm_app predict：错误：参数 --length："
                                            "无效的 int 值：'many'")
    done = run_cli("runs", "list", "--bogus")
    assert "错误：无法识别的参数：--bogus" in done.stderr and "Traceback" not in done.stderr


def test_a_forecast_s_progress_and_table_are_chinese(home):
    store, done, _ = home
    shown = lines_of(done.stderr) + lines_of(done.stdout)
    data = [AIRLINE.name, str(store), saved_as(done)]  # the user's file, store and run
    progress = [line for line in lines_of(done.stderr) if line.startswith("第 ")]
    assert progress and all("轮 [" in line and "训练损失" in line for line in progress)
    assert any("验证损失" in line for line in progress)
    assert "季节性朴素法" in done.stdout and "测试集上预测区间的覆盖率" in done.stdout
    assert "已保存为运行记录" in done.stdout
    assert not english(shown, allowed=data), english(shown, allowed=data)


def test_a_text_model_s_progress_and_scores_are_chinese(home):
    store, _, done = home
    out = lines_of(done.stdout)
    sample = out.index("--- 生成样例 ---")  # the sample the model wrote is the corpus' letters
    ends = next(i for i, line in enumerate(out) if line.startswith("--- 样例中"))
    shown = lines_of(done.stderr) + out[:sample] + out[ends:]
    assert any(line.startswith("验证损失") and "困惑度" in line for line in out)
    assert any(line.startswith("提示：根据这段文本的大小建议的设置：") for line in shown)
    data = [ARTICLE.name, str(store), saved_as(done)]
    assert not english(shown, allowed=data), english(shown, allowed=data)


def test_runs_list_and_show_are_chinese(home):
    store, forecast, text = home
    done = run_cli("runs", "list", home=store)
    assert done.returncode == 0, done.stderr
    assert "已完成" in done.stdout and "预测" in done.stdout and "文本" in done.stdout
    names = [AIRLINE.name, ARTICLE.name, saved_as(forecast), saved_as(text)]
    assert not english_left([done.stdout], allowed=names), english_left([done.stdout], names)
    run_id = saved_as(forecast)
    done = run_cli("runs", "show", run_id, home=store)
    assert done.returncode == 0, done.stderr
    read = [line for line in done.stdout.splitlines()  # the settings and scores are JSON
            if not line.startswith(("设置：", "得分："))]
    assert read[0].startswith(f"{AIRLINE.name}（{run_id}）：基于 {AIRLINE.name} 的预测（144 行）")
    assert not english_left(read, allowed=names), english_left(read, names)
    empty = run_cli("runs", "list", home=store / "none")
    assert empty.stdout.startswith(f"{store / 'none'} 中还没有运行记录")


@pytest.mark.parametrize("args, sentence", [
    (["text", "nope.txt"], "错误：'nope.txt' 处没有文件；请检查路径。\n"),
    (["forecast", str(AIRLINE), "--epochs", "many"], "错误：训练轮数必须是 1 到 10,000 之间的整数。\n"),
    (["text", str(ARTICLE), "--dropout", "1.5"], None),
    (["runs", "show", "nope"], None),
    (["predict", "nope", "input.csv"], "错误：没有文件夹 'nope'：请给出 "
                                       "`python -m lstm_app runs export-onnx` 写出的文件夹。\n")])
def test_a_refusal_is_one_chinese_sentence(args, sentence, tmp_path):
    done = run_cli(*args, home=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("错误：") and done.stderr.count("\n") == 1, done.stderr
    if sentence:
        assert done.stderr == sentence
    data = [str(tmp_path), *args, *(f"'{arg}'" for arg in args)]  # as given, and quoted
    assert not english_left([done.stderr], allowed=data), done.stderr


def test_english_is_argparse_s_and_ours_as_before():
    done = run_cli("forecast", "--help", lang="C.UTF-8")
    assert done.stdout.startswith("usage: python -m lstm_app forecast [-h]")
    assert "\noptions:\n  -h, --help            show this help message and exit\n" in done.stdout
    assert "(default: detected)" in done.stdout and "(default: adam)" in done.stdout
    done = run_cli("forecast", lang="C.UTF-8")
    assert done.stderr.splitlines()[-1] == ("python -m lstm_app forecast: error: the following "
                                            "arguments are required: data")


def test_the_hook_gives_argparse_its_placeholders_back_and_then_leaves():
    before, gettext_words = language(), argparse._
    try:
        set_language("zh")
        assert argparse_word("%(prog)s: error: %(message)s\n") == "%(prog)s：错误：%(message)s\n"
        assert argparse_word("invalid choice: %(value)r (choose from %(choices)s)") == \
            "无效的选择：%(value)r（可选：%(choices)s）"
        assert argparse_word("the following arguments are required: %s") == "缺少必需的参数：%s"
        assert argparse_word("a sentence argparse never says") == "a sentence argparse never says"
        with argparse_in_language():
            assert argparse._ is argparse_word
            parser = argparse.ArgumentParser(prog="demo")
        assert argparse._ is gettext_words
        words = parser.format_help()  # its groups were named in Chinese, "usage" is asked later
        assert words.startswith("usage: demo [-h]") and "选项:" in words
        set_language("en")
        assert argparse_word("usage: ") == "usage: "
    finally:
        set_language(before)


def test_chinese_help_fits_the_terminal_by_columns():
    """argparse wraps by characters; a Chinese character takes two columns: the help is
    wrapped by columns (only closing punctuation may stand past the edge, kept with its word)."""
    import unicodedata
    done = subprocess.run([sys.executable, "-m", "lstm_app", "forecast", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LANG": "zh_CN.UTF-8", "COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    columns = lambda line: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    wide = [line for line in done.stdout.splitlines()
            if columns(line.rstrip("，。；：）”")) > 80]
    assert wide == [], wide


def test_a_mistyped_option_is_refused_by_its_command_naming_the_one_meant():
    done = run_cli("forecast", str(AIRLINE), "--horizn", "3", "--lokback", "4", lang="en_US.UTF-8")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("usage: python -m lstm_app forecast")  # its own usage
    assert done.stderr.splitlines()[-1] == (
        "python -m lstm_app forecast: error: unrecognized arguments: --horizn 3 --lokback 4; "
        "did you mean --horizon or --lookback?")
    done = run_cli("forecast", str(AIRLINE), "--horizn", "3")
    assert done.stderr.splitlines()[-1] == ("python -m lstm_app forecast：错误：无法识别的参数："
                                            "--horizn 3；你是想用 --horizon 吗？")
    done = run_cli("forecast", str(AIRLINE), "--zzz", lang="en_US.UTF-8")  # nothing close
    assert done.stderr.splitlines()[-1].endswith("error: unrecognized arguments: --zzz")
    # runs list's own usage and options: not export's --out offered back for --out
    done = run_cli("runs", "list", "--out", "x", lang="en_US.UTF-8")
    assert done.stderr.startswith("usage: python -m lstm_app runs list")
    assert done.stderr.splitlines()[-1] == ("python -m lstm_app runs list: error: unrecognized "
                                            "arguments: --out x")
