"""The standard fixture: the Riverton Ledger's feeds, articles and hostile links.

Paths and what each one tests are listed in PATHS; tests refer to them by key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mocksite.pages import LATIN1_PARAGRAPHS, article_page, shooting_story, story
from mocksite.server import FeedItem, MockSite, Route

PATHS = {
    "budget": "/news/council-budget",  # a plain article, RSS
    "festival": "/news/river-festival",  # linked twice: once with utm_* parameters
    "latin1": "/news/school-board-vote",  # served as ISO-8859-1 with accented text
    "shooting": "/news/mill-street-shooting",  # an OIS report the classifier must flag
    "bridge": "/news/bridge-repair",  # Atom
    "library": "/news/library-hours",  # Atom; no date on the page, so the feed's is used
    "pdf": "/files/annual-report.pdf",
    "huge": "/news/huge-gallery",  # larger than the test's max_response_bytes
    "missing": "/news/gone",  # 404
    "error": "/news/server-error",  # 500
    "slow": "/news/slow",  # never answers: a timeout
    "loop": "/news/loop-a",  # /news/loop-a <-> /news/loop-b
    "private": "/private/embargoed",  # disallowed by robots.txt
    "rss": "/feeds/news.rss",
    "atom": "/feeds/metro.atom",
    "briefs": "/feeds/briefs.rss",  # malformed XML (a bare &) with one readable entry
    "dead": "/feeds/dead.rss",  # 500
    "garbage": "/feeds/garbage.rss",  # not a feed at all
}

DAY = datetime(2025, 2, 27, 15, 30, tzinfo=UTC)


def _at(hour: int) -> datetime:
    return DAY.replace(hour=hour)


def build_newsroom(site: MockSite) -> MockSite:
    p = PATHS
    site.add(
        "/robots.txt",
        Route(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    )
    site.add_page(
        p["budget"],
        article_page(
            "Council approves a leaner budget for the coming year",
            story("city budget"),
            purpose="plain article: text without chrome, title, date, canonical URL",
            canonical=site.url(p["budget"]),
            published="2025-02-27T09:15:00+00:00",
        ),
    )
    site.add_page(
        p["festival"],
        article_page(
            "River festival returns with a longer parade route",
            story("river festival"),
            purpose="the feed links this twice, once with utm_* tracking parameters",
            canonical=site.url(p["festival"]),
            published="2025-02-26T18:00:00+00:00",
        ),
    )
    site.add_page(
        p["latin1"],
        article_page(
            "La junta escolar honra a la Señora Muñoz",
            LATIN1_PARAGRAPHS,
            purpose="ISO-8859-1 bytes; accented letters must come out right",
            charset="iso-8859-1",
            published="2025-02-25T12:00:00+00:00",
        ).encode("iso-8859-1"),
        content_type="text/html; charset=iso-8859-1",
    )
    site.add_page(
        p["shooting"],
        article_page(
            "Riverton officer shoots, kills driver after Mill Street traffic stop",
            shooting_story(),
            purpose="an officer-involved shooting report: flagged by the classifier",
            canonical=site.url(p["shooting"]),
            published="2025-02-23T08:00:00+00:00",
        ),
    )
    site.add_page(
        p["bridge"],
        article_page(
            "Bridge repair will close Elm Street lanes for six weeks",
            story("bridge repair"),
            purpose="Atom entry; later a print version names this as its canonical",
            canonical=site.url(p["bridge"]),
            published="2025-02-27T11:00:00+00:00",
        ),
    )
    site.add_page(
        p["library"],
        article_page(
            "Library extends weekend hours",
            story("library schedule"),
            purpose="no date on the page: the Atom entry's date is used",
        ),
    )
    site.add(
        p["pdf"],
        Route(
            body=b"%PDF-1.4\n% fixture: not HTML, must be skipped\n", content_type="application/pdf"
        ),
    )
    huge = article_page(
        "Photo gallery", story("photo gallery") * 800, purpose="bigger than max_response_bytes"
    )
    site.add_page(p["huge"], huge)
    site.add(p["error"], Route(500, b"<h1>Internal error (fixture)</h1>"))
    site.add(p["slow"], Route(hang=True))
    site.add(p["loop"], Route(302, headers=(("Location", "/news/loop-b"),)))
    site.add("/news/loop-b", Route(302, headers=(("Location", "/news/loop-a"),)))
    site.add_page(
        p["private"],
        article_page("Embargoed", story("embargo"), purpose="robots.txt disallows this path"),
    )

    site.add_feed(p["rss"], "rss", "Riverton Ledger: News")
    for hour, (title, link, guid) in enumerate(
        [
            ("Council approves a leaner budget", p["budget"], "ledger-1001"),
            (
                "River festival returns",
                p["festival"] + "?utm_source=rss&utm_medium=feed",
                "ledger-1002",
            ),
            ("River festival returns (again)", p["festival"], "ledger-1003"),
            ("La junta escolar honra a la Señora Muñoz", p["latin1"], "ledger-1004"),
            ("Officer shoots driver on Mill Street", p["shooting"], "ledger-1005"),
            ("Annual report", p["pdf"], "ledger-1006"),
            ("Gallery", p["huge"], "ledger-1007"),
            ("Gone", p["missing"], "ledger-1008"),
            ("Server error", p["error"], "ledger-1009"),
            ("Slow", p["slow"], "ledger-1010"),
            ("Loop", p["loop"], "ledger-1011"),
            ("Embargoed", p["private"], "ledger-1012"),
            ("An entry without a link", None, "ledger-1013"),
        ]
    ):
        site.add_entry(p["rss"], FeedItem(title, link, guid, _at(hour)))

    site.add_feed(p["atom"], "atom", "Riverton Ledger: Metro")
    site.add_entry(p["atom"], FeedItem("Bridge repair", p["bridge"], "urn:ledger:2001", _at(11)))
    site.add_entry(p["atom"], FeedItem("Library hours", p["library"], "urn:ledger:2002", _at(13)))

    site.add_feed(p["briefs"], "rss", "Briefs", extra="<copyright>Ledger & friends</copyright>")
    site.add_entry(p["briefs"], FeedItem("Budget (brief)", p["budget"], "brief-1", _at(10)))

    site.add(p["dead"], Route(500, b"feed server down"))
    site.add(
        p["garbage"],
        Route(body=b"\x00\x01\x02 this is not a feed \xff\xfe", content_type="application/rss+xml"),
    )
    return site
