"""extract_article on small hand-written pages: text, metadata, canonical URL, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extraction import content_hash, extract_article, parse_datetime

BODY = (
    "<p>Kansas City police said an officer fired at a driver on Tuesday night near "
    "Prospect Avenue after a traffic stop turned into a chase through the east side.</p>"
    "<p>The driver was taken to a hospital with injuries the department described as "
    "serious but not life threatening. No officers were hurt, a spokesman said.</p>"
    "<p>The Missouri State Highway Patrol will investigate, as it does whenever Kansas "
    "City officers use deadly force, and the officer has been placed on leave.</p>"
)


def page(head: str = "", body: str = BODY, html_attrs: str = 'lang="en-US"') -> str:
    return (
        f"<!DOCTYPE html><html {html_attrs}><head><meta charset='utf-8'>"
        f"<title>Officer fires at driver - KC News</title>{head}</head>"
        "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Officer fires at driver after chase</h1>{body}</article>"
        "<footer>Copyright KC News. All rights reserved.</footer></body></html>"
    )


def test_article_text_and_metadata() -> None:
    head = (
        '<meta property="article:published_time" content="2024-05-07T21:15:00-05:00">'
        '<meta name="author" content="Jane Reporter">'
        '<meta property="og:title" content="Officer fires at driver after chase">'
    )
    got = extract_article(page(head), "https://www.kcnews.example.com/news/officer-fires")
    assert got is not None
    assert "Prospect Avenue" in got.text and "placed on leave" in got.text
    assert "All rights reserved" not in got.text and "Home" not in got.text
    assert got.title == "Officer fires at driver after chase"
    assert got.author == "Jane Reporter"
    assert got.published == datetime(2024, 5, 8, 2, 15, tzinfo=UTC)
    assert got.language == "en"
    assert got.content_hash == content_hash(got.text)


def test_content_hash_ignores_whitespace_differences() -> None:
    assert content_hash("a  b\n\nc ") == content_hash(" a b c")
    assert content_hash("a b c") != content_hash("a b d")


@pytest.mark.parametrize(
    ("head", "canonical"),
    [
        # a canonical on the same site wins, cleaned of tracking parameters
        (
            '<link rel="canonical" href="https://www.kcnews.example.com/story/1?utm_source=x">',
            "https://www.kcnews.example.com/story/1",
        ),
        # relative canonical: resolved against the fetched URL
        ('<link rel="canonical" href="/story/2">', "https://amp.kcnews.example.com/story/2"),
        # og:url when there is no canonical link
        (
            '<meta property="og:url" content="https://kcnews.example.com/story/3">',
            "https://kcnews.example.com/story/3",
        ),
        # a canonical on another site (syndication, hijack) is ignored: the fetched URL stands
        (
            '<link rel="canonical" href="https://www.other-paper.example.org/wire/9">',
            "https://amp.kcnews.example.com/s?id=5",
        ),
        # no declaration at all
        ("", "https://amp.kcnews.example.com/s?id=5"),
        # an off-site canonical does not hide a same-site og:url
        (
            '<link rel="canonical" href="https://wire.example.net/x">'
            '<meta property="og:url" content="https://www.kcnews.example.com/story/4">',
            "https://www.kcnews.example.com/story/4",
        ),
        # the home page as every article's canonical is a template bug, not a canonical
        (
            '<link rel="canonical" href="https://www.kcnews.example.com/">',
            "https://amp.kcnews.example.com/s?id=5",
        ),
    ],
)
def test_canonical_url(head: str, canonical: str) -> None:
    url = "https://amp.kcnews.example.com/s?id=5&utm_medium=rss#top"
    if "/story/2" in head:
        url = "https://amp.kcnews.example.com/s/page"
    got = extract_article(page(head), url)
    assert got is not None
    assert got.canonical_url == canonical


def test_published_from_json_ld_and_time_element() -> None:
    ld = (
        '<script type="application/ld+json">'
        '{"@type":"NewsArticle","datePublished":"2024-03-01T10:00:00Z"}</script>'
    )
    got = extract_article(page(ld), "https://kc.example.com/a")
    assert got is not None and got.published == datetime(2024, 3, 1, 10, tzinfo=UTC)
    timed = (
        BODY + '<time itemprop="datePublished" datetime="2024-03-02T08:30:00+01:00">Mar 2</time>'
    )
    got = extract_article(page(body=timed), "https://kc.example.com/a")
    assert got is not None and got.published == datetime(2024, 3, 2, 7, 30, tzinfo=UTC)


def test_placeholder_dates_are_ignored() -> None:
    head = (
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z">'
        '<meta name="pubdate" content="2024-04-04">'
    )
    got = extract_article(page(head), "https://kc.example.com/a")
    assert got is not None and got.published == datetime(2024, 4, 4, tzinfo=UTC)


def test_placeholder_date_with_an_offset_does_not_lose_the_article() -> None:
    # Year 1 east of UTC falls before datetime.min once converted to UTC.
    head = (
        '<meta property="article:published_time" content="0001-01-01T00:00:00+01:00">'
        '<meta name="pubdate" content="2024-04-04">'
    )
    got = extract_article(page(head), "https://kc.example.com/a")
    assert got is not None and got.published == datetime(2024, 4, 4, tzinfo=UTC)


def test_latin1_bytes_decoded_with_the_given_encoding() -> None:
    body = BODY + "<p>Le policier a témoigné au café près de la Place Saint-Étienne.</p>"
    raw = page(body=body).replace("charset='utf-8'", "").encode("latin-1")
    got = extract_article(raw, "https://kc.example.com/a", encoding="latin-1")
    assert got is not None
    assert "témoigné au café près de la Place Saint-Étienne" in got.text


def test_unknown_encoding_name_falls_back_to_sniffing() -> None:
    got = extract_article(page().encode("utf-8"), "https://kc.example.com/a", encoding="x-bogus")
    assert got is not None and "Prospect Avenue" in got.text


def test_language_from_html_lang_attribute() -> None:
    got = extract_article(page(html_attrs='lang="es_MX"'), "https://kc.example.com/a")
    assert got is not None and got.language == "es"
    got = extract_article(page(html_attrs=""), "https://kc.example.com/a")
    assert got is not None and got.language is None


BAD_INPUT = {
    "empty bytes": b"",
    "empty str": "",
    "binary garbage": b"\x00\x01\x02\xff" * 5000,
    "all byte values": bytes(range(256)) * 40,
    "png image": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
    "no text": "<html><body></body></html>",
    "menu only": "<html><head><title>Title</title></head><body><nav>Home</nav></body></html>",
    "broken markup": "<<<>>><html<body<p unclosed",
    "plain text": "plain text with no markup at all",
}


@pytest.mark.parametrize("bad", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_no_article_gives_none(bad: bytes | str) -> None:
    assert extract_article(bad, "https://kc.example.com/a") is None


def test_broken_but_readable_html_still_extracts() -> None:
    broken = page().replace("</p>", "").replace("</article>", "").replace("</html>", "")
    got = extract_article(broken, "https://kc.example.com/a")
    assert got is not None and "Highway Patrol" in got.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-07T21:15:00Z", datetime(2024, 5, 7, 21, 15, tzinfo=UTC)),
        ("2024-05-07T21:15:00.123+0000", datetime(2024, 5, 7, 21, 15, 0, 123000, tzinfo=UTC)),
        ("2024-05-07 21:15", datetime(2024, 5, 7, 21, 15, tzinfo=UTC)),  # naive: UTC
        ("Tue, 07 May 2024 21:15:00 GMT", datetime(2024, 5, 7, 21, 15, tzinfo=UTC)),
        ("2024-05-07", datetime(2024, 5, 7, tzinfo=UTC)),
        ("yesterday", None),
        ("9999-12-31T23:00:00-05:00", None),  # past datetime.max in UTC
        ("", None),
    ],
)
def test_parse_datetime(value: str, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


def test_a_one_line_brief_is_an_article() -> None:
    brief = "<p>Police say an officer shot a man at 5th and Main; more to come.</p>"
    got = extract_article(page(body=brief), "https://kc.example.com/a")
    assert got is not None and "officer shot a man at 5th and Main" in got.text


def test_utf16_page_with_byte_order_mark() -> None:
    raw = page().replace("charset='utf-8'", "").encode("utf-16")  # BOM first
    got = extract_article(raw, "https://kc.example.com/a")
    assert got is not None and "Prospect Avenue" in got.text
    got = extract_article(
        page().encode("utf-16-le"), "https://kc.example.com/a", encoding="utf-16-le"
    )
    assert got is not None and "Prospect Avenue" in got.text
