"""The desk over HTTP, as an editor's browser without JavaScript uses it: every page, the
login, and what a stranger or a forged request gets (never a page, never a change).

The desk is served on 127.0.0.1 over a store filled by real crawls (tests/deskkit.py).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from alert_fixtures import HttpReceiver
from deskkit import EDITOR, HOSTILE_TITLE, PASSWORD, Editor, desk_config, served

from desk.server import Desk

PAGES = [
    "/incidents",
    "/incidents/{uid}",
    "/articles/{id}",
    "/search?q=police",
    "/feeds",
    "/outbox",
]

# The stories of the store (their ids depend on the order the crawl stored them).
TRAFFIC = "Man killed after firing at Harlow Springs officers during traffic stop"
FOLLOWUP = "Man fatally shot by Harlow Springs police identified"
TROOPER = "No one hurt after trooper fires at armed man"
DEPUTY = "Tamarack County deputy fires at driver"
BAR = "Police investigating after man killed in shooting"
STANDOFF = "Standoff in Briar Glen ends peacefully after six hours"


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def aid(db: Path, title: str) -> int:
    """The id of the article whose title starts with `title`."""
    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT id FROM articles WHERE title LIKE ? || '%'", (title,))
        (row,) = found.fetchall()
    return int(row[0])


def uid_of(db: Path, article: int | str) -> str:
    article_id = aid(db, article) if isinstance(article, str) else article
    return rows(
        db,
        "SELECT uid FROM incidents JOIN incident_articles ON incidents.id = incident_id "
        f"WHERE article_id = {article_id}",
    )[0][0]


def text_of(html: str) -> str:
    """The page's visible words, one space between them."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# -- who may see the desk ------------------------------------------------------------------


def test_without_login_a_browser_is_sent_to_log_in_and_a_script_gets_401(desk: Desk, db: Path):
    stranger = Editor.at(desk)
    for path in [p.format(uid=uid_of(db, TRAFFIC), id=aid(db, TRAFFIC)) for p in PAGES]:
        page = stranger.get(path)
        assert page.status_code == 303, path
        assert page.headers["location"].startswith("/login?next="), path
        api = stranger.get(path, headers={"Accept": "application/json"})
        assert api.status_code == 401, path
        assert "Incidents" not in api.text and "incident" not in api.text.lower()


def test_an_editor_logs_in_with_the_configured_password_and_out_again(desk: Desk):
    e = Editor.at(desk)
    wrong = e.login(password="not the password")
    assert wrong.status_code == 401
    assert "Wrong name or password" in wrong.text
    assert e.get("/incidents").status_code == 303
    assert e.login(name="nobody").status_code == 401
    ok = e.login()
    assert ok.status_code == 303 and ok.headers["location"] == "/incidents"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = e.get("/incidents")
    assert page.status_code == 200 and EDITOR in page.text
    assert e.post("/logout", {}).status_code == 303
    assert e.get("/incidents").status_code == 303


def test_the_login_page_only_sends_editors_on_within_the_desk(desk: Desk):
    e = Editor.at(desk)
    form = {"name": EDITOR, "password": PASSWORD, "next": "//evil.example/phish"}
    answer = e.post("/login", form, page="/login")
    assert answer.status_code == 303 and answer.headers["location"] == "/incidents"


def test_a_session_cookie_is_secure_when_the_desk_is_reached_over_https(
    db: Path, tmp_path: Path, hook: HttpReceiver
):
    config = desk_config(tmp_path, db, hook, web='base_url = "https://desk.example.org"')
    with served(config) as d:
        # The login form already sets the session (its CSRF token); a browser would send
        # it back over https only.
        answer = Editor.at(d).get("/login")
    cookie = answer.headers["set-cookie"].lower()
    assert "; secure" in cookie and "httponly" in cookie


def test_a_forged_or_altered_session_cookie_is_refused(desk: Desk, editor: Editor):
    cookie = editor.http.cookies.get("oiswatch_desk")
    assert cookie
    payload, rest = cookie.split(".", 1)
    import base64
    import json

    forged = base64.b64encode(json.dumps({"user": "mallory"}).encode()).decode()
    for value in (f"{forged}.{rest}", "eyJ1c2VyIjogImRhbmEifQ==.AAAA.BBBB"):
        stranger = Editor.at(desk)
        stranger.http.cookies.set("oiswatch_desk", value)
        assert stranger.get("/incidents").status_code == 303


