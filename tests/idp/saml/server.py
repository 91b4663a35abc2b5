"""A small SAML 2.0 identity provider for the SSO tests, built on pysaml2 (which signs with the
xmlsec1 program): `python -m tests.idp.saml.server PORT` with IDP_CONFIG naming a JSON file
{"key_file", "cert_file", "sp_metadata_url", "users": [{"username", "password", "attributes"}]}.

GET /metadata: the IdP's metadata (what digiproj's DIGIPROJ_SAML_IDP_METADATA_URL points at).
GET /sso/redirect: an AuthnRequest (HTTP-Redirect binding) -> a login form.
POST /sso/login: the form -> a signed Response with a signed assertion, posted (HTTP-POST
binding) to the SP's assertion consumer service. The SP's metadata is read at the first login
(the SP's metadata itself needs this IdP's, so neither can wait for the other at start).
"""

from __future__ import annotations

import html
import json
import os
import secrets
import shutil
import sys
import threading
import urllib.request
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIServer, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD, NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

CONFIG = json.loads(Path(os.environ["IDP_CONFIG"]).read_text())
SHA256_SIG = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256_DIGEST = "http://www.w3.org/2001/04/xmlenc#sha256"


def _idp_config(base: str, sp_metadata: Path | None) -> IdPConfig:
    settings: dict[str, Any] = {
        "entityid": f"{base}/metadata",
        "xmlsec_binary": shutil.which("xmlsec1"),
        "key_file": CONFIG["key_file"],
        "cert_file": CONFIG["cert_file"],
        "service": {
            "idp": {
                "name": "Test SAML IdP",
                "endpoints": {
                    "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)]
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {
                    "default": {"attribute_restrictions": None, "name_form": NAME_FORMAT_URI}
                },
                "want_authn_requests_signed": False,
            }
        },
    }
    if sp_metadata is not None:
        settings["metadata"] = {"local": [str(sp_metadata)]}
    config = IdPConfig()
    config.load(settings)
    return config


class App:
    def __init__(self, base: str) -> None:
        self.base = base
        self.pending: dict[str, tuple[Any, str]] = {}
        self.lock = threading.Lock()
        self._server: Server | None = None

    def server(self) -> Server:
        with self.lock:
            if self._server is None:
                metadata = Path(CONFIG["key_file"]).with_name("sp-metadata.xml")
                with urllib.request.urlopen(CONFIG["sp_metadata_url"], timeout=10) as response:  # noqa: S310
                    metadata.write_bytes(response.read())
                self._server = Server(config=_idp_config(self.base, metadata))
            return self._server

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        if path == "/metadata":
            body = create_metadata_string(None, config=_idp_config(self.base, None))
            return self._send(start_response, body, "application/samlmetadata+xml")
        if path == "/sso/redirect":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            request = self.server().parse_authn_request(
                query["SAMLRequest"][0], BINDING_HTTP_REDIRECT
            )
            key = secrets.token_urlsafe(16)
            self.pending[key] = (request.message, query.get("RelayState", [""])[0])
            return self._send(start_response, _login_form(key).encode(), "text/html; charset=utf-8")
        if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            return self._respond(start_response, form)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def _respond(self, start_response: Any, form: dict[str, str]) -> list[bytes]:
        message, relay_state = self.pending.pop(form.get("key", ""), (None, ""))
        users = {user["username"]: user for user in CONFIG["users"]}
        user = users.get(form.get("username", ""))
        if message is None or user is None or user["password"] != form.get("password"):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"wrong username or password"]
        server = self.server()
        args = server.response_args(message, [BINDING_HTTP_POST])
        response = server.create_authn_response(
            identity=user["attributes"],
            userid=user["username"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=user["username"]),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": f"{self.base}/metadata"},
            sign_assertion=True,
            sign_response=True,
            sign_alg=SHA256_SIG,
            digest_alg=SHA256_DIGEST,
            in_response_to=args["in_response_to"],
            destination=args["destination"],
            sp_entity_id=args["sp_entity_id"],
            name_id_policy=args["name_id_policy"],
        )
        http_args = server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        return self._send(start_response, http_args["data"].encode(), "text/html; charset=utf-8")

    @staticmethod
    def _send(start_response: Any, body: bytes, content_type: str) -> list[bytes]:
        start_response(
            "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        )
        return [body]


def _login_form(key: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Test SAML identity provider</title></head><body><main><h1>Test SAML identity provider</h1>
<form method="post" action="/sso/login"><input type="hidden" name="key" value="{html.escape(key)}">
<label for="username">Username</label> <input id="username" name="username">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></main></body></html>"""


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main(port: int) -> None:
    app = App(f"http://127.0.0.1:{port}")
    with make_server("127.0.0.1", port, app, server_class=ThreadingServer) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
