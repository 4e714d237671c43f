"""Shared fixtures: where ../shared is, and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

# Fixtures shared by the suite, registered as plugins so a test names them as arguments and
# imports nothing: PostgreSQL/Redis servers and the per-backend store_url (cluster_fixtures),
# the alert receivers and a store (alert_fixtures), the service tests' site and webhook
# receiver (servicekit), the desk's store filled by real crawls and its server (deskkit).
pytest_plugins = ("cluster_fixtures", "alert_fixtures", "servicekit", "deskkit")

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
