"""The fixture news web the crawl tests run against (see server.py and newsroom.py)."""

from mocksite.newsroom import build_newsroom
from mocksite.server import FeedItem, MockSite, Route

__all__ = ["FeedItem", "MockSite", "Route", "build_newsroom"]
