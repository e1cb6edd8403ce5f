"""The benchmark's tables and its verdict on the issue's targets, as markdown."""

from typing import Any

ORDER = {"github": 0, "floor": 1, "cold": 2, "warm": 3}


def _find(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    return next((row for row in rows if all(row.get(k) == v for k, v in match.items())), None)


def _ratio(rows: list[dict[str, Any]], row: dict[str, Any]) -> str:
    # Against the floor at the same size, at the same concurrency (the live-GitHub build against c=1).
    floor = _find(rows, size=row["size"], server="floor", concurrency=row["concurrency"])
    if floor is None or row["query"] != "portfolio":
        return ""
    return f"{row['rps'] / floor['rps']:.2f}×"


def _line(rows: list[dict[str, Any]], row: dict[str, Any], with_query: bool) -> str:
    server = {"github": "live GitHub (before)", "floor": "floor"}.get(row["server"], f"repofolio {row['server']}")
    cells = [f"{row['size']:,}"]
    if with_query:
        cells.append(row["query"])
    cells += [
        server,
        str(row["concurrency"]),
        f"{row['rps']:,.1f}",
        _ratio(rows, row),
        f"{row['p50_ms']:,.2f}",
        f"{row['p99_ms']:,.2f}",
        "–" if row["server"] == "github" else f"{row['sql']:g}",
        f"{row['bytes']:,}",
    ]
    return "| " + " | ".join(cells) + " |"


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["size"], r["query"], ORDER[r["server"]], r["concurrency"]))


def targets(rows: list[dict[str, Any]]) -> list[str]:
    """One line per target of the issue: met or not, with the figures that decide it."""
    lines = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    warm = _find(rows, size=300, server="warm", query="portfolio", concurrency=32)
    floor32 = _find(rows, size=300, server="floor", concurrency=32)
    if warm and floor32:
        ratio = warm["rps"] / floor32["rps"]
        lines.append(
            f"- warm portfolio at 300 repositories, c=32: {warm['rps']:,.0f} req/s = {ratio:.2f}× the floor's "
            f"{floor32['rps']:,.0f} (target ≥ 2×): {verdict(ratio >= 2)}"
        )
    cold = _find(rows, size=100, server="cold", query="portfolio", concurrency=1)
    floor1 = _find(rows, size=100, server="floor", concurrency=1)
    if cold and floor1:
        ratio = cold["rps"] / floor1["rps"]
        lines.append(
            f"- cold portfolio at 100 repositories, c=1: {cold['rps']:,.1f} req/s = 1/{1 / ratio:.1f} of the "
            f"floor's {floor1['rps']:,.0f} (target ≥ 1/10): {verdict(ratio >= 0.1)}"
        )
    worse: list[str] = []
    ratios: list[float] = []
    for row in rows:
        if row["concurrency"] != 32:
            continue
        single = _find(rows, size=row["size"], server=row["server"], query=row["query"], concurrency=1)
        if single is None:
            continue
        ratio = row.get("vs_c1", row["rps"] / single["rps"])
        ratios.append(ratio)
        if ratio < 1:
            figures = f"{row['rps']:,.1f} against {single['rps']:,.1f} req/s, paired ratio {ratio:.2f}"
            worse.append(f"{row['server']} {row['query']} at {row['size']:,} ({figures})")
    lines.append(
        "- throughput at c=32 not below c=1 (median ratio of rounds run back to back, "
        f"{min(ratios, default=1):.2f} to {max(ratios, default=1):.2f}): "
        + (verdict(True) if not worse else verdict(False) + " for " + "; ".join(worse))
    )
    varying = []
    for server in ("cold", "warm"):
        for query in sorted({r["query"] for r in rows}):
            counts = {r["sql"] for r in rows if r["server"] == server and r["query"] == query}
            if len(counts) > 1:
                varying.append(f"{server} {query}: {sorted(counts)}")
    sizes = sorted({r["size"] for r in rows})
    constant = {
        f"{server} {query}": r["sql"]
        for r in rows
        if (server := r["server"]) in ("cold", "warm") and (query := r["query"])
    }
    lines.append(
        f"- SQL statements per request constant from {sizes[0]:,} to {sizes[-1]:,} repositories: "
        + (verdict(not varying))
        + ("" if not varying else " (" + "; ".join(varying) + ")")
        + " — "
        + ", ".join(f"{name} {count:g}" for name, count in sorted(constant.items()))
    )
    for size in sizes:
        github = _find(rows, size=size, server="github")
        floor = _find(rows, size=size, server="floor", concurrency=1)
        cold = _find(rows, size=size, server="cold", query="portfolio", concurrency=1)
        warm = _find(rows, size=size, server="warm", query="portfolio", concurrency=1)
        if github and floor and cold and warm:
            lines.append(
                f"- live GitHub at {size:,} repositories ({github['github_requests']} requests): "
                f"{github['p50_ms']:,.0f} ms a portfolio; repofolio cold is {cold['rps'] / github['rps']:,.0f}×, "
                f"warm {warm['rps'] / github['rps']:,.0f}× and the floor {floor['rps'] / github['rps']:,.0f}× faster "
                "(c=1)"
            )
    return lines


