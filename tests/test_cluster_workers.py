"""`oiswatch worker` processes share one frontier: every article is fetched once and stored."""

from __future__ import annotations

from collections import Counter

import redis as redis_lib
from cluster.pages_site import PagesSite, worker_config
from kit import oiswatch_worker
from sqlalchemy import func, select

from crawler.cluster import ArticleLink, frontier_size, push_articles
from records import Lead
from store import Store
from store.schema import article_sources, articles

PAGES = 24


def test_two_workers_store_every_article_once(pg_url: str, redis_url: str, tmp_path) -> None:
    site = PagesSite(limit=PAGES).start()
    try:
        cfg = worker_config(tmp_path / "oiswatch.toml", pg_url, redis_url)
        Store(pg_url).close()  # migrate before the workers race to
        urls = site.urls()
        links = [ArticleLink(Lead(u, feed="metro", outlet="Metro Daily")) for u in urls]
        client = redis_lib.Redis.from_url(redis_url)
        # Half the links twice: a story in two feeds, or a leader that polled again.
        push_articles(client, links + links[::2])

        workers = [
            oiswatch_worker(cfg, tmp_path / f"w{i}.log", "--idle-exit", "3", name=f"w{i}")
            for i in range(2)
        ]
        for w in workers:
            assert w.wait(180) == 0, w.log()[-3000:]

        fetched = Counter({p: n for p, n in site.hits.items() if p.startswith("/news/")})
        assert fetched == Counter({path: 1 for path in site.pages})
        store = Store(pg_url)
        try:
            with store.engine.connect() as conn:
                rows = conn.execute(select(articles.c.url, articles.c.fetch_status)).all()
                sources = conn.execute(
                    select(func.count()).select_from(article_sources)
                ).scalar_one()
        finally:
            store.close()
        assert sorted(url for url, _ in rows) == sorted(urls)
        statuses = Counter(status for _, status in rows)
        assert statuses["ok"] + statuses["duplicate"] >= PAGES * 3 // 4, statuses
        assert sources >= statuses["ok"]
        assert frontier_size(client)["waiting"] == 0
    finally:
        site.stop()


def test_worker_crawls_as_the_crawl_section_says(pg_url: str, redis_url: str, tmp_path) -> None:
    """[crawl] reaches `oiswatch worker`: robots.txt, user agent and size limit, both ways."""
    from mocksite import MockSite
    from mocksite.pages import article_page, story
    from mocksite.server import Route

    site = MockSite()
    site.add("/robots.txt", Route(body=b"User-agent: *\nDisallow: /closed/\n"))
    site.add_page("/closed/story", article_page("Closed", story("closed"), purpose="robots"))
    site.add_page("/open/story", article_page("Open", story("open"), purpose="allowed"))
    site.start()
    agents: list[str] = []
    respond = site.respond

    def recording(path: str, headers: dict[str, str]) -> Route:
        agents.append(headers.get("user-agent", ""))
        return respond(path, headers)

    site.respond = recording  # type: ignore[method-assign]
    Store(pg_url).close()
    client = redis_lib.Redis.from_url(redis_url)
    try:
        for obey in (False, True):
            client.flushall()
            site.hits.clear()
            cfg = worker_config(tmp_path / f"w{obey}.toml", pg_url, redis_url)
            cfg.write_text(
                cfg.read_text().replace(
                    "obey_robots_txt = false",
                    f'obey_robots_txt = {str(obey).lower()}\nuser_agent = "desk-bot/{obey}"',
                ),
                encoding="utf-8",
            )
            push_articles(
                client, [ArticleLink(Lead(site.url(p))) for p in ("/closed/story", "/open/story")]
            )
            worker = oiswatch_worker(cfg, tmp_path / f"w{obey}.log", "--idle-exit", "3")
            assert worker.wait(120) == 0, worker.log()[-3000:]
            assert site.hits["/open/story"] == 1
            assert site.hits["/robots.txt"] == int(obey), (obey, dict(site.hits))
            assert site.hits["/closed/story"] == int(not obey), (obey, dict(site.hits))
            assert set(agents) == {f"desk-bot/{obey}"}
            agents.clear()
    finally:
        site.stop()
