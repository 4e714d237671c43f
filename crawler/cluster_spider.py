"""The crawl worker's spider: article links from the shared Redis queue, through the
same pipelines as a single-machine crawl (extract, classify, store, queue alerts).

Kept out of ``crawler/spiders`` so Scrapy's spider loader (and ``scrapy list``) never
needs scrapy-redis, an optional dependency.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

from crawler.cluster import ArticleLink, RedisStartMixin
from crawler.spiders.base import ArticleSpider

PAGE_KEYS = (
    "outlet", "feed", "entry_id", "title_hint", "published_hint", "alert", "since", "until",
)  # fmt: skip


class ClusterArticleSpider(RedisStartMixin, ArticleSpider):
    name = "cluster-worker"

    def make_article_request(self, link: ArticleLink) -> Request:
        page: dict[str, Any] = {key: link.page.get(key) for key in PAGE_KEYS}
        page["alert"] = bool(link.page.get("alert", True))
        # A worker runs for days: the shared dupefilter in Redis, not the per-crawl set of
        # ArticleSpider, decides what was seen, and a retry must get through both.
        self.requested.discard(link.url)
        request = self.article_request(link.url, **page)
        assert request is not None
        self.requested.discard(link.url)
        return request.replace(dont_filter=link.refetch)
