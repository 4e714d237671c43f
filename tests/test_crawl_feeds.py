"""`scrapy crawl feeds` run for real, three polls in a row, against the fixture news site.

Poll 1 reads the Riverton Ledger's feeds; between polls 1 and 2 the site publishes a print
version of a stored story and re-publishes an entry's guid under a new link; poll 3 finds
nothing new. The assertions read the store and the site's request counters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from crawlkit import scrapy, write_config
from mocksite import FeedItem, MockSite, build_newsroom
from mocksite.newsroom import DAY, PATHS
from mocksite.pages import BOILERPLATE, article_page, story
from sqlalchemy import select

from store import Store
from store.schema import articles, feeds

FEEDS = ("rss", "atom", "briefs", "dead", "garbage")
FAILING = ("missing", "error", "slow", "loop", "huge")
PRINT_PATH = "/news/bridge-repair/print"
REUSED_ID_PATH = "/news/school-board-vote-updated"


@dataclass(frozen=True)
class Poll:
    log: str
    articles: dict[str, dict[str, Any]]  # by path
    feeds: dict[str, dict[str, Any]]  # by feed name
    hits: dict[str, int]
    not_modified: dict[str, int]
    conditional: dict[str, int]


def snapshot(site: MockSite, store: Store, log: str) -> Poll:
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(articles)).mappings()]
        feed_rows = [dict(r) for r in conn.execute(select(feeds)).mappings()]
    return Poll(
        log=log,
        articles={r["url"].removeprefix(site.base): r for r in rows},
        feeds={r["name"]: r for r in feed_rows},
        hits=dict(site.hits),
        not_modified=dict(site.not_modified),
        conditional=dict(site.conditional),
    )


@pytest.fixture(scope="module")
def polls(tmp_path_factory: pytest.TempPathFactory) -> list[Poll]:
    tmp = tmp_path_factory.mktemp("feeds")
    site = build_newsroom(MockSite()).start()
    try:
        config = write_config(tmp, [(n, site.url(PATHS[n]), "Riverton Ledger") for n in FEEDS])
        store = Store(f"sqlite:///{tmp / 'oiswatch.db'}")
        done = []
        for number in (1, 2, 3):
            if number == 2:
                site.add_page(
                    PRINT_PATH,
                    article_page(
                        "Bridge repair will close Elm Street lanes for six weeks",
                        story("bridge repair"),
                        purpose="print version; its canonical is the stored article",
                        canonical=site.url(PATHS["bridge"]),
                    ),
                )
                site.add_entry(PATHS["rss"], FeedItem("Bridge (print)", PRINT_PATH, "p-1", DAY))
                site.add_page(REUSED_ID_PATH, article_page("Updated", story("x"), purpose="never"))
                # The outlet changed the story's slug but kept its guid.
                site.add_entry(
                    PATHS["rss"], FeedItem("Junta, updated", REUSED_ID_PATH, "ledger-1004", DAY)
                )
            result = scrapy("crawl", "feeds", config=config)
            assert result.returncode == 0, result.stderr[-3000:]
            done.append(snapshot(site, store, result.stderr))
        store.close()
        return done
    finally:
        site.stop()


def test_articles_are_stored_with_clean_text_title_date_canonical_and_outlet(polls):
    budget = polls[0].articles[PATHS["budget"]]
    assert budget["fetch_status"] == "ok"
    assert budget["title"] == "Council approves a leaner budget for the coming year"
    assert budget["published"].isoformat() == "2025-02-27T09:15:00+00:00"
    assert budget["canonical_url"].endswith(PATHS["budget"])
    assert budget["outlet"] == "Riverton Ledger"
    assert budget["feed"] in ("rss", "briefs")
    assert "retired teacher told the room" in budget["text"]
    stored = [a for a in polls[0].articles.values() if a["fetch_status"] == "ok"]
    assert len(stored) == 6
    for article in stored:
        leaked = [phrase for phrase in BOILERPLATE if phrase in article["text"]]
        assert not leaked, f"{article['url']} kept page chrome: {leaked}"


def test_a_page_without_a_date_takes_the_feed_entry_date(polls):
    library = polls[0].articles[PATHS["library"]]
    assert library["published"].isoformat() == "2025-02-27T13:30:00+00:00"


def test_latin1_page_is_decoded_right(polls):
    page = polls[0].articles[PATHS["latin1"]]
    assert page["title"] == "La junta escolar honra a la Señora Muñoz"
    assert "Café Olé" in page["text"] and "bilingüe" in page["text"]
    assert "Ã" not in page["text"]


def test_the_ois_report_is_flagged_with_its_verdict(polls):
    shooting = polls[0].articles[PATHS["shooting"]]
    assert shooting["ois"] is True and shooting["category"] == "ois"
    verdict = json.loads(shooting["verdict"])
    assert verdict["ois"] is True and verdict["evidence"]
    assert not polls[0].articles[PATHS["budget"]]["ois"]
    assert "flagged 1" in polls[0].log


def test_hostile_links_are_recorded_with_their_errors(polls):
    a = polls[0].articles
    assert (a[PATHS["missing"]]["fetch_error"], a[PATHS["missing"]]["http_status"]) == (
        "HTTP 404",
        404,
    )
    assert a[PATHS["error"]]["fetch_error"] == "HTTP 500"
    assert a[PATHS["slow"]]["fetch_error"].startswith("timeout")
    assert a[PATHS["loop"]]["fetch_error"].startswith("redirect loop")
    assert a[PATHS["huge"]]["fetch_error"].startswith("too large")
    for key in FAILING:
        assert a[PATHS[key]]["fetch_status"] == "failed", key
    pdf = a[PATHS["pdf"]]
    assert pdf["fetch_status"] == "skipped" and "application/pdf" in pdf["fetch_error"]
    assert "too large" in polls[0].log


def test_robots_txt_disallowed_page_is_never_requested(polls):
    assert polls[-1].hits.get(PATHS["private"], 0) == 0
    assert polls[0].articles[PATHS["private"]]["fetch_error"] == "forbidden by robots.txt"


def test_tracking_parameter_duplicate_is_fetched_once_under_its_clean_url(polls):
    assert polls[-1].hits[PATHS["festival"]] == 1
    assert not [path for path in polls[-1].articles if "utm_" in path]
    # The budget story is in two feeds; one fetch.
    assert polls[-1].hits[PATHS["budget"]] == 1


def test_entry_without_a_link_is_skipped_with_a_log_line(polls):
    assert "'An entry without a link' has no link" in polls[0].log


def test_broken_feeds_are_recorded_and_the_others_still_crawled(polls):
    first = polls[0].feeds
    assert first["dead"]["last_error"] == "HTTP 500"
    assert first["garbage"]["last_status"] == "unparseable"
    assert first["dead"]["consecutive_failures"] == first["garbage"]["consecutive_failures"] == 1
    assert polls[-1].feeds["dead"]["consecutive_failures"] == 3
    # The malformed feed is used: its one entry is counted, its problem noted.
    assert first["briefs"]["consecutive_failures"] == 0 and first["briefs"]["entries_seen"] == 1
    assert "not well-formed" in first["briefs"]["last_error"]
    assert first["rss"]["entries_seen"] == 13 and first["atom"]["entries_seen"] == 2
    assert "feeds fetched 3, not modified 0, failed 2" in polls[0].log


def test_later_polls_send_conditional_gets_and_refetch_no_stored_article(polls):
    first, second, third = polls
    assert first.conditional == {}
    assert second.not_modified.get(PATHS["briefs"]) == 1  # unchanged between polls 1 and 2
    for key in ("rss", "atom", "briefs"):
        assert third.not_modified.get(PATHS[key], 0) - second.not_modified.get(PATHS[key], 0) == 1
    assert "feeds fetched 0, not modified 3, failed 2" in third.log
    for path, row in first.articles.items():
        if row["fetch_status"] in ("ok", "skipped"):
            assert third.hits.get(path, 0) == first.hits.get(path, 0), path


def test_failed_articles_are_retried_up_to_max_fetch_attempts(polls):
    for key in FAILING:
        path = PATHS[key]
        once = polls[0].hits[path]  # a redirect loop requests its page several times a fetch
        assert [p.hits[path] for p in polls] == [once, 2 * once, 2 * once], key
        assert polls[-1].articles[path]["attempts"] == 2


def test_a_page_whose_canonical_is_a_stored_article_is_kept_as_a_duplicate(polls):
    second = polls[1]
    printed = second.articles[PRINT_PATH]
    original = second.articles[PATHS["bridge"]]
    assert printed["fetch_status"] == "duplicate"
    assert str(original["id"]) in printed["fetch_error"]
    assert printed["canonical_url"] == original["canonical_url"]
    assert original["fetch_status"] == "ok"
    assert "duplicate 1" in second.log


def test_a_dropped_duplicate_is_logged_in_one_short_line_without_the_page(polls):
    second = polls[1]
    dropped = [line for line in second.log.splitlines() if ": dropped " in line]
    printed, original = second.articles[PRINT_PATH], second.articles[PATHS["bridge"]]
    assert len(dropped) == 1, dropped
    expected = f"dropped {printed['url']}: same canonical URL as article {original['id']}"
    assert dropped[0].endswith(expected), dropped[0][:300]
    for poll in polls:
        long_lines = [line[:200] for line in poll.log.splitlines() if len(line) > 500]
        assert not long_lines


def test_an_entry_id_already_stored_is_not_fetched_under_a_new_link(polls):
    assert polls[-1].hits.get(REUSED_ID_PATH, 0) == 0
    assert REUSED_ID_PATH not in polls[-1].articles
