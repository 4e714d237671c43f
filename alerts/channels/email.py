"""Email channel: SMTP with STARTTLS, implicit TLS or plain, credentials from the environment."""

from __future__ import annotations

import smtplib
import ssl

from alerts.channels.base import Channel, mask, secret
from alerts.records import Alert, DeliveryResult
from alerts.render.mail import build_message
from config.model import EmailConfig


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

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "tls":
            return smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout_seconds, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
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
            with self._connect() as smtp:
                if user and password:
                    smtp.login(user, password)
                refused = smtp.send_message(message, s.sender, list(self.recipients))
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            return self.failed(alert, mask(f"{type(exc).__name__}: {exc}", user, password))
        if refused:
            # Some recipients took it: a retry would duplicate it for them, so it counts.
            self.failed(alert, f"refused by some recipients: {sorted(refused)}")
        return self.succeeded(alert, f"accepted by {s.host}:{s.port}")
