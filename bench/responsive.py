"""Whether light requests stay quick while heavy ones run: two roles, each its own process.

`python -m bench.responsive load '<json spec>'`: `concurrency` clients, one keep-alive connection each, send a
query the response cache never stores (every answer is computed) back to back; the process prints `ready` once
every client has had an answer, and stops when its stdin closes, printing its figures as JSON.

`python -m bench.responsive probe '<json spec>'`: one client asks `/healthz`, then the cached query, in turn, for
`seconds`, and prints the median and 99th percentile latency of each as JSON.

bench/run.py starts the probe once the load is ready, and once without load, on the warm (cache on) server.
"""

import asyncio
import sys
import time
from typing import Any

import httpx
import orjson

from bench.load import percentile, single_connection_client

HEADERS = {"content-type": "application/json", "accept": "application/json"}


async def load(url: str, body: dict[str, Any], concurrency: int) -> dict[str, Any]:
    content = orjson.dumps(body)
    stop = asyncio.Event()
    ready = asyncio.Event()
    answered = failures = started = 0

    async def worker() -> None:
        nonlocal answered, failures, started
        async with single_connection_client(timeout=120) as client:
            first = True
            while not stop.is_set():
                try:
                    response = await client.post(url, content=content, headers=HEADERS)
                    failures += response.status_code != 200 or b'"errors"' in response.content
                except httpx.TransportError:
                    failures += 1
                answered += 1
                if first:
                    first = False
                    started += 1
                    if started == concurrency:
                        ready.set()

    async def until_stdin_closes() -> None:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        stop.set()

    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    await ready.wait()  # every client has had an answer: the load is at its full concurrency
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    start, before = time.perf_counter(), answered
    await until_stdin_closes()
    elapsed, during = time.perf_counter() - start, answered - before
    await asyncio.gather(*workers)
    return {"rps": during / elapsed, "requests": during, "seconds": elapsed, "failures": failures}


async def probe(base: str, cached: dict[str, Any], seconds: float) -> dict[str, Any]:
    content = orjson.dumps(cached)
    latencies: dict[str, list[float]] = {"healthz": [], "cache_hit": []}
    failures = 0
    async with single_connection_client(timeout=120) as client:
        answer = await client.post(f"{base}/graphql", content=content, headers=HEADERS)  # stored, if it was not
        if answer.status_code != 200 or "errors" in answer.json():
            raise RuntimeError(f"the cached query answered {answer.status_code}: {answer.text[:200]}")
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            for name, send in (
                ("healthz", lambda: client.get(f"{base}/healthz")),
                ("cache_hit", lambda: client.post(f"{base}/graphql", content=content, headers=HEADERS)),
            ):
                start = time.perf_counter()
                response = await send()
                latencies[name].append(time.perf_counter() - start)
                failures += response.status_code != 200
    figures: dict[str, Any] = {"failures": failures}
    for name, values in latencies.items():
        figures[f"{name}_p50_ms"] = percentile(values, 0.5) * 1000
        figures[f"{name}_p99_ms"] = percentile(values, 0.99) * 1000
        figures[f"{name}_requests"] = len(values)
    return figures


def main() -> None:
    role, spec = sys.argv[1], orjson.loads(sys.argv[2])
    if role == "load":
        result = asyncio.run(load(spec["url"], spec["body"], spec["concurrency"]))
    else:
        result = asyncio.run(probe(spec["base"], spec["cached"], spec["seconds"]))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
