"""The sync lock: one holder per database at a time, released by the database or the kernel when the
holding process dies, and never left behind on a pooled connection."""

import asyncio
import sys
import time
from asyncio.subprocess import PIPE

from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from db.ownership import try_sync_lock
from db.settings import DatabaseSettings

HOLD_THE_LOCK = """
import asyncio, sys
from db.engine import create_engine
from db.ownership import try_sync_lock
from db.settings import DatabaseSettings

async def main():
    engine = create_engine(DatabaseSettings(database_url=sys.argv[1]))
    lock = await try_sync_lock(engine)
    print("held" if lock is not None else "busy", flush=True)
    sys.stdin.read()  # until killed

asyncio.run(main())
"""


async def test_one_holder_at_a_time_and_a_released_lock_is_free_for_any_engine(
    engine: AsyncEngine, db_settings: DatabaseSettings
) -> None:
    """A second try while the lock is held fails, even in the same process; once released, another engine
    (other connections) gets it, so the release did not leave it on a connection back in the pool."""
    other = create_engine(db_settings)
    try:
        first = await try_sync_lock(engine)
        assert first is not None
        assert await try_sync_lock(engine) is None
        assert await try_sync_lock(other) is None
        await first.release()
        again = await try_sync_lock(other)
        assert again is not None
        assert await try_sync_lock(engine) is None
        await again.release()
    finally:
        await other.dispose()


async def test_the_lock_of_a_killed_process_is_free_at_once(engine: AsyncEngine, db_settings: DatabaseSettings) -> None:
    """`kill -9` of the holder, which cleans nothing up, frees the lock: no timeout to sit out."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD_THE_LOCK, db_settings.database_url, stdin=PIPE, stdout=PIPE
    )
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), timeout=60) == b"held\n"
        assert await try_sync_lock(engine) is None
    finally:
        holder.kill()
        await asyncio.wait_for(holder.communicate(), timeout=60)
    killed_at = time.monotonic()
    # The kernel closes the dead process's files and sockets at once; PostgreSQL then ends its session, a few
    # milliseconds later at most, so try for a little while rather than exactly once.
    lock = None
    while lock is None and time.monotonic() - killed_at < 10:
        lock = await try_sync_lock(engine)
        if lock is None:
            await asyncio.sleep(0.01)
    assert lock is not None, "the killed holder's lock was still held 10 s later"
    await lock.release()
