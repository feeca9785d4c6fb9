"""User text quoted in the project's own sentences: one short printable line, whatever it holds."""

from lstm_app.quoting import cut, listed, printable, quoted


def test_control_characters_become_spaces_and_the_rest_stays():
    assert printable("a\nb\x1b]0;title\x07c\x9bd") == "a b ]0;title c d"
    assert printable("销售额 (€) x") == "销售额 (€) x"  # letters of any script are not controls


def test_a_long_name_is_cut_with_an_ellipsis():
    assert quoted("sales") == "'sales'"
    assert cut("v" * 100_000) == "v" * 59 + "…" and len(quoted("v" * 100_000)) == 62
    assert quoted("x" * 60) == f"'{'x' * 60}'"  # exactly the limit: whole
    assert quoted("abc", limit=2) == "'a…'"


def test_a_list_names_the_first_few_and_counts_the_rest():
    assert listed([]) == ""
    assert listed(["a", "b"]) == "'a', 'b'"
    assert listed([f"c{i}" for i in range(10_000)]) == "'c0', 'c1', 'c2', 'c3', 'c4' and 9,995 more"
    assert listed(["a\nb", "v" * 500], each=10) == "'a b', 'vvvvvvvvv…'"


def test_a_missing_folder_and_a_file_in_a_folders_place_are_said_as_such(tmp_path):
    from lstm_app.file_checks import error_sentence

    there = tmp_path / "x.zip"
    there.write_bytes(b"")
    missing = tmp_path / "nodir" / "x.zip"
    assert error_sentence(FileNotFoundError(2, "No such file or directory", str(missing))) == \
        f"There is no folder '{missing.parent}'; create it or give another path."
    assert error_sentence(FileNotFoundError(2, "No such file or directory", str(tmp_path / "y"))) \
        == f"There is no file at '{tmp_path / 'y'}'; check the path."
    try:
        there.mkdir()
    except FileExistsError as error:
        said = error_sentence(error)
    assert said == f"'{there}' is already there and is not a folder; give the name of a new folder."


def test_a_file_to_write_is_tried_before_any_work_and_left_as_it_was(tmp_path):
    import os
    import threading

    import pytest

    from lstm_app.file_checks import check_writable

    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    old.write_text("kept")
    check_writable(new)
    check_writable(old)
    assert not new.exists() and old.read_text() == "kept"
    with pytest.raises(ValueError) as error:  # a folder that exists but takes no new file
        check_writable("/proc/forecast.csv")
    assert str(error.value) == ("'/proc/forecast.csv' cannot be created in its folder; give a "
                                "path in a folder you can write to.")
    with pytest.raises(ValueError) as error:  # a path below a file
        check_writable(old / "forecast.csv")
    assert str(error.value) == f"'{old}' is a file, not a folder; give a path in a folder."
    with pytest.raises(ValueError) as error:  # a folder's name: it was written as a file
        check_writable(f"{tmp_path}/newdir/")
    assert str(error.value) == (f"'{tmp_path}/newdir/' ends in a slash, as a folder's name "
                                "does; give the path of a file, its name after the slash.")
    assert not (tmp_path / "newdir").exists()
    with pytest.raises(IsADirectoryError):  # a folder that is there: as before
        check_writable(f"{tmp_path}/")
    link = tmp_path / "latest.csv"  # a link to a file still to be written: left as it is
    link.symlink_to(tmp_path / "results" / "2024.csv")
    with pytest.raises(FileNotFoundError):  # its folder is not there: said before any work
        check_writable(link)
    (tmp_path / "results").mkdir()
    check_writable(link)
    assert link.is_symlink() and not (tmp_path / "results" / "2024.csv").exists()
    pipe = tmp_path / "pipe"  # nothing reads it: opening it to try would wait for ever
    os.mkfifo(pipe)
    checked = threading.Thread(target=check_writable, args=(pipe,), daemon=True)
    checked.start()
    checked.join(30)
    assert not checked.is_alive(), "check_writable waited on a pipe nothing reads"


