"""The one-click links in alerts: ``GET /l/<token>`` asks, ``POST /l/<token>`` acts.

A GET never changes anything (mail scanners fetch every link in a message); it shows what
the link will do and a button. The POST checks the token again (signed, unexpired, made
for this alert: ``alerts.links.verify_link``) and applies it as editor ``link:<alert id>``,
with no login. A forged, expired or altered token is refused with 403.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from desk.respond import checked_form, page
from records import CorrectionAction

# What each link action asks the editor to confirm.
QUESTIONS = {
    "false_alarm": "Mark this report as a false alarm (not an officer-involved shooting)?",
    "wrong_incident": "Take this report out of its incident (a different shooting)?",
}


def _verified(request: Request) -> Any:
    from alerts.links import LinkError, desk_secret, verify_link

    state = request.app.state
    try:
        secret = desk_secret(state.config, state.store)
        return verify_link(secret, request.path_params["token"], datetime.now(UTC))
    except LinkError as exc:
        raise HTTPException(403, f"this link cannot be used: {exc}") from None


def confirm(request: Request) -> Response:
    link = _verified(request)
    question = QUESTIONS.get(str(link.action))
    if question is None:
        raise HTTPException(403, "this link cannot be used: unknown action")
    from desk import articles

    with request.app.state.store.engine.connect() as conn:
        article = articles.get(conn, link.article_id)
    return page(
        request, "link.html", link=link, question=question, article=article,
        token=request.path_params["token"], done=request.query_params.get("done") == "1",
    )  # fmt: skip


def _apply(request: Request, link: Any) -> str:
    from alerts.review import label_article
    from incidents.edit import split

    state = request.app.state
    editor = f"link:{link.alert_id}"
    if link.action == "false_alarm":
        label_article(
            state.store, state.config, link.article_id, CorrectionAction.FALSE_ALARM, editor,
            alert=False,
        )  # fmt: skip
        return f"/l/{request.path_params['token']}?done=1"
    with state.store.begin() as conn:
        split(conn, link.article_id, editor, "from an alert's link")
    return f"/l/{request.path_params['token']}?done=1"


async def apply(request: Request) -> Response:
    await checked_form(request)
    link = await run_in_threadpool(_verified, request)
    if str(link.action) not in QUESTIONS:
        raise HTTPException(403, "this link cannot be used: unknown action")
    try:
        target = await run_in_threadpool(_apply, request, link)
    except (ValueError, KeyError, LookupError) as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse(target, status_code=303)
