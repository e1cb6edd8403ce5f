"""The "before": the portfolio as a site calling GitHub live builds it, against the fake GitHub (tests/fakes).

    python -m bench.github serve SIZE LATENCY          # prints the fake's base URL; stops when stdin closes
    python -m bench.github build URL LOGIN BUILDS CONCURRENCY   # prints JSON figures

A build is 1 + 2n requests: the owner's repositories (one page of 100, most recently pushed first), then
each repository's languages and contributors, at most CONCURRENCY requests in flight (a browser allows
about 6 connections per host over HTTP/1.1; a server-side renderer a few more). The fake answers each
request after LATENCY seconds, which stands for GitHub's round trip.
"""

import asyncio
import statistics
import sys
import time
from typing import Any

import httpx
import orjson

from bench.data import dataset
from tests.fakes.github import FakeGitHub
from tests.fakes.server import serve_in_thread


def fake_github(size: int, latency: float) -> FakeGitHub:
    """The benchmark's data set as GitHub's REST API would serve it."""
    data = dataset(size)
    fake = FakeGitHub(latency=latency)
    logins = {row["id"]: row["login"] for row in data.contributors}
    languages = {row["id"]: row["name"] for row in data.languages}
    fake.add_user(data.viewer)
    language_bytes: dict[int, dict[str, int]] = {}
    for row in data.repository_languages:
        language_bytes.setdefault(row["repository_id"], {})[languages[row["language_id"]]] = row["bytes"]
    contributors: dict[int, list[tuple[str, int]]] = {}
    for row in data.repository_contributors:
        contributors.setdefault(row["repository_id"], []).append((logins[row["contributor_id"]], row["contributions"]))
    for row in data.repositories:
        fake.add_repo(
            data.viewer,
            row["name"],
            language_bytes=language_bytes.get(row["id"], {}),
            contributors=contributors.get(row["id"], []),
            topics=row["topics"] or [],
            description=row["description"],
            stargazers=row["stargazers_count"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            pushed_at=row["pushed_at"],
        )
    fake.rate_limit(limit=1_000_000, remaining=1_000_000)  # the benchmark measures latency, not the budget
    return fake


async def build_portfolio(client: httpx.AsyncClient, login: str, concurrency: int) -> dict[str, Any]:
    listing = await client.get(f"/users/{login}/repos", params={"per_page": 100, "sort": "pushed"})
    listing.raise_for_status()
    repositories = listing.json()
    slots = asyncio.Semaphore(concurrency)

    async def get(url: str) -> Any:
        async with slots:
            response = await client.get(url, params={"per_page": 10} if url.endswith("contributors") else None)
            response.raise_for_status()
            return response.json()

    async def details(repository: dict[str, Any]) -> dict[str, Any]:
        languages, contributors = await asyncio.gather(
            get(repository["languages_url"]), get(repository["contributors_url"])
        )
        return {"name": repository["name"], "languages": languages, "contributors": contributors[:10]}

    nodes = await asyncio.gather(*(details(repository) for repository in repositories))
    return {"data": {"user": {"repositories": {"nodes": nodes}}}}


async def measure(url: str, login: str, builds: int, concurrency: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"authorization": "token bench-token", "accept": "application/vnd.github+json"}
    async with httpx.AsyncClient(base_url=url, limits=limits, headers=headers, timeout=60) as client:
        times: list[float] = []
        for _ in range(builds):
            start = time.perf_counter()
            portfolio = await build_portfolio(client, login, concurrency)
            times.append(time.perf_counter() - start)
    repositories = len(portfolio["data"]["user"]["repositories"]["nodes"])
    return {
        "requests": builds,
        "seconds": sum(times),
        "rps": builds / sum(times),
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": max(times) * 1000,
        "bytes": len(orjson.dumps(portfolio)),
        "github_requests": 1 + 2 * repositories,
    }


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "serve":
        size, latency = int(args[0]), float(args[1])
        with serve_in_thread(fake_github(size, latency)) as url:
            print(url, flush=True)
            sys.stdin.read()  # until the runner closes our stdin
    elif command == "build":
        url, login, builds, concurrency = args[0], args[1], int(args[2]), int(args[3])
        result = asyncio.run(measure(url, login, builds, concurrency))
        sys.stdout.write(orjson.dumps(result).decode())
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
