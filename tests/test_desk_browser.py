"""The desk in a real browser: headless Chromium from Debian's packages, driven by Playwright.

Playwright's own browser builds are never downloaded: the test points it at
/usr/bin/chromium (scripts/test installs Debian's package when it is missing). Each page
is photographed (to $OISWATCH_DESK_SHOTS when set, else the test's folder) so a person can
look at what editors see.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskkit import EDITOR, PASSWORD

from desk.server import Desk

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("OISWATCH_DESK_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `apt-get install chromium` (scripts/test does)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, desk: Desk):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=desk.url)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def log_in(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/incidents")
    assert "/login" in page.url  # sent to log in first
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/incidents")


def test_an_editor_logs_in_and_reads_every_page(page, db: Path, shots: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.screenshot(path=str(shots / "login.png"))
    log_in(page)
    assert page.locator("table.list tbody tr").count() == 4
    page.screenshot(path=str(shots / "incidents.png"), full_page=True)

    page.click("text=Man killed after firing at Harlow Springs officers during traffic stop")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f]{20}$"))
    assert page.locator("mark.evidence strong").first.inner_text() == "officers"
    assert page.locator("article.report").count() == 2
    page.screenshot(path=str(shots / "incident.png"), full_page=True)
    page.screenshot(path=str(shots / "desk.png"))  # the README's: one screen of it

    page.click("article.report h3 a >> nth=0")
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    assert page.locator("p.reason").inner_text().startswith("Why:")
    page.screenshot(path=str(shots / "article.png"), full_page=True)

    page.goto("/search?q=standoff")
    assert "Standoff in Briar Glen" in page.inner_text("main")
    page.screenshot(path=str(shots / "search.png"), full_page=True)

    page.goto("/feeds")
    page.screenshot(path=str(shots / "feeds.png"), full_page=True)
    page.goto("/outbox")
    assert "Dead (1)" in page.inner_text("main")
    page.screenshot(path=str(shots / "outbox.png"), full_page=True)

    # The hostile headline is shown as words: no script of the article's ran.
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/search?q=kettle")
    page.click("text=Deputy fires at man in Kettle Falls")
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    assert '<script>alert("headline")</script>' in page.inner_text("h1")
    assert dialogs == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM corrections").fetchone() == (0,)


def test_an_editor_marks_a_false_alarm_and_moves_a_report(page, db: Path, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("incidents.edit", reason="issue13-review's corrections are not merged")
    log_in(page)
    page.click("text=Man killed after firing at Harlow Springs officers during traffic stop")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f]{20}$"))
    incident_url = page.url

    # False alarm on the first report, from its article page, with a note.
    page.click("article.report h3 a >> nth=0")
    page.wait_for_url(re.compile(r".*/articles/\d+$"))
    article_id = int(page.url.rsplit("/", 1)[1])
    page.fill("input[name=note]", "a training exercise")
    page.click("button[value=false_alarm]")
    page.wait_for_selector("text=Labelled false alarm by dana")

    # Move the follow-up to the trooper's incident, from the incident page (the false alarm
    # left it there alone).
    page.goto(incident_url)
    report = page.locator("article.report", has_text="Man fatally shot by Harlow Springs police")
    follow_id = int(report.get_attribute("id").removeprefix("article-"))
    choice = report.locator("select[name=to] option", has_text="No one hurt after trooper fires")
    report.locator("select[name=to]").select_option(value=choice.get_attribute("value"))
    report.locator("button", has_text="Move").click()
    page.wait_for_url(lambda url: url != incident_url)
    # The trooper's incident, now with both reports (the earlier one first, titling it).
    reports = page.locator("article.report h3").all_inner_texts()
    assert any(r.startswith("No one hurt after trooper fires") for r in reports), reports
    assert any(r.startswith("Man fatally shot by Harlow Springs police") for r in reports)
    page.screenshot(path=str(Path(os.environ.get("OISWATCH_DESK_SHOTS") or db.parent) /
                         "after-move.png"), full_page=True)  # fmt: skip

    with sqlite3.connect(db) as conn:
        landed = conn.execute(
            "SELECT editor, action, article_id, note FROM corrections ORDER BY id"
        ).fetchall()
        moved_to = conn.execute(
            "SELECT incidents.title FROM incident_articles JOIN incidents "
            "ON incidents.id = incident_id WHERE article_id = ?",
            (follow_id,),
        ).fetchone()
    assert landed == [
        ("dana", "false_alarm", article_id, "a training exercise"),
        ("dana", "move", follow_id, None),
    ]
    assert moved_to[0] in {t.split(" (")[0] for t in reports} | set(reports)

    # The labelled data sees it: the feedback export has the false alarm, as not an OIS.
    from kit import oiswatch

    config = next(db.parent.glob("desk.toml"))
    exported = oiswatch("--config", str(config), "feedback", "export")
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [(r["id"], r["label"], r["labelled_by"]) for r in rows] == [
        (f"oiswatch-{article_id}", "not_ois", "dana")
    ]
