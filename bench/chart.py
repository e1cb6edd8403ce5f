"""The benchmark's chart: the portfolio's throughput and median latency by size, one line per server."""

from pathlib import Path
from typing import Any

SERIES = [
    ("github", 1, "live GitHub (before)", "tab:gray", ":"),
    ("floor", 1, "floor, c=1", "black", "--"),
    ("floor", 32, "floor, c=32", "black", "-"),
    ("cold", 1, "repofolio cold, c=1", "tab:blue", "--"),
    ("cold", 32, "repofolio cold, c=32", "tab:blue", "-"),
    ("warm", 1, "repofolio warm, c=1", "tab:green", "--"),
    ("warm", 32, "repofolio warm, c=32", "tab:green", "-"),
]


def render(rows: list[dict[str, Any]], meta: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    portfolio = [row for row in rows if row["query"] == "portfolio"]
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(12, 4.8))
    for server, concurrency, label, color, style in SERIES:
        points = sorted(
            (row["size"], row["rps"], row["p50_ms"])
            for row in portfolio
            if row["server"] == server and row["concurrency"] == concurrency
        )
        if not points:
            continue
        sizes = [p[0] for p in points]
        throughput.plot(sizes, [p[1] for p in points], style, marker="o", color=color, label=label)
        latency.plot(sizes, [p[2] for p in points], style, marker="o", color=color, label=label)
    for axis, title, unit in ((throughput, "throughput", "requests/s"), (latency, "median latency", "ms")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("repositories in the cache (the query shows the first 100)")
        axis.set_ylabel(unit)
        axis.set_title(f"Portfolio query: {title}")
        axis.grid(True, which="both", alpha=0.3)
    throughput.legend(fontsize="small")
    figure.suptitle(f"repofolio benchmark — {meta['cores']} cores, `{meta['command']}`")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
