"""Storage faults named in one line: a full disk, a read-only or locked database, a corrupt file.

SQLAlchemy wraps the driver's error (`.orig`), and the asyncpg adapter chains asyncpg's own (`__cause__`), so
the whole chain is searched. SQLite's error code (`sqlite_errorcode`, Python 3.11+) decides where there is
one, its message where not; PostgreSQL's SQLSTATE (`sqlstate`, or psycopg2's `pgcode`) likewise.
"""

import sqlite3
from collections.abc import Iterator

DISK_FULL = "the database disk is full"
READ_ONLY = "the database is read-only"
LOCKED = "the database is locked by another process"
CORRUPT = "the database file is corrupt"

# SQLite's primary result codes (the low byte of an extended one).
_SQLITE_CODES = {
    sqlite3.SQLITE_FULL: DISK_FULL,
    sqlite3.SQLITE_READONLY: READ_ONLY,
    sqlite3.SQLITE_BUSY: LOCKED,
    sqlite3.SQLITE_LOCKED: LOCKED,
    sqlite3.SQLITE_CORRUPT: CORRUPT,
    sqlite3.SQLITE_NOTADB: CORRUPT,
}
# For a sqlite3 error without a code: the text sqlite3_errstr gives each of the codes above.
_SQLITE_MESSAGES = {
    "database or disk is full": DISK_FULL,
    "attempt to write a readonly database": READ_ONLY,
    "database is locked": LOCKED,
    "database table is locked": LOCKED,
    "database disk image is malformed": CORRUPT,
    "file is not a database": CORRUPT,
}
# PostgreSQL's SQLSTATEs: asyncpg's DiskFullError, ReadOnlySQLTransactionError, LockNotAvailableError,
# DeadlockDetectedError, DataCorruptedError and IndexCorruptedError.
_SQLSTATES = {
    "53100": DISK_FULL,
    "25006": READ_ONLY,
    "55P03": LOCKED,
    "40P01": LOCKED,
    "XX001": CORRUPT,
    "XX002": CORRUPT,
}


def storage_fault(error: BaseException) -> str | None:
    """The one-line name of the storage fault behind `error`, or None when it is not one."""
    for cause in _chain(error):
        code = getattr(cause, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(state, str) and state in _SQLSTATES:
            return _SQLSTATES[state]
        if isinstance(cause, sqlite3.Error) and code is None:
            message = str(cause).strip().lower()
            for text, fault in _SQLITE_MESSAGES.items():
                if message.startswith(text):
                    return fault
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                pending.append(linked)
