"""Structured JSON logs, one object a line; tokens and credentials are never passed in.

An exception is logged as its type, never its traceback or text (either may quote a request
or a value), so the process's stderr is JSON lines only.
"""

from __future__ import annotations

import json
import logging
from typing import Any

LOGGER_NAME = "chatgw"


def get_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event with its fields (already free of secrets: callers pass ids and counts)."""
    logger.log(level, name, extra={"event_fields": fields})


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "event", ...fields}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _message(record),
        }
        data.update(getattr(record, "event_fields", None) or {})
        if record.exc_info:
            data["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(data, default=str, separators=(",", ":"))


def configure(level: int = logging.INFO) -> logging.Handler:
    """Send the process's logs to stderr as JSON lines (the CLI calls this; tests attach their own).

    chatgw's own events from `level` up; every other logger (uvicorn's error log, asyncio,
    Python's warnings) from WARNING up, through the same formatter, so nothing prints a
    traceback or a plain-text line.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logger = get_logger()
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage().strip()
    except (TypeError, ValueError):  # a library's format string and arguments that do not match
        return str(record.msg).strip()
