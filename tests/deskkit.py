"""The desk's test kit: a store filled by real crawls, the desk served on 127.0.0.1, and an
editor's HTTP client that logs in and posts forms with their CSRF token.

The store is made once per test module: `oiswatch demo` crawls its bundled news site (police
shootings, a follow-up, the hard negatives, a syndicated copy) and emails the alerts; then
`scrapy crawl backfill -a alert=yes` fetches a hostile page from the fixture site (a police
shooting whose headline and text carry markup and script); then a webhook that answers 503
kills that alert (one attempt allowed), for the outbox's dead row. Each test gets a copy.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from alert_fixtures import HttpReceiver
from kit import free_port, oiswatch, scrapy, write_config
from mocksite import MockSite
from mocksite.pages import article_page

from config import load_config
from desk.auth import hash_password
from desk.server import Desk
from oiswatch.status import gather

PASSWORD = "correct horse battery"
EDITOR = "dana"
_HASH = hash_password(PASSWORD)

HOSTILE_TITLE = '<script>alert("headline")</script> Deputy fires at man in Kettle Falls'
HOSTILE_PATH = "/news/kettle-falls-deputy-shooting"
HOSTILE_TEXT = [
    "A Kettle County deputy shot and wounded a man Tuesday night outside a store in Kettle "
    'Falls <img src=x onerror=alert("text")> after the man pointed a rifle at him, the '
    "Kettle County Sheriff's Office said.",
    "The man was taken to a hospital and is expected to survive. The deputy was not hurt.",
    "The state Bureau of Investigation is reviewing the shooting, as it does every time a "
    "deputy fires a weapon.",
]


def hostile_site() -> MockSite:
    site = MockSite()
    site.add_page(
        HOSTILE_PATH,
        article_page(
            HOSTILE_TITLE,
            HOSTILE_TEXT,
            purpose="a police shooting whose headline and text carry script: escaped on the desk",
            canonical=site.url(HOSTILE_PATH),
            published=datetime(2026, 12, 2, 8, 0, tzinfo=UTC).isoformat(),
        ),
    )
    return site.start()


def build_store(workdir: Path, hook: HttpReceiver) -> Path:
    """The module's store (see the module's docstring); returns the SQLite file."""
    demo = workdir / "demo"
    result = oiswatch("demo", "--dir", str(demo))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    db = demo / "oiswatch.db"
    site = hostile_site()
    hook.fail = True  # the backfill's delivery fails; one attempt allowed: a dead alert
    try:
        listing = workdir / "urls.txt"
        listing.write_text(site.url(HOSTILE_PATH) + "\n")
        config = crawl_config(workdir, db, hook)
        result = scrapy("crawl", "backfill", "-a", f"urls={listing}", "-a", "alert=yes",
                        config=config)  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        site.stop()
        hook.fail = False
    return db


def crawl_config(workdir: Path, db: Path, hook: HttpReceiver) -> Path:
    return write_config(
        workdir,
        "[alerts]\nmax_attempts = 1\n",
        f'[[alerts.webhooks]]\nurl = "{hook.url()}"\n',
        store=f"sqlite:///{db}",
        name="crawl.toml",
    )


def desk_config(
    workdir: Path,
    db: Path,
    hook: HttpReceiver,
    *,
    web: str = "",
    users: bool = True,
    name: str = "desk.toml",
) -> Path:
    """A configuration whose desk listens on a free loopback port; `web`: more [web] keys."""
    people = f'[[web.users]]\nname = "{EDITOR}"\npassword_hash = "{_HASH}"\n' if users else ""
    return write_config(
        workdir,
        f'[web]\nport = {free_port()}\nsecret_env = "OISWATCH_TEST_DESK_SECRET"\n{web}\n',
        people,
        "[alerts]\nmax_attempts = 1\n",
        f'[[alerts.webhooks]]\nurl = "{hook.url()}"\n',
        store=f"sqlite:///{db}",
        name=name,
    )


def copy_store(base: Path, directory: Path) -> Path:
    db = directory / "desk.db"
    with_wal = [base] + [base.with_name(base.name + s) for s in ("-wal", "-shm")]
    for part in with_wal:
        if part.exists():
            shutil.copy(part, db.with_name(db.name + part.name.removeprefix(base.name)))
    return db


@contextmanager
def served(config_path: Path) -> Iterator[Desk]:
    """The desk of that configuration, served from a thread of this process."""
    from store import Store

    config = load_config(config_path)
    store = Store(config.storage.url)
    desk = Desk(config, store, gather)
    desk.start()
    try:
        yield desk
    finally:
        desk.stop()
        store.close()


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Editor:
    """A browser without JavaScript: a cookie jar, the desk's URL, forms posted whole."""

    base: str
    http: requests.Session

    @classmethod
    def at(cls, desk: Desk) -> Editor:
        return cls.at_url(desk.url)

    @classmethod
    def at_url(cls, base: str) -> Editor:
        return cls(base, requests.Session())

    def get(self, path: str, **kwargs: object) -> requests.Response:
        kwargs.setdefault("headers", {"Accept": "text/html"})
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.base + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    def csrf(self, path: str = "/login") -> str:
        page = self.http.get(self.base + path, timeout=30)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path}: {page.status_code} {page.text[:500]}"
        return found.group(1)

    def post(self, path: str, data: dict[str, str], *, token: str | None = None,
             page: str = "/incidents") -> requests.Response:  # fmt: skip
        form = {"csrf": token if token is not None else self.csrf(page), **data}
        return self.http.post(self.base + path, data=form, timeout=60, allow_redirects=False)

    def login(self, name: str = EDITOR, password: str = PASSWORD) -> requests.Response:
        return self.post(
            "/login", {"name": name, "password": password, "next": "/incidents"}, page="/login"
        )


# -- pytest fixtures (a plugin: tests/conftest.py registers this module) -------------------


@pytest.fixture(scope="module")
def hook() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory, hook: HttpReceiver) -> Path:
    return build_store(tmp_path_factory.mktemp("desk-store"), hook)


@pytest.fixture
def db(base_store: Path, tmp_path: Path) -> Path:
    return copy_store(base_store, tmp_path)


@pytest.fixture
def desk(db: Path, tmp_path: Path, hook: HttpReceiver) -> Iterator[Desk]:
    with served(desk_config(tmp_path, db, hook)) as d:
        yield d


@pytest.fixture
def editor(desk: Desk) -> Editor:
    e = Editor.at(desk)
    assert e.login().status_code == 303
    return e
