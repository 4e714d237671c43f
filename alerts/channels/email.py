"""Email channel: SMTP with STARTTLS, implicit TLS or plain, credentials from the environment."""

from __future__ import annotations

import smtplib
import socket
import ssl
from typing import Any

from alerts.channels.base import Channel, mask, secret
from alerts.channels.deadline import Deadline
from alerts.records import Alert, DeliveryResult
from alerts.render.mail import build_message
from config.model import EmailConfig


class _SMTP(smtplib.SMTP):
    """smtplib's client whose connection the attempt's deadline ends."""

    def __init__(self, deadline: Deadline, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(**kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        self._host = host  # STARTTLS checks the certificate against it
        return self.deadline.connect((host, port), self.source_address)


class _SMTPSSL(smtplib.SMTP_SSL):
    def __init__(self, deadline: Deadline, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(**kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # What SMTP_SSL does, on a socket the deadline watches (the TLS one shares its fd).
        self._host = host
        sock = self.deadline.connect((host, port), self.source_address)
        return self.context.wrap_socket(sock, server_hostname=self._host)


class EmailChannel(Channel):
    def __init__(
        self,
        settings: EmailConfig,
        recipients: tuple[str, ...] | None = None,
        label: str | None = None,
    ) -> None:
        self.settings = settings
        self.recipients = recipients or settings.recipients
        self.label = label or f"email to {', '.join(self.recipients)}"

    def _connect(self, deadline: Deadline) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = _SMTPSSL(
                deadline, timeout=s.timeout_seconds, context=ssl.create_default_context()
            )
        else:
            smtp = _SMTP(deadline, timeout=s.timeout_seconds)
        code, banner = smtp.connect(s.host, s.port)  # reads the banner, within the deadline
        if code != 220:
            smtp.close()
            raise smtplib.SMTPConnectError(code, banner)
        if s.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, alert: Alert) -> DeliveryResult:
        s = self.settings
        user, password = secret(s.username_env), secret(s.password_env)
        if bool(s.username_env) != bool(s.password_env):
            # Half a login would send unauthenticated, or fail naming no variable.
            missing = "password_env" if s.username_env else "username_env"
            return self.failed(alert, f"[alerts.email] {missing} is not set")
        if s.username_env and not (user and password):
            missing = s.username_env if not user else (s.password_env or "password_env")
            return self.failed(alert, f"environment variable {missing} is not set")
        message = build_message(alert, s.sender, self.recipients)
        try:
            with Deadline(s.timeout_seconds) as deadline, self._connect(deadline) as smtp:
                if user and password:
                    smtp.login(user, password)
                refused = smtp.send_message(message, s.sender, list(self.recipients))
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            if deadline.expired:
                return self.failed(alert, deadline.why())
            return self.failed(alert, mask(f"{type(exc).__name__}: {exc}", user, password))
        if refused:
            # Some recipients took it: a retry would duplicate it for them, so it counts.
            self.failed(alert, f"refused by some recipients: {sorted(refused)}")
        return self.succeeded(alert, f"accepted by {s.host}:{s.port}")