def responsiveness_lines(responsiveness: list[dict[str, Any]]) -> list[str]:
    """Latency of /healthz and of a cached portfolio on the warm server, idle and under uncached load."""
    if not responsiveness:
        return []
    lines = [
        "Responsiveness (warm server): `/healthz` and a cached portfolio, asked one after the other, idle and "
        "while uncached portfolios (`syncStatus` makes them uncacheable) run at the concurrency given:",
        "",
        "| repos | load | healthz p50 ms | healthz p99 ms | cache hit p50 ms | cache hit p99 ms | heavy req/s |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(responsiveness, key=lambda r: (r["size"], r["heavy_concurrency"])):
        load = f"{row['heavy_concurrency']} uncached portfolios" if row["heavy_concurrency"] else "idle"
        heavy = f"{row['heavy_rps']:,.1f}" if "heavy_rps" in row else "–"
        lines.append(
            f"| {row['size']:,} | {load} | {row['healthz_p50_ms']:,.2f} | {row['healthz_p99_ms']:,.2f} | "
            f"{row['cache_hit_p50_ms']:,.2f} | {row['cache_hit_p99_ms']:,.2f} | {heavy} |"
        )
    return [*lines, ""]


def markdown(
    rows: list[dict[str, Any]], meta: dict[str, Any], responsiveness: list[dict[str, Any]] | None = None
) -> str:
    header = (
        "| repos | {q}server | c | req/s | ×floor | p50 ms | p99 ms | SQL/req | bytes |\n"
        "|---:|{qa}---|---:|---:|---:|---:|---:|---:|---:|"
    )
    portfolio = [row for row in _sorted(rows) if row["query"] == "portfolio"]
    others = [row for row in _sorted(rows) if row["query"] != "portfolio"]
    parts = [
        f"Measured with `{meta['command']}` on {meta['cores']} cores (Python {meta['python']}); each "
        f"measurement {meta['rounds']} rounds of up to {meta['seconds_per_round']:g} s, taken in turn across the "
        "servers running side by side, each figure the median of its rounds; live GitHub = the fake GitHub at "
        f"{meta['github_latency_ms']:g} ms a request, {meta['github_concurrency']} in flight.",
        "",
        "Portfolio query (issue 2), ×floor = req/s over the floor's at the same size and concurrency:",
        "",
        header.format(q="", qa=""),
        *(_line(rows, row, with_query=False) for row in portfolio),
        "",
        "Single repository and top languages:",
        "",
        header.format(q="query | ", qa="---|"),
        *(_line(rows, row, with_query=True) for row in others),
        "",
        *responsiveness_lines(responsiveness or []),
        "Targets:",
        "",
        *targets(rows),
        "",
    ]
    return "\n".join(parts)
