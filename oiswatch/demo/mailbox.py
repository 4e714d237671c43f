"""The demo's mailbox: an SMTP server on 127.0.0.1 that files each message as an .eml file.

The demo sends alerts through the real email channel, so the files are exactly what an
editor's inbox would receive; nothing leaves the machine.
"""

from __future__ import annotations

import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def eml_name(n: int, subject: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", subject.casefold()).strip("-")[:60].rstrip("-")
    return f"{n:03d}-{slug or 'message'}.eml"


def _free_port() -> int:
    # aiosmtpd cannot listen on port 0 (it connects to itself to check it started).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.count += 1
            path = self.folder / eml_name(self.count, str(message.get("Subject", "")))
        tmp = path.with_suffix(".part")
        tmp.write_bytes(envelope.content)
        tmp.replace(path)  # a reader never sees half a message
        return "250 Message accepted for delivery"


class Mailbox:
    """Listening on ``port`` until ``close``; messages land in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self._controller = Controller(_Handler(folder), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def messages(self) -> list[tuple[Path, EmailMessage]]:
        out = []
        for path in sorted(self.folder.glob("*.eml")):
            msg = message_from_bytes(path.read_bytes(), policy=policy.default)
            out.append((path, msg))
        return out

    def close(self) -> None:
        self._controller.stop()
