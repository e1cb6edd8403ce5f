"""The fake GitHub's profile fields on GraphQL: users' status and organizations, follower counts, org members.

    fake.graphql.set_status("octocat", emoji=":dart:", message="Focusing", limited=True)
    fake.graphql.set_organizations("octocat", ["acme", "elsewhere-org"], private=["elsewhere-org"])

GraphQL's `organizations` lists every membership, private ones too, as GitHub answers the user's own token
with read:org; REST's GET /users/{login}/orgs (`public_organizations`) lists the public ones only, as GitHub
does for anyone. Follower and following counts are the REST profile's (`add_user(login, followers=3)`), so both APIs agree;
their `nodes` are empty (the fake keeps no followers). An organization's membersWithRole counts the users
whose organizations list it.
"""

import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from graph.schema.description_html import description_html
from tests.fakes import templates
from tests.fakes.state import FakeAccount

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub

Connection = Callable[..., dict[str, Any]]


class FakeProfiles:
    """The state behind the profile fields; `fields` adds them to an owner's GraphQL object."""

    def __init__(self, fake: "FakeGitHub", lock: threading.RLock) -> None:
        self.fake = fake
        self.status: dict[str, dict[str, Any]] = {}  # lower(login) -> UserStatus fields
        self.organizations: dict[str, list[str]] = {}  # lower(login) -> organization logins, in GitHub's order
        self.private: dict[str, set[str]] = {}  # lower(login) -> lower(logins) of its private memberships
        self._lock = lock

    def set_status(
        self,
        login: str,
        *,
        emoji: str | None = None,
        message: str | None = None,
        limited: bool = False,
        expires_at: datetime | None = None,
    ) -> None:
        """The user's status (updatedAt now, by the fake's clock); no emoji and no message clears it."""
        with self._lock:
            key = login.lower()
            if emoji is None and message is None:
                self.status.pop(key, None)
                return
            now = templates.timestamp(datetime.fromtimestamp(self.fake.clock(), UTC))
            self.status[key] = {
                "emoji": emoji,
                "emojiHTML": description_html(emoji) if emoji else None,
                "message": message,
                "indicatesLimitedAvailability": limited,
                "createdAt": self.status.get(key, {}).get("createdAt", now),
                "updatedAt": now,
                "expiresAt": templates.timestamp(expires_at),
            }

    def set_organizations(self, login: str, organizations: Iterable[str], *, private: Iterable[str] = ()) -> None:
        """The user's organizations, in order (`private`: those whose membership is not public); an
        organization the fake lacks is created."""
        with self._lock:
            self.private[login.lower()] = {organization.lower() for organization in private}
            logins = list(organizations)
            for organization in logins:
                found = self.fake.accounts.get(organization.lower())
                if found is None:
                    self.fake.add_org(organization)
                elif found.type != "Organization":
                    raise ValueError(f"{organization} is a {found.type}, not an organization")
            self.organizations[login.lower()] = logins

    def public_organizations(self, account: FakeAccount, api: str) -> list[dict[str, Any]]:
        """GET /users/{login}/orgs: GitHub's organization-simple objects of the public memberships."""
        key = account.login.lower()
        found = []
        for login in self.organizations.get(key, []):
            if login.lower() in self.private.get(key, set()):
                continue
            org = self.fake.accounts[login.lower()]
            base = f"{api}/orgs/{org.login}"
            found.append(
                {
                    "login": org.login,
                    "id": org.id,
                    "node_id": templates.node_id("Organization", org.id),
                    "url": base,
                    "repos_url": f"{base}/repos",
                    "events_url": f"{base}/events",
                    "hooks_url": f"{base}/hooks",
                    "issues_url": f"{base}/issues",
                    "members_url": f"{base}/members{{/member}}",
                    "public_members_url": f"{base}/public_members{{/member}}",
                    "avatar_url": templates.avatar_url(org.id),
                    "description": org.profile.get("description"),
                }
            )
        return found

    def fields(
        self, account: FakeAccount, connection: Connection, owner: Callable[[FakeAccount], Any]
    ) -> dict[str, Any]:
        """GitHub's profile fields of `account`, as graphql-core's default resolver reads them."""
        profile = account.profile
        common = {
            "createdAt": templates.timestamp(account.created_at),
            "updatedAt": templates.timestamp(account.updated_at),
            "twitterUsername": profile.get("twitter_username"),
        }
        if account.type == "Organization":
            members = [login for login, orgs in self.organizations.items() if account.login.lower() in _keys(orgs)]

            def members_with_role(info: Any, **page: Any) -> dict[str, Any]:
                return connection("membersWithRole", [owner(self.fake.accounts[login]) for login in members], **page)

            return {**common, "description": profile.get("description"), "membersWithRole": members_with_role}

        def counted(name: str, count: int) -> Callable[..., dict[str, Any]]:
            def resolve(info: Any, **page: Any) -> dict[str, Any]:
                return {**connection(name, [], **page), "totalCount": count}

            return resolve

        def organizations(info: Any, orderBy: Any = None, **page: Any) -> dict[str, Any]:  # noqa: N803 (GitHub's)
            logins = self.organizations.get(account.login.lower(), [])
            return connection("organizations", [owner(self.fake.accounts[login.lower()]) for login in logins], **page)

        return {
            **common,
            "bio": profile.get("bio"),
            "company": profile.get("company"),
            "status": self.status.get(account.login.lower()),
            "followers": counted("followers", int(profile.get("followers") or 0)),
            "following": counted("following", int(profile.get("following") or 0)),
            "organizations": organizations,
        }


def _keys(logins: list[str]) -> set[str]:
    return {login.lower() for login in logins}
