"""FakeGitHub: an in-memory GitHub REST API, as one plain request → response function.

In-process, `handle` is sync, which httpx.MockTransport accepts for AsyncClient too:
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat")
    fake.add_repo("octocat", "hello", language_bytes={"Python": 1200}, contributors=[("octocat", 5)])
    transport = httpx.MockTransport(fake.handle)     # or fake.handle_async to honour fake.latency
    async with httpx.AsyncClient(transport=transport, base_url=GITHUB_API, follow_redirects=True) as client:
        ...

Over a real socket: `async with serve(fake) as base_url:` (tests/fakes/server.py). State is built with
add_user/add_org/add_repo(s)/add_release and changed with set_repo, set_languages, set_contributors,
set_release, set_counts, rename_repo, delete_repo and answer(); failures are injected with rate_limit,
fail_next and secondary_limit_next; `moved_to` and `links_to` send clients to another server. Ids and
timestamps are deterministic (see state.py).
"""

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.fakes import counts, responses, routes, templates
from tests.fakes.graphql import PATHS as GRAPHQL_PATHS
from tests.fakes.graphql import FakeGraphQL
from tests.fakes.hold import Hold
from tests.fakes.releases import FakeReleases
from tests.fakes.state import (
    ACCOUNT_EPOCH,
    REPO_ENDPOINTS,
    REPO_EPOCH,
    Call,
    FakeAccount,
    FakeRepo,
    RateBucket,
    RepoNames,
    check_repo_fields,
)
from tests.fakes.traffic import Faults, RateLimits, RequestLog

GITHUB_API = templates.GITHUB_API
_UNSET: Any = object()


