"""The desk's actions (POST, CSRF-checked): labels, moves, splits, merges, facts, resends.

Each reads its form, applies the correction through the functions that own it
(``alerts.review``, ``incidents.edit``, ``alerts.dispatch``) in one transaction, and sends
the editor back to the page that now shows it. Corrections carry the editor and the time.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from desk.respond import checked_form
from records import CorrectionAction
from records.status import LABELS
from store.schema import incidents

log = logging.getLogger("oiswatch.desk")

# The facts the form offers; ``incidents.edit.correct_fact`` reads the editor's text
# ("yes", "Harlow Springs, OH", "A. Smith, B. Jones", "2026-12-01") and says what is wrong.
FACT_FIELDS = (
    "fatal", "anyone_hit", "agencies", "investigating_agency", "place", "date",
    "victim_name", "victim_age", "officer_names",
)  # fmt: skip


def _note(form: Any) -> str | None:
    note = str(form.get("note", "")).strip()[:1000]
    return note or None


def _incident_id(conn: Any, uid: str) -> int:
    found = conn.execute(
        select(incidents.c.id).where(incidents.c.uid == uid, incidents.c.merged_into.is_(None))
    ).scalar()
    if found is None:
        raise HTTPException(404, f"no incident {uid}")
    return int(found)


def _uid(conn: Any, incident_id: int) -> str:
    return str(conn.execute(select(incidents.c.uid).where(incidents.c.id == incident_id)).scalar())


async def _apply(request: Request, fn: Any, *args: Any) -> Any:
    try:
        return await run_in_threadpool(fn, *args)
    except (ValueError, KeyError, LookupError) as exc:
        raise HTTPException(400, str(exc.args[0] if exc.args else exc)) from None


async def label(request: Request) -> Response:
    form = await checked_form(request)
    article_id = request.path_params["article_id"]
    try:
        action = CorrectionAction(str(form.get("action", "")))
    except ValueError:
        raise HTTPException(400, "unknown label") from None
    if action not in LABELS:
        raise HTTPException(400, "unknown label")
    from alerts.review import label_article

    state = request.app.state
    editor = request.state.editor

    def apply() -> None:
        label_article(
            state.store, state.config, article_id, action, editor,
            alert=form.get("alert") == "yes", note=_note(form),
        )  # fmt: skip

    await _apply(request, apply)
    return RedirectResponse(f"/articles/{article_id}", status_code=303)


async def move(request: Request) -> Response:
    form = await checked_form(request)
    article_id = request.path_params["article_id"]
    from incidents.edit import move as move_report

    def apply() -> str:
        with request.app.state.store.begin() as conn:
            to_id = _incident_id(conn, str(form.get("to", "")))
            move_report(conn, article_id, to_id, request.state.editor, _note(form))
            return _uid(conn, to_id)

    uid = await _apply(request, apply)
    return RedirectResponse(f"/incidents/{uid}", status_code=303)


async def split(request: Request) -> Response:
    form = await checked_form(request)
    article_id = request.path_params["article_id"]
    from incidents.edit import split as split_report

    def apply() -> str:
        with request.app.state.store.begin() as conn:
            new_id, _ = split_report(conn, article_id, request.state.editor, _note(form))
            return _uid(conn, new_id)

    uid = await _apply(request, apply)
    return RedirectResponse(f"/incidents/{uid}", status_code=303)


async def merge(request: Request) -> Response:
    form = await checked_form(request)
    from incidents.edit import merge as merge_incidents

    def apply() -> str:
        with request.app.state.store.begin() as conn:
            keep = _incident_id(conn, request.path_params["uid"])
            gone = _incident_id(conn, str(form.get("other", "")))
            if keep == gone:
                raise ValueError("an incident cannot be merged with itself")
            merge_incidents(conn, keep, gone, request.state.editor, _note(form))
            return _uid(conn, keep)

    uid = await _apply(request, apply)
    return RedirectResponse(f"/incidents/{uid}", status_code=303)


async def fact(request: Request) -> Response:
    form = await checked_form(request)
    field = str(form.get("field", ""))
    if field not in FACT_FIELDS:
        raise HTTPException(400, "unknown fact")
    from incidents.edit import correct_fact

    def apply() -> str:
        value = str(form.get("value", "")).strip()[:300]
        with request.app.state.store.begin() as conn:
            incident_id = _incident_id(conn, request.path_params["uid"])
            correct_fact(conn, incident_id, field, value, request.state.editor, _note(form))
            return _uid(conn, incident_id)

    uid = await _apply(request, apply)
    return RedirectResponse(f"/incidents/{uid}", status_code=303)


async def resend(request: Request) -> Response:
    await checked_form(request)
    entry_id = request.path_params["entry_id"]
    from alerts.dispatch import resend as resend_entry

    state = request.app.state
    stats = await _apply(request, resend_entry, state.store, state.config, entry_id)
    log.info("desk: %s resent outbox row %s: %s", request.state.editor, entry_id, stats)
    return RedirectResponse("/outbox", status_code=303)
