"""Hold: the fake GitHub keeps matching requests waiting until the test lets them go, so a sync in another
process is paused at a known point (to kill it there, or start another process beside it).

    fake.hold = Hold("/languages")
    ...start a sync...
    fake.hold.wait_arrived(30)   # a sync is now mid-run, waiting on GitHub
    fake.hold.release()          # every held request, and every later one, is answered

Works behind the loopback server (tests/fakes/server.py) and `handle_async`; the waits are bounded.
"""

import asyncio
import threading

import httpx


class Hold:
    def __init__(self, path_contains: str, *, timeout: float = 60.0) -> None:
        self.path_contains = path_contains
        self.timeout = timeout  # a held request is answered after this long whatever happens
        self.arrived = threading.Event()
        self._released = threading.Event()

    async def wait(self, request: httpx.Request) -> None:
        if self._released.is_set() or self.path_contains not in request.url.path:
            return
        self.arrived.set()
        await asyncio.to_thread(self._released.wait, self.timeout)

    def wait_arrived(self, timeout: float) -> None:
        if not self.arrived.wait(timeout):
            raise TimeoutError(f"no request for {self.path_contains!r} reached the fake GitHub in {timeout}s")

    def release(self) -> None:
        self._released.set()
