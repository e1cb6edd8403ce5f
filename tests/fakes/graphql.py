"""FakeGitHub's GraphQL endpoint: GitHub's published schema, executed by graphql-core over the fake's state.

    fake.graphql.set_pins("octocat", ["octocat/hello", "acme/anvil", "gist:notes"])
    fake.graphql.set_contributed("octocat", ["acme/anvil", ("other/x", ["ISSUE"])])  # tests/fakes/contributed.py
    fake.graphql.set_status("octocat", emoji=":dart:", message="Focusing")  # tests/fakes/profile.py
    fake.graphql.set_contributions("octocat", {date(2026, 3, 2): 4}, commits_by_repo={"octocat/hello": {...}})

A document is parsed and validated against GitHub's own schema (tests/fakes/github_schema/, from npm
@octokit/graphql-schema), so a field or argument GitHub lacks fails here as it fails there. The resolvers
answer from the same accounts and repositories the REST routes serve. Failures as GitHub sends them:
401 without a token, NOT_FOUND and MISSING_PAGINATION_BOUNDARIES errors, RATE_LIMITED (403, remaining 0)
once the points bucket is spent, and anything queued with `fail_next`; `repository(owner:, name:)` follows
renames and answers issue and pull-request counts (tests/fakes/counts.py); every answer carries GitHub's
`X-RateLimit-*` headers with `X-RateLimit-Resource: graphql`.
"""

import base64
import gzip
import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync

from tests.fakes import contributions, counts, templates
from tests.fakes.contributed import Entry, FakeContributed, light_fields
from tests.fakes.profile import FakeProfiles
from tests.fakes.responses import Answer, rate_headers
from tests.fakes.state import FakeAccount, FakeRepo, RateBucket

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub

SCHEMA_FILE = Path(__file__).parent / "github_schema" / "schema.graphql.gz"
SCHEMA_VERSION = "@octokit/graphql-schema 15.26.1"
PATHS = frozenset({"/graphql", "/api/graphql"})  # api.github.com, and GitHub Enterprise Server's <host>/api/graphql
DOCS = "https://docs.github.com/graphql"
AUTH_DOCS = f"{DOCS}/guides/forming-calls-with-graphql#authenticating-with-graphql"
POINTS_PER_HOUR = 5000


@cache
def github_schema() -> GraphQLSchema:
    """GitHub's schema, built once per process (about two seconds: it has some 1,600 types)."""
    sdl = gzip.decompress(SCHEMA_FILE.read_bytes()).decode()
    # graphql-core 3.3 needs both: GitHub's SDL uses directives on places its validator does not expect.
    return build_schema(sdl, assume_valid_sdl=True, assume_valid=True)


