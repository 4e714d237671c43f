"""Logging for the service: readable lines for people, one JSON object per line for machines.

Values a script wants to read (the poll's counts, a feed's name) travel as ``extra={...}``
and become fields of the JSON object; the plain format shows the message only.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# Scrapy and Twisted narrate every request at INFO; the service's own lines say what matters.
# Alembic narrates every store opening ("Context impl SQLiteImpl."); store.migrate says
# at INFO when a store was actually upgraded.
_CHATTY = (
    "scrapy",
    "twisted",
    "apscheduler",
    "trafilatura",
    "htmldate",
    "charset_normalizer",
    "alembic",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def setup_logging(
    level: str = "INFO", json_lines: bool = False, stream: TextIO | None = None
) -> None:
    """Configure the root logger once for the whole process (replaces earlier handlers)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"
            )
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in _CHATTY:
        logging.getLogger(name).setLevel(quiet)
