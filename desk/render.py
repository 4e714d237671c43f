"""The desk's templates: one Jinja2 environment, autoescaping everything, and its filters."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from desk import highlight

TEMPLATES = Path(__file__).parent / "templates"


def safe_url(url: object) -> str | None:
    """An article's link when it is http(s); anything else (``javascript:``, ``data:``) is
    not linked at all."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def yes_no(value: object) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")  # type: ignore[call-overload]


def show(value: Any) -> str:
    """A fact as an editor reads it."""
    if value is None or value == [] or value == "":
        return "unknown"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def told(detail: dict[str, Any]) -> Markup:
    """What a correction's detail says, for people: incidents named by their ids (linked),
    a fact as "field = value"; the store's row numbers left out."""
    if "field" in detail:
        return Markup("{} = {}").format(detail["field"], show(detail.get("value")))
    parts = []
    for key, value in sorted(detail.items()):
        if key.endswith("uid") and isinstance(value, str):
            name = key.removesuffix("uid").strip("_").replace("_", " ") or "incident"
            parts.append(Markup('{} <a href="/incidents/{}">{}</a>').format(name, value, value))
        elif not (key.endswith("incident") or key in ("merged", "new", "set")):
            parts.append(Markup("{}: {}").format(key.replace("_", " "), show(value)))
    return Markup("; ").join(parts)


def masked(url: str) -> str:
    """A store URL as a page may show it: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def environment(zone: tzinfo) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def when(value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
        if value is None:
            return "unknown"
        if isinstance(value, datetime):
            return value.astimezone(zone).strftime(fmt)
        return value.isoformat()

    def spans(sentence: str, marks: Any) -> Markup:
        return highlight.mark_spans(sentence, marks)

    env.filters.update(
        when=when, safe_url=safe_url, masked=masked, told=told, yes_no=yes_no, show=show,
        spans=spans, paragraphs=highlight.paragraphs,
    )  # fmt: skip
    return env
