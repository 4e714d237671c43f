"""A minimal crawl worker on the scrapy-redis adapter, run as a subprocess by the tests.

Usage: toy_worker.py REDIS_URL OUT_FILE MAX_IDLE_SECONDS — writes one JSON line per page.
"""

import json
import sys

from scrapy import Spider
from scrapy.crawler import CrawlerProcess

from crawler.cluster import RedisStartMixin, cluster_settings


class ToySpider(RedisStartMixin, Spider):
    name = "toy"

    def parse(self, response):
        yield {"url": response.url, "feed": response.meta["link"].lead.feed}


def main() -> None:
    redis_url, out, idle = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ToySpider.max_idle_time = idle
    ToySpider.redis_poll_seconds = 0.05
    settings = {
        **cluster_settings(redis_url),
        "FEEDS": {out: {"format": "jsonlines"}},
        "LOG_LEVEL": "INFO",
        "CONCURRENT_REQUESTS": 4,
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ToySpider)
    process.crawl(crawler)
    process.start()
    print(json.dumps({"finish_reason": crawler.stats.get_value("finish_reason")}))


if __name__ == "__main__":
    main()
