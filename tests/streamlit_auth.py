"""The ``[auth]`` secrets for browser tests that run a Streamlit app signed in through
``st.login`` against the test OpenID Connect provider in ``tests/oidc_provider.py``.

The order matters: the app's port must be known before its secrets are written (their
redirect_uri names it) and before the provider starts (it only accepts that redirect_uri)::

    port = free_port()  # tests/browser/conftest.py
    app_url = f"http://127.0.0.1:{port}"
    provider_url, stop_provider = start_provider("lstm-studio", "s3cret", [f"{app_url}/oauth2callback"])
    secrets = auth_secrets(tmp_path, app_url, provider_url, "lstm-studio", "s3cret")
    _, proc, log = start_streamlit(entry, cwd, log_path, port=port,
                                   extra_args=("--secrets.files", str(secrets)))

``--secrets.files <path>`` works in Streamlit 1.67: ``secrets.files`` is a config option
(config.py, ``multiple=True``) and every config option is also a command-line flag. Given on the
command line it replaces the default list (~/.streamlit/secrets.toml and
./.streamlit/secrets.toml), so a developer's own secrets never reach a test.

Open the app in the browser at exactly ``app_url`` (127.0.0.1, not localhost): the login keeps
its state and PKCE verifier in a session cookie for that host, and the provider sends the browser
back to the redirect_uri's host. Cookies do not tell ports apart: the auth cookies a signed-in
app sets on 127.0.0.1 go to every port of 127.0.0.1 in that browser context, where a Streamlit
server with another cookie_secret does not accept them; give each signed-in test a fresh context
(the ``page`` fixture's is fresh).
"""

from __future__ import annotations

import secrets
from pathlib import Path


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
