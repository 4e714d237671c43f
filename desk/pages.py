"""The desk's pages (GET): incidents, one incident, one article, search, feeds, outbox.

Each handler reads through ``desk.incidents`` / ``desk.articles`` / ``desk.search`` and the
status and outbox reads ``oiswatch status`` and ``oiswatch alerts`` use, then renders.
Handlers are plain functions: Starlette runs them in its thread pool, off the event loop.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from alerts.dispatch import resolve
from desk import articles, incidents, search
from desk.respond import page
from records import OutboxStatus
from store import outbox


def home(request: Request) -> Response:
    return RedirectResponse("/incidents", status_code=303)


def incident_list(request: Request) -> Response:
    filters = incidents.Filters.parse(request.query_params)
    with request.app.state.store.engine.connect() as conn:
        rows = incidents.listing(conn, filters)
    older = len(rows) > incidents.LIST_LIMIT
    return page(
        request,
        "incidents.html",
        rows=rows[: incidents.LIST_LIMIT],
        filters=filters,
        newer=filters.query_for(filters.page - 1) if filters.page else None,
        older=filters.query_for(filters.page + 1) if older else None,
    )


def incident_page(request: Request) -> Response:
    uid = request.path_params["uid"]
    with request.app.state.store.engine.connect() as conn:
        found, merged_into = incidents.resolve_uid(conn, uid)
        if merged_into is not None:
            return RedirectResponse(f"/incidents/{merged_into}", status_code=303)
        if found is None:
            raise HTTPException(404, f"no incident {uid}")
        incident = incidents.detail(conn, found)
        others = incidents.choices(conn, near=found)
    config = request.app.state.config
    labels = {s.destination: _label(config, s.destination) for s in incident.sent}
    return page(request, "incident.html", incident=incident, others=others, labels=labels)


def _label(config: object, key: str) -> str:
    dest = resolve(key, config)  # type: ignore[arg-type]
    return dest.label if dest else f"{key} (no longer configured)"


def article_page(request: Request) -> Response:
    article_id = request.path_params["article_id"]
    with request.app.state.store.engine.connect() as conn:
        article = articles.get(conn, article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        others = incidents.choices(conn, near=article.incident_id)
    return page(request, "article.html", article=article, others=others)


def search_page(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()[:200]
    hits: list[search.Hit] = []
    if query:
        store = request.app.state.store
        with store.engine.connect() as conn:
            hits = search.search(conn, query)
    return page(request, "search.html", q=query, hits=hits)


def feeds_page(request: Request) -> Response:
    # What `oiswatch status` shows, read by its own function (``create_app``'s `health`).
    state = request.app.state
    status = state.health(state.config, state.store)
    return page(request, "feeds.html", status=status)


def outbox_page(request: Request) -> Response:
    config = request.app.state.config
    with request.app.state.store.engine.connect() as conn:
        groups = {
            "pending": outbox.entries(conn, OutboxStatus.PENDING),
            "dead": outbox.entries(conn, OutboxStatus.DEAD),
            "dismissed": outbox.entries(conn, OutboxStatus.DISMISSED),
            "sent": outbox.entries(conn, OutboxStatus.SENT, limit=50),
        }
    labels = {e.destination: _label(config, e.destination) for g in groups.values() for e in g}
    return page(request, "outbox.html", groups=groups, labels=labels)
