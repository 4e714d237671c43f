"""Secret keys the store keeps for every process that opens it (the desk's signing key
when the operator sets none), so a cluster's schedulers and desks agree on one."""

from __future__ import annotations

import secrets

from sqlalchemy import Column, Engine, String, Table, Text, select
from sqlalchemy.exc import IntegrityError

from store.engine import utcnow
from store.schema import UTCDateTime, metadata

keys = Table(
    "keys",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),  # hex
    Column("created_at", UTCDateTime, nullable=False),
)


def key(engine: Engine, name: str, nbytes: int = 32) -> bytes:
    """The store's key called `name`, made at random the first time any process asks."""
    query = select(keys.c.value).where(keys.c.name == name)
    with engine.begin() as conn:
        found = conn.execute(query).scalar()
    if found is None:
        try:
            with engine.begin() as conn:
                conn.execute(
                    keys.insert().values(
                        name=name, value=secrets.token_hex(nbytes), created_at=utcnow()
                    )
                )
        except IntegrityError:
            pass  # another process made it first: read theirs
        with engine.begin() as conn:
            found = conn.execute(query).scalar_one()
    return bytes.fromhex(found)