class GitHubGraphQLError(Exception):
    """An error as GitHub reports it in `errors`, with its top-level `type`."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


class FakeGraphQL:
    """The state and the answers of POST /graphql; reached as `fake.graphql`."""

    def __init__(self, fake: "FakeGitHub", reset_at: int) -> None:
        self.fake = fake
        self.bucket = RateBucket(POINTS_PER_HOUR, POINTS_PER_HOUR, reset_at)
        self.cost = 1  # points each query costs (GitHub's minimum; the documents the sync sends cost that)
        self.pins: dict[str, list[str]] = {}  # lower(login) -> "owner/name" or "gist:<name>", in GitHub's order
        self.calendars: dict[str, contributions.FakeCalendar] = {}  # lower(login) -> its contributions
        self.documents: list[dict[str, Any]] = []  # every request body received, in order
        self.contributed = FakeContributed(fake)
        self._failures: deque[tuple[int, list[dict[str, Any]] | None]] = deque()
        self._lock = threading.RLock()
        self.profiles = FakeProfiles(fake, self._lock)
        self.set_status = self.profiles.set_status
        self.set_organizations = self.profiles.set_organizations

    def set_pins(self, login: str, items: Iterable[str]) -> None:
        """The owner's pins, in order: repositories as "owner/name" (any owner), gists as "gist:<name>"."""
        with self._lock:
            self.pins[login.lower()] = list(items)

    def set_contributed(self, login: str, entries: Iterable[Entry]) -> None:
        """The user's repositoriesContributedTo: "owner/name" (a commit) or ("owner/name", [types])."""
        with self._lock:
            self.contributed.set_contributed(login, entries)

    def set_top(self, login: str, names: Iterable[str]) -> None:
        """The user's topRepositories, in GitHub's order."""
        with self._lock:
            self.contributed.set_top(login, names)

    def set_contributions(
        self,
        login: str,
        days: dict[date, int],
        *,
        commits_by_repo: dict[str, dict[date, int]] | None = None,
        **kinds: Any,
    ) -> None:
        """The user's calendar counts by day, its commits by repository ("owner/name") and day, and optionally
        its `issues`, `pull_requests`, `reviews`, `repositories` by day (see tests.fakes.contributions)."""
        with self._lock:
            self.calendars[login.lower()] = contributions.FakeCalendar(dict(days), dict(commits_by_repo or {}), **kinds)

    def fail_next(self, *, status: int = 200, errors: list[dict[str, Any]] | None = None, n: int = 1) -> None:
        """The next n GraphQL requests answer `status` with `errors` as the body's errors (data null)."""
        with self._lock:
            self._failures.extend([(status, errors)] * n)

    def headers(self) -> dict[str, str]:
        return rate_headers(self.bucket, resource="graphql")

    def answer(self, request: httpx.Request, authorized: bool) -> Answer:
        with self._lock:
            self.bucket.refill(self.fake.clock())
            if request.method != "POST":
                return Answer(404, templates.error_body("Not Found", DOCS, 404), headers=self.headers())
            if not authorized:
                body = {"message": "This endpoint requires you to be authenticated.", "documentation_url": AUTH_DOCS}
                return Answer(401, body, headers=self.headers(), counts=False)
            try:
                payload = json.loads(request.content)
                query, variables = payload["query"], payload.get("variables") or {}
            except (ValueError, KeyError, TypeError):
                body = {"message": "Problems parsing JSON", "documentation_url": DOCS}
                return Answer(400, body, headers=self.headers(), counts=False)
            self.documents.append(payload)
            if self._failures:
                status, errors = self._failures.popleft()
                return Answer(status, {"data": None, "errors": errors or []}, headers=self.headers(), counts=False)
            if self.bucket.remaining < self.cost:
                self.bucket.remaining = 0
                message = "API rate limit already exceeded for user ID 1."
                body = {"errors": [{"type": "RATE_LIMITED", "code": "graphql_rate_limit", "message": message}]}
                return Answer(403, body, headers=self.headers(), counts=False)
            self.bucket.remaining -= self.cost
            result = graphql_sync(
                github_schema(),
                query,
                root_value=self._root(),
                variable_values=variables,
                operation_name=payload.get("operationName"),
            )
            body: dict[str, Any] = {}
            if result.errors:
                body["errors"] = [_error_json(error) for error in result.errors]
            if result.data is not None or not result.errors:
                body["data"] = result.data
            # GitHub answers 200 for errors in a document too; its data is whatever resolved.
            return Answer(200, body, headers=self.headers(), counts=False)

    # ---- resolvers: plain dicts, whose callables graphql-core's default resolver calls with the arguments

    def _root(self) -> dict[str, Any]:
        def rate_limit(info: Any, dryRun: bool = False) -> dict[str, Any]:  # noqa: N803 (GitHub's name)
            bucket = self.bucket
            reset = templates.timestamp(datetime.fromtimestamp(bucket.reset_at, UTC))
            return {
                "cost": self.cost,
                "limit": bucket.limit,
                "nodeCount": 0,
                "remaining": max(bucket.remaining, 0),
                "resetAt": reset,
                "used": bucket.used,
            }

        def owner_of_kind(kind: str) -> Callable[..., Any]:
            def resolve(info: Any, login: str) -> dict[str, Any]:
                account = self.fake.accounts.get(login.lower())
                if account is None or account.type != kind:
                    raise GitHubGraphQLError("NOT_FOUND", f"Could not resolve to a {kind} with the login of '{login}'.")
                return self._owner(account)

            return resolve

        def repository_owner(info: Any, login: str) -> dict[str, Any] | None:
            account = self.fake.accounts.get(login.lower())
            return self._owner(account) if account is not None and account.type != "Bot" else None

        def repository(info: Any, owner: str, name: str, followRenames: bool = True) -> dict[str, Any]:  # noqa: N803
            found = self.fake.find_repo(owner, name)
            if isinstance(found, int) and followRenames:
                found = self.fake.repos_by_id.get(found)
            if not isinstance(found, FakeRepo) or found.deleted:
                message = f"Could not resolve to a Repository with the name '{owner}/{name}'."
                raise GitHubGraphQLError("NOT_FOUND", message)
            return self._repository(found)

        return {
            "repository": repository,
            "rateLimit": rate_limit,
            "repositoryOwner": repository_owner,
            "user": owner_of_kind("User"),
            "organization": owner_of_kind("Organization"),
        }

    def _owner(self, account: FakeAccount) -> dict[str, Any]:
        profile = account.profile
        kind = account.type

        def pinned_items(info: Any, types: list[str] | None = None, **page: Any) -> dict[str, Any]:
            items = [item for item in self._pinned(account) if types is None or _pin_type(item) in types]
            return connection("pinnedItems", items, **page)

        contributed = self.contributed.fields(account, self._repository) if kind == "User" else {}
        return {
            **contributed,
            "__typename": kind,
            "id": templates.node_id(kind, account.id),
            "databaseId": account.id,
            "login": account.login,
            "name": profile.get("name"),
            "email": profile.get("email") or ("" if kind == "User" else None),
            "location": profile.get("location"),
            "websiteUrl": profile.get("blog") or None,
            "url": f"https://github.com/{account.login}",
            "resourcePath": f"/{account.login}",
            "avatarUrl": lambda info, size=None: templates.avatar_url(account.id),
            "pinnedItems": pinned_items,
            **self.profiles.fields(account, connection, self._owner),
            "contributionsCollection": lambda info, **args: self._contributions(account, args),
        }

    def _contributions(self, account: FakeAccount, args: dict[str, Any]) -> dict[str, Any]:
        def find(full_name: str) -> FakeRepo | None:
            repo = self.fake.find_repo(*full_name.split("/", 1))
            return repo if isinstance(repo, FakeRepo) else None

        now = datetime.fromtimestamp(self.fake.clock(), UTC)
        state = self.calendars.get(account.login.lower())
        return contributions.collection(
            state, now, find, self._repository, connection, args.get("from"), args.get("to")
        )

    def _pinned(self, account: FakeAccount) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for item in self.pins.get(account.login.lower(), []):
            if item.startswith("gist:"):
                name = item.removeprefix("gist:")
                found.append({"__typename": "Gist", "id": templates.node_id("Gist", name), "name": name})
                continue
            owner, _, name = item.partition("/")
            repo = self.fake.find_repo(owner, name)
            if isinstance(repo, FakeRepo):  # a deleted repository is unpinned; a renamed one follows its name
                found.append(self._repository(repo))
        return found

    def _repository(self, repo: FakeRepo) -> dict[str, Any]:
        return {
            "__typename": "Repository",
            "id": templates.node_id("Repository", repo.id),
            "databaseId": repo.id,
            "name": repo.name,
            "nameWithOwner": repo.full_name,
            "description": repo.description,
            "isPrivate": repo.private,
            "isFork": repo.fork,
            "isArchived": repo.archived,
            "stargazerCount": repo.stargazers,
            "forkCount": repo.forks,
            "url": f"https://github.com/{repo.full_name}",
            "owner": lambda info: self._owner(repo.owner),
            **light_fields(repo),
            **counts.count_fields(repo),  # issues, pullRequests (tests/fakes/counts.py)
        }


