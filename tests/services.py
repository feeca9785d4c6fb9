"""Real engines for the tests, started on 127.0.0.1 and stopped afterwards: a PostgreSQL server
from Debian's ``postgresql`` package (``tests/setup_services.sh`` installs it), and a Ray head
(``ray`` from tests/requirements.txt) whose workers import this checkout.

Where one cannot be started the tests that need it are skipped with a loud message, except
under ``CI=true``, where they fail: CI must run them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest


def unavailable(what: str, reason: str):
    """Skip loudly, or fail under CI=true."""
    banner = "#" * 72
    message = f"\n{banner}\n#  {what} could not be started: {reason}\n{banner}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}\nUnder CI=true these tests must run.")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server's programs (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name), reverse=True)
    if not found and shutil.which("initdb"):
        found = [shutil.which("initdb")]
    return Path(os.path.realpath(found[0])).parent if found else None


@contextmanager
def postgres_server():
    """A fresh PostgreSQL server on 127.0.0.1 with an empty database ``lstm``; yields its
    address (``postgresql://lstm@127.0.0.1:PORT/lstm``, trust authentication)."""
    bindir = postgres_bin()
    if bindir is None:
        unavailable("PostgreSQL", "its programs (initdb) are not installed; run "
                                  "bash tests/setup_services.sh as root")
    folder = Path(tempfile.mkdtemp(prefix="lstm-test-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: as Debian's postgres user
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, log, port = folder / "data", folder / "server.log", free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_postgres, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "lstm", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off "
            f"-c max_connections=100", "start")
    except (subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        shutil.rmtree(folder, ignore_errors=True)
        unavailable("PostgreSQL", f"{error} {detail.decode(errors='replace')[-500:]}")
    try:
        import psycopg

        with psycopg.connect(f"postgresql://lstm@127.0.0.1:{port}/postgres",
                             autocommit=True) as db:
            db.execute("CREATE DATABASE lstm")
        yield f"postgresql://lstm@127.0.0.1:{port}/lstm"
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m",
                        "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """An empty database of its own on a test PostgreSQL server (``postgres_server``'s)."""
    import uuid

    import psycopg

    name = "store_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server_url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def ray_head(cpus: int = 2):
    """A one-machine Ray cluster on 127.0.0.1 (its workers import this checkout); yields its
    address. Stopped afterwards with everything it started."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        unavailable("Ray", "it is not installed; pip install -r tests/requirements.txt")
    repo = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0",
           "PYTHONPATH": os.pathsep.join(p for p in (repo, os.environ.get("PYTHONPATH")) if p)}
    port = free_port()
    ray = [sys.executable, "-m", "ray.scripts.scripts"]
    started = subprocess.run(
        [*ray, "start", "--head", "--port", str(port), "--node-ip-address", "127.0.0.1",
         "--num-cpus", str(cpus), "--num-gpus", "0", "--include-dashboard", "false",
         "--disable-usage-stats", "--object-store-memory", str(300 * 2**20)],
        env=env, capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        unavailable("A Ray head", started.stderr[-800:])
    try:
        yield f"127.0.0.1:{port}"
    finally:
        try:
            import ray as ray_module
            ray_module.shutdown()
        finally:
            subprocess.run([*ray, "stop", "--force"], env=env, capture_output=True, timeout=120)

