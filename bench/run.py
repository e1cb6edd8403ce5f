"""Run the whole benchmark: `python -m bench [--quick]` from the repository root.

For each size (repositories of one user): a SQLite file from graph.demo.generator's generator; repofolio with the
response cache off (cold) and on (warm) and the floor (bench/floor.py), each in its own uvicorn process and
all running side by side; repofolio measured for the portfolio, a single repository and the top languages,
the floor for the portfolio, at concurrency 1 and 32, each measurement taken in rounds, in turn, and
reported as the median of its rounds; then the live-GitHub "before" (bench/github.py). Load comes from a
separate process (bench/load.py).
Writes bench/results.json, bench/results.md and bench/results.png, and prints the table and the targets.
"""

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.data import build_database
from bench.queries import UNCACHED_PORTFOLIO, Query, queries
from bench.report import markdown

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONCURRENCY = (1, 32)
HEAVY_CONCURRENCY = 32  # uncached portfolios in flight while /healthz and a cache hit are timed
STATEMENT_SAMPLES = 5


def _env() -> dict[str, str]:
    """The caller's environment without repofolio's settings, so a developer's shell never skews a run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPOFOLIO_") and k != "GITHUB_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def server(app: str, db: Path, *options: str) -> Iterator[str]:
    """A uvicorn process serving `app` on a free port; yields its /graphql URL once it answers."""
    port = _free_port()
    command = [sys.executable, "-m", "bench.serve", app, str(db), str(port), *options]
    process = subprocess.Popen(command, cwd=ROOT, env=_env())
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{app} exited during start-up ({process.returncode})")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/_bench/statements", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{app} did not start within 60 s")
            time.sleep(0.1)
        yield f"{base}/graphql"
    finally:
        _stop(process)


@contextlib.contextmanager
def fake_github(size: int, latency: float) -> Iterator[str]:
    command = [sys.executable, "-m", "bench.github", "serve", str(size), str(latency)]
    process = subprocess.Popen(command, cwd=ROOT, env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url:
            raise RuntimeError("the fake GitHub did not start")
        yield url
    finally:
        if process.stdin is not None:
            process.stdin.close()
        _stop(process)


def _child(module: str, *args: str, timeout: float) -> dict[str, Any]:
    command = [sys.executable, "-m", module, *args]
    done = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{done.stderr}")
    result: dict[str, Any] = orjson.loads(done.stdout)
    return result


def load(url: str, query: Query, concurrency: int, requests: int, seconds: float) -> dict[str, Any]:
    spec = {"url": url, "body": query.body(), "concurrency": concurrency, "requests": requests, "seconds": seconds}
    return _child("bench.load", orjson.dumps(spec).decode(), timeout=seconds + 120)


def statements_per_request(url: str, query: Query) -> float:
    """SQL statements per request, from the server's own counter, over a few requests after a first one."""
    counter = url.removesuffix("/graphql") + "/_bench/statements"
    with httpx.Client(timeout=60) as client:
        client.post(url, json=query.body())
        before = client.get(counter).json()["statements"]
        for _ in range(STATEMENT_SAMPLES):
            client.post(url, json=query.body())
        after = client.get(counter).json()["statements"]
    return float(after - before) / STATEMENT_SAMPLES


def answer(url: str, query: Query) -> Any:
    response = httpx.post(url, json=query.body(), timeout=60)
    response.raise_for_status()
    body = response.json()
    if "errors" in body:
        raise RuntimeError(f"{query.name} answered errors: {body['errors']}")
    return body


