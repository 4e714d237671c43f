"""Persistence: the schema (``store.schema``) and the store's reads and writes (``store.db``)."""

from store.db import FeedState, Store, StoreError, utcnow

__all__ = ["FeedState", "Store", "StoreError", "utcnow"]
