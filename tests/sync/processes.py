"""repofolio commands in processes of their own, as an operator runs them: for tests of what several
processes on one database do, and of what a `kill -9` leaves behind. Every wait is bounded."""

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

WAIT = 60.0  # seconds any one step may take on a loaded machine


def environment(database_url: str, github_api_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without any REPOFOLIO_* of a developer's shell, plus the given settings
    (keyword `max_retries="1"` is REPOFOLIO_MAX_RETRIES=1)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPOFOLIO_") and k != "GITHUB_TOKEN"}
    env.update(
        REPOFOLIO_DATABASE_URL=database_url,
        REPOFOLIO_GITHUB_API_URL=github_api_url,
        REPOFOLIO_GITHUB_OWNERS="octocat,acme",
        REPOFOLIO_RETRY_BACKOFF="0.01",
    )
    env.update({f"REPOFOLIO_{name.upper()}": value for name, value in settings.items()})
    return env


class Command:
    """`repofolio ARGS...` running in a child process; its output (stdout and stderr) read line by line."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", *args],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        self._ended = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))
                self._new.put(line)
        self._ended.set()
        self._new.put("")

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = WAIT) -> None:
        """Until a line of output contains `text`; TimeoutError (with the output so far) if none does."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if self._ended.is_set():
                raise AssertionError(f"exited ({self.process.wait()}) without printing {text!r}:\n{self.output}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{text!r} not printed within {timeout}s; output so far:\n{self.output}")
            with contextlib.suppress(queue.Empty):
                self._new.get(timeout=min(left, 0.5))

    def finish(self, timeout: float = WAIT) -> int:
        """Wait for the process to exit by itself; its exit code."""
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def kill(self) -> None:
        """`kill -9`: no cleanup, no shutdown hook, nothing recorded by the process itself."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(WAIT)
        self._reader.join(WAIT)

    def stop(self) -> None:
        """SIGTERM (what a service manager sends), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(WAIT)
