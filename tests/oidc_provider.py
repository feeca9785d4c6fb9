"""A small but real OpenID Connect provider for tests, so ``st.login`` can sign in for real.

Built with Authlib's server side on Flask: the authorization code flow with OpenID Connect
(``OpenIDCode``: an RS256 id_token carrying the request's nonce) and PKCE (``CodeChallenge``,
S256 only, required: Streamlit uses S256 whenever the metadata advertises it). One client, given
at start; codes and tokens live in memory; the RSA signing key is made at start. Whatever name is
typed in the login form is the user: "alice" gets sub "alice", email "alice@example.test"
(verified) and name "Alice"; ``st.user`` shows the id_token's claims.

    base_url, stop = start_provider("lstm-studio", "s3cret", ["http://127.0.0.1:8501/oauth2callback"])
    # [auth] server_metadata_url = f"{base_url}/.well-known/openid-configuration"
    stop()

Endpoints: /.well-known/openid-configuration, /authorize (GET: the form; POST: issue a code and
redirect to the client's redirect_uri with code and state), /token (client_secret_basic or
client_secret_post), /jwks, /userinfo (Bearer access token). No end_session_endpoint is
advertised, so ``st.logout`` clears Streamlit's cookies and returns to the app.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

SCOPES = ["openid", "email", "profile"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
CODE_LIFETIME_S = 300
LOGIN_FORM = """<!doctype html><title>Test sign-in</title><h1>Test sign-in</h1>
<form method="post" action="{action}"><label>Username <input name="username" autofocus></label>
<button type="submit">Sign in</button></form>"""


def user_info(name: str) -> UserInfo:
    return UserInfo(sub=name, name=name.capitalize(), email=f"{name}@example.test", email_verified=True)


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    client_metadata: dict = field(default_factory=dict)  # UserInfoEndpoint reads it

    def get_client_id(self): return self.client_id
    def get_default_redirect_uri(self): return self.redirect_uris[0]
    def get_allowed_scope(self, scope): return " ".join(s for s in scope.split() if s in SCOPES)
    def check_redirect_uri(self, redirect_uri): return redirect_uri in self.redirect_uris
    def check_client_secret(self, secret): return secrets.compare_digest(secret, self.client_secret)
    def check_endpoint_auth_method(self, method, endpoint): return method in AUTH_METHODS
    def check_response_type(self, response_type): return response_type == "code"
    def check_grant_type(self, grant_type): return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str | None
    scope: str
    user: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self): return self.redirect_uri
    def get_scope(self): return self.scope
    def get_nonce(self): return self.nonce
    def get_auth_time(self): return self.auth_time


@dataclass
class Token(TokenMixin):
    client: Client
    user: str
    scope: str
    expires_at: float

    def check_client(self, client): return client.client_id == self.client.client_id
    def get_scope(self): return self.scope
    def get_expires_in(self): return int(self.expires_at - time.time())
    def is_expired(self): return time.time() >= self.expires_at
    def is_revoked(self): return False
    def get_user(self): return self.user
    def get_client(self): return self.client


def create_app(client: Client) -> Flask:
    """The provider as a Flask app; set ``app.config["ISSUER"]`` to its base URL before use."""
    app = Flask(__name__)
    app.config["OAUTH2_SCOPES_SUPPORTED"] = SCOPES
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
    codes: dict[str, Code] = {}
    tokens: dict[str, Token] = {}
    nonces: set[str] = set()

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

        def save_authorization_code(self, code, req):
            data = req.payload.data
            nonces.add(data["nonce"])  # required: OpenIDCode(require_nonce=True)
            codes[code] = Code(code, req.client.client_id, req.payload.redirect_uri,
                               req.payload.scope, req.user, data["nonce"],
                               data.get("code_challenge"), data.get("code_challenge_method"))

        def query_authorization_code(self, code, client):
            item = codes.get(code)
            fresh = item is not None and time.time() < item.auth_time + CODE_LIFETIME_S
            return item if fresh and item.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code): codes.pop(authorization_code.code, None)
        def authenticate_user(self, authorization_code): return authorization_code.user

    class OpenID(OpenIDCode):
        def exists_nonce(self, nonce, req): return nonce in nonces
        def resolve_client_private_key(self, client): return key
        def get_client_claims(self, client):  # Authlib adds iat, exp, auth_time, nonce, at_hash
            return {"iss": app.config["ISSUER"], "aud": client.client_id}
        def get_encode_header(self, client): return {"alg": "RS256", "kid": key.kid}
        def generate_user_info(self, user, scope): return user_info(user)

    class S256Only(CodeChallenge):  # Authlib would let a confidential client skip PKCE
        def validate_code_challenge(self, grant, redirect_uri):
            if grant.request.payload.data.get("code_challenge_method") != "S256":
                raise InvalidRequestError("PKCE with code_challenge_method=S256 is required")
            super().validate_code_challenge(grant, redirect_uri)

    class UserInfoFromToken(UserInfoEndpoint):
        def generate_user_info(self, user, scope): return user_info(user)

    class Bearer(BearerTokenValidator):
        def authenticate_token(self, token_string): return tokens.get(token_string)

    def save_token(token, req):
        expires_at = time.time() + token["expires_in"]
        tokens[token["access_token"]] = Token(req.client, req.user, token["scope"], expires_at)

    def query_client(client_id):
        return client if client_id == client.client_id else None

    server = AuthorizationServer(app, query_client, save_token)
    server.register_grant(CodeGrant, [OpenID(require_nonce=True), S256Only(required=True)])
    protector = ResourceProtector()
    protector.register_token_validator(Bearer())
    server.register_endpoint(UserInfoFromToken(resource_protector=protector))

    @app.get("/.well-known/openid-configuration")
    def metadata():
        base = app.config["ISSUER"]
        return jsonify(
            issuer=base, authorization_endpoint=f"{base}/authorize", token_endpoint=f"{base}/token",
            jwks_uri=f"{base}/jwks", userinfo_endpoint=f"{base}/userinfo",
            response_types_supported=["code"], subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"], code_challenge_methods_supported=["S256"],
            token_endpoint_auth_methods_supported=AUTH_METHODS, scopes_supported=SCOPES)

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        name = request.form.get("username", "").strip() or None  # the form posts back to this URL
        try:
            grant = server.get_consent_grant(end_user=name)
        except OAuth2Error as error:
            return server.handle_error_response(request, error)
        if name is None:
            return LOGIN_FORM.format(action=html.escape(request.full_path))
        return server.create_authorization_response(grant_user=name, grant=grant)

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.get("/jwks")
    def jwks():
        return {"keys": [key.as_dict(private=False)]}

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        return server.create_endpoint_response("userinfo")

    return app


def start_provider(client_id: str, client_secret: str, redirect_uris: list[str]):
    """Serve the provider on a free port of 127.0.0.1 in a background thread.

    Returns ``(base_url, stop)``: base_url is the issuer, e.g. ``"http://127.0.0.1:40123"`` (no
    trailing slash); ``stop()`` shuts the server down and waits for its thread."""
    app = create_app(Client(client_id, client_secret, list(redirect_uris)))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["ISSUER"] = base_url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, name="oidc-provider", daemon=True)
    thread.start()

    def stop() -> None:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()

    return base_url, stop
