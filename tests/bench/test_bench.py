"""The benchmark's own code, cheaply: the floor answers what repofolio answers; the report reads its rows."""

import asyncio
import contextlib
import sqlite3
import time
import types
from pathlib import Path

import pytest
from httpcore._async import http11
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.data import dataset
from bench.floor import PORTFOLIO_SQL, portfolio
from bench.load import single_connection_client
from bench.queries import PORTFOLIO
from bench.report import markdown, targets
from bench.serve import repofolio_app
from db.settings import DatabaseSettings
from graph.cli.main import server_options
from graph.demo.load import load_rows
from graph.engine import install
from graph.errors import masked_errors_extension
from graph.schema.query import create_schema
from graph.settings import ApiSettings
from tests.graph.conftest import make_execute


async def test_the_floor_answers_exactly_what_repofolio_answers(
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
    db_settings: DatabaseSettings,
) -> None:
    """One SQL statement gives the portfolio query's whole answer, same values, same order."""
    if not db_settings.database_url.startswith("sqlite"):
        pytest.skip("the floor reads a SQLite file")
    schema = create_schema(extensions=[masked_errors_extension()])
    install(schema)
    data = dataset(40)
    await load_rows(sessionmaker, data)
    result = await make_execute(schema, sessionmaker, reads)(PORTFOLIO, {"login": data.viewer})
    assert "errors" not in result
    path = db_settings.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as connection:
        rows = connection.execute(PORTFOLIO_SQL, (data.viewer.lower(),)).fetchall()
    assert len(rows) == 40
    assert portfolio(rows) == {"data": result["data"]}


def _row(size: int, server: str, query: str, concurrency: int, rps: float, sql: float) -> dict[str, object]:
    return {
        "size": size,
        "server": server,
        "query": query,
        "concurrency": concurrency,
        "rps": rps,
        "p50_ms": 1000 / rps,
        "p99_ms": 2000 / rps,
        "sql": sql,
        "bytes": 10,
        "github_requests": 61,
    }


def test_the_report_judges_every_target() -> None:
    rows = [
        _row(size, server, "portfolio", c, rps, sql)
        for size in (100, 300)
        for server, c, rps, sql in (
            ("floor", 1, 200.0, 1),
            ("floor", 32, 400.0, 1),
            ("cold", 1, 25.0, 5),
            ("cold", 32, 30.0, 5),
            ("warm", 1, 500.0, 1),
            ("warm", 32, 900.0, 1),
            ("github", 1, 1.0, 0),
        )
    ]
    verdicts = targets(rows)
    assert verdicts[0].startswith("- warm portfolio at 300 repositories, c=32: 900 req/s = 2.25×")
    assert verdicts[0].endswith("**met**")
    assert "1/8.0" in verdicts[1] and verdicts[1].endswith("**met**")
    assert verdicts[2].endswith("**met**")
    text = markdown(
        rows,
        {
            "command": "python -m bench",
            "cores": 2,
            "python": "3",
            "seconds_per_round": 1,
            "rounds": 3,
            "github_latency_ms": 50,
            "github_concurrency": 10,
        },
    )
    assert "| 300 | repofolio warm | 32 | 900.0 | 2.25× |" in text


def test_concurrency_is_judged_on_rounds_run_back_to_back() -> None:
    """c=32 against c=1 is decided by the median ratio of paired rounds, not by two separate medians."""
    single = _row(100, "cold", "portfolio", 1, 30.0, 5)
    paired_higher = _row(100, "cold", "portfolio", 32, 29.0, 5) | {"vs_c1": 1.04}
    assert targets([single, paired_higher])[0].endswith("**met**")
    paired_lower = _row(100, "cold", "portfolio", 32, 31.0, 5) | {"vs_c1": 0.95}
    verdict = targets([single, paired_lower])[0]
    assert verdict.endswith("(31.0 against 30.0 req/s, paired ratio 0.95)") and "**not met**" in verdict


def test_the_report_shows_responsiveness_idle_and_under_load() -> None:
    """The /healthz and cache-hit latencies get a table of their own, idle and with the heavy load's rate."""
    figures = {"healthz_p50_ms": 1.5, "healthz_p99_ms": 4.0, "cache_hit_p50_ms": 2.0, "cache_hit_p99_ms": 6.25}
    responsiveness = [
        {"size": 100, "load": "loaded", "heavy_concurrency": 32, "heavy_rps": 35.5, **figures},
        {"size": 100, "load": "idle", "heavy_concurrency": 0, **figures},
    ]
    meta = {"command": "c", "cores": 2, "python": "3", "seconds_per_round": 1, "rounds": 3}
    rows = [_row(100, "warm", "portfolio", 1, 500.0, 1)]
    text = markdown(rows, meta | {"github_latency_ms": 50, "github_concurrency": 10}, responsiveness)
    idle = text.index("| 100 | idle | 1.50 | 4.00 | 2.00 | 6.25 | – |")
    loaded = text.index("| 100 | 32 uncached portfolios | 1.50 | 4.00 | 2.00 | 6.25 | 35.5 |")
    assert idle < loaded


async def test_the_load_generator_drops_an_idle_connection_before_the_server_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A connection idle for half the server's keep-alive is not reused: the server may be closing it just as the
    request goes out (httpx.ReadError). Idle time is faked on httpcore's clock (its module's `time`), not waited."""
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while await reader.readuntil(b"\r\n\r\n"):  # GET heads, no bodies; readuntil raises at EOF
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
            await writer.drain()

    handlers: list[asyncio.Event] = []

    async def quietly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handled = asyncio.Event()
        handlers.append(handled)
        try:
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                await serve(reader, writer)
        finally:
            writer.close()
            handled.set()

    idle = 0.0
    monkeypatch.setattr(http11, "time", types.SimpleNamespace(monotonic=lambda: time.monotonic() + idle))
    server = await asyncio.start_server(quietly, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    async with server:
        async with single_connection_client(timeout=10) as client:
            assert (await client.get(url)).text == "ok"
            assert (await client.get(url)).text == "ok"
            assert connections == 1  # back to back, the connection is kept
            idle += ApiSettings().keep_alive_timeout / 2
            assert (await client.get(url)).text == "ok"
            assert connections == 2
        # Every connection's handler closes its side before the loop ends (no transport left to the GC).
        await asyncio.wait_for(asyncio.gather(*(handled.wait() for handled in handlers)), timeout=10)


def test_the_benchmarked_server_gets_the_uvicorn_options_repofolio_serve_gives(tmp_path: Path) -> None:
    """The limits `repofolio serve` sets on uvicorn (its protocol with the connection cap and head timeout,
    the keep-alive timeout) are on the benchmarked server too, so the benchmark measures what users run."""
    _, options = repofolio_app(tmp_path / "bench.db", cache=True)
    expected = server_options(ApiSettings(_env_file=None))  # type: ignore[call-arg]
    assert options.keys() == expected.keys()
    assert options["timeout_keep_alive"] == expected["timeout_keep_alive"]
    assert options["http"].__name__ == expected["http"].__name__ == "LimitedProtocol"
