"""The load generator, run as its own process: `python -m bench.load '<json spec>'` prints JSON figures.

`concurrency` workers each own an httpx.AsyncClient with one keep-alive connection and send the same
request back to back, until `requests` answers or `seconds` have passed (whichever first), after a warm-up
that opens every connection. Latency is measured per request, from send to the last byte of the body.

One client per connection rather than one client with a pool of `concurrency` connections: httpx's shared
pool costs more per request the more connections it holds (against a trivial server on this 2-core machine
it managed ~240 requests/s at 32 connections, against ~1,100 for 32 single-connection clients), which
would have measured the load generator instead of the server.

Each client drops a connection idle for KEEPALIVE_EXPIRY and opens a new one, well before the server's keep-alive
timeout (uvicorn's and repofolio's, 5 s) closes it. With httpx's default of 5 s as well, a connection left idle for
about 5 s (the first ones answered in the warm-up wait for all the others, 32 × the service time on a loaded
machine) was reused just as the server closed it, and the request sent on it ended in httpx.ReadError.
"""

import asyncio
import contextlib
import statistics
import sys
import time
from typing import Any

import httpx
import orjson

KEEPALIVE_EXPIRY = 1.0  # seconds; the server's keep-alive minus any delay in reading its last response


def single_connection_client(timeout: float) -> httpx.AsyncClient:
    """A client with one keep-alive connection, which it gives up on before the server would."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=KEEPALIVE_EXPIRY)
    return httpx.AsyncClient(limits=limits, timeout=timeout)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(
    url: str, body: dict[str, Any], *, concurrency: int, requests: int, seconds: float, warmup: int = 3
) -> dict[str, Any]:
    content = orjson.dumps(body)
    headers = {"content-type": "application/json", "accept": "application/json"}
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(single_connection_client(timeout=60)) for _ in range(concurrency)]

        async def one(client: httpx.AsyncClient) -> tuple[float, httpx.Response]:
            start = time.perf_counter()
            response = await client.post(url, content=content, headers=headers)
            return time.perf_counter() - start, response

        for _ in range(warmup):
            _, first = await one(clients[0])
        await asyncio.gather(*(one(client) for client in clients))  # every connection open before timing

        latencies: list[float] = []
        failures = 0
        deadline = time.perf_counter() + seconds
        sent = 0

        async def worker(client: httpx.AsyncClient) -> None:
            nonlocal sent, failures
            while sent < requests and time.perf_counter() < deadline:
                sent += 1
                latency, response = await one(client)
                latencies.append(latency)
                if response.status_code != 200:
                    failures += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "bytes": len(first.content),
        "failures": failures,
        "status": first.status_code,
        "errors": "errors" in first.json() if first.status_code == 200 else True,
    }


def main() -> None:
    spec = orjson.loads(sys.argv[1])
    result = asyncio.run(
        measure(
            spec["url"],
            spec["body"],
            concurrency=spec["concurrency"],
            requests=spec["requests"],
            seconds=spec["seconds"],
        )
    )
    sys.stdout.write(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
