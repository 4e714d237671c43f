"""Logging in with a name and password from ``[[web.users]]``, and logging out."""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from desk import auth
from desk.respond import checked_form, page

# A wrong password waits this long, so guessing is slow even from one connection.
FAILED_LOGIN_DELAY = 0.5


def local_target(target: object) -> str:
    """Where to go after logging in: a path on this desk, never another site."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/incidents"


async def form_page(request: Request) -> Response:
    if request.state.editor:
        return RedirectResponse(local_target(request.query_params.get("next")), status_code=303)
    return page(request, "login.html", next=local_target(request.query_params.get("next")))


async def submit(request: Request) -> Response:
    form = await checked_form(request)
    name = str(form.get("name", ""))[:100]
    password = str(form.get("password", ""))[:1000]
    web = request.app.state.config.web
    if not await run_in_threadpool(auth.check_password, web, name, password):
        await asyncio.sleep(FAILED_LOGIN_DELAY)
        return page(
            request, "login.html", status_code=401, error="Wrong name or password.",
            next=local_target(form.get("next")), name=name,
        )  # fmt: skip
    # A new session on login: nothing set before it (a planted cookie) carries over.
    request.session.clear()
    request.session["user"] = name
    auth.csrf_token(request.session)
    return RedirectResponse(local_target(form.get("next")), status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
