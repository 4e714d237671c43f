"""Every file of feedparser's own test corpus (../shared/corpora/feeds) goes through our
feed handling without an exception, a hang or runaway memory; so do entity bombs."""

from __future__ import annotations

import resource
import signal
import time
from pathlib import Path

import pytest

from crawler.feeds import parse_feed

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "feeds"
PER_FILE_SECONDS = 5


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.xml") if p.is_file())


def header_value(body: bytes, name: bytes) -> str | None:
    """The fixture's own ``Header:`` line (the HTTP headers it is meant to be served with)."""
    for line in body.splitlines()[:8]:
        if line.startswith(name + b":"):
            return line.split(b":", 1)[1].strip().decode("latin-1")
    return None


class Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise Timeout


def test_corpus_is_present(shared: Path) -> None:
    assert len(corpus_files()) == 2106


def test_every_corpus_feed_parses_without_error_hang_or_blowup(shared: Path) -> None:
    files = corpus_files()
    assert files
    old = signal.signal(signal.SIGALRM, _alarm)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    slow: list[str] = []
    total_entries = 0
    readable = 0
    try:
        for path in files:
            body = path.read_bytes()
            headers = {}
            content_type = header_value(body, b"Header")
            if content_type and content_type.lower().startswith("content-type:"):
                headers["Content-Type"] = content_type.split(":", 1)[1].strip()
            signal.alarm(PER_FILE_SECONDS)
            started = time.monotonic()
            try:
                parsed = parse_feed(body, url=f"http://127.0.0.1/{path.name}", headers=headers)
            except Timeout:
                slow.append(str(path.relative_to(CORPUS)))
                continue
            finally:
                signal.alarm(0)
            if time.monotonic() - started > PER_FILE_SECONDS:
                slow.append(str(path.relative_to(CORPUS)))
            total_entries += len(parsed.entries)
            readable += parsed.readable
            for entry in parsed.entries:
                assert entry.link is None or entry.link.startswith(("http://", "https://"))
                assert entry.published is None or entry.published.tzinfo is not None
    finally:
        signal.signal(signal.SIGALRM, old)
    assert not slow, f"feeds that hung: {slow}"
    # Growth of the peak resident size over the whole corpus (KiB on Linux).
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mib < 300, f"parsing the corpus grew peak memory by {grown_mib:.0f} MiB"
    # Nearly every fixture is a feed feedparser can place; the odd ones still return.
    assert readable > 2000
    assert total_entries > 1000


def billion_laughs() -> bytes:
    decls = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
        + "\n".join(decls)
        + "\n]>\n"
        + '<rss version="2.0"><channel><title>&lol9;</title>'
        + "<item><title>Kept</title><link>http://127.0.0.1/a</link></item>"
        + "</channel></rss>"
    ).encode()


def quadratic_blowup(encoding: str = "utf-8") -> bytes:
    # One 50 KB entity referenced 50,000 times: 2.5 GB once expanded.
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE rss [\n'
        + '<!ENTITY big "'
        + "x" * 50_000
        + '">\n]>\n<rss version="2.0"><channel><title>'
        + "&big;" * 50_000
        + "</title><item><title>Kept</title><link>http://127.0.0.1/b</link></item>"
        + "</channel></rss>"
    ).encode(encoding)


@pytest.mark.parametrize(
    "body",
    [billion_laughs(), quadratic_blowup(), quadratic_blowup("utf-16")],
    ids=["billion-laughs", "quadratic", "quadratic-utf16"],
)
def test_entity_bombs_are_refused_without_expanding_anything(body: bytes) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed = parse_feed(body, url="http://127.0.0.1/feed.xml")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mib < 100
    assert not parsed.readable and parsed.entries == ()
    assert parsed.bozo_error is not None and "declares the XML entity" in parsed.bozo_error


def test_a_feed_declaring_even_a_short_entity_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY co "Acme News">\n]>\n'
        b'<rss version="2.0"><channel><title>&co;</title></channel></rss>'
    )
    parsed = parse_feed(body, url="http://127.0.0.1/f")
    assert not parsed.readable
    assert "'co'" in (parsed.bozo_error or "")


def test_a_doctype_without_entities_is_read() -> None:
    body = (
        b'<?xml version="1.0"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Acme</title>'
        b"<item><title>Kept</title><link>http://127.0.0.1/a</link></item></channel></rss>"
    )
    parsed = parse_feed(body, url="http://127.0.0.1/f")
    assert parsed.title == "Acme" and [e.title for e in parsed.entries] == ["Kept"]
