"""Which SQLite file a database URL opens: the one answer the sync lock, the schema lock, the read engine and
`repofolio db current` share, for every way a user writes the URL."""

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import DatabaseUnavailable, create_engine, create_read_engine, read_schema_state
from db.ownership import try_sync_lock
from db.settings import DatabaseSettings
from db.sqlite_file import sqlite_file_path

# (the URL after "sqlite+aiosqlite://", the file it opens relative to the test's directory, or None: no file)
FORMS = [
    ("/./repofolio.db", "repofolio.db"),  # the default REPOFOLIO_DATABASE_URL
    ("/repofolio.db", "repofolio.db"),
    ("/data/repofolio.db", "data/repofolio.db"),
    ("/:memory:", None),
    ("", None),
    ("/", None),
    ("/file:x.db?mode=ro&uri=true", "x.db"),
    ("/file:x.db?uri=true", "x.db"),
    ("/file:x.db?uri=1", "x.db"),
    ("/file:x.db", "file:x.db"),  # no uri=true: SQLAlchemy opens a file of that very name
    ("/file:x.db?uri=false", "file:x.db"),
    ("/file:sub/my%20data.db?uri=true", "sub/my data.db"),
    ("/file://localhost/ABS/x.db?uri=true", "ABS/x.db"),
    ("/file:///ABS/x.db?uri=true", "ABS/x.db"),
    ("/x.db?uri=true", "x.db"),  # uri=true, but no file: prefix: a plain name
    ("/file::memory:?cache=shared&uri=true", None),
    ("/file:shared?mode=memory&cache=shared&uri=true", None),
    ("/file:/shared?vfs=memdb&uri=true", None),
    ("/file:?uri=true", None),  # SQLite's private temporary database
]


def url_for(form: str, where: Path) -> str:
    return "sqlite+aiosqlite://" + form.replace("/ABS", str(where))


def files_under(where: Path) -> set[Path]:
    return set(where.rglob("*"))


@pytest.mark.parametrize(("form", "opens"), FORMS)
def test_the_path_is_the_file_the_url_opens(form: str, opens: str | None, tmp_path: Path) -> None:
    """Relative names resolve against the working directory, as SQLite resolves them."""
    (tmp_path / "data").mkdir()
    (tmp_path / "sub").mkdir()
    path = sqlite_file_path(make_url(url_for(form, tmp_path)))
    want = None if opens is None else os.path.abspath(opens.replace("ABS/", f"{tmp_path}/"))
    assert path == want


# mode=memory picks a one-connection pool in SQLAlchemy 2.1, with a deprecation warning about that choice.
@pytest.mark.filterwarnings("ignore:Selection of the StaticPool pool class:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:Query string argument:sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize(("form", "opens"), [form for form in FORMS if "mode=ro" not in form[0]])
async def test_sqlite_writes_where_the_path_says_and_nowhere_else(form: str, opens: str | None, tmp_path: Path) -> None:
    """A table written through the URL lands in the file the helper names; for "no file", in no file at all."""
    (tmp_path / "data").mkdir()
    (tmp_path / "sub").mkdir()
    before = files_under(tmp_path)
    url = url_for(form, tmp_path)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE written (id INTEGER)"))
        path = sqlite_file_path(engine.url)
        created = files_under(tmp_path) - before
        if path is None:
            assert created == set()
        else:
            assert created == {Path(path)}
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as reader:
                assert reader.execute("SELECT name FROM sqlite_master").fetchall() == [("written",)]
    finally:
        await engine.dispose()


def test_other_databases_have_no_file() -> None:
    assert sqlite_file_path(make_url("postgresql+asyncpg://repofolio@127.0.0.1/repofolio")) is None


async def test_a_file_uri_and_a_path_to_the_same_file_share_one_sync_lock(tmp_path: Path) -> None:
    """Two processes syncing the same file, one configured with a path and one with a file: URI, never run at
    once (a file: URI used to get a lock within its process only)."""
    plain = create_engine(DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    uri = create_engine(DatabaseSettings(database_url=f"sqlite+aiosqlite:///file:{tmp_path / 'x.db'}?uri=true"))
    try:
        held = await try_sync_lock(plain)
        assert held is not None
        try:
            assert await try_sync_lock(uri) is None
        finally:
            await held.release()
    finally:
        await plain.dispose()
        await uri.dispose()


async def test_db_current_on_a_missing_file_uri_says_so_and_creates_nothing(tmp_path: Path) -> None:
    settings = DatabaseSettings(database_url=f"sqlite+aiosqlite:///file:{tmp_path / 'missing.db'}?uri=true")
    with pytest.raises(DatabaseUnavailable, match="no such file"):
        await read_schema_state(settings)
    assert files_under(tmp_path) == set()


async def test_a_file_uri_database_is_read_through_the_read_only_engine(tmp_path: Path) -> None:
    settings = DatabaseSettings(database_url=f"sqlite+aiosqlite:///file:{tmp_path / 'x.db'}?uri=true")
    engine = create_engine(settings)
    reader = create_read_engine(settings, engine)
    try:
        assert reader is not engine
    finally:
        await reader.dispose()
        await engine.dispose()
