"""The fake's User.repositoriesContributedTo and User.topRepositories, over repositories the fake holds.

    fake.graphql.set_contributed("octocat", ["acme/anvil", ("other/x", ["ISSUE", "PULL_REQUEST"])])
    fake.graphql.set_top("octocat", ["other/x", "octocat/hello"])

A plain "owner/name" is a COMMIT contribution. Repositories are any the fake knows (add_repo on an account
that is not configured makes an outside one); a deleted one drops out, a renamed one follows its name.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from tests.fakes import templates
from tests.fakes.state import FakeAccount, FakeRepo

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub

Entry = str | tuple[str, Iterable[str]]


class FakeContributed:
    def __init__(self, fake: "FakeGitHub") -> None:
        self.fake = fake
        self.contributed: dict[str, list[tuple[str, frozenset[str]]]] = {}  # lower(login) -> (name, types)
        self.top: dict[str, list[str]] = {}

    def set_contributed(self, login: str, entries: Iterable[Entry]) -> None:
        self.contributed[login.lower()] = [
            (entry, frozenset({"COMMIT"})) if isinstance(entry, str) else (entry[0], frozenset(entry[1]))
            for entry in entries
        ]

    def set_top(self, login: str, names: Iterable[str]) -> None:
        self.top[login.lower()] = list(names)

    def fields(self, account: FakeAccount, repository: Callable[[FakeRepo], dict[str, Any]]) -> dict[str, Any]:
        """The two fields of a User, as resolvers; `repository` builds a Repository object of the fake's."""
        from tests.fakes.graphql import connection

        def contributed_to(
            info: Any,
            contributionTypes: list[str] | None = None,  # noqa: N803 (GitHub's argument names)
            includeUserRepositories: bool | None = None,  # noqa: N803
            privacy: str | None = None,
            hasIssues: bool | None = None,  # noqa: N803
            isLocked: bool | None = None,  # noqa: N803
            orderBy: dict[str, Any] | None = None,  # noqa: N803
            **page: Any,
        ) -> dict[str, Any]:
            found = []
            for name, types in self.contributed.get(account.login.lower(), []):
                repo = self._find(name)
                if repo is None or (contributionTypes is not None and not types & set(contributionTypes)):
                    continue
                if not includeUserRepositories and repo.owner.id == account.id:
                    continue
                if privacy is not None and repo.private != (privacy == "PRIVATE"):
                    continue
                if hasIssues is not None and repo.has_issues != hasIssues:
                    continue
                found.append(repository(repo))
            return connection("repositoriesContributedTo", found, **page)

        def top_repositories(info: Any, orderBy: dict[str, Any], since: Any = None, **page: Any) -> dict[str, Any]:  # noqa: N803
            repos = [self._find(name) for name in self.top.get(account.login.lower(), [])]
            return connection("topRepositories", [repository(repo) for repo in repos if repo is not None], **page)

        return {"repositoriesContributedTo": contributed_to, "topRepositories": top_repositories}

    def _find(self, full_name: str) -> FakeRepo | None:
        owner, _, name = full_name.partition("/")
        found = self.fake.find_repo(owner, name)
        if isinstance(found, int):
            found = self.fake.repos_by_id.get(found)
        return found if isinstance(found, FakeRepo) and not found.deleted else None


def light_fields(repo: FakeRepo) -> dict[str, Any]:
    """The Repository fields a light record reads, beyond those the pins read."""
    license_info = repo.license
    return {
        "homepageUrl": repo.homepage or None,
        "isTemplate": repo.is_template,
        "hasIssuesEnabled": repo.has_issues,
        "createdAt": templates.timestamp(repo.created_at),
        "updatedAt": templates.timestamp(repo.updated_at),
        "pushedAt": templates.timestamp(repo.pushed_at),
        "primaryLanguage": {"name": repo.language, "color": None} if repo.language else None,
        "defaultBranchRef": {"name": repo.default_branch},
        "licenseInfo": None
        if license_info is None
        else {
            "id": license_info.get("node_id"),
            "key": license_info.get("key"),
            "name": license_info.get("name"),
            "spdxId": license_info.get("spdx_id"),
            "url": license_info.get("url"),
        },
    }
