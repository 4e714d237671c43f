"""URL hygiene: the store sees one spelling per article whatever link a feed gave us."""

from __future__ import annotations

import pytest

from crawler.urls import clean_url, registrable_domain, same_site, unwrap_redirector


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "https://www.kshb.com/news/crime?utm_source=rss&utm_medium=feed&id=42",
            "https://www.kshb.com/news/crime?id=42",
        ),
        ("https://x.com/a?fbclid=abc&page=2&gclid=9&mc_cid=1&mc_eid=2", "https://x.com/a?page=2"),
        ("https://x.com/a?igshid=1&_ga=2.1&ocid=msn&cmpid=fb&q=police", "https://x.com/a?q=police"),
        ("https://x.com/a?UTM_Campaign=x&b=1&a=2", "https://x.com/a?b=1&a=2"),  # order kept
        ("https://x.com/story#comments", "https://x.com/story"),
        ("https://x.com/story?utm_source=a#top", "https://x.com/story"),
        ("HTTPS://WWW.KSHB.COM/News/Story", "https://www.kshb.com/News/Story"),  # path case kept
        ("http://x.com:80/a", "http://x.com/a"),
        ("https://x.com:443/a", "https://x.com/a"),
        ("https://x.com:8443/a", "https://x.com:8443/a"),
        ("http://127.0.0.1:8080/a?x=1", "http://127.0.0.1:8080/a?x=1"),
        ("https://x.com", "https://x.com/"),
        ("  https://x.com/a \n", "https://x.com/a"),
        ("https://x.com/a?q=a%20b&utm_term=z", "https://x.com/a?q=a%20b"),  # no re-encoding
        ("https://x.com/a?&&ref=home&", "https://x.com/a?ref=home"),
    ],
)
def test_clean_url(raw: str, clean: str) -> None:
    assert clean_url(raw) == clean


@pytest.mark.parametrize("odd", ["", "   ", "not a url", "http://[::1", "mailto:desk@x.com", "//x"])
def test_clean_url_never_raises_on_odd_input(odd: str) -> None:
    assert isinstance(clean_url(odd), str)
    assert "#" not in clean_url(odd + "#frag")


def test_clean_url_keeps_an_unparseable_link_minus_its_fragment() -> None:
    assert clean_url("http://[::1/a#b") == "http://[::1/a"


def test_clean_url_is_idempotent() -> None:
    once = clean_url("HTTP://A.com:80/x?utm_source=1&y=2#z")
    assert clean_url(once) == once == "http://a.com/x?y=2"


def test_unwrap_bing_news_apiclick() -> None:
    wrapped = (
        "https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=6a1b"
        "&url=https%3a%2f%2fwww.kshb.com%2fnews%2fcrime%2fofficer-shooting%3fid%3d7%26p%3d2"
        "&c=1234&mkt=en-us"
    )
    assert unwrap_redirector(wrapped) == "https://www.kshb.com/news/crime/officer-shooting?id=7&p=2"


def test_unwrap_google_news_url_parameter() -> None:
    wrapped = "https://news.google.com/news/url?sa=t&fd=R&url=https://www.kctv5.com/a/b.html&ct2=us"
    assert unwrap_redirector(wrapped) == "https://www.kctv5.com/a/b.html"
    assert unwrap_redirector("https://www.google.com/url?q=https%3A%2F%2Fkc.com%2Fx&sa=D") == (
        "https://kc.com/x"
    )


def test_unwrap_bing_ck_base64_target() -> None:
    # "a1" + base64url("https://www.fox4kc.com/news/x")
    wrapped = "https://www.bing.com/ck/a?!&&p=abc&u=a1aHR0cHM6Ly93d3cuZm94NGtjLmNvbS9uZXdzL3g&ntb=1"
    assert unwrap_redirector(wrapped) == "https://www.fox4kc.com/news/x"


@pytest.mark.parametrize(
    "plain",
    [
        "https://www.kshb.com/news/story?url=https://elsewhere.com/",  # not a redirector
        "https://www.bing.com/news/apiclick.aspx?ref=FexRss&url=javascript:alert(1)",
        "https://news.google.com/rss/articles/CBMiUGh0dHBzOi8vd3d3?oc=5",  # opaque token
        "",
        "http://[::1",
    ],
)
def test_unwrap_leaves_other_links_unchanged(plain: str) -> None:
    assert unwrap_redirector(plain) == plain


def test_same_site() -> None:
    assert same_site("https://www.kansascity.com/news/a", "https://amp.kansascity.com/b")
    assert same_site("https://news.bbc.co.uk/x", "https://www.bbc.co.uk/y")
    assert not same_site("https://a.co.uk/x", "https://b.co.uk/x")  # co.uk is a suffix
    assert not same_site("https://kshb.com/x", "https://kmbc.com/x")
    assert not same_site("https://kshb.com.evil.net/x", "https://kshb.com/x")
    assert same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:9000/b")
    assert not same_site("http://127.0.0.1/a", "http://127.0.0.2/a")
    assert not same_site("", "")
    assert not same_site("not a url", "https://kshb.com/")


def test_registrable_domain() -> None:
    assert registrable_domain("https://www.fox4kc.com/news") == "fox4kc.com"
    assert registrable_domain("http://localhost:8080/") == "localhost"
    assert registrable_domain("garbage") == ""
