"""The desk as one Starlette application: routes, sessions, and the login guard.

``create_app(config, store)`` is all a server needs (``desk.server``). Every path but the
login page, the static files and the one-click links of alerts needs an editor: without
one, a browser is sent to the login page and anything else gets 401, never a page.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from config import Config
from desk import actions, auth, links, login, pages
from desk.render import environment
from desk.respond import refusal
from store import Store
from store.keys import key

STATIC = Path(__file__).parent / "static"
OPEN_PREFIXES = ("/login", "/static/", "/l/")
SESSION_HOURS = 12

HealthFn = Callable[[Config, Store], Any]


class LoginGuard(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        config: Config = request.app.state.config
        client = request.client.host if request.client else None
        who = auth.editor(config.web, request.session, request.headers, client)
        request.state.editor = who
        if who is not None or request.url.path.startswith(OPEN_PREFIXES):
            response = await call_next(request)
        elif request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", ""):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        else:
            response = PlainTextResponse("login required", status_code=401)
        # Pages show corrections and tokens: never kept by a shared cache.
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        return response


def session_key(config: Config, store: Store) -> bytes:
    """The key that signs session cookies: derived from the operator's secret when set,
    else one the store keeps, so every desk of a cluster accepts the same sessions. Not
    the key of the alerts' links (``alerts.links``): a leaked cookie key forges no link."""
    secret = os.environ.get(config.web.secret_env or "", "")
    if secret:
        return hmac.new(secret.encode(), b"oiswatch desk sessions", hashlib.sha256).digest()
    return key(store.engine, "desk-sessions")


def routes() -> list[Any]:
    return [
        Route("/", pages.home),
        Route("/login", login.form_page, methods=["GET"]),
        Route("/login", login.submit, methods=["POST"]),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/incidents", pages.incident_list),
        Route("/incidents/{uid}", pages.incident_page),
        Route("/articles/{article_id:int}", pages.article_page),
        Route("/search", pages.search_page),
        Route("/feeds", pages.feeds_page),
        Route("/outbox", pages.outbox_page),
        Route("/outbox/{entry_id:int}/resend", actions.resend, methods=["POST"]),
        Route("/articles/{article_id:int}/label", actions.label, methods=["POST"]),
        Route("/articles/{article_id:int}/move", actions.move, methods=["POST"]),
        Route("/articles/{article_id:int}/split", actions.split, methods=["POST"]),
        Route("/incidents/{uid}/merge", actions.merge, methods=["POST"]),
        Route("/incidents/{uid}/fact", actions.fact, methods=["POST"]),
        Route("/l/{token}", links.confirm, methods=["GET"]),
        Route("/l/{token}", links.apply, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(
    config: Config, store: Store, health: HealthFn, secret: bytes | None = None
) -> Starlette:
    """The desk on `store`; `health(config, store)` reads the feeds page's figures
    (``oiswatch.status.gather``, handed in: the desk sits below the ``oiswatch`` command)."""
    secret = secret if secret is not None else session_key(config, store)
    https = config.web.public_url.startswith("https://")
    app = Starlette(
        routes=routes(),
        exception_handlers={HTTPException: refusal},
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=secret.hex(),
                session_cookie="oiswatch_desk",
                max_age=SESSION_HOURS * 3600,
                same_site="lax",
                https_only=https,
            ),
            Middleware(LoginGuard),
        ],
    )
    app.state.config = config
    app.state.store = store
    app.state.secret = secret
    app.state.health = health
    app.state.templates = environment(config.alerts.zone)
    return app
