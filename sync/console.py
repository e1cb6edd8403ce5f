"""`repofolio sync`: one refresh from the command line, with a progress bar on a terminal."""

import asyncio
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from db.engine import open_database
from db.faults import storage_fault
from db.settings import DatabaseSettings
from sync import collect
from sync.claim import CANCELLED
from sync.errors import SyncAlreadyRunning
from sync.github.transport import create_http_client
from sync.refresh import SyncSummary
from sync.runner import SyncRunner
from sync.settings import SyncSettings

log = logging.getLogger(__name__)

PHASES = {
    "owners": "Owners and listings",
    "details": "Languages and contributors",
    "profiles": "Pins and profiles (GraphQL)",
    "apply": "Saving",
}


def run_sync_command(
    db_settings: DatabaseSettings, sync_settings: SyncSettings, *, stream: TextIO | None = None
) -> int:
    """Create the schema if needed, run one refresh (trigger CLI), print a summary; 0 on success."""
    out = stream or sys.stdout
    console = Console(file=out, highlight=False, soft_wrap=True)
    try:
        summary = asyncio.run(_sync(db_settings, sync_settings, console))
    except SyncAlreadyRunning as exc:
        console.print(f"repofolio sync: {exc}; try again when it has finished")
        return 1
    except KeyboardInterrupt:
        console.print("repofolio sync: interrupted; the cache is unchanged")
        return 130
    except Exception as exc:
        # The run could not even be recorded (a read-only database refuses its first write).
        fault = storage_fault(exc)
        if fault is None:
            raise
        console.print(f"repofolio sync: {fault}; the cache is unchanged")
        return 1
    if summary is None:
        return 130
    console.print(format_summary(summary))
    return 0 if summary.succeeded else 1


async def _sync(db_settings: DatabaseSettings, settings: SyncSettings, console: Console) -> SyncSummary | None:
    async with open_database(db_settings) as sessionmaker, create_http_client(settings) as http:
        runner = SyncRunner(sessionmaker, http, settings)
        try:
            with _progress(console) as report:
                return await runner.run("CLI", progress=report)
        except asyncio.CancelledError:
            return None
        finally:
            await runner.aclose()


@contextmanager
def _progress(console: Console) -> Iterator[collect.ProgressCallback]:
    """A rich progress bar on a terminal; elsewhere (pipes, CI logs) one plain line per phase."""
    if not console.is_terminal:
        last: dict[str, int] = {}

        def plain(step: collect.Progress) -> None:
            # A line at the start and end of each phase, and every 10% in between.
            total = step.total or 0
            tenth = max(1, total // 10)
            mark = step.done // tenth
            if step.done in (0, total) or last.get(step.phase) != mark:
                last[step.phase] = mark
                count = f" {step.done}/{total}" if step.total is not None else ""
                console.print(f"{PHASES.get(step.phase, step.phase)}:{count}")

        yield plain
        return

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[detail]}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def fancy(step: collect.Progress) -> None:
            if step.phase not in tasks:
                tasks[step.phase] = bar.add_task(PHASES.get(step.phase, step.phase), total=step.total, detail="")
            bar.update(tasks[step.phase], completed=step.done, total=step.total, detail=step.detail)

        yield fancy


def format_summary(summary: SyncSummary) -> str:
    duration = summary.duration.total_seconds() if summary.duration else 0.0
    left = "unknown" if summary.rate_limit_remaining is None else str(summary.rate_limit_remaining)
    lines = [
        f"Sync run {summary.run_id}: {summary.status.lower()} in {duration:.1f}s",
        f"  repositories: {summary.added} added, {summary.updated} updated, "
        f"{summary.removed} removed, {summary.unchanged} unchanged",
        f"  GitHub requests: {summary.github_requests} ({summary.not_modified} answered 304 Not Modified)",
        f"  rate limit left: {left}",
    ]
    if summary.graphql_points:
        lines.append(f"  GitHub GraphQL points: {summary.graphql_points}")
    lines += [f"  {line}" for line in summary.skipped]
    if summary.error and summary.status != CANCELLED:
        lines.append(f"  error: {summary.error}")
    if summary.retry_at is not None:
        lines.append(f"  the rate limit resets at {summary.retry_at:%Y-%m-%d %H:%M:%S}Z; run it again then")
    return "\n".join(lines)