def _pin_type(item: dict[str, Any]) -> str:
    return "GIST" if item["__typename"] == "Gist" else "REPOSITORY"


def connection(
    name: str,
    items: list[Any],
    first: int | None = None,
    last: int | None = None,
    after: str | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    """One page of a GitHub connection; GitHub refuses one asked for without `first` or `last`."""
    if first is None and last is None:
        message = f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
        raise GitHubGraphQLError("MISSING_PAGINATION_BOUNDARIES", message)
    start = _position(after) + 1 if after else 0
    end = _position(before) if before else len(items)
    window = list(enumerate(items))[start:end]
    if first is not None:
        window = window[:first]
    if last is not None:
        window = window[-last:] if last else []
    edges = [{"cursor": _cursor(index), "node": node} for index, node in window]
    return {
        "totalCount": len(items),
        "nodes": [node for _, node in window],
        "edges": edges,
        "pageInfo": {
            "hasNextPage": bool(window) and window[-1][0] < len(items) - 1,
            "hasPreviousPage": bool(window) and window[0][0] > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _position(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().rsplit(":", 1)[1])
    except (ValueError, IndexError) as exc:
        raise GitHubGraphQLError(
            "INVALID_CURSOR_ARGUMENTS", f"`{cursor}` does not appear to be a valid cursor."
        ) from exc


def _error_json(error: GraphQLError) -> dict[str, Any]:
    """An entry of `errors` in GitHub's shape: its `type` where GitHub sets one, path, locations, message."""
    entry: dict[str, Any] = {}
    original = error.original_error
    if isinstance(original, GitHubGraphQLError):
        entry["type"] = original.kind
    if error.path is not None:
        entry["path"] = list(error.path)
    if error.locations:
        entry["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    entry["message"] = error.message
    return entry
