"""FakeGitHub's issue and pull-request counts: the state's checks, REST's open pull requests, GraphQL's
`issues(states:)` and `pullRequests(states:)`.

    fake.set_counts("octocat", "hello", issues={"OPEN": 3, "CLOSED": 5}, pulls={"OPEN": 1, "MERGED": 9})

REST's `open_issues_count` is derived (open issues plus open pull requests), so it always agrees. The
connections answer `totalCount` (and empty nodes); the arguments the fake does not model (labels, filterBy
other than states, head/base refs) fail loudly rather than answer a count GitHub would not.
"""

from collections.abc import Callable
from typing import Any

import httpx

from tests.fakes import templates
from tests.fakes.responses import Answer
from tests.fakes.state import FakeRepo

ISSUE_STATES = ("OPEN", "CLOSED")
PULL_STATES = ("OPEN", "CLOSED", "MERGED")


def checked(counts: dict[str, int], states: tuple[str, ...], what: str) -> dict[str, int]:
    unknown = set(counts) - set(states)
    if unknown or any(n < 0 for n in counts.values()):
        raise ValueError(f"{what} counts take {states} with counts >= 0, not {counts}")
    return {state: counts.get(state, 0) for state in states}


def set_counts(repo: FakeRepo, issues: dict[str, int] | None, pulls: dict[str, int] | None) -> None:
    """FakeGitHub.set_counts: the kinds given replace the repository's counts by state."""
    if issues is not None:
        repo.issue_counts = checked(issues, ISSUE_STATES, "issue")
    if pulls is not None:
        repo.pull_counts = checked(pulls, PULL_STATES, "pull-request")


def open_pulls_answer(request: httpx.Request, repo: FakeRepo, api: str, paginate: Callable[..., Answer]) -> Answer:
    """GET /repos/{o}/{r}/pulls: the open ones (state=open, GitHub's default), numbered 1..n; the fake keeps
    counts, so closed lists are empty."""
    state = request.url.params.get("state", "open")
    count = repo.pull_counts["OPEN"] if state in ("open", "all") else 0
    pulls = [
        {
            "id": repo.id * 10_000 + number,
            "node_id": templates.node_id("PullRequest", repo.id * 10_000 + number),
            "number": number,
            "state": "open",
            "title": f"Pull request {number}",
            "url": f"{api}/repos/{repo.full_name}/pulls/{number}",
            "html_url": f"https://github.com/{repo.full_name}/pull/{number}",
        }
        for number in range(1, count + 1)
    ]
    return paginate(request, pulls)


def count_fields(repo: FakeRepo) -> dict[str, Any]:
    """The Repository resolvers: issues and pullRequests by states (every state when none is given)."""

    def issues(info: Any, states: list[str] | None = None, labels: list[str] | None = None, **args: Any) -> Any:
        _refuse_unmodelled("issues", labels, args)
        return _count_connection(repo.issue_counts, states)

    def pull_requests(info: Any, states: list[str] | None = None, labels: list[str] | None = None, **args: Any) -> Any:
        _refuse_unmodelled("pullRequests", labels, args)
        return _count_connection(repo.pull_counts, states)

    return {"issues": issues, "pullRequests": pull_requests}


def _refuse_unmodelled(name: str, labels: list[str] | None, args: dict[str, Any]) -> None:
    unmodelled = {key for key, value in args.items() if value is not None and key not in ("first", "last", "orderBy")}
    if labels or unmodelled:
        raise NotImplementedError(f"the fake GitHub's {name} models states only, not {sorted(unmodelled) or 'labels'}")


def _count_connection(counts: dict[str, int], states: list[str] | None) -> dict[str, Any]:
    total = sum(n for state, n in counts.items() if states is None or state in states)
    page_info = {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}
    return {"totalCount": total, "nodes": [], "edges": [], "pageInfo": page_info}
