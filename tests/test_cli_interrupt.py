"""Ctrl-C on the command line while the main thread is inside one long call (a batch's
backward pass): the first press is answered at once and stops the work after that call; a
second aborts, even before the call returns (Python had taken the two for one press)."""

import os
import signal
import subprocess
import sys
import textwrap

from tests.conftest import REPO

# Each round is one call that does not come back to Python for seconds, as a large model's
# backward pass does not.
WORK = textwrap.dedent("""
    import hashlib, sys
    from lstm_app.cli_progress import with_progress

    def train(callbacks):
        print("ready", flush=True)
        for _ in range(100):
            hashlib.pbkdf2_hmac("sha256", b"x", b"y", 20_000_000)
            if callbacks.stop_event.is_set():
                return "stopped"
        return "ran all"

    try:
        print(with_progress(True, train), flush=True)
    except KeyboardInterrupt:
        print("aborted", flush=True)
        sys.exit(130)
""")


def start() -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", WORK], cwd=REPO, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout.readline() == "ready\n"
    return process


def test_one_press_stops_after_the_call_and_says_so_at_once():
    process = start()
    process.send_signal(signal.SIGINT)
    # said while the call still runs, not once it has returned
    assert process.stderr.readline() == "\n"
    assert process.stderr.readline().startswith("Stopping after this batch (press Ctrl-C again")
    assert process.poll() is None
    out, _ = process.communicate(timeout=120)
    assert (process.returncode, out) == (0, "stopped\n")


def test_a_second_press_during_the_same_call_aborts():
    process = start()
    process.send_signal(signal.SIGINT)
    assert process.stderr.readline() == "\n"
    assert process.stderr.readline().startswith("Stopping after this batch")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)  # the call itself would run on for seconds
    assert process.returncode == 130 and err.endswith("Aborted.\n") and out == ""


def test_progress_is_a_line_per_epoch_where_stderr_is_not_a_terminal():
    """Redrawn in place on a terminal; in a log file each batch's redraw ran together into one
    line of hundreds of copies, so there it is one line at each epoch's end."""
    import io

    from lstm_app.cli_progress import ProgressBar
    from lstm_app.training.trainer import Progress

    def progress(kind, epoch, step):
        return Progress(kind, epoch, 2, step, 4, 0.5, 0.25 if kind == "epoch" else None, None,
                        1e-3, 1.0 * epoch, 10.0)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream in (io.StringIO(), Terminal()):
        bar = ProgressBar(stream)
        for epoch in (1, 2):
            for step in (1, 2, 3):
                bar(progress("batch", epoch, step))
            bar(progress("epoch", epoch, 4))
        bar.close()
        written = stream.getvalue()
        if isinstance(stream, Terminal):
            assert written.count("\r") == 8 and written.endswith("\n")
            bar.close()  # ended once: a stage said after it starts its own line, and no blank
            assert stream.getvalue() == written
        else:
            assert "\r" not in written
            assert [line.split(" [")[0] for line in written.splitlines()] == ["epoch 1/2",
                                                                              "epoch 2/2"]
            assert all("val 0.2500" in line for line in written.splitlines())


def test_a_first_press_after_training_says_the_scoring_goes_on_not_a_batch(capsys):
    """Pressed while the baselines were fitted, it said "Stopping after this batch" of a
    training long over."""
    import threading

    from lstm_app.cli_progress import _Presses

    for scoring, said in ((False, "Stopping after this batch"),
                          (True, "Training is over; the scoring goes on, leaving out what it "
                                 "can (press Ctrl-C again to abort)")):
        stop = threading.Event()
        presses = _Presses(stop)
        presses.scoring = scoring
        presses._pressed()
        os.close(presses.read)
        os.close(presses.write)
        assert stop.is_set() and said in capsys.readouterr().err