def test_a_proxy_header_logs_in_only_from_a_trusted_proxy(
    db: Path, tmp_path: Path, hook: HttpReceiver
):
    header = {"Accept": "text/html", "X-Remote-User": "pat"}
    trusted = desk_config(tmp_path, db, hook, web='proxy_user_header = "X-Remote-User"',
                          users=False, name="trusted.toml")  # fmt: skip
    with served(trusted) as d:
        page = Editor.at(d).get("/incidents", headers=header)
        assert page.status_code == 200 and "pat" in page.text
        assert Editor.at(d).get("/incidents").status_code == 303  # no header, no entry
    elsewhere = desk_config(
        tmp_path, db, hook, users=False, name="untrusted.toml",
        web='proxy_user_header = "X-Remote-User"\ntrusted_proxies = ["10.9.8.7"]',
    )  # fmt: skip
    with served(elsewhere) as d:
        assert Editor.at(d).get("/incidents", headers=header).status_code == 303


def test_every_form_without_the_right_csrf_token_is_refused(editor: Editor, db: Path):
    uid, follow = uid_of(db, TRAFFIC), aid(db, FOLLOWUP)
    before = rows(db, "SELECT count(*) FROM corrections")
    posts = {
        f"/articles/{aid(db, TRAFFIC)}/label": {"action": "false_alarm"},
        f"/articles/{follow}/move": {"to": uid_of(db, TROOPER)},
        f"/articles/{follow}/split": {},
        f"/incidents/{uid}/merge": {"other": uid_of(db, TROOPER)},
        f"/incidents/{uid}/fact": {"field": "fatal", "value": "no"},
        "/outbox/1/resend": {},
        "/logout": {},
    }
    for path, form in posts.items():
        for token in ("", "wrong-token-" + "x" * 30):
            answer = editor.post(path, form, token=token)
            assert answer.status_code == 403, (path, token, answer.status_code)
        without = editor.http.post(editor.base + path, data=form, allow_redirects=False)
        assert without.status_code == 403, path
    assert rows(db, "SELECT count(*) FROM corrections") == before
    assert editor.get("/incidents").status_code == 200  # still logged in


def test_actions_without_login_are_401_and_change_nothing(desk: Desk, db: Path):
    stranger = Editor.at(desk)
    token = stranger.csrf("/login")  # a real token of the stranger's own session
    for path in ["/articles/1/label", "/articles/1/split", "/outbox/1/resend"]:
        answer = stranger.post(path, {"action": "false_alarm"}, token=token)
        assert answer.status_code == 401, path
    assert rows(db, "SELECT count(*) FROM corrections") == [(0,)]


# -- the pages -----------------------------------------------------------------------------


def test_incidents_newest_first_with_their_facts(editor: Editor, db: Path):
    page = editor.get("/incidents")
    assert page.status_code == 200
    uids = re.findall(r'href="/incidents/([0-9a-f]{20})"', page.text)
    opened = rows(db, "SELECT uid FROM incidents ORDER BY opened_at DESC")
    assert uids == [u for (u,) in opened]
    words = text_of(page.text)
    assert "Man killed after firing at Harlow Springs officers during traffic stop" in words
    assert "updates" in words  # the Harlow Springs shooting has a follow-up