def measure_size(
    size: int, workdir: Path, options: argparse.Namespace
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The servers' rows, and the responsiveness rows (measure_responsiveness)."""
    db = workdir / f"bench-{size}.db"
    data = build_database(db, size)
    featured = sorted(data.repositories, key=lambda row: row["pushed_at"], reverse=True)[0]["name"]
    documents = queries(data.viewer, featured)
    portfolio = documents[0]
    rows: list[dict[str, Any]] = []

    def record(server_name: str, query: Query, concurrency: int, figures: dict[str, Any], sql: float) -> None:
        row = {"size": size, "server": server_name, "query": query.name, "concurrency": concurrency, "sql": sql}
        rows.append(row | figures)
        print(
            f"  {size:>5} {server_name:<7} {query.name:<10} c={concurrency:<3} {figures['rps']:>9.1f} req/s"
            f"  p50 {figures['p50_ms']:>8.2f} ms  p99 {figures['p99_ms']:>8.2f} ms  sql {sql:g}",
            flush=True,
        )

    with contextlib.ExitStack() as stack:
        urls = {
            "cold": stack.enter_context(server("repofolio", db, "--cache", "off")),
            "warm": stack.enter_context(server("repofolio", db, "--cache", "on")),
            "floor": stack.enter_context(server("floor", db)),
        }
        expected = answer(urls["cold"], portfolio)
        if answer(urls["floor"], portfolio) != expected or answer(urls["warm"], portfolio) != expected:
            raise RuntimeError(f"the servers' portfolios differ at {size} repositories")
        plan = [
            (name, query, concurrency)
            for name in ("floor", "cold", "warm")
            for query in (documents if name != "floor" else [portfolio])
            for concurrency in CONCURRENCY
        ]
        sql = {(name, query.name): statements_per_request(urls[name], query) for name, query, _ in plan}
        # Every measurement in turn, round after round, and each figure the median of its rounds: a shared
        # machine's slow spells then fall on every server alike instead of on whichever ran at the time.
        rounds: dict[tuple[str, str, int], list[dict[str, Any]]] = {(n, q.name, c): [] for n, q, c in plan}
        budget = {"requests": options.requests, "seconds": options.seconds}
        for _ in range(options.rounds):
            for name, query, concurrency in plan:
                rounds[(name, query.name, concurrency)].append(load(urls[name], query, concurrency, **budget))
        responsiveness = measure_responsiveness(size, urls["warm"], portfolio, options)
        for name, query, concurrency in plan:
            figures = _median(rounds[(name, query.name, concurrency)])
            if concurrency != CONCURRENCY[0]:
                # Each round's pair ran back to back, on the same machine state: their ratio, not the ratio of
                # two medians, is what compares the concurrencies.
                low, high = rounds[(name, query.name, CONCURRENCY[0])], rounds[(name, query.name, concurrency)]
                pairs = zip(low, high, strict=True)
                figures["vs_c1"] = statistics.median(b["rps"] / a["rps"] for a, b in pairs)
            record(name, query, concurrency, figures, sql[(name, query.name)])

    with fake_github(size, options.github_latency) as url:
        args = (url, data.viewer, str(options.github_builds), str(options.github_concurrency))
        figures = _child("bench.github", "build", *args, timeout=600)
        record("github", portfolio, 1, figures, 0.0)
    return rows, responsiveness


def measure_responsiveness(size: int, url: str, portfolio: Query, options: argparse.Namespace) -> list[dict[str, Any]]:
    """/healthz and a cached portfolio, timed one after the other on the warm server, idle and while
    HEAVY_CONCURRENCY uncached portfolios run; in rounds, each figure the median of its rounds."""
    base = url.removesuffix("/graphql")
    heavy = Query("portfolio, uncached", UNCACHED_PORTFOLIO, portfolio.variables).body()
    probe = {"base": base, "cached": portfolio.body(), "seconds": options.seconds}
    rounds: dict[str, list[dict[str, Any]]] = {"idle": [], "loaded": []}
    for _ in range(options.rounds):
        rounds["idle"].append(_child("bench.responsive", "probe", orjson.dumps(probe).decode(), timeout=120))
        spec = {"url": url, "body": heavy, "concurrency": HEAVY_CONCURRENCY}
        command = [sys.executable, "-m", "bench.responsive", "load", orjson.dumps(spec).decode()]
        pipe = subprocess.PIPE
        process = subprocess.Popen(command, cwd=ROOT, env=_env(), stdin=pipe, stdout=pipe, text=True)
        try:
            assert process.stdin is not None and process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError("the heavy load did not start")
            loaded = _child("bench.responsive", "probe", orjson.dumps(probe).decode(), timeout=120)
            process.stdin.close()
            loaded |= {f"heavy_{key}": value for key, value in orjson.loads(process.stdout.readline()).items()}
        finally:
            _stop(process)
        rounds["loaded"].append(loaded)
    rows = []
    for load, taken in rounds.items():
        row: dict[str, Any] = {"size": size, "load": load, "heavy_concurrency": HEAVY_CONCURRENCY * (load == "loaded")}
        for key, value in taken[0].items():
            if isinstance(value, float):
                row[key] = statistics.median(figure[key] for figure in taken)
            elif isinstance(value, int):
                row[key] = sum(figure[key] for figure in taken)
        rows.append(row | {"rounds": len(taken)})
        print(
            f"  {size:>5} {load:<6} healthz p50 {row['healthz_p50_ms']:>7.2f} ms  p99 {row['healthz_p99_ms']:>7.2f} ms"
            f"  cache hit p50 {row['cache_hit_p50_ms']:>7.2f} ms  p99 {row['cache_hit_p99_ms']:>7.2f} ms",
            flush=True,
        )
    return rows


def _median(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the median over rounds (requests and seconds: the totals)."""
    merged = dict(figures[0])
    for key, value in figures[0].items():
        if isinstance(value, float):
            merged[key] = statistics.median(figure[key] for figure in figures)
    merged["requests"] = sum(figure["requests"] for figure in figures)
    merged["seconds"] = sum(figure["seconds"] for figure in figures)
    merged["failures"] = sum(figure["failures"] for figure in figures)
    merged["rounds"] = len(figures)
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes, 1 s per measurement (about a minute)")
    parser.add_argument("--sizes", help="comma-separated repository counts (default 30,100,300,3000)")
    parser.add_argument("--seconds", type=float, help="longest round, in seconds (default 1.5; quick 1)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per measurement, taken in turn (median)")
    parser.add_argument("--requests", type=int, default=20_000, help="most requests per measurement")
    parser.add_argument("--github-latency", type=float, default=0.05, help="the fake GitHub's round trip (s)")
    parser.add_argument("--github-concurrency", type=int, default=10, help="GitHub requests in flight at once")
    parser.add_argument("--github-builds", type=int, help="portfolios built against the fake GitHub (default 3)")
    parser.add_argument("--out", type=Path, default=HERE, help="directory for results.{json,md,png}")
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG (no matplotlib needed)")
    parser.add_argument("--report", action="store_true", help="only redraw results.{md,png} from results.json")
    options = parser.parse_args(argv)
    if options.report:
        saved = orjson.loads((options.out / "results.json").read_bytes())
        return _write_report(saved["rows"], saved["meta"], options, saved.get("responsiveness", []))
    default_sizes = "30,100,300" if options.quick else "30,100,300,3000"
    sizes = [int(size) for size in (options.sizes or default_sizes).split(",")]
    options.seconds = options.seconds or (1.0 if options.quick else 1.5)
    options.github_builds = options.github_builds or (1 if options.quick else 3)

    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    responsiveness: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="repofolio-bench-") as workdir:
        for size in sizes:
            print(f"== {size} repositories", flush=True)
            measured, responsive = measure_size(size, Path(workdir), options)
            rows.extend(measured)
            responsiveness.extend(responsive)
    meta = {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "seconds_per_round": options.seconds,
        "rounds": options.rounds,
        "github_latency_ms": options.github_latency * 1000,
        "github_concurrency": options.github_concurrency,
        "command": "python -m bench" + (" --quick" if options.quick else ""),
        "wall_seconds": round(time.monotonic() - started),
    }
    options.out.mkdir(parents=True, exist_ok=True)
    results = {"meta": meta, "rows": rows, "responsiveness": responsiveness}
    (options.out / "results.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    return _write_report(rows, meta, options, responsiveness)


def _write_report(
    rows: list[dict[str, Any]],
    meta: dict[str, Any],
    options: argparse.Namespace,
    responsiveness: list[dict[str, Any]],
) -> int:
    table = markdown(rows, meta, responsiveness)
    (options.out / "results.md").write_text(table, encoding="utf-8")
    if not options.no_chart:
        from bench.chart import render

        render(rows, meta, options.out / "results.png")
    print()
    print(table)
    return 0
