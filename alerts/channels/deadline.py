"""A whole delivery attempt within ``timeout_seconds``, whatever the receiver does.

A socket timeout bounds each read; a receiver that sends one byte just before each read
would expire (an SMTP banner or an HTTP answer dripped a byte at a time) holds the attempt,
and the dispatcher, for as long as it likes. A ``Deadline`` shuts every socket its attempt
opened when the time is up, from a timer thread, so the blocked read returns at once.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

_Ends = tuple[Any, Any]  # (local address, peer address): which connection an fd carried


def _ends(sock: socket.socket) -> _Ends | None:
    try:
        return sock.getsockname(), sock.getpeername()
    except OSError:
        return None


def _shut(fd: int, ends: _Ends) -> None:
    """Shut down the connection on ``fd`` if it is still the one watched: a TLS socket
    takes over its plain socket's fd, and a closed one's fd may already carry another."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        return  # closed meanwhile: nothing left to end
    try:
        if _ends(sock) == ends:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.detach()  # the fd belongs to the attempt's own socket object


class Deadline:
    """``with Deadline(seconds) as d:`` ends the sockets given to ``d.watch`` in time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._watched: list[tuple[int, _Ends]] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            self._watched.clear()

    def remaining(self) -> float:
        """Time left, as the timeout of the next connect or read (never zero: that would
        make the socket non-blocking)."""
        return max(self.expires - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> socket.socket:
        ends = _ends(sock)
        if ends is None:
            return sock  # not connected: nothing to end
        with self._lock:
            self._watched.append((sock.fileno(), ends))
            if self.expired:
                _shut(sock.fileno(), ends)
        return sock

    def connect(self, address: tuple[str, int], source: Any = None) -> socket.socket:
        """``socket.create_connection`` within the deadline, the socket watched."""
        return self.watch(socket.create_connection(address, self.remaining(), source))

    def why(self) -> str:
        return f"timed out: no complete answer within {self.seconds:g} s (timeout_seconds)"

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for fd, ends in self._watched:
                _shut(fd, ends)