def test_incidents_come_in_pages_that_keep_the_filters(
    editor: Editor, db: Path, monkeypatch: pytest.MonkeyPatch
):
    """A year of incidents is read a page at a time, newest first; the links keep the
    filters, and every incident is on exactly one page."""
    from desk import incidents

    monkeypatch.setattr(incidents, "LIST_LIMIT", 2)
    seen: list[str] = []
    page = editor.get("/incidents")
    assert "Newer" not in text_of(page.text)
    while True:
        uids = re.findall(r'href="/incidents/([0-9a-f]{20})"', page.text)
        assert 1 <= len(uids) <= 2
        seen += uids
        older = re.search(r'href="(/incidents\?[^"]*page=\d+[^"]*)" rel="next"', page.text)
        if older is None:
            break
        page = editor.get(older.group(1).replace("&amp;", "&"))
        assert "Newer" in text_of(page.text)
    opened = rows(db, "SELECT uid FROM incidents ORDER BY opened_at DESC")
    assert seen == [u for (u,) in opened]

    filtered = editor.get("/incidents?fatal=no&reviewed=no")  # three incidents
    older = re.search(r'href="(/incidents\?[^"]*)" rel="next"', filtered.text)
    assert older is not None
    link = older.group(1).replace("&amp;", "&")
    assert "fatal=no" in link and "reviewed=no" in link
    last = re.findall(r'href="/incidents/([0-9a-f]{20})"', editor.get(link).text)
    three = {uid_of(db, t) for t in (TROOPER, DEPUTY, HOSTILE_TITLE)}
    oldest = next(u for (u,) in reversed(opened) if u in three)
    assert last == [oldest]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fatal=yes", {TRAFFIC}),
        ("fatal=no", {TROOPER, DEPUTY, HOSTILE_TITLE}),
        ("followup=yes", {TRAFFIC}),
        ("followup=no&fatal=no", {TROOPER, DEPUTY, HOSTILE_TITLE}),
        ("place=briar", {DEPUTY}),
        ("agency=highway+patrol", {TROOPER}),
        ("agency=sheriff", {DEPUTY, HOSTILE_TITLE}),
        ("agency=sheriff&place=kettle", {HOSTILE_TITLE}),
        ("reviewed=yes", set()),
        ("reviewed=no&agency=patrol", {TROOPER}),
    ],
)
def test_incidents_filter(editor: Editor, db: Path, query: str, expected: set[str]):
    page = editor.get(f"/incidents?{query}")
    assert page.status_code == 200
    shown = set(re.findall(r'href="/incidents/([0-9a-f]{20})"', page.text))
    assert shown == {uid_of(db, a) for a in expected}


def test_incidents_filter_by_date(editor: Editor, db: Path):
    # The hostile report was published 2026-12-02 and says "Tuesday": 2026-12-01. (The
    # demo's stories are dated from today, so which of them share a day varies.)
    day = "2026-12-01"
    same_day = {u for (u,) in rows(db, f"SELECT uid FROM incidents WHERE event_date = '{day}'")}
    assert uid_of(db, HOSTILE_TITLE) in same_day
    page = editor.get(f"/incidents?since={day}&until={day}")
    assert set(re.findall(r'href="/incidents/([0-9a-f]{20})"', page.text)) == same_day
    later = editor.get("/incidents?since=2026-12-02")
    assert uid_of(db, HOSTILE_TITLE) not in later.text
    earlier = editor.get("/incidents?until=2026-11-30")
    assert (
        "/incidents/" not in earlier.text.split("<table", 1)[-1] or "No incidents" in earlier.text
    )


def test_one_incident_reports_in_order_evidence_facts_and_alerts(editor: Editor, db: Path):
    page = editor.get(f"/incidents/{uid_of(db, TRAFFIC)}")
    assert page.status_code == 200
    words = text_of(page.text)
    first = words.index("Man killed after firing at Harlow Springs officers")
    follow = words.index("Man fatally shot by Harlow Springs police identified")
    assert first < follow
    # The evidence sentence, its matched words marked.
    marked = '<mark class="evidence">The two <strong>officers</strong> <strong>returned fire'
    assert marked in page.text
    assert "Corey Lindqvist" in words  # merged facts: the person shot
    assert "Ohio Bureau of Investigation" in words
    assert re.search(r"sent\s*</span>\s*incident.new", page.text)
    assert "email to metro-desk@harlow-springs-ledger.example" not in words  # not configured
    assert "email (no longer configured)" in words


def test_move_offers_the_incidents_of_the_same_place_first(editor: Editor, db: Path):
    """A report filed under the wrong shooting most likely belongs to another of that city:
    those come first in "Move to", however long ago others were opened."""
    page = editor.get(f"/incidents/{uid_of(db, TRAFFIC)}")
    form = page.text[page.text.index('<select name="to">') :]
    options = re.findall(r'<option value="([0-9a-f]{20})"', form[: form.index("</select>")])
    assert options[0] == uid_of(db, TROOPER)  # Harlow Springs too; opened before the others
    assert uid_of(db, TRAFFIC) not in options
    assert uid_of(db, DEPUTY) in options  # the rest follow


def test_an_article_says_why_a_negative_was_not_flagged(editor: Editor, db: Path):
    page = editor.get(f"/articles/{aid(db, BAR)}")
    words = text_of(page.text)
    assert "not flagged" in words
    assert "Why not: Shooting or gun words appear (e.g. police investigating a shooting), " \
        "but no sentence says an officer fired." in words  # fmt: skip
    flagged = text_of(editor.get(f"/articles/{aid(db, TRAFFIC)}").text)
    assert "Why:" in flagged and "flagged" in flagged


