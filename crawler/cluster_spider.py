"""The crawl worker's spider: article links from the shared Redis queue, through the
same pipelines as a single-machine crawl (extract, classify, store, queue alerts).

Kept out of ``crawler/spiders`` so Scrapy's spider loader (and ``scrapy list``) never
needs scrapy-redis, an optional dependency.
"""

from __future__ import annotations

from scrapy import Request

from crawler.cluster import ArticleLink, RedisStartMixin
from crawler.spiders.base import ArticleSpider


class ClusterArticleSpider(RedisStartMixin, ArticleSpider):
    name = "cluster-worker"

    def make_article_request(self, link: ArticleLink) -> Request:
        # A worker runs for days: the shared dupefilter in Redis, not the per-crawl set of
        # ArticleSpider, decides what was seen, and a retry must get through both.
        self.requested.discard(link.url)
        request = self.article_request(link.lead)
        assert request is not None
        self.requested.discard(link.url)
        return request.replace(dont_filter=link.refetch)