def test_an_output_is_written_whole_or_not_at_all_and_a_full_disk_is_said_first(
        tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    from collections import namedtuple

    import pytest

    from lstm_app import file_checks
    from lstm_app.file_checks import check_writable, write_output
    from tests.conftest import REPO

    old = tmp_path / "forecast.csv"
    old.write_text("kept")
    old.chmod(0o600)
    # a size limit (ulimit -f) met half-way: the file that was there stays, no part is left
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512)); "
            "from lstm_app.file_checks import write_output\n"
            "try:\n    write_output(sys.argv[1], 'x' * 5000)\n"
            "except ValueError as e:\n    print(e)")
    done = subprocess.run([sys.executable, "-c", code, str(old)], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout == (f"'{old}' could not be written (File too large); the file that was "
                           "there is kept as it was. Give another path, or make room on its "
                           "disk.\n"), done.stdout + done.stderr
    assert old.read_text() == "kept" and os.listdir(tmp_path) == ["forecast.csv"]
    write_output(old, "time,forecast\n")  # written whole: its permissions kept
    assert old.read_text() == "time,forecast\n" and old.stat().st_mode & 0o777 == 0o600
    link = tmp_path / "latest.csv"  # a link: its file replaced, the link kept
    link.symlink_to(old)
    write_output(link, b"new")
    assert link.is_symlink() and old.read_bytes() == b"new"
    with pytest.raises(ValueError, match=r"^'/dev/full' could not be written \(No space left "
                       r"on device\); give another path\.$"):
        write_output("/dev/full", "x")  # a device: written as it is
    long_name = tmp_path / ("a" * 250 + ".csv")  # the longest a name may be: its part file too
    write_output(long_name, "x")
    assert long_name.read_text() == "x" and len(os.listdir(tmp_path)) == 3
    # /dev/stdout where the shell sends the output to a log (>>) or a pipe: written through
    # the stream, never replacing the log
    log = tmp_path / "app.log"
    log.write_text("kept line\n")
    write = ("import sys; from lstm_app.file_checks import write_output; "
             "write_output('/dev/stdout', 'forecast\\n'); print('said')")
    shell = f"{sys.executable} -c \"{write}\""
    for command, expected in [(f"{shell} >> {log}; cat {log}", "kept line\nforecast\nsaid\n"),
                              (f"{shell} | cat", "forecast\nsaid\n")]:
        done = subprocess.run(command, shell=True, cwd=REPO, capture_output=True, text=True,
                              timeout=60)
        assert done.stdout == expected and done.stderr == "", done.stdout + done.stderr
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(file_checks.shutil, "disk_usage", lambda path: usage(10**9, 10**9, 4096))
    with pytest.raises(ValueError, match=r"has only 4,096 bytes free; make room on it"):
        check_writable(tmp_path / "report.json")  # said before a training or a study


def test_a_text_too_short_even_for_one_stream_asks_only_for_a_longer_text():
    import pytest

    from lstm_app.text.spans import check_sizes

    with pytest.raises(ValueError) as error:
        check_sizes(6, 1, 1)
    assert str(error.value) == ("The text has 6 training and 1 validation tokens, too few to "
                                "train on; use a longer text (at least 2 training and 2 "
                                "validation tokens).")
    with pytest.raises(ValueError, match="or a smaller batch size"):
        check_sizes(6, 2, 4)


def test_controls_that_reorder_text_never_turn_the_words_around_a_name_backwards():
    from lstm_app.loss_charts import runs_loss_chart
    from lstm_app.quoting import no_bidi, printable_lines
    from lstm_app.runs.table import shown_table
    from lstm_app.training.trainer import EpochRecord
    from lstm_app.ui.markdown import plain
    name = "\u202eMy run gpj.exe\u2066x\u2069"
    assert no_bidi(name) == "My run gpj.exex" and printable(name) == " My run gpj.exe x "
    assert printable_lines("a\tb\n\u202ec\x1b[0m") == "a\tb\n c [0m"
    assert plain(name) == "My run gpj.exex"
    assert "\u200f" in plain("\u200fשלום")  # a right-to-left mark reorders nothing around it
    chart = runs_loss_chart([(name, [EpochRecord(1, 1.0, 1.0)])])
    assert all("\u202e" not in (trace.name or "") for trace in chart.data)
    from types import SimpleNamespace
    run = SimpleNamespace(id="abc123def456", name=name, task="forecast", data_name=name,
                          status="finished", created=0.0, config={}, best_val_loss=None,
                          best_epoch=None, metrics={}, seconds=None, note=name)
    table = shown_table([run])
    assert "\u202e" not in "".join(map(str, table.iloc[0].tolist()))


def test_no_output_is_written_inside_the_run_store_or_fails_on_a_closed_stream(
        tmp_path, monkeypatch, capsys):
    import os
    import subprocess
    import sys

    from lstm_app.cli import main
    from tests.conftest import REPO

    home = tmp_path / "runs"
    monkeypatch.setenv("LSTM_APP_HOME", str(home))
    assert main(["runs", "list"]) == 0  # the store made
    capsys.readouterr()
    database = home / "runs.sqlite3"
    kept = database.read_bytes()
    for argv in (["runs", "export-csv", "--out", str(database)],
                 ["forecast", str(tmp_path / "data.csv"), "--report", str(home / "x.json")],
                 ["predict", str(tmp_path / "export"), "the", "--out", str(database)]):
        assert main(argv) == 2
        assert "inside the run store" in capsys.readouterr().err
    assert database.read_bytes() == kept and main(["runs", "list"]) == 0
    done = subprocess.run(f"{sys.executable} -m lstm_app runs export-csv --out /dev/stdout >&-",
                          shell=True, cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LSTM_APP_HOME": str(home)})
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    read, write = os.pipe()  # a reader gone before the first line (| head): nothing said
    os.close(read)
    for argv in (["runs", "export-csv"], ["runs", "export-csv", "--out", "/dev/stdout"]):
        done = subprocess.run([sys.executable, "-m", "lstm_app", *argv], stdout=write,
                              stderr=subprocess.PIPE, cwd=REPO, timeout=120, text=True,
                              env={**os.environ, "LSTM_APP_HOME": str(home)})
        assert done.returncode == 1 and done.stderr == "", done.stderr
    os.close(write)
    from lstm_app.file_checks import ended_early
    assert ended_early(BrokenPipeError()) is None  # a pipe to a worker, not the reader: said


def test_a_command_never_writes_over_the_file_it_reads_or_twice_to_one_file(tmp_path, capsys):
    from lstm_app.cli import main
    from lstm_app.file_checks import check_apart

    corpus = tmp_path / "notes.txt"
    corpus.write_text("the cat sat on the mat. " * 80)
    alias = tmp_path / "alias.txt"  # another name of the same file
    alias.symlink_to(corpus)
    assert main(["text", str(corpus), "--epochs", "1", "--quiet", "--report", str(alias)]) == 2
    assert capsys.readouterr().err == (
        f"error: --report names '{alias}', a file this command reads: writing it would replace "
        "it. Give another path.\n")
    assert corpus.read_text() == "the cat sat on the mat. " * 80
    both = tmp_path / "out.csv"  # not there yet: the same by name
    assert main(["forecast", str(tmp_path / "missing.csv"), "--out", str(both),
                 "--report", str(tmp_path / "." / "out.csv")]) == 2
    assert capsys.readouterr().err == ("error: --out and --report name the same file; give each "
                                       "its own path.\n")
    assert not both.exists()
    check_apart({"--out": "/dev/null", "--report": "/dev/null"}, [])  # a device takes both
    missing = str(tmp_path / "missing.csv")
    loop = tmp_path / "loop"  # a link to itself: a traceback in pathlib
    loop.symlink_to(loop)
    assert main(["forecast", missing, "--out", str(loop)]) == 2
    assert capsys.readouterr().err == (f"error: '{loop}' could not be written (Too many levels "
                                       "of symbolic links); give another path.\n")
    dangling = tmp_path / "latest.csv"  # a link into a folder that is not there: said first
    dangling.symlink_to(tmp_path / "nowhere" / "x.csv")
    assert main(["forecast", missing, "--out", str(dangling)]) == 2
    assert capsys.readouterr().err == (f"error: There is no folder '{tmp_path / 'nowhere'}'; "
                                       "create it or give another path.\n")
    # predict: a prompt read from a file, and the export's own files
    from lstm_app.export.commands import main as predict_main

    prompt = tmp_path / "prompt.txt"
    prompt.write_text("the")
    (tmp_path / "export.json").write_text("{}")
    for out in (prompt, tmp_path / "export.json"):
        assert predict_main(["predict", str(tmp_path), "@" + str(prompt), "--out", str(out)]) == 2
        assert "a file this command reads" in capsys.readouterr().err
    assert prompt.read_text() == "the" and (tmp_path / "export.json").read_text() == "{}"


def test_no_output_is_written_over_a_runs_database_kept_outside_the_store(tmp_path, monkeypatch,
                                                                          capsys):
    from lstm_app.cli import main

    database = tmp_path / "elsewhere" / "runs.sqlite3"
    database.parent.mkdir()
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LSTM_APP_DATABASE_URL", f"sqlite:///{database}")
    assert main(["runs", "list"]) == 0 and database.is_file()  # the store made, its database there
    capsys.readouterr()
    kept = database.read_bytes()
    for argv in (["runs", "export-csv", "--out", str(database)],
                 ["predict", str(tmp_path / "export"), "the", "--out", f"{database}-wal"]):
        assert main(argv) == 2
        assert "inside the run store" in capsys.readouterr().err
    assert database.read_bytes() == kept and main(["runs", "list"]) == 0
