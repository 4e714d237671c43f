"""Real receivers on 127.0.0.1 for the alerts tests, and builders for articles and verdicts.

The stories below are invented for these tests: two different shootings by Kansas City
police on the same Tuesday, another outlet's report, a syndicated copy and a follow-up.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from kit import free_port

import alerts
from config.model import Config, parse_config
from records import Article, Category, Evidence, Location, Verdict
from store import Store

T0 = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
TUESDAY = date(2026, 3, 3)

STORY_A = (
    "Kansas City police shot and killed a man late Tuesday near East 39th Street and "
    "Prospect Avenue, police said. Officers were called to a disturbance at a gas station "
    "shortly after 10 p.m. The man, identified by relatives as Marcus Bell, 31, ran from "
    "officers and pointed a handgun at them, according to a police spokesman. One officer "
    "fired several rounds. Bell was pronounced dead at a hospital. No officers were hurt. "
    "The Missouri State Highway Patrol is investigating the shooting, as is routine when "
    "Kansas City officers fire their weapons."
)
STORY_A_OTHER_OUTLET = (
    "A 31-year-old man died after a Kansas City officer opened fire during a confrontation "
    "on Prospect Avenue on Tuesday night. Family members named him as Marcus Bell. Police "
    "say Bell had a gun; witnesses at the gas station at 39th and Prospect said he was "
    "running away when he was shot. The Highway Patrol will review the case."
)
STORY_A_FOLLOWUP = (
    "The family of Marcus Bell, the man shot and killed by a Kansas City police officer "
    "near 39th and Prospect last week, asked prosecutors on Monday to release the body "
    "camera video. Bell's sister said he was unarmed. The Missouri State Highway Patrol "
    "has not finished its investigation."
)
STORY_B = (
    "A Kansas City police officer shot and wounded a woman in Westport on Tuesday "
    "afternoon after she drove a car toward officers on Mill Street, police said. The "
    "woman, Dana Whitfield, 27, was taken to Truman Medical Center in serious condition. "
    "Sergeant Alicia Moreno said the officer fired twice through the windshield near "
    "Pennsylvania Avenue."
)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def verdict(
    sentence: str = "Kansas City police shot and killed a man late Tuesday.",
    *,
    city: str | None = "Kansas City",
    state: str | None = "MO",
    as_written: str | None = None,
    incident_date: date | None = TUESDAY,
    followup: bool = False,
    fatal: bool | None = True,
    ois: bool = True,
    category: str = "ois",  # a Category value
    in_region: bool | None = True,
    agencies: tuple[str, ...] = ("Kansas City Police",),
) -> Verdict:
    start = sentence.find("shot")
    spans = ((start, start + 4),) if start >= 0 else ()
    return Verdict(
        ois=ois,
        category=Category(category),
        score=0.95,
        evidence=(Evidence(sentence, spans, "officer fired (active voice)"),),
        reason="An officer fired.",
        fatal=fatal,
        anyone_hit=True,
        officer_injured=False,
        agencies=agencies,
        investigating_agency="Missouri State Highway Patrol",
        location=Location(as_written or city, city, state) if city or state else None,
        incident_date=incident_date,
        followup=followup,
        in_region=in_region,
    )


def article(
    url: str,
    title: str,
    text: str,
    *,
    outlet: str = "KC Daily",
    published: datetime = T0,
    alert: bool = True,
    **verdict_args: object,
) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        title=title,
        outlet=outlet,
        published=published,
        text=text,
        content_hash=content_hash(text),
        fetched_at=published,
        http_status=200,
        verdict=verdict(**verdict_args),  # type: ignore[arg-type]
        alert=alert,
    )


def store_article(store: Store, config: Config, art: Article, now: datetime = T0) -> int:
    """What the crawl's store stage does: save and enqueue in one transaction."""
    with store.begin() as conn:
        article_id = store.save_article(conn, art, now=now)
        alerts.enqueue(conn, article_id, art, config, now=now)
    return article_id


def make_config(
    *,
    smtp_port: int | None = None,
    hook_url: str | None = None,
    hook_format: str = "json",
    apprise_url: str | None = None,
    digest: bool = False,
    **alert_settings: object,
) -> Config:
    section: dict[str, object] = {"retry_base_seconds": 30, **alert_settings}
    if smtp_port:
        section["email"] = {
            "host": "127.0.0.1",
            "port": smtp_port,
            "security": "none",
            "sender": "oiswatch@newsroom.test",
            "recipients": ["desk@newsroom.test"],
            "timeout_seconds": 5,
        }
    if hook_url:
        section["webhooks"] = [
            {
                "url": hook_url,
                "secret_env": "OISWATCH_TEST_HOOK_SECRET",
                "format": hook_format,
                "timeout_seconds": 5,
            }
        ]
    if apprise_url:
        section["apprise"] = [{"url": apprise_url}]
    if digest:
        section["digest"] = {"enabled": True, "recipients": ["editor@newsroom.test"]}
    return parse_config({"alerts": section})


# -- SMTP ----------------------------------------------------------------------------------


@dataclass
class SmtpReceiver:
    """An aiosmtpd server on 127.0.0.1 that keeps every raw message it accepts."""

    port: int = field(default_factory=free_port)
    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    controller: Controller | None = None
    # (user, password) the server demands, over plain SMTP: fine for a test on 127.0.0.1.
    login: tuple[str, str] | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted"

    def start(self) -> SmtpReceiver:
        kwargs: dict[str, object] = {}
        if self.login:
            kwargs = {
                "auth_required": True,
                "auth_require_tls": False,
                "auth_exclude_mechanism": ["LOGIN"],
                "authenticator": self._authenticate,
            }
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        given = (auth_data.login.decode(), auth_data.password.decode())
        return AuthResult(success=given == self.login)

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, raw in self.messages]


# -- HTTP ----------------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


class HttpReceiver:
    """The webhook receiver: an HTTP server in a thread that keeps every POST and answers it
    with the next scripted status (else 200); ``fail`` makes it answer 503 to all.

    A scripted status of 0 never answers, so the sender times out.
    """

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.statuses: list[int] = []
        self.fail = False
        self.on_request: Callable[[Request], None] | None = None
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                req = Request(self.path, dict(self.headers.items()), self.rfile.read(length))
                receiver.requests.append(req)
                if receiver.on_request:
                    receiver.on_request(req)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                status = 503 if receiver.fail else status
                if status == 0:  # scripted "no answer": hold the line until the test ends
                    receiver.released.wait(30)
                    return
                body = b'{"ok": true}' if status < 300 else b"service unavailable, try later"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the sender died mid-request (the crash test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def bodies(self) -> list[dict]:
        """The JSON body of each request, in order."""
        return [json.loads(r.body) for r in list(self.requests)]

    @property
    def deliveries(self) -> list[str]:
        """The X-Oiswatch-Delivery header of each request: one per outbox row."""
        return [r.headers.get("X-Oiswatch-Delivery", "") for r in list(self.requests)]

    def urls(self) -> list[str]:
        """The article URL of each alert received."""
        return [b["article"]["url"] for b in self.bodies if b.get("article")]

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


# -- pytest fixtures (a plugin: tests/conftest.py registers this module) -------------------


@pytest.fixture
def store(tmp_path):
    s = Store("sqlite:///" + str(tmp_path / "t.db"))
    yield s
    s.close()


@pytest.fixture
def smtp():
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def http(monkeypatch):
    monkeypatch.setenv("OISWATCH_TEST_HOOK_SECRET", "s3cret-key")
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()
