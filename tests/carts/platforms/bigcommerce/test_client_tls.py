"""The address pinning keeps TLS honest: the certificate is verified for the host name, not the address."""
from __future__ import annotations

import datetime
import http.server
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from carts.platforms.bigcommerce import transport as client_module
from carts.platforms.base import RetryPolicy
from carts.platforms.bigcommerce.client import BigCommerceClient
from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_api_key, parse_api_path
from carts.platforms.bigcommerce.errors import NetworkError
from tests.carts.platforms.bigcommerce.conftest import API_KEY_TEXT

STORE_NAME = "shop.example.test"


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name` (its own CA) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.pem", directory / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class Store(http.server.BaseHTTPRequestHandler):
    seen_hosts: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        Store.seen_hosts.append(self.headers["Host"])
        body = json.dumps({"name": "TLS store"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_store(tmp_path, request) -> Iterator[tuple[int, Path]]:
    """An HTTPS server on loopback presenting a certificate for the name the test asks for."""
    cert_file, key_file = self_signed(tmp_path, request.param)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Store)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Store.seen_hosts = []
    yield server.server_address[1], cert_file
    server.shutdown()
    server.server_close()


def client_for(port: int, monkeypatch, ca_file: Path) -> BigCommerceClient:
    """A client for https://shop.example.test:PORT whose name resolves to the loopback test server."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *args, **kwargs: (
        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))] if host == STORE_NAME
        else real_getaddrinfo(host, *args, **kwargs)))
    monkeypatch.setattr(client_module, "is_public_address", lambda address: True)  # loopback stands in for public
    allowed = AllowedHosts.from_setting([f"{STORE_NAME}:{port}"])
    return BigCommerceClient(api_path=parse_api_path(f"https://{STORE_NAME}:{port}/stores/abc/v3/", allowed_hosts=allowed),
                             api_key=parse_api_key(API_KEY_TEXT), allowed_hosts=allowed,
                             retry=RetryPolicy(max_attempts=1))


@pytest.mark.parametrize("https_store", [STORE_NAME], indirect=True)
def test_the_pinned_connection_verifies_the_certificate_for_the_name(https_store, monkeypatch) -> None:
    port, ca_file = https_store
    with client_for(port, monkeypatch, ca_file) as client:
        assert client.store_information() == {"name": "TLS store"}
    assert Store.seen_hosts == [f"{STORE_NAME}:{port}"]


@pytest.mark.parametrize("https_store", ["other.example.test"], indirect=True)
def test_a_certificate_for_another_name_is_refused(https_store, monkeypatch) -> None:
    port, ca_file = https_store
    with client_for(port, monkeypatch, ca_file) as client, pytest.raises(NetworkError, match="SSLError"):
        client.store_information()
    assert Store.seen_hosts == []
