"""Profile the app in-process: `python -m bench.profile [--size N] [--cache off] [--requests N] [--query Q]`.

Builds the benchmark database, starts the app's lifespan, then sends requests straight to the ASGI app (no
socket, no HTTP parser) under pyinstrument (`pip install pyinstrument`), and prints the profile and the
mean time per request (measured before profiling). `--flat` prints cProfile's functions by own time
instead. What is left is the app's own work: routing, GraphQL, SQL, serialization.
"""

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench.data import build_database
from bench.queries import queries
from bench.serve import repofolio_app
from graph.cli.main import tune_gc


async def call(app: Any, body: bytes) -> bytes:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent = False
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


async def run(db: Path, cache: bool, query_name: str, requests: int, viewer: str, repository: str, flat: bool) -> None:
    from pyinstrument import Profiler

    app = repofolio_app(str(db), cache).app
    query = next(q for q in queries(viewer, repository) if q.name == query_name)
    body = orjson.dumps(query.body())
    async with app.router.lifespan_context(app):
        answer = orjson.loads(await call(app, body))
        assert "errors" not in answer, answer
        for _ in range(10):
            await call(app, body)
        tune_gc()  # as `repofolio serve` does
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(requests):
            await call(app, body)
        plain = (time.perf_counter() - start) / requests
        plain_cpu = (time.process_time() - cpu) / requests
        if flat:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(requests):
                await call(app, body)
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(35)
        else:
            profiler = Profiler(interval=0.0005, async_mode="disabled")
            with profiler:
                for _ in range(requests):
                    await call(app, body)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(
        f"{query_name}, cache {'on' if cache else 'off'}: {plain * 1000:.3f} ms a request, "
        f"{plain_cpu * 1000:.3f} ms of CPU (unprofiled, in-process)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--cache", choices=["on", "off"], default="off")
    parser.add_argument("--query", default="portfolio", choices=["portfolio", "repository", "languages"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--flat", action="store_true", help="cProfile's flat list by own time, not pyinstrument")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "profile.db"
        data = build_database(db, args.size)
        repository = sorted(data.repositories, key=lambda row: row["pushed_at"], reverse=True)[0]["name"]
        asyncio.run(run(db, args.cache == "on", args.query, args.requests, data.viewer, repository, args.flat))


if __name__ == "__main__":
    main()