class FakeGitHub:
    """GitHub's REST API for the endpoints repofolio uses, with GitHub's payload shapes and HTTP semantics."""

    def __init__(
        self,
        *,
        first_account_id: int = 1001,
        first_repo_id: int = 100001,
        clock: Callable[[], float] = time.time,
        latency: float = 0.0,
    ) -> None:
        self.clock = clock
        self.latency = latency  # seconds before answering: handle_async and the loopback server, not handle
        self._next_account_id = first_account_id
        self._next_repo_id = first_repo_id
        self.accounts: dict[str, FakeAccount] = {}  # lower(login) -> account
        self.repos_by_id: dict[int, FakeRepo] = {}
        self.names = RepoNames()  # the live repositories' names, and old ones that redirect
        reset_at = int(clock()) + 3600
        self.limits = RateLimits(reset_at)  # the core rate limit (tests/fakes/traffic.py), set with rate_limit
        self.graphql = FakeGraphQL(self, reset_at)  # POST /graphql: pins (tests/fakes/graphql.py)
        self.faults = Faults()  # queued with fail_next and secondary_limit_next
        self.log = RequestLog()  # what requests, path_counts, authorization_seen and headers_seen show
        # A base URL (e.g. another fake's): every request answers 301 to the same path there (a moved host).
        self.moved_to: str | None = None
        # A base URL: Link headers point there instead of at the request's own base (a proxy gone wrong).
        self.links_to: str | None = None
        self._lock = threading.RLock()  # the loopback server answers from its own thread
        self.releases = FakeReleases(self._lock, self.repo)  # tests/fakes/releases.py
        self.add_release, self.set_release = self.releases.add, self.releases.set
        self.hold: Hold | None = None  # keeps matching requests waiting (tests/fakes/hold.py); handle_async only

    def __repr__(self) -> str:
        return f"<FakeGitHub accounts={len(self.accounts)} repos={len(self.repos_by_id)}>"

    # ---- state: accounts -------------------------------------------------------------------------------

    def add_user(self, login: str, **profile: Any) -> dict[str, Any]:
        """Create (or update) a user; profile keys are public-user fields (name, bio, company, ...)."""
        return self._add_account(login, "User", templates.USER_PROFILE_DEFAULTS, profile)

    def add_org(self, login: str, **profile: Any) -> dict[str, Any]:
        """Create (or update) an organization; profile keys are organization fields (description, ...)."""
        return self._add_account(login, "Organization", templates.ORG_PROFILE_DEFAULTS, profile)

    def _add_account(self, login: str, kind: str, defaults: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
        unknown = set(profile) - set(defaults) - {"created_at", "updated_at"}
        if unknown:
            raise TypeError(f"unknown {kind} profile fields {sorted(unknown)}; known: {sorted(defaults)}")
        with self._lock:
            account = self._ensure_account(login, kind)
            account.type = kind
            account.profile = {**defaults, **account.profile, **profile}
            account.created_at = account.profile.pop("created_at", account.created_at)
            account.updated_at = account.profile.pop("updated_at", account.updated_at)
            return routes.account_json(self, account, GITHUB_API)

    def _ensure_account(self, login: str, kind: str = "User") -> FakeAccount:
        account = self.accounts.get(login.lower())
        if account is None:
            index = len(self.accounts)
            created = ACCOUNT_EPOCH + timedelta(days=index)
            if kind == "User" and login.endswith("[bot]"):
                kind = "Bot"
            account = FakeAccount(self._next_account_id, login, kind, created, created + timedelta(days=1))
            self._next_account_id += 1
            self.accounts[login.lower()] = account
        return account

    # ---- state: repositories ---------------------------------------------------------------------------

    def add_repo(
        self,
        owner: str,
        name: str,
        *,
        language_bytes: dict[str, int] | None = None,
        contributors: Iterable[tuple[str, int]] = (),
        stargazers: int = 0,
        forks: int = 0,
        fork: bool = False,
        archived: bool = False,
        private: bool = False,
        visibility: str | None = None,
        topics: Iterable[str] = (),
        license: str | dict[str, Any] | None = None,
        description: str | None = None,
        homepage: str | None = None,
        created_at: datetime | None = None,
        updated_at: datetime | None = None,
        pushed_at: datetime | None = _UNSET,
        **more: Any,
    ) -> dict[str, Any]:
        """Create a repository and return its full payload (as an anonymous caller of api.github.com sees it).

        An unknown owner is created as a user. Defaults: created_at REPO_EPOCH + n hours, updated_at
        created + 2h, pushed_at created + 1h, no languages, no contributors. `more` takes any other
        FakeRepo field (size, watchers, default_branch, is_template, has_issues, disabled, issue_counts,
        pull_counts; open_issues_count is derived from the last two).
        """
        check_repo_fields(more)
        with self._lock:
            account = self._ensure_account(owner)
            if f"{account.login}/{name}".lower() in self.names.live:
                raise ValueError(f"repository {owner}/{name} already exists")
            created = created_at or REPO_EPOCH + timedelta(hours=len(self.repos_by_id))
            repo = FakeRepo(
                id=self._next_repo_id,
                owner=account,
                name=name,
                created_at=created,
                updated_at=updated_at or created + timedelta(hours=2),
                pushed_at=created + timedelta(hours=1) if pushed_at is _UNSET else pushed_at,
                description=description,
                homepage=homepage,
                fork=fork,
                archived=archived,
                stargazers=stargazers,
                forks=forks,
                topics=list(topics),
                license=templates.license_object(license),
                language_bytes=dict(language_bytes or {}),
                **more,
            )
            self._next_repo_id += 1
            repo.set_visibility(private=private, visibility=visibility)
            self.repos_by_id[repo.id] = repo
            self.names.add(repo)
            self._set_contributors(repo, contributors, ())
            return self.repo_json(owner, name)

    def add_repos(self, owner: str, count: int, *, prefix: str = "repo", **fields: Any) -> list[dict[str, Any]]:
        """Bulk helper: `count` repositories named f"{prefix}-{i:04d}" (i from 1) sharing `fields`."""
        return [self.add_repo(owner, f"{prefix}-{i:04d}", **fields) for i in range(1, count + 1)]

    def repo(self, owner: str, name: str) -> FakeRepo:
        """The live repository state (KeyError when missing, deleted or renamed away)."""
        return self.names.live[f"{owner}/{name}".lower()]

    def repo_json(
        self, owner: str, name: str, *, full: bool = True, authorized: bool = False, api: str = GITHUB_API
    ) -> dict[str, Any]:
        """The payload the fake serves for this repository (full: GET /repos/...; else a listing item)."""
        with self._lock:
            return routes.repo_json(self.repo(owner, name), api=api, full=full, authorized=authorized)

    def set_repo(self, owner: str, name: str, **changes: Any) -> dict[str, Any]:
        """Change FakeRepo fields, e.g. set_repo("o", "r", stargazers=5, pushed_at=dt). Returns the payload.

        updated_at is not bumped implicitly; pass it when the test cares.
        """
        check_repo_fields(changes)
        with self._lock:
            repo = self.repo(owner, name)
            private, visibility = changes.pop("private", None), changes.pop("visibility", None)
            if "license" in changes:
                changes["license"] = templates.license_object(changes["license"])
            if "contributors" in changes:  # their logins must become accounts
                self._set_contributors(repo, changes.pop("contributors"), repo.anonymous_contributors)
            for key, value in changes.items():
                setattr(repo, key, value)
            if private is not None or visibility is not None:
                repo.set_visibility(private=bool(private), visibility=visibility)
            return self.repo_json(repo.owner.login, repo.name)

    def set_counts(
        self, owner: str, name: str, *, issues: dict[str, int] | None = None, pulls: dict[str, int] | None = None
    ) -> None:
        """Issues by state (OPEN, CLOSED) and pull requests (OPEN, CLOSED, MERGED); a state left out is 0, a
        kind left out keeps its counts. REST's open_issues_count follows (tests/fakes/counts.py)."""
        with self._lock:
            counts.set_counts(self.repo(owner, name), issues, pulls)

    def set_languages(self, owner: str, name: str, language_bytes: dict[str, int]) -> None:
        with self._lock:
            self.repo(owner, name).language_bytes = dict(language_bytes)

    def set_contributors(
        self,
        owner: str,
        name: str,
        contributors: Iterable[tuple[str, int]],
        *,
        anonymous: Iterable[tuple[str, str, int]] = (),
    ) -> None:
        """Replace the contributors: (login, contributions) pairs, plus (name, email, n) for `anon=1`.

        Unknown logins become users (logins ending in "[bot]" become bots) with stable ids.
        """
        with self._lock:
            self._set_contributors(self.repo(owner, name), contributors, anonymous)

    def _set_contributors(
        self,
        repo: FakeRepo,
        contributors: Iterable[tuple[str, int]],
        anonymous: Iterable[tuple[str, str, int]],
    ) -> None:
        repo.contributors = [(self._ensure_account(login).login, n) for login, n in contributors]
        repo.anonymous_contributors = list(anonymous)

    def rename_repo(self, owner: str, old: str, new: str, *, new_owner: str | None = None) -> dict[str, Any]:
        """Rename (or transfer) a repository; the old path then answers 301 to /repositories/{id}."""
        with self._lock:
            repo = self.repo(owner, old)
            old_full_name = repo.full_name
            if new_owner is not None:
                repo.owner = self._ensure_account(new_owner)
            repo.name = new
            self.names.moved(repo, old_full_name)
            return self.repo_json(repo.owner.login, repo.name)

    def delete_repo(self, owner: str, name: str) -> None:
        """Delete a repository: its paths, its id and any old names answer 404 from now on."""
        with self._lock:
            repo = self.repo(owner, name)
            repo.deleted = True
            self.names.remove(repo)

    def answer(self, owner: str, name: str, endpoint: str, status: int | None) -> None:
        """Force GitHub's canned answer on one endpoint ("repo", "languages", "contributors"); None clears.

        contributors: 204 (empty repository, no body), 403 (history too large to list contributors),
        409 ("Git Repository is empty."). Any endpoint: 451 (access blocked, DMCA), 404, 500.
        """
        if endpoint not in REPO_ENDPOINTS:
            raise ValueError(f"endpoint must be one of {REPO_ENDPOINTS}, not {endpoint!r}")
        with self._lock:
            answers = self.repo(owner, name).answers
            if status is None:
                answers.pop(endpoint, None)
            else:
                answers[endpoint] = status

    def block_repo(self, owner: str, name: str) -> None:
        """451 "Repository access blocked" on every endpoint of the repository (it stays in listings)."""
        for endpoint in REPO_ENDPOINTS:
            self.answer(owner, name, endpoint, 451)

    # ---- knobs: rate limits and failures ---------------------------------------------------------------

    def rate_limit(
        self,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        reset_at: int | None = None,
        status: int | None = None,
        authenticated: bool | None = None,
    ) -> None:
        """Set the core rate limit (both buckets unless `authenticated` picks one); status 403 or 429."""
        with self._lock:
            self.limits.set(
                limit=limit, remaining=remaining, reset_at=reset_at, status=status, authenticated=authenticated
            )

    def bucket(self, *, authenticated: bool = True) -> RateBucket:
        return self.limits.buckets[authenticated]

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        """The next n requests fail with `status` (not counted against the rate limit), then it recovers."""
        with self._lock:
            self.faults.fail(n, status)

    def secondary_limit_next(self, retry_after: int = 1, n: int = 1, status: int = 403) -> None:
        """The next n requests hit GitHub's secondary rate limit: `status` with Retry-After, remaining > 0."""
        with self._lock:
            self.faults.fail(n, status, retry_after)

    # ---- observability: the request log (tests/fakes/traffic.py) --------------------------------------

    @property
    def requests(self) -> list[Call]:
        return self.log.requests

    @property
    def path_counts(self) -> Counter[str]:
        return self.log.path_counts

    @property
    def authorization_seen(self) -> str | None:
        """The last Authorization header value; never print it."""
        return self.log.authorization_seen

    @property
    def headers_seen(self) -> list[httpx.Headers]:
        """Every request's headers, in order; never print them."""
        return self.log.headers_seen

    @property
    def request_count(self) -> int:
        return len(self.requests)

    @property
    def not_modified_count(self) -> int:
        return sum(1 for call in self.requests if call.status == 304)

    def count(self, path: str) -> int:
        """How many requests hit exactly this path (query string excluded)."""
        return self.path_counts[path]

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()

    # ---- HTTP ------------------------------------------------------------------------------------------

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        """`handle` after sleeping `self.latency` seconds (and any `hold`), for a "live GitHub" without a socket."""
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.hold is not None:
            await self.hold.wait(request)
        return self.handle(request)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as GitHub would (use behind httpx.MockTransport or the loopback server)."""
        with self._lock:
            authorized = self.log.arrived(request)
            bucket = self.limits.buckets[authorized]
            bucket.refill(self.clock())
            request_id = self.log.next_request_id()
            answer = self._answer(request, authorized, bucket, request_id)
            response = responses.render(request, answer, bucket, request_id, authorized)
            self.log.answered(request, response, authorized=authorized)
            return response

    def _answer(
        self, request: httpx.Request, authorized: bool, bucket: RateBucket, request_id: str
    ) -> responses.Answer:
        failure = self.faults.next_answer(request_id)
        if failure is not None:
            return failure
        if self.moved_to is not None:
            return routes.moved_host(request, self.moved_to)
        if request.url.path.rstrip("/") in GRAPHQL_PATHS:
            return self.graphql.answer(request, authorized)
        if request.url.path.rstrip("/") == "/rate_limit":
            return responses.rate_overview(bucket)
        if bucket.remaining <= 0:
            return responses.rate_exceeded(self.limits.status, authorized=authorized)
        bucket.remaining -= 1
        return routes.route(self, request, authorized)

    def find_repo(self, owner: str, name: str) -> FakeRepo | int | None:
        """The live repository, or the id to redirect to when the name moved, or None."""
        return self.names.find(owner, name)

    def live_repos(self) -> list[FakeRepo]:
        """Every repository not deleted, under its current name, in the order they were added."""
        return list(self.names.live.values())
