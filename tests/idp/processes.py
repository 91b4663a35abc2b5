"""Identity-provider processes for the SSO tests: started on a free 127.0.0.1 port, waited for
with a bounded timeout, and always stopped (the fixtures in tests/idp/fixtures.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class IdpProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(
    name: str, args: list[str], *, env: dict[str, str], port: int, ready_path: str, workdir: Path
) -> IdpProcess:
    """Start `python -m <args>` and wait until GET ready_path answers 200 (or fail, with the
    process's output, after READY_SECONDS)."""
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    idp = IdpProcess(name=name, port=port, process=process, log=log)
    deadline = time.monotonic() + READY_SECONDS
    url = f"{idp.base_url}{ready_path}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return idp
        except OSError:
            time.sleep(0.2)
    idp.stop()
    raise RuntimeError(f"{name} not ready at {url}:\n{log.read_text()[-3000:]}")


def start_oidc(
    name: str, *, workdir: Path, clients: list[dict[str, Any]], users: list[dict[str, Any]]
) -> IdpProcess:
    """The django-oauth-toolkit provider (tests/idp/oidc) with these clients and users."""
    here = workdir / name
    here.mkdir(parents=True, exist_ok=True)
    key_file = here / "key.pem"
    key_file.write_text(rsa_private_key_pem())
    config = here / "config.json"
    config.write_text(
        json.dumps(
            {
                "key_file": str(key_file),
                "db": str(here / "db.sqlite3"),
                "clients": clients,
                "users": users,
            }
        )
    )
    port = free_port()
    env = {"IDP_CONFIG": str(config), "DJANGO_SETTINGS_MODULE": "tests.idp.oidc.settings"}
    return start(
        name,
        ["tests.idp.oidc.server", str(port)],
        env=env,
        port=port,
        ready_path="/o/.well-known/openid-configuration",
        workdir=here,
    )


def self_signed_certificate_pem(key_pem: str, common_name: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def start_saml(
    name: str, *, workdir: Path, sp_metadata_url: str, users: list[dict[str, Any]]
) -> IdpProcess:
    """The pysaml2 provider (tests/idp/saml) with these users; it reads the SP's metadata at
    the first login."""
    here = workdir / name
    here.mkdir(parents=True, exist_ok=True)
    key_pem = rsa_private_key_pem()
    (here / "key.pem").write_text(key_pem)
    (here / "cert.pem").write_text(self_signed_certificate_pem(key_pem, "Test SAML IdP"))
    config = here / "config.json"
    config.write_text(
        json.dumps(
            {
                "key_file": str(here / "key.pem"),
                "cert_file": str(here / "cert.pem"),
                "sp_metadata_url": sp_metadata_url,
                "users": users,
            }
        )
    )
    port = free_port()
    return start(
        name,
        ["tests.idp.saml.server", str(port)],
        env={"IDP_CONFIG": str(config)},
        port=port,
        ready_path="/metadata",
        workdir=here,
    )
