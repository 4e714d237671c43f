"""Editors' corrections through the desk (POST forms with their CSRF token): each lands in
the store with the editor and the time, shows on the page, and does what it says; the
one-click links of a real alert act only after a confirming POST, never when fetched.

The corrections themselves are applied by ``alerts.review`` and ``incidents.edit``; these
tests check what an editor sees of them through the desk.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alert_fixtures import HttpReceiver
from deskkit import EDITOR, HOSTILE_TITLE, Editor

pytest.importorskip("incidents.edit", reason="issue13-review's corrections are not merged")

TRAFFIC = "Man killed after firing at Harlow Springs officers during traffic stop"
FOLLOWUP = "Man fatally shot by Harlow Springs police identified"
TROOPER = "No one hurt after trooper fires at armed man"
DEPUTY = "Tamarack County deputy fires at driver"
STANDOFF = "Standoff in Briar Glen ends peacefully after six hours"


def rows(db: Path, sql: str, *args: Any) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def aid(db: Path, title: str) -> int:
    (row,) = rows(db, "SELECT id FROM articles WHERE title LIKE ? || '%'", title)
    return int(row[0])


def uid_of(db: Path, title: str) -> str:
    found = rows(
        db,
        "SELECT uid FROM incidents JOIN incident_articles ON incidents.id = incident_id "
        "WHERE article_id = ?",
        aid(db, title),
    )
    return str(found[0][0])


def corrections(db: Path) -> list[tuple]:
    return rows(db, "SELECT editor, action, article_id, note FROM corrections ORDER BY id")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_false_alarm_is_recorded_shown_and_counts_as_reviewed(editor: Editor, db: Path):
    article = aid(db, TRAFFIC)
    answer = editor.post(
        f"/articles/{article}/label", {"action": "false_alarm", "note": "a <b>drill</b>"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/articles/{article}"
    assert corrections(db) == [(EDITOR, "false_alarm", article, "a <b>drill</b>")]
    page = editor.get(f"/articles/{article}").text
    words = text_of(page)
    assert f"Labelled false alarm by {EDITOR}" in words
    assert "“a &lt;b&gt;drill&lt;/b&gt;”" in page  # the note is the editor's words, escaped
    reviewed = editor.get("/incidents?reviewed=yes").text
    assert uid_of(db, FOLLOWUP) in reviewed  # the incident its follow-up still forms


@pytest.mark.parametrize("label", ["confirmed", "borderline"])
def test_confirmed_and_borderline_are_recorded(editor: Editor, db: Path, label: str):
    article = aid(db, TROOPER)
    assert editor.post(f"/articles/{article}/label", {"action": label}).status_code == 303
    assert corrections(db) == [(EDITOR, label, article, None)]
    label_words = label.replace("_", " ")
    assert f"Labelled {label_words} by {EDITOR}" in text_of(editor.get(f"/articles/{article}").text)


def test_a_missed_report_found_by_search_opens_an_incident_and_alerts(editor: Editor, db: Path):
    article = aid(db, STANDOFF)
    assert not rows(db, "SELECT 1 FROM incident_articles WHERE article_id = ?", article)
    search = editor.get("/search?q=standoff")
    assert f'action="/articles/{article}/label"' in search.text
    answer = editor.post(
        f"/articles/{article}/label", {"action": "missed", "alert": "yes"}, page="/search?q=x"
    )
    assert answer.status_code == 303
    assert corrections(db)[-1][:3] == (EDITOR, "missed", article)
    assert rows(db, "SELECT 1 FROM incident_articles WHERE article_id = ?", article)
    queued = rows(
        db,
        "SELECT outbox.status FROM outbox JOIN alerts ON alerts.id = outbox.alert_id "
        "WHERE alerts.article_id = ?",
        article,
    )
    assert queued == [("pending",)]
    assert uid_of(db, STANDOFF) in editor.get("/incidents").text


def test_an_unknown_label_is_refused(editor: Editor, db: Path):
    answer = editor.post(f"/articles/{aid(db, TRAFFIC)}/label", {"action": "merge"})
    assert answer.status_code == 400
    assert corrections(db) == []


def test_move_a_report_to_another_incident(editor: Editor, db: Path):
    follow, target = aid(db, FOLLOWUP), uid_of(db, TROOPER)
    answer = editor.post(f"/articles/{follow}/move", {"to": target, "note": "other case"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/incidents/{target}"
    assert uid_of(db, FOLLOWUP) == target
    assert corrections(db) == [(EDITOR, "move", follow, "other case")]
    words = text_of(editor.get(f"/incidents/{target}").text)
    assert "Man fatally shot by Harlow Springs police identified" in words
    assert re.search(rf"{EDITOR} ?: move of article {follow}", words), words


def test_split_a_report_into_an_incident_of_its_own(editor: Editor, db: Path):
    follow, before = aid(db, FOLLOWUP), uid_of(db, TRAFFIC)
    answer = editor.post(f"/articles/{follow}/split", {})
    assert answer.status_code == 303
    new_uid = answer.headers["location"].rsplit("/", 1)[1]
    assert new_uid != before and uid_of(db, FOLLOWUP) == new_uid
    assert corrections(db)[-1][:3] == (EDITOR, "split", follow)
    assert "split" in text_of(editor.get(f"/incidents/{new_uid}").text)
    again = editor.post(f"/articles/{follow}/split", {})  # now the only report of its own
    assert again.status_code == 400


def test_merge_two_incidents_and_the_old_id_leads_to_the_kept_one(editor: Editor, db: Path):
    keep, gone = uid_of(db, DEPUTY), uid_of(db, TROOPER)
    answer = editor.post(f"/incidents/{keep}/merge", {"other": gone})
    assert answer.status_code == 303 and answer.headers["location"] == f"/incidents/{keep}"
    assert uid_of(db, TROOPER) == keep
    assert editor.get(f"/incidents/{gone}").headers["location"] == f"/incidents/{keep}"
    assert gone not in editor.get("/incidents").text
    assert corrections(db)[-1][:2] == (EDITOR, "merge")
    itself = editor.post(f"/incidents/{keep}/merge", {"other": keep})
    assert itself.status_code in (400, 404)


def test_correct_a_fact_and_it_shows_over_the_reports(editor: Editor, db: Path):
    uid = uid_of(db, TRAFFIC)
    answer = editor.post(f"/incidents/{uid}/fact", {"field": "victim_name", "value": "C. Lind"})
    assert answer.status_code == 303
    words = text_of(editor.get(f"/incidents/{uid}").text)
    assert "Person shot C. Lind" in words
    assert re.search(rf"{EDITOR} ?: fact", words), words
    bad = editor.post(f"/incidents/{uid}/fact", {"field": "fatal", "value": "perhaps"})
    assert bad.status_code == 400
    unknown = editor.post(f"/incidents/{uid}/fact", {"field": "uid", "value": "x"})
    assert unknown.status_code == 400
    assert [c[1] for c in corrections(db)] == ["fact"]


# -- one-click links from a real alert -----------------------------------------------------


def alert_links(hook: HttpReceiver, editor: Editor, db: Path) -> dict[str, str]:
    """The desk links of a real webhook alert: the dead one, resent through the desk."""
    (dead,) = rows(db, "SELECT id FROM outbox WHERE status = 'dead'")
    assert editor.post(f"/outbox/{dead[0]}/resend", {}, page="/outbox").status_code == 303
    body = hook.bodies[-1]
    assert body["article"]["title"] == HOSTILE_TITLE
    return {k: v.removeprefix(editor.base) for k, v in body["links"].items()}


def test_a_link_asks_first_then_acts_as_the_alert(editor: Editor, hook: HttpReceiver, db: Path):
    links = alert_links(hook, editor, db)
    assert editor.get(links["article"]).status_code == 200
    stranger = Editor.at_url(editor.base)  # from the email: no login
    shown = stranger.get(links["false_alarm"])
    assert shown.status_code == 200 and "false alarm" in shown.text
    assert corrections(db) == []  # a mail scanner fetching the link changes nothing
    assert stranger.post(links["false_alarm"], {}, token="").status_code == 403
    done = stranger.post(links["false_alarm"], {}, page=links["false_alarm"])
    assert done.status_code == 303
    (alert_id,) = rows(db, "SELECT alert_id FROM outbox WHERE status = 'sent' ORDER BY id DESC")[0]
    article = aid(db, "<script>")
    assert corrections(db) == [(f"link:{alert_id}", "false_alarm", article, None)]


def test_a_forged_altered_or_expired_link_is_refused(editor: Editor, hook: HttpReceiver, db: Path):
    token = alert_links(hook, editor, db)["false_alarm"].removeprefix("/l/")
    body, mac = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    other = dict(claims, a=claims["a"] + 1)  # replayed for another alert
    expired = dict(claims, e=1)
    stranger = Editor.at_url(editor.base)
    for forged in (
        *(
            base64.urlsafe_b64encode(json.dumps(c).encode()).decode().rstrip("=") + "." + mac
            for c in (other, expired)
        ),
        f"{body}.{mac[:-2]}AA",
        "not-a-token",
    ):
        assert stranger.get(f"/l/{forged}").status_code == 403, forged
        token_page = stranger.csrf("/login")
        assert stranger.post(f"/l/{forged}", {}, token=token_page).status_code == 403
    assert corrections(db) == []
