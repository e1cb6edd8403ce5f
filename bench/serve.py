"""One server process for the benchmark: `python -m bench.serve {repofolio,floor} DB PORT [--cache off]`.

Both run under uvicorn the same way (one worker, asyncio loop, no access log) on 127.0.0.1. repofolio is
`graph.app.create_app` as `repofolio serve` builds and serves it (uvicorn's protocol and keep-alive from
`server_options`), wrapped only to count SQL statements (an engine event in this process, plus the data
version reads) at `/_bench/statements`: the benchmark's alone, not the app's.
"""

import argparse
from typing import Any

import orjson
import uvicorn
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.data import database_url
from bench.floor import Floor
from db.data_version import DataVersionReader
from graph.cli.main import server_options, tune_gc


class CountingApp:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.statements = 0
        event.listen(Engine, "before_cursor_execute", self._count)

        # The data version is read through its own sqlite3 connection, which no engine event sees.
        read = DataVersionReader.read

        async def counted_read(reader: DataVersionReader) -> int:
            self.statements += 1
            return await read(reader)

        DataVersionReader.read = counted_read  # type: ignore[method-assign]

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/_bench/statements":
            body = orjson.dumps({"statements": self.statements})
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def repofolio_app(db: str, cache: bool) -> tuple[Any, dict[str, Any]]:
    """The app and the uvicorn options `repofolio serve` gives it (its protocol: connection cap, timeouts)."""
    from db.settings import DatabaseSettings
    from graph.app import Settings, create_app
    from graph.settings import ApiSettings
    from sync.settings import SyncSettings

    # No .env and no REPOFOLIO_* from the caller's shell (the runner clears those): only these values count.
    settings = Settings(
        api=ApiSettings(_env_file=None, response_cache=cache, graphiql=False),  # type: ignore[call-arg]
        database=DatabaseSettings(_env_file=None, database_url=database_url(db)),  # type: ignore[call-arg]
        sync=SyncSettings(_env_file=None, github_owners=[], scheduler=False),  # type: ignore[call-arg]
    )
    return CountingApp(create_app(settings)), server_options(settings.api)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("app", choices=["repofolio", "floor"])
    parser.add_argument("db")
    parser.add_argument("port", type=int)
    parser.add_argument("--cache", choices=["on", "off"], default="on")
    args = parser.parse_args()
    # The floor gets uvicorn's own protocol: it is the least an app could cost, limits included in repofolio's.
    app, options = (Floor(args.db), {}) if args.app == "floor" else repofolio_app(args.db, args.cache == "on")
    tune_gc()  # as `repofolio serve` does, for both
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="on", **options)


if __name__ == "__main__":
    main()
