"""Scrapy settings of the oiswatch crawl.

Values that an operator tunes live in the configuration file ([crawl] section) and are
applied on top of these by ``crawler.configure`` at "spider" priority, so ``-s NAME=VALUE``
on the command line still wins.
"""

BOT_NAME = "oiswatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False

# Politeness: the [crawl] section overrides these defaults.
ROBOTSTXT_OBEY = True
USER_AGENT = "oiswatch/0.1 (+https://github.com/oiswatch/oiswatch; news-monitoring bot)"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Items processed in parallel per response. An article page yields one item, and Scrapy
# starts this many asyncio workers for every response: the default 100 costs ~1 ms of CPU
# per page in the crawl process, which competes with the extraction workers for the cores.
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Limits: a response over DOWNLOAD_MAXSIZE is cancelled and recorded as "too large".
DOWNLOAD_MAXSIZE = 10_000_000
DOWNLOAD_WARNSIZE = 5_000_000
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 1
# The spiders log each request that finally failed, once, with the host and reason.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
COOKIES_ENABLED = False

ITEM_PIPELINES = {
    "crawler.pipelines.ProcessPipeline": 300,
    "crawler.pipelines.StorePipeline": 800,
}
EXTENSIONS = {
    "crawler.extensions.CrawlSummary": 500,
    "crawler.extensions.Progress": 510,
    "crawler.quietlogs.QuietNetworkLogs": 520,
}
# Seconds between progress lines of a long crawl; 0 turns them off.
OISWATCH_PROGRESS_INTERVAL = 30
# Item log lines name the URL, never the whole item (a page body or article text).
LOG_FORMATTER = "crawler.logformatter.CompactLogFormatter"
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.metarefresh.HeadMetaRefresh": 580,  # Scrapy's place for it
}
