"""Persistence: the schema (``store.schema``) and the store's reads and writes (``store.db``)."""

from store.db import Store
from store.engine import StoreError, store_exists, utcnow
from store.feeds import FeedState

__all__ = ["FeedState", "Store", "StoreError", "store_exists", "utcnow"]