def test_a_merged_away_incident_leads_to_the_one_it_joined(editor: Editor, db: Path):
    keep, gone = uid_of(db, TRAFFIC), uid_of(db, TROOPER)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE incidents SET merged_into = (SELECT id FROM incidents WHERE uid = ?) "
            "WHERE uid = ?",
            (keep, gone),
        )
    answer = editor.get(f"/incidents/{gone}")
    assert answer.status_code == 303 and answer.headers["location"] == f"/incidents/{keep}"
    assert gone not in editor.get("/incidents").text
    assert editor.get("/incidents/0000000000").status_code == 404


def test_feeds_page_shows_what_status_shows(editor: Editor):
    words = text_of(editor.get("/feeds").text)
    assert "Feeds' health" in words
    assert "daemon: none (no process polls this store)" in words
    assert "stored in all" in words
    assert "1 dead" in words


def test_outbox_lists_dead_alerts_and_resends_them(editor: Editor, hook: HttpReceiver, db: Path):
    page = editor.get("/outbox")
    words = text_of(page.text)
    assert "Dead (1)" in words and "HTTP 503" in words
    dead = rows(db, "SELECT id FROM outbox WHERE status = 'dead'")[0][0]
    received = len(hook.requests)
    answer = editor.post(f"/outbox/{dead}/resend", {}, page="/outbox")
    assert answer.status_code == 303
    assert len(hook.requests) == received + 1
    assert hook.bodies[-1]["article"]["title"] == HOSTILE_TITLE
    assert rows(db, f"SELECT status FROM outbox WHERE id = {dead}") == [("sent",)]
    assert "Dead (0)" in text_of(editor.get("/outbox").text)


def test_search_finds_a_report_the_bot_did_not_flag(editor: Editor):
    page = editor.get("/search?q=standoff+briar")
    words = text_of(page.text)
    assert "Standoff in Briar Glen ends peacefully after six hours" in words
    assert "not flagged" in words
    assert 'value="missed"' in page.text  # the button that flags it
    nothing = text_of(editor.get("/search?q=%22%29+OR+1%3D1+--+zzqx").text)
    assert "Nothing stored matches" in nothing


# -- hostile input -------------------------------------------------------------------------


def test_a_hostile_headline_and_text_are_shown_as_words_never_run(editor: Editor, db: Path):
    with sqlite3.connect(db) as conn:
        article = conn.execute(
            "SELECT id FROM articles WHERE title = ?", (HOSTILE_TITLE,)
        ).fetchall()
    assert article, "the hostile page was not stored"
    (article_id,) = article[0]
    pages = [
        editor.get(f"/articles/{article_id}").text,
        editor.get(f"/incidents/{uid_of(db, article_id)}").text,
        editor.get("/incidents").text,
        editor.get("/search?q=kettle").text,
    ]
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;headline&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(&#34;text&#34;)&gt;" in pages[0]


def test_a_link_to_an_article_is_only_ever_http(editor: Editor, db: Path):
    with sqlite3.connect(db) as conn:
        for url, title in (("javascript:alert(1)", TRAFFIC), (" JaVaScRiPt:alert(2)", FOLLOWUP)):
            conn.execute(
                "UPDATE articles SET canonical_url = ? WHERE id = ?", (url, aid(db, title))
            )
    paths = [f"/articles/{aid(db, TRAFFIC)}", f"/articles/{aid(db, FOLLOWUP)}"]
    for path in [*paths, f"/incidents/{uid_of(db, TRAFFIC)}"]:
        html = editor.get(path).text
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert hrefs and all(h.startswith(("/", "http://", "https://")) for h in hrefs), hrefs
        assert 'href="javascript' not in html.lower()


def test_a_missing_incident_or_article_is_a_404_page_that_escapes_the_address(editor: Editor):
    answer = editor.get("/incidents/%3Cimg%20src=x%20onerror=alert(1)%3E")
    assert answer.status_code == 404
    assert "<img src=x" not in answer.text
    assert "no incident &lt;img src=x onerror=alert(1)&gt;" in answer.text
    assert editor.get("/articles/999999").status_code == 404
