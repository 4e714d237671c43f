"""``scrapy crawl``, with the backfill's ``-a`` arguments checked before the crawl starts.

Scrapy builds the spider inside the running crawl, so a bad argument would surface as a
traceback from the event loop and exit status 1. Checked here first, it is one line naming
the argument and exit status 2 (a usage error), like every other oiswatch command.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.exceptions import BadArgument

EXIT_USAGE = 2


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        # Here, before Scrapy starts its crawler process and logs its start-up lines.
        if args and args[0] == "backfill":
            from crawler.spiders.backfill import check_arguments

            try:
                check_arguments(dict(opts.spargs))
            except BadArgument as exc:
                print(f"scrapy crawl backfill: {exc}", file=sys.stderr)
                raise SystemExit(EXIT_USAGE) from None
