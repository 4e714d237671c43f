"""Email over STARTTLS and implicit TLS, against a real TLS SMTP server on 127.0.0.1.

The tests make their own certificate authority and point OpenSSL's default trust at it
(SSL_CERT_FILE), so the channel verifies the server exactly as it would a real one, and a
server whose certificate is not trusted is refused.
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from alert_fixtures import STORY_A, T0, SmtpReceiver, article, store_article
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from kit import free_port

from alerts import dispatch_due
from config import parse_config

SOON = T0 + timedelta(minutes=1)  # the alerts are queued at T0


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1; returns (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "oiswatch test SMTP")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp.pem", folder / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    cert_file, key_file = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


def email_config(port: int, security: str):
    return parse_config(
        {
            "alerts": {
                "email": {
                    "host": "127.0.0.1",
                    "port": port,
                    "security": security,
                    "sender": "oiswatch@newsroom.test",
                    "recipients": ["desk@newsroom.test"],
                    "timeout_seconds": 5,
                }
            }
        }
    )


def serve(receiver: SmtpReceiver, security: str, context: ssl.SSLContext) -> Controller:
    if security == "starttls":
        # The server refuses mail until the client has switched to TLS.
        kwargs = {"tls_context": context, "require_starttls": True}
    else:
        kwargs = {"ssl_context": context}
    controller = Controller(receiver, hostname="127.0.0.1", port=receiver.port, **kwargs)
    controller.start()
    return controller


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_email_is_delivered_over_tls(store, certificate, monkeypatch, security) -> None:
    cert_file, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    receiver = SmtpReceiver(port=free_port())
    controller = serve(receiver, security, context)
    try:
        config = email_config(receiver.port, security)
        store_article(store, config, article("https://kc.test/a", "Officer fires", STORY_A))
        assert dispatch_due(store, config, now=SOON).sent == 1
    finally:
        controller.stop()
    (message,) = receiver.parsed()
    assert message["Subject"].startswith("[OIS] Officer fires")


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_an_untrusted_certificate_is_refused_and_retried(
    store, certificate, monkeypatch, tmp_path, security
) -> None:
    _cert_file, context = certificate
    other = tmp_path / "other"
    other.mkdir()
    other_ca, _key = make_certificate(other)
    monkeypatch.setenv("SSL_CERT_FILE", str(other_ca))  # trusts some other certificate only
    receiver = SmtpReceiver(port=free_port())
    controller = serve(receiver, security, context)
    try:
        config = email_config(receiver.port, security)
        store_article(store, config, article("https://kc.test/a", "Officer fires", STORY_A))
        stats = dispatch_due(store, config, now=SOON)
    finally:
        controller.stop()
    assert (stats.sent, stats.failed) == (0, 1)
    assert receiver.messages == []
