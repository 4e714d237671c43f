"""Scrapy settings of the oiswatch crawl: only what is Scrapy's alone.

What an operator tunes (politeness, timeouts, sizes, the log level) is in the configuration
file and reaches Scrapy through the add-on below (``crawler.addon``), so its defaults are
written once, in ``config/model.py``; ``-s NAME=VALUE`` on the command line still wins.
"""

BOT_NAME = "oiswatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False

ADDONS = {"crawler.addon.ConfigAddon": 0}

# Items processed in parallel per response. An article page yields one item, and Scrapy
# starts this many asyncio workers for every response: the default 100 costs ~1 ms of CPU
# per page in the crawl process, which competes with the extraction workers for the cores.
CONCURRENT_ITEMS = 4
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# A redirect loop runs into this and is recorded as a failed fetch.
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False

ITEM_PIPELINES = {
    "crawler.pipelines.ProcessPipeline": 300,
    "crawler.pipelines.StorePipeline": 800,
}
EXTENSIONS = {
    "crawler.extensions.CrawlSummary": 500,
    "crawler.extensions.Progress": 510,
    "crawler.extensions.DeliverAlerts": 520,
}
# Seconds between progress lines of a long crawl; 0 turns them off.
OISWATCH_PROGRESS_INTERVAL = 30
# Item log lines name the URL, never the whole item (a page body or article text).
LOG_FORMATTER = "crawler.logformatter.CompactLogFormatter"
DOWNLOADER_MIDDLEWARES = {
    # Above RetryMiddleware (550): a refused address is final, not retried.
    "crawler.guard.AddressGuard": 560,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.metarefresh.HeadMetaRefresh": 580,  # Scrapy's place for it
}
