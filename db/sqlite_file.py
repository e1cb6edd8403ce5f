"""Whether a database URL names a SQLite file, and which: the one answer the locks and readers beside it use."""

import os
import warnings
from urllib.parse import parse_qs, unquote

from sqlalchemy.engine import URL


def sqlite_file_path(url: URL) -> str | None:
    """The absolute path of the file a SQLite URL opens, else None (not SQLite, in memory, or temporary).

    The answer follows what SQLAlchemy's sqlite dialect hands the driver. Without `uri=true` the database is
    a plain file name, `file:x.db` included (a file of that name: SQLAlchemy makes it an absolute path, so
    SQLite never reads it as a URI). With `uri=true` a name that starts with `file:` is a SQLite URI
    (https://www.sqlite.org/uri.html): `file:x.db?mode=ro` is the file x.db, while `file::memory:`,
    `mode=memory`, `vfs=memdb` and an empty path are no file at all.
    """
    if url.get_backend_name() != "sqlite":
        return None
    try:
        dialect = url.get_dialect()()
    except Exception:  # a driver that is not installed: no file anyone could open
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ignored query arguments: SQLAlchemy warns again when it connects
        args, options = dialect.create_connect_args(url)
    name = str(args[0]) if args else ""
    if options.get("uri") and name.startswith("file:"):
        return _uri_file(name)
    if name in ("", ":memory:"):
        return None
    return os.path.abspath(name)


def _uri_file(uri: str) -> str | None:
    rest, _, query = uri.removeprefix("file:").partition("?")
    rest = rest.partition("#")[0]
    if rest.startswith("//"):  # an authority, which SQLite accepts only empty or "localhost"
        authority, slash, path = rest[2:].partition("/")
        if authority not in ("", "localhost"):
            return None
        rest = slash + path
    parameters = parse_qs(query.partition("#")[0])
    if parameters.get("mode", [""])[-1] == "memory" or parameters.get("vfs", [""])[-1] == "memdb":
        return None
    path = unquote(rest)
    if path in ("", ":memory:"):
        return None
    return os.path.abspath(path)
