"""The load benchmark's server: started in its own process group on a free port, stopped, and
its memory and training workers read from /proc (the server with all its children)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def start_server(home: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=dict(os.environ, LSTM_APP_HOME=str(home), PYTHONUNBUFFERED="1"),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if opener.open(url + "/_stcore/health", timeout=2).read() == b"ok":
                return server, url
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"the app did not start; its log:\n{log_path.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(15)


def children_of() -> dict[int, list[int]]:
    """Every process's children, from /proc (parent pid → child pids)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree, found, todo = children_of(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_mb(pid: int) -> float:
    """A process's resident memory in MB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def server_memory(pid: int) -> dict:
    """Resident MB of the server process, and of it with all its children (the workers'
    forkserver, training workers): a sum of RSS, so pages shared after a fork count twice."""
    children = descendants(pid)
    return {"server_mb": round(rss_mb(pid), 1),
            "total_mb": round(rss_mb(pid) + sum(rss_mb(c) for c in children), 1),
            "processes": 1 + len(children)}


def workers(pid: int) -> list[dict]:
    """Training workers under the server: the children of its forkserver (a child that runs
    multiprocessing's forkserver; workers forked from it share its command line)."""
    tree = children_of()
    forkservers = [c for c in tree.get(pid, []) if "forkserver" in command_line(c)]
    return [{"pid": w, "rss_mb": round(rss_mb(w), 1), "command": command_line(w)[:120]}
            for f in forkservers for w in descendants(f)]


def settled_memory(pid: int, timeout_s: float = 90.0) -> dict:
    """The server's memory once its forkserver has imported the engine and no worker is alive
    (the warm-up forks one): their RSS holds still for a second, so that the start is not
    measured mid-import or with a forked copy counted twice."""
    deadline = time.monotonic() + timeout_s
    before = server_memory(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = server_memory(pid)
        if (now["processes"] > 1 and not workers(pid)
                and abs(now["total_mb"] - before["total_mb"]) < 2):
            return now
        before = now
    return before
