"""Counting the SQL statements some work sends: the suite's one engine listener, for the tests that a query's
statement count is constant (graph/read) and that a cache hit costs one read."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def statements_sent(*engines: AsyncEngine) -> Iterator[list[str]]:
    """The SQL text of every statement sent through these engines while the block runs, in order."""
    sent: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    targets = {engine.sync_engine for engine in engines}  # the app's read engine may be its write engine
    for target in targets:
        event.listen(target, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        for target in targets:
            event.remove(target, "before_cursor_execute", record)
