"""Running a training on a Ray cluster, behind the same task signature as a local worker process.

``on_ray(address)(task)`` returns ``run(callbacks)``: it runs ``task`` as a Ray task on the
cluster at ``address`` (``LSTM_APP_RAY_ADDRESS``, or ``--ray`` on the command line) and relays
what it reports to ``callbacks`` here, where the app records it: every epoch, every checkpoint
(the trained model itself comes back), the live views, the scoring's stages, then the result.
The run store stays on the app's side, the one source of truth; the cluster never writes to it.

Messages travel through a small Ray actor (``_Channel``, one per app process, made with its
first training) that the task writes to and this side drains every 0.2 s; Stop sets a flag there that the task reads between two batches (it then
keeps its best weights, as a local Stop does), and a task that has not ended a minute after
Stop is cancelled. A task the cluster loses (its worker or node dies, or it is cancelled) is
``WorkerKilled`` with a sentence. Ray is imported only here, when a cluster is configured.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import threading
import time
import traceback
import uuid
from typing import Any, Callable

from ..i18n import tr
from .process import WorkerFailed, WorkerKilled, _Throttle
from .trainer import Callbacks

RAY_ADDRESS_VARIABLE = "LSTM_APP_RAY_ADDRESS"
DRAIN_SECONDS = 0.2
CANCEL_AFTER_STOP = 60.0    # seconds a stopped task may take to end by itself
_connect_lock = threading.Lock()
_hub_handle = None          # this process's channel actor, once made
_remote_function = None     # the remote task, once exported


def ray_address() -> str | None:
    """The cluster trainings run on, if one is configured."""
    return os.environ.get(RAY_ADDRESS_VARIABLE, "").strip() or None


def connect(address: str):
    """The ``ray`` module, connected to the cluster at ``address`` (once per process), or a
    ValueError that says the cluster cannot be reached (or that Ray is not installed here)."""
    try:
        import ray
    except ImportError:
        raise ValueError(tr("Trainings are to run on the Ray cluster at {address} ({variable}, or "
                            "{option} on the command line), but Ray is not installed here: "
                            "install it ({command}), or leave the address out to train on this "
                            "machine.", address=address, variable=RAY_ADDRESS_VARIABLE,
                            option="--ray", command="python -m pip install -r requirements.txt")
                         ) from None

    global _hub_handle, _remote_function
    with _connect_lock:
        if not ray.is_initialized():
            _reachable(address)  # ray.init would retry an address that answers for minutes
            _hub_handle = _remote_function = None  # a new connection: made again on it
            try:
                ray.init(address=address, namespace="lstm_app", log_to_driver=False,
                         logging_level=logging.WARNING, configure_logging=False)
            except Exception as error:  # ConnectionError, RuntimeError, ValueError: all alike
                reason = str(error).strip().splitlines()[0][:200] if str(error).strip() \
                    else type(error).__name__
                raise ValueError(unreachable(address, reason)) from None
    return ray


def _reachable(address: str) -> None:
    """A ValueError in words unless ``address`` (HOST:PORT, the head's) takes a connection."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=5):
            return
    except ValueError:
        reason = tr("it is not HOST:PORT")
    except OSError as error:
        reason = error.strerror or type(error).__name__
    raise ValueError(unreachable(address, reason))


def unreachable(address: str, reason: str) -> str:
    """Why the cluster at ``address`` cannot be used, and where its address is set (the server's
    variable or the command line's option: either may have given it)."""
    return tr("The Ray cluster at {address} cannot be reached ({reason}); check the address "
              "({variable}, or {option} on the command line) and that its head runs (ray start "
              "--head).", address=address, reason=reason, variable=RAY_ADDRESS_VARIABLE,
              option="--ray")


def cluster_resources(address: str) -> dict:
    """The cluster's CPUs and GPUs, free and in all: ``{"cpus": (free, total), "gpus": …}``."""
    ray = connect(address)
    free, total = ray.available_resources(), ray.cluster_resources()
    return {kind: (free.get(key, 0.0), total.get(key, 0.0))
            for kind, key in (("cpus", "CPU"), ("gpus", "GPU"))}


def on_ray(address: str, threads: int = 1) -> Callable[[Callable], Callable[[Callbacks], Any]]:
    """``on_ray(address)(task)``: ``task(callbacks)`` run on the cluster (module docstring),
    with ``threads`` CPUs (and torch threads) of it, and LSTM_APP_RAY_GPUS GPUs (0 unless
    set)."""
    gpus = float(os.environ.get("LSTM_APP_RAY_GPUS", "0") or 0)

    def wrap(task: Callable[[Callbacks], Any]) -> Callable[[Callbacks], Any]:
        def run(callbacks: Callbacks):
            ray = connect(address)
            token = uuid.uuid4().hex
            try:
                hub = _hub(ray)
                ref = _remote(ray).options(num_cpus=threads, num_gpus=gpus).remote(
                    task, hub, token, threads)
                return _follow(ray, ref, hub, token, callbacks)
            except (ValueError, WorkerFailed):
                raise
            except Exception as error:
                if not isinstance(error, ray.exceptions.RayError):
                    raise
                if isinstance(error, ray.exceptions.RayActorError):
                    _forget_hub()  # the channel itself is gone: the next run makes another
                raise WorkerKilled(lost_sentence(error)) from None

        return run

    return wrap


def _follow(ray, ref, hub, token: str, callbacks: Callbacks):
    """Relay the task's messages until it ends; pass Stop on; its result, or its error. A task
    this side stops following (an error here) is stopped and cancelled, never left running."""
    stopped_at, ended = None, False
    try:
        while True:
            if callbacks.stop_event is not None and callbacks.stop_event.is_set():
                hub.stop.remote(token)
                callbacks.stop_event.clear()  # passed on: a later Stop is a new request
                stopped_at = stopped_at or time.monotonic()
            ready, _ = ray.wait([ref], timeout=DRAIN_SECONDS)
            messages = ray.get(hub.take.remote(token))
            if any(kind == "stage" for kind, _ in messages):
                stopped_at = None  # the training ended and scoring began: it honours Stop
            _relay(messages, callbacks)
            if ready:
                ended = True
                kind, payload = ray.get(ref)
                _relay(ray.get(hub.take.remote(token)), callbacks)
                if kind == "result":
                    return payload
                if kind == "user_error":
                    raise ValueError(payload)
                raise WorkerFailed(*payload)
            if stopped_at and time.monotonic() - stopped_at > CANCEL_AFTER_STOP:
                ray.cancel(ref, force=True)
                stopped_at = None
    finally:
        if not ended:
            hub.stop.remote(token)
            ray.cancel(ref, force=True)
        hub.forget.remote(token)


def _hub(ray):
    """This process's channel actor, made the first time a training is sent (an actor is a
    process of its own: one per training would add seconds to each)."""
    global _hub_handle
    with _connect_lock:
        if _hub_handle is None:
            _hub_handle = ray.remote(num_cpus=0)(_Channel).remote()  # calls in order
        return _hub_handle


def _forget_hub() -> None:
    global _hub_handle
    with _connect_lock:
        _hub_handle = None


def _remote(ray):
    """The remote function, exported to the cluster once per process (not once per training)."""
    global _remote_function
    with _connect_lock:
        if _remote_function is None:
            _remote_function = ray.remote(max_retries=0)(_remote_task)
        return _remote_function


def lost_sentence(error: Exception) -> str:
    """The cluster lost the training: say how, in plain words (Ray's names for it)."""
    return tr("The Ray cluster lost this training ({how}): its worker or machine stopped, or "
              "the task was cancelled. The last checkpoint that came back is kept.",
              how=type(error).__name__)


def _relay(messages: list, callbacks: Callbacks) -> None:
    for kind, payload in messages:
        target = {"progress": callbacks.on_progress, "live": callbacks.on_live,
                  "stage": callbacks.on_stage}.get(kind)
        if kind == "checkpoint" and callbacks.on_checkpoint is not None:
            callbacks.on_checkpoint(*payload)
        elif target is not None:
            target(payload)


class _Channel:
    """The messages each remote training sends back, and the Stop flags they read, by token
    (one Ray actor per app process serves all its trainings)."""

    def __init__(self):
        self.messages: dict[str, list] = {}
        self.stops: set[str] = set()
        self.forgotten: set[str] = set()  # trainings nobody follows any more

    def put(self, token: str, kind: str, payload) -> None:
        if token not in self.forgotten:
            self.messages.setdefault(token, []).append((kind, payload))

    def take(self, token: str) -> list:
        return self.messages.pop(token, [])

    def stop(self, token: str) -> None:
        self.stops.add(token)

    def clear_stop(self, token: str) -> None:
        self.stops.discard(token)

    def stopped(self, token: str) -> bool:
        return token in self.stops

    def forget(self, token: str) -> None:
        self.messages.pop(token, None)
        self.forgotten.add(token)
        self.stops.add(token)  # a task still running reads Stop


class _RemoteStop:
    """The Stop flag as a training reads it (``is_set`` between two batches): the channel's,
    asked at most every half second."""

    def __init__(self, hub, token: str, seconds: float = 0.5):
        self.hub, self.token, self.seconds = hub, token, seconds
        self.asked, self.value = 0.0, False

    def is_set(self) -> bool:
        import ray

        if not self.value and time.monotonic() - self.asked >= self.seconds:
            self.asked = time.monotonic()
            self.value = ray.get(self.hub.stopped.remote(self.token))
        return self.value

    def clear(self) -> None:
        self.value = False
        self.hub.clear_stop.remote(self.token)

    def set(self) -> None:
        self.value = True
        self.hub.stop.remote(self.token)


def _remote_task(task: Callable[[Callbacks], Any], hub, token: str, threads: int):
    """On the cluster: run ``task`` with callbacks that write to the ``hub`` under ``token``;
    return what it returned, or its error in words (a ValueError's sentence, a bug's
    traceback)."""
    import torch

    torch.set_num_threads(threads)
    send = lambda kind, payload: hub.put.remote(token, kind, payload)
    throttle = _Throttle(send)
    try:
        result = task(Callbacks(
            on_progress=throttle.progress, on_live=throttle.live,
            on_checkpoint=lambda trained, epoch: send("checkpoint", (_on_cpu(trained), epoch)),
            stop_event=_RemoteStop(hub, token), on_stage=lambda text: send("stage", text)))
        throttle.flush()
        import ray
        ray.get(hub.put.remote(token, "end", None))  # every message is in before the result
        return "result", result
    except ValueError as error:
        return "user_error", str(error)
    except Exception as error:
        return "bug", (f"{type(error).__name__}: {error}", traceback.format_exc())


def _on_cpu(trained):
    """A checkpoint as it travels: its model copied to the CPU (the app may have no GPU)."""
    model = getattr(trained, "model", None)
    if model is None or next(model.parameters()).device.type == "cpu":
        return trained
    moved = copy.copy(trained)
    moved.model = copy.deepcopy(model).cpu()
    return moved

