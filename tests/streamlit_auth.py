"""Helpers for browser tests that run a Streamlit app signed in through ``st.login`` against the
test OpenID Connect provider in ``tests/oidc_provider.py``.

The order matters: the app's port must be known before its secrets are written (their
redirect_uri names it) and before the provider starts (it only accepts that redirect_uri)::

    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    provider_url, stop_provider = start_provider("lstm-studio", "s3cret", [f"{app_url}/oauth2callback"])
    secrets = auth_secrets(tmp_path, app_url, provider_url, "lstm-studio", "s3cret")
    proc = start_app(entry, cwd, log_path, port, secrets)  # or your own Popen of streamlit_command(...)

``python -m streamlit run app.py --secrets.files <path>`` works in Streamlit 1.67: ``secrets.files``
is a config option (config.py, ``multiple=True``) and every config option is also a CLI flag.
Given on the command line it replaces the default list (~/.streamlit/secrets.toml and
./.streamlit/secrets.toml), so a developer's own secrets never reach a test.

Open the app in the browser at exactly ``app_url`` (127.0.0.1, not localhost): the login keeps
its state and PKCE verifier in a session cookie for that host, and the provider sends the browser
back to the redirect_uri's host. Cookies do not tell ports apart: the auth cookies a signed-in
app sets on 127.0.0.1 go to every port of 127.0.0.1 in that browser context, where a Streamlit
server with another cookie_secret does not accept them; give each signed-in test a fresh context
(the ``page`` fixture's is fresh).

``start_app`` exists because conftest's ``start_streamlit`` picks its own port and takes no
extra arguments.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def auth_secrets(tmp_path: Path, app_base_url: str, provider_base_url: str,
                 client_id: str, client_secret: str) -> Path:
    """Write ``tmp_path/secrets.toml`` with the ``[auth]`` section ``st.login()`` needs for the
    provider at ``provider_base_url``; returns its path (for ``--secrets.files``)."""
    auth = {
        "redirect_uri": f"{app_base_url.rstrip('/')}/oauth2callback",
        "cookie_secret": secrets.token_hex(32),
        "client_id": client_id,
        "client_secret": client_secret,
        "server_metadata_url": f"{provider_base_url.rstrip('/')}/.well-known/openid-configuration",
    }
    path = Path(tmp_path) / "secrets.toml"
    path.write_text("[auth]\n" + "".join(f"{k} = {_toml_str(v)}\n" for k, v in auth.items()))
    return path


def streamlit_command(entry: Path, port: int, secrets_path: Path) -> list[str]:
    """The ``streamlit run`` command line for ``entry`` on 127.0.0.1:port with those secrets."""
    return [
        sys.executable, "-m", "streamlit", "run", str(entry),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--secrets.files", str(secrets_path),
    ]  # fmt: skip


def start_app(entry: Path, cwd: Path, log_path: Path, port: int, secrets_path: Path,
              env: dict | None = None, timeout_s: float = 60.0) -> subprocess.Popen:
    """Start ``streamlit_command(...)`` from ``cwd`` (its own process group, output to
    ``log_path``) and wait until ``/_stcore/health`` answers ``ok``; raises RuntimeError with the
    server's output if it does not. Stop it with ``stop_app``."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(streamlit_command(entry, port, secrets_path), cwd=cwd,
                                env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})),
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with opener.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_app(proc)
            output = Path(log_path).read_text(errors="replace")[-8000:]
            raise RuntimeError(f"streamlit was not ready on port {port}:\n{output}")
        time.sleep(0.2)


def stop_app(proc: subprocess.Popen) -> None:
    """Stop a server from ``start_app`` (its whole process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
