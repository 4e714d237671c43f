"""Pure parts of the service: schedule groups, the poll line, status table, export records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from config import parse_config
from oiswatch.cycle import poll_counts, summary
from oiswatch.daemon import poll_groups
from oiswatch.export import ExportArticle, incident_record
from oiswatch.status import FeedStatus, Status, render_table
from store.polls import PollCounts, PollRun

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def test_feeds_are_grouped_by_their_own_interval_and_disabled_feeds_are_left_out() -> None:
    config = parse_config(
        {
            "schedule": {"poll_minutes": 10},
            "feeds": [
                {"name": "a", "url": "https://a.example/feed"},
                {"name": "b", "url": "https://b.example/feed", "poll_minutes": 2.5},
                {"name": "c", "url": "https://c.example/feed"},
                {"name": "d", "url": "https://d.example/feed", "enabled": False},
            ],
        }
    )
    assert poll_groups(config) == {2.5: ("b",), 10: ("a", "c")}


def test_the_poll_line_counts_dead_alerts_as_failed() -> None:
    crawl = SimpleNamespace(
        feeds_fetched=3, feeds_not_modified=1, feeds_failed=2, new_articles=5, flagged=1
    )
    counts = poll_counts(crawl, SimpleNamespace(sent=1, failed=1, dead=1))
    assert summary(counts, 2.0) == (
        "poll finished in 2.0s: feeds 3 fetched, 1 not modified, 2 failed; "
        "5 new articles, 1 flagged; alerts 1 sent, 2 failed"
    )


def test_status_table_shows_never_polled_feeds_and_errors() -> None:
    feeds = (
        FeedStatus(
            "kcur",
            True,
            True,
            NOW - timedelta(minutes=3),
            NOW - timedelta(minutes=3),
            "200",
            0,
            40,
            None,
        ),
        FeedStatus(
            "pitch",
            True,
            True,
            NOW - timedelta(minutes=3),
            NOW - timedelta(hours=5),
            "503",
            4,
            12,
            "HTTP 503 Service Unavailable",
        ),
        FeedStatus("new-feed", True, True, None, None, None, 0, 0, None),
    )
    run = PollRun(
        7,
        "run",
        NOW - timedelta(minutes=4),
        NOW - timedelta(minutes=3),
        PollCounts(feeds_fetched=1, feeds_failed=1, new_articles=2),
        None,
    )
    status = Status(
        NOW, "sqlite:///x.db", feeds, 9, 1, 0, 120, {"pending": 1, "sent": 5, "dead": 0}, run
    )
    table = render_table(status)
    rows = {line.split()[0]: line.split() for line in table.splitlines() if line[:1].isalpha()}
    assert rows["pitch"][1:3] == ["3m", "ago"] and "5h" in rows["pitch"] and "503" in rows["pitch"]
    assert rows["new-feed"][1] == "never"
    assert "pitch: HTTP 503 Service Unavailable" in table
    assert "articles today: 9 fetched, 1 flagged" in table
    assert "alerts: 1 pending, 5 sent, 0 dead" in table
    assert "last poll: 3m ago (run): feeds 1 fetched" in table


def test_export_takes_each_fact_from_the_latest_article_that_states_it() -> None:
    row = SimpleNamespace(
        uid="inc-1",
        event_date=date(2025, 3, 1),
        city="Ashford",
        state="OH",
        agencies="[]",
        opened_at=NOW,
        updated_at=NOW,
    )
    first = ExportArticle(
        "https://a.example/1",
        "Officer shoots man",
        "Courier",
        NOW - timedelta(days=1),
        "first",
        {
            "fatal": False,
            "anyone_hit": True,
            "agencies": ["Ashford Police"],
            "location": {"as_written": "Cole Avenue"},
        },
    )
    copy = ExportArticle(
        "https://b.example/1",
        "Officer shoots man",
        "Wire",
        NOW,
        "copy",
        {"fatal": None, "agencies": ["ashford police"]},
    )
    update = ExportArticle(
        "https://a.example/2",
        "Man shot by officer dies",
        "Courier",
        NOW + timedelta(hours=1),
        "update",
        {
            "fatal": True,
            "investigating_agency": "State Patrol",
            "agencies": ["Ashford Police", "Ashford County Sheriff"],
        },
    )
    rec = incident_record(row, [first, copy, update])
    assert rec["fatal"] is True and rec["anyone_hit"] is True
    assert rec["agencies"] == ["Ashford Police", "Ashford County Sheriff"]
    assert rec["investigating_agency"] == "State Patrol" and rec["place"] == "Cole Avenue"
    assert rec["first_article_url"] == "https://a.example/1"
    assert rec["latest_article_url"] == "https://a.example/2"  # the copy is not "latest"
    assert rec["article_count"] == 3 and rec["date"] == "2025-03-01"
    assert [a["relation"] for a in rec["articles"]] == ["first", "copy", "update"]


def test_export_cells_from_articles_cannot_run_as_spreadsheet_formulas() -> None:
    from oiswatch.export import csv_cell

    assert (
        csv_cell('=HYPERLINK("http://evil.test","click")')
        == '\'=HYPERLINK("http://evil.test","click")'
    )
    assert csv_cell(["@SUM(A1)", "Kansas City Police"]) == "'@SUM(A1); Kansas City Police"
    assert csv_cell("Kansas City") == "Kansas City"
    assert csv_cell(True) == "true" and csv_cell(None) == ""
