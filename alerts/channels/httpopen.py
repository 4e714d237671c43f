"""The HTTP client every webhook delivery uses: no redirects, one deadline per attempt."""

from __future__ import annotations

import http.client
import urllib.request
from typing import Any

from alerts.channels.deadline import Deadline


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer, not a hop: following it would re-send (as a GET, to a host of the
    receiver's choosing) and count the alert delivered where nobody took it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _within(base: type[http.client.HTTPConnection], deadline: Deadline) -> Any:
    """``base`` whose connections are opened, and shut, by ``deadline``."""

    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        conn = base(host, **{**kwargs, "timeout": deadline.remaining()})
        conn._create_connection = lambda address, _timeout, source=None: deadline.connect(  # type: ignore[attr-defined]
            address, source
        )
        return conn

    return make


class _Http(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_within(http.client.HTTPConnection, self.deadline), req)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            _within(http.client.HTTPSConnection, self.deadline),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


def opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirects, _Http(deadline), _Https(deadline))
