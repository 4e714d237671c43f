"""Shared fixtures: where ../shared is, and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

# PostgreSQL/Redis servers and the per-backend store_url fixture.
from cluster_fixtures import (  # noqa: F401
    pg_url,
    postgres_server,
    redis_server,
    redis_url,
    store_url,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: the tests read the project's shared data from there")
    return SHARED


@pytest.fixture
def newsroom():
    """The Riverton Ledger fixture site (tests/mocksite) on an ephemeral 127.0.0.1 port."""
    from mocksite import MockSite, build_newsroom

    site = build_newsroom(MockSite()).start()
    yield site
    site.stop()
