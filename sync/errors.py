"""What can go wrong in a sync. Messages are built from identifying values and never carry a token."""

from datetime import datetime


class SyncError(Exception):
    """Base of every error the sync raises; its message is the one-line reason recorded on the run."""


class NoOwnersConfigured(SyncError):
    def __init__(self) -> None:
        super().__init__("no owners configured (set REPOFOLIO_GITHUB_OWNERS)")


class SyncAlreadyRunning(SyncError):
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        super().__init__(f"sync run {run_id} is already running")


class SyncLockBusy(SyncError):
    """A live process holds the sync lock yet shows no RUNNING run: stuck between the two, or very slow."""

    def __init__(self, waited: float) -> None:
        super().__init__(f"another process holds the sync lock but has recorded no run for {waited:.0f}s")


class SyncLockLost(SyncError):
    """The sync lock was let go of while the run held it (its database session ended), so another process
    may be syncing: the run gives up instead of applying its snapshot over that one's."""

    def __init__(self) -> None:
        super().__init__(
            "the sync lock was lost (the database session holding it ended) before the changes were saved; "
            "another process may be syncing, so nothing was applied"
        )


class GitHubError(SyncError):
    """GitHub answered something we cannot use."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)

    @classmethod
    def unexpected(cls, status: int, url: str) -> "GitHubError":
        return cls(f"GitHub answered {status} for {url}", url=url, status=status)


class NetworkError(GitHubError):
    """GitHub could not be reached (after retries)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"GitHub unreachable for {url}: {reason}", url=url)


class ServerError(GitHubError):
    """GitHub kept answering 5xx (after retries)."""

    def __init__(self, status: int, url: str, attempts: int) -> None:
        super().__init__(f"GitHub answered {status} for {url} after {attempts} attempts", url=url, status=status)


class RateLimited(GitHubError):
    """The primary rate limit is spent (or down to the configured reserve) until `reset_at`."""

    def __init__(self, reset_at: datetime | None, *, limit: int | None = None, url: str = "") -> None:
        self.reset_at = reset_at
        self.limit = limit
        until = f" until {reset_at:%Y-%m-%d %H:%M:%S}Z" if reset_at else ""
        per_hour = f" ({limit} requests per hour)" if limit else ""
        super().__init__(f"GitHub rate limit spent{per_hour}{until}", url=url, status=403)


class SecondaryRateLimited(GitHubError):
    """GitHub's secondary limit asked for a longer wait than we sit out, or kept refusing."""

    def __init__(self, url: str, retry_after: float | None) -> None:
        self.retry_after = retry_after
        wait = f"; retry after {retry_after:.0f}s" if retry_after is not None else ""
        super().__init__(f"GitHub secondary rate limit for {url}{wait}", url=url, status=403)


class TokenRefused(GitHubError):
    """GitHub refused the token (401) or found it short of a scope a GraphQL query needs."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"GitHub refused the token for {url}: {reason}; check REPOFOLIO_GITHUB_TOKEN", url=url, status=401
        )


class GraphQLFailed(GitHubError):
    """GitHub's GraphQL API answered a document with an error (its `type`, where GitHub gives one)."""

    def __init__(self, url: str, kind: str | None, message: str, *, status: int) -> None:
        self.kind = kind
        label = f" {kind}" if kind else ""
        super().__init__(f"GitHub's GraphQL API answered{label} for {url}: {message}", url=url, status=status)


class OwnerNotFound(GitHubError):
    def __init__(self, login: str) -> None:
        self.login = login
        super().__init__(f"owner {login!r} not found on GitHub", status=404)


class RepositoryGone(GitHubError):
    """The repository was deleted (or made private) between listing and fetching its details."""

    def __init__(self, full_name: str, url: str = "") -> None:
        self.full_name = full_name
        super().__init__(f"repository {full_name} is gone", url=url, status=404)


class TooManyRedirects(GitHubError):
    def __init__(self, url: str) -> None:
        super().__init__(f"too many redirects from {url}", url=url, status=301)


class OffOrigin(GitHubError):
    """GitHub pointed a request at another origin (a redirect or a Link next page): not followed, since
    the token goes to the configured API's origin only, and data from elsewhere is not GitHub's."""

    def __init__(self, kind: str, url: str, target: str, trusted: str, *, status: int) -> None:
        self.target = target
        super().__init__(
            f"refused GitHub's {kind} from {url} to {target}: "
            f"not the origin of REPOFOLIO_GITHUB_API_URL ({trusted}), which alone gets the token",
            url=url,
            status=status,
        )


class ImageRefused(SyncError):
    """An image that cannot be fetched or is not one repofolio serves (sync/images/fetch.py)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"image {url[:200]}: {reason}")
