"""Opening the database: one engine per store, with the settings each backend needs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SQLITE_BUSY_SECONDS = 30.0


class StoreError(RuntimeError):
    """The store cannot be opened or used."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def strip_nul(value: Any) -> Any:
    """Drop NUL characters: PostgreSQL text cannot hold them, and broken pages contain them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT wrote."""
    key = result.inserted_primary_key
    assert key is not None, "not the result of a one-row INSERT"
    return int(key[0])


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"[storage] url: not a database URL: {url!r} ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"[storage] url: cannot create the folder {str(folder)!r} for the "
                    f"store {parsed.database!r}: {exc.strerror or exc}"
                ) from None
        # How long a write waits for another program's lock (a backup, an export) before
        # failing: 30 s, or `?timeout=SECONDS` in the URL.
        try:
            timeout = float(parsed.query.get("timeout", SQLITE_BUSY_SECONDS))  # type: ignore[arg-type]
        except ValueError:
            raise StoreError(f"[storage] url: ?timeout= must be seconds, in {url!r}") from None
        engine = create_engine(url, connect_args={"timeout": timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets `oiswatch status` read while the daemon writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)
