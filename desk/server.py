"""Serving the desk with uvicorn: alone (``oiswatch web``) or beside the daemon in a thread.

The socket is bound before anything else starts, so a port in use is one clear error
(``DeskBindError``) rather than a traceback from inside the server.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading

import uvicorn

from config import Config
from desk.app import HealthFn, create_app
from store import Store

log = logging.getLogger("oiswatch.desk")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class DeskBindError(RuntimeError):
    """The desk's address cannot be listened on (in use, not this machine's, no right)."""


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise DeskBindError(
            f"the desk cannot listen on {host}:{port}: {exc.strerror or exc} "
            "(set [web] port, or enabled = false)"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class Desk:
    """The desk's server on a socket already bound."""

    def __init__(
        self, config: Config, store: Store, health: HealthFn, sock: socket.socket | None = None
    ) -> None:
        self.sock = sock or bind(config.web.host, config.web.port)
        self.address = self.sock.getsockname()[:2]
        app = create_app(config, store, health)
        settings = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            server_header=False,
            # Never uvloop: a global loop policy would reach the daemon's reactor.
            loop="asyncio",
        )
        self.server = uvicorn.Server(settings)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def serve(self) -> None:
        """Serve until SIGINT / SIGTERM (uvicorn's own handlers, on the main thread), then
        return: uvicorn raises the signal again once it has stopped, for the handlers it
        found, so those are made harmless here."""
        log.info("desk serving on %s", self.url)
        previous = {sig: signal.signal(sig, lambda *_: None) for sig in STOP_SIGNALS}
        try:
            self.server.run(sockets=[self.sock])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def start(self) -> None:
        """Serve from a thread of its own, beside the daemon's event loop."""
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, name="desk", daemon=True
        )
        self._thread.start()
        log.info("desk serving on %s", self.url)

    def stop(self, timeout: float = 10) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self.sock.close()
