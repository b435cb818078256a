"""A real OAuth 2.0 token endpoint for tokenspec's tests: Authlib's AuthorizationServer (Flask
integration) with the client_credentials and refresh_token grants, and in-memory confidential
clients that may authenticate with client_secret_basic or client_secret_post (RFC 6749
section 2.3.1), all with the same secret; and its RFC 8414 metadata document.

Authlib url-decodes the user and password of an HTTP Basic header, as RFC 6749 section 2.3.1
asks, so the test gives ids and a secret with characters that form encoding changes: a client
sending them raw is refused with 401 invalid_client.

Usage: python server.py CLIENT_SECRET REFRESH_TOKEN CLIENT_ID [CLIENT_ID...]
Listens on 127.0.0.1 on a free port and prints "PORT <n>" on stdout once it accepts
connections. Stops when its stdin closes (so it never outlives the test that started it).
"""

import os
import sys
import threading

# Authlib refuses plain http unless told this is a test.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from flask import Flask, jsonify
from werkzeug.serving import make_server

CLIENT_SECRET, REFRESH_TOKEN = sys.argv[1:3]
CLIENT_IDS = set(sys.argv[3:])
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class Client(ClientMixin):
    def __init__(self, client_id):
        self.client_id = client_id

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return client_secret == CLIENT_SECRET

    def check_endpoint_auth_method(self, method, endpoint):
        return method in AUTH_METHODS

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type in ("client_credentials", "refresh_token")


class RefreshToken(TokenMixin):
    def __init__(self, client):
        self.client = client

    def check_client(self, client):
        return client.get_client_id() == self.client.get_client_id()

    def get_scope(self):
        return "read"

    def get_expires_in(self):
        return 3600

    def is_expired(self):
        return False

    def is_revoked(self):
        return False

    def get_user(self):
        return None

    def get_client(self):
        return self.client


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def authenticate_refresh_token(self, refresh_token):
        if refresh_token != REFRESH_TOKEN:
            return None
        return RefreshToken(self.request.client)

    def authenticate_user(self, refresh_token):
        # An app-only refresh token here; Authlib wants a truthy user.
        return {"id": "app"}

    def revoke_old_credential(self, refresh_token):
        pass


def query_client(client_id):
    return Client(client_id) if client_id in CLIENT_IDS else None


def save_token(token, request):
    pass


app = Flask(__name__)
server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
server.register_grant(ClientCredentialsGrant)
server.register_grant(RefreshTokenGrant)


@app.route("/oauth/token", methods=["POST"])
def issue_token():
    return server.create_token_response()


# The issuer the tests configure; the client's base URL sends its requests here.
ISSUER = "https://authlib.example"


@app.route("/.well-known/oauth-authorization-server")
def metadata():
    """RFC 8414 section 3: this server's metadata, checked first by Authlib's model of section 2
    (a document it finds invalid is a 500, which the client reports as unreachable). Authlib
    requires `response_types_supported` and then an `authorization_endpoint`; this server has
    none, and the tests read only `issuer` and `token_endpoint`."""
    document = AuthorizationServerMetadata(
        {
            "issuer": ISSUER,
            "token_endpoint": f"{ISSUER}/oauth/token",
            "authorization_endpoint": f"{ISSUER}/oauth/authorize",
            "response_types_supported": ["code"],
            "grant_types_supported": ["client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
        }
    )
    document.validate()
    return jsonify(dict(document))


def stop_when_stdin_closes(http):
    sys.stdin.read()
    http.shutdown()


if __name__ == "__main__":
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=stop_when_stdin_closes, args=(http,), daemon=True).start()
    print(f"PORT {http.server_port}", flush=True)
    http.serve_forever()
