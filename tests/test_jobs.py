"""Background jobs: results, stop, the concurrency limit and its queue, abandonment, failures."""

import threading
import time

from lstm_app.training.jobs import BatchPoint, JobQueue
from lstm_app.training.trainer import EpochRecord, Progress


def progress(epoch: int, kind: str = "epoch") -> Progress:
    val_loss = 2.0 / epoch if kind == "epoch" else None
    return Progress(kind=kind, epoch=epoch, epochs=10, step=5, steps_per_epoch=10, train_loss=1.0 / epoch,
                    val_loss=val_loss, best_val_loss=None, lr=1e-3, elapsed=epoch,
                    samples_per_sec=100.0,
                    record=EpochRecord(epoch, 1.0 / epoch, val_loss) if kind == "epoch" else None)


def until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def looping_task(release: threading.Event | None = None):
    """Reports progress until stopped (or released), then returns how many epochs it ran."""
    def task(callbacks):
        epoch = 0
        while not callbacks.stop_event.is_set() and not (release and release.is_set()):
            epoch += 1
            callbacks.on_progress(progress(epoch, "batch"))
            callbacks.on_progress(progress(epoch))
            callbacks.on_live({"epoch": epoch})
            time.sleep(0.005)
        return epoch
    return task


def test_a_job_runs_and_returns_its_result():
    job = JobQueue().submit(lambda callbacks: 42, label="answer")
    assert job.wait(5)
    snap = job.snapshot()
    assert snap.state == "finished" and snap.done and job.result() == 42 and snap.label == "answer"


def test_stop_ends_the_job_quickly_and_keeps_its_result():
    job = JobQueue().submit(looping_task())
    until(lambda: len(job.snapshot().history) >= 3)
    asked = time.monotonic()
    job.stop()
    assert job.wait(1.0) and time.monotonic() - asked < 1.0
    snap = job.snapshot()
    assert snap.state == "stopped" and job.result() >= 3
    assert snap.history[0] == EpochRecord(1, 1.0, 2.0)
    assert snap.batches[0] == BatchPoint(0.5, 1.0) and snap.live["epoch"] >= 3


def test_the_limit_queues_the_rest_in_order():
    queue = JobQueue(max_concurrent=1)
    release = threading.Event()
    first = queue.submit(looping_task(release))
    until(lambda: first.snapshot().state == "running")
    second, third = queue.submit(looping_task(release)), queue.submit(looping_task(release))
    until(lambda: third.snapshot().queue_position == 2)
    assert second.snapshot().state == "queued" and second.snapshot().queue_position == 1
    first.stop()
    until(lambda: second.snapshot().state == "running")
    assert third.snapshot().queue_position == 1 and queue.running() == 1
    third.stop()  # leaving the queue while waiting
    until(lambda: third.snapshot().state == "stopped")
    assert third.result() is None
    release.set()
    assert second.wait(2) and second.snapshot().state == "finished"


def test_an_unwatched_job_stops_itself():
    job = JobQueue(grace_seconds=0.2).submit(looping_task())
    assert job.wait(3)
    assert job.abandoned and job.snapshot().state == "stopped"


def test_heartbeats_keep_a_job_alive():
    job = JobQueue(grace_seconds=0.3).submit(looping_task())
    for _ in range(8):
        job.heartbeat()
        time.sleep(0.1)
    assert job.snapshot().state == "running"
    job.stop()
    assert job.wait(1) and not job.abandoned


def test_failures_become_plain_messages():
    def bad_input(callbacks):
        raise ValueError("The column 'x' has no values.")

    def bug(callbacks):
        raise KeyError("oops")

    queue = JobQueue()
    user, internal = queue.submit(bad_input), queue.submit(bug)
    assert user.wait(2) and internal.wait(2)
    assert user.snapshot().state == "failed" and user.snapshot().error == "The column 'x' has no values."
    assert internal.snapshot().error == (
        f"Training failed because of an internal error (reference {internal.id}). Press Train again; "
        f"if it fails again, tell whoever runs this app, with the reference.")
    assert "oops" not in internal.snapshot().error  # what the error said stays in the log
    assert queue.running() == 0


def test_no_thread_is_left_behind():
    before = threading.active_count()
    jobs = [JobQueue().submit(looping_task()) for _ in range(3)]
    for job in jobs:
        job.stop()
        assert job.wait(2)
    assert threading.active_count() == before


def test_seconds_left_comes_from_progress():
    job = JobQueue().submit(looping_task())
    until(lambda: job.snapshot().progress is not None and job.snapshot().progress.kind == "epoch")
    snap = job.snapshot()
    assert snap.seconds_left is not None and snap.seconds_left >= 0
    job.stop()
    job.wait(1)


def test_a_connected_watcher_keeps_the_job_alive_and_a_gone_one_lets_it_stop():
    connected = threading.Event()
    connected.set()
    job = JobQueue(grace_seconds=0.2).submit(looping_task(), watcher=connected.is_set)
    time.sleep(0.5)  # longer than the grace period, without a single heartbeat
    assert job.snapshot().state == "running" and job.tab_open()
    connected.clear()  # the tab was closed
    assert not job.tab_open()
    assert job.wait(3) and job.abandoned
    # Watched from another tab after a reload: that tab keeps it alive from then on.
    other = threading.Event()
    other.set()
    kept = JobQueue(grace_seconds=0.2).submit(looping_task(), watcher=lambda: False)
    kept.rewatch(other.is_set)
    time.sleep(0.5)
    assert kept.tab_open() and kept.snapshot().state == "running"
    other.clear()
    assert kept.wait(3) and kept.abandoned
    assert not JobQueue().submit(lambda **_: None).tab_open()  # started outside a server


def test_waiting_for_the_first_epoch():
    job = JobQueue().submit(looping_task())
    assert job.wait_for_first_epoch(2.0)
    assert len(job.snapshot().history) >= 1
    job.stop()
    job.wait(1)


def test_a_job_stopped_while_queued_says_so_once_and_a_started_one_never():
    queue = JobQueue(max_concurrent=1)
    release = threading.Event()
    cancelled = []
    first = queue.submit(looping_task(release), on_cancelled=lambda: cancelled.append("first"))
    until(lambda: first.snapshot().state == "running")
    second = queue.submit(looping_task(release), on_cancelled=lambda: cancelled.append("second"))
    until(lambda: second.snapshot().queue_position == 1)
    second.stop()
    assert second.wait(2) and second.snapshot().state == "stopped"
    assert second.wait_for_first_epoch(0.1)  # nobody waits in vain for a job that never ran
    release.set()
    assert first.wait(2) and first.snapshot().state == "finished"
    assert cancelled == ["second"]
