"""What the delivery attacks share: misbehaving receivers on 127.0.0.1 (an HTTP server that
answers as scripted, dripping if asked; an SMTP server whose banner drips) and a store with
one flagged article queued for every configured destination.

An answer is plain data (status, headers, body, seconds between bytes), like a MockSite
route, so an attack is a few lines.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import kit
from alert_fixtures import STORY_A, article, store_article

from config import load_config
from store import Store


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"ok": true}'
    drip_seconds: float = 0.0  # >0: the whole response one byte at a time, this far apart


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when it arrived


class Receiver:
    """An HTTP server in a thread that keeps every request (any method) and answers each
    with ``answer(request)``; by default 200."""

    def __init__(self, answer: Callable[[Seen], Answer] = lambda _req: Answer()) -> None:
        self.seen: list[Seen] = []
        self.answer = answer
        self.stopping = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length", 0) or 0)
                req = Seen(
                    self.command,
                    self.path,
                    dict(self.headers.items()),
                    self.rfile.read(length),
                    time.monotonic(),
                )
                receiver.seen.append(req)
                reply = receiver.answer(req)
                head = [f"HTTP/1.1 {reply.status} Scripted\r\n"]
                headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                head += [f"{k}: {v}\r\n" for k, v in headers.items()]
                raw = ("".join(head) + "Connection: close\r\n\r\n").encode() + reply.body
                self.close_connection = True
                try:
                    if not reply.drip_seconds:
                        self.wfile.write(raw)
                        return
                    for byte in raw:
                        if receiver.stopping.wait(reply.drip_seconds):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                except OSError:
                    pass  # the sender gave up on us: what a deadline is for

            do_GET = do_POST = do_PUT = do_HEAD = _any  # noqa: N815 - http.server's names

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


class DrippingSmtp:
    """An SMTP server that greets one byte every ``drip_seconds``: each read gets a byte in
    time, so only a deadline on the whole attempt ends it."""

    def __init__(self, drip_seconds: float = 0.5) -> None:
        self.drip_seconds = drip_seconds
        self.stopping = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        banner = b"220 slow.example ESMTP " + b"." * 10_000 + b"\r\n"
        with conn:
            for byte in banner:
                if self.stopping.wait(self.drip_seconds):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()


def queue_one_alert(
    config_path: Path, url: str = "https://kcdaily.test/a", title: str = "", text: str = STORY_A
) -> Store:
    """The store of ``config_path`` with one flagged article queued for every destination."""
    config = load_config(config_path)
    store = Store(config.storage.url)
    now = datetime.now(UTC)  # queued now, so a real-time dispatch finds it fresh
    art = article(url, title or "Police kill man", text, published=now)
    store_article(store, config, art, now=now)
    return store


def alerts_cmd(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`oiswatch --config CONFIG alerts ARGS`, as an operator runs it."""
    return kit.oiswatch("--config", str(config), "alerts", *args, timeout=timeout)
