"""Session-wide PostgreSQL and Redis servers, and a store URL for each backend.

``store_url`` runs a test once on SQLite and once on PostgreSQL, each with an empty
database of its own; the servers start only when a test asks for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from servers import PostgresServer, RedisServer, ServerMissing

BACKENDS = ("sqlite", "postgresql")


def _running(server: PostgresServer | RedisServer) -> Iterator[Any]:
    """Start a test server for the session; a missing binary fails the tests, never skips."""
    try:
        server.start()
    except ServerMissing as exc:
        server.stop()
        pytest.fail(str(exc), pytrace=False)
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from _running(PostgresServer())


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _running(RedisServer())


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    redis_server.flush()
    yield redis_server.url


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty PostgreSQL database for one test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database on each backend in turn: SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'oiswatch.db'}"
    return request.getfixturevalue("pg_url")
