"""Issue and pull-request counts for the demo repositories, so `serve --demo` answers issues(states:) and
pullRequests(states:) as a synced cache with a token would."""

from typing import Any

Row = dict[str, Any]


def demo_counts(repository: Row) -> Row:
    """Counts that grow with the stars, taken from the id rather than the generator's random draws (a draw
    here would shift every later demo value). Forks have issues off (no issues), as GitHub makes them."""
    seed, stars = repository["id"], repository["stargazers_count"]
    issues = 0 if repository["is_fork"] else 1 + stars // 4 + seed % 7
    pulls = 1 + stars // 6 + seed % 5
    open_issues = 0 if repository["is_archived"] else issues * (seed % 3 + 1) // 6
    open_pulls = 0 if repository["is_archived"] else pulls * (seed % 2) // 4
    merged = (pulls - open_pulls) * 4 // 5
    return {
        "open_issues": open_issues,
        "closed_issues": issues - open_issues,
        "open_pull_requests": open_pulls,
        "closed_pull_requests": pulls - open_pulls - merged,
        "merged_pull_requests": merged,
    }
