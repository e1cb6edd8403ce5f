"""The demo viewer's repositoriesContributedTo and topRepositories: the organization's repositories and a few
outside ones, held as light records (as a sync with a token would hold them)."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from db.contributed import ALL, TOP

Row = dict[str, Any]

# Far from the generator's ids: these rows never shift what generate() draws.
OUTSIDE_ACCOUNT_ID_BASE = 940_000_000
OUTSIDE_REPOSITORY_ID_BASE = 2_000_000_000  # below 2**31: GraphQL's Int
# (owner, type, name, description, language, stars, forks, days before ANCHOR it was created)
ORBIT, RILEY = "open-orbit-demo", "riley-demo"
OUTSIDE = (
    (ORBIT, "Organization", "orbit-sdk", "A fictional SDK for orbital mechanics.", "TypeScript", 1840, 122, 1500),
    (ORBIT, "Organization", "orbit-docs", "Docs for the fictional orbit-sdk.", None, 96, 40, 1400),
    (RILEY, "User", "tiny-http", "A fictional HTTP server in one file.", "Rust", 412, 31, 900),
)
SDK, DOCS, HTTP = f"{ORBIT}/orbit-sdk", f"{ORBIT}/orbit-docs", f"{RILEY}/tiny-http"
BEACON, FIELDNOTES = "fictional-demo-labs/beacon", "fictional-demo-labs/fieldnotes"
# list -> what the viewer's list holds, in GitHub's order: outside repositories and the organization's.
LISTS = {
    ALL: [SDK, BEACON, HTTP, DOCS, FIELDNOTES],
    "COMMIT": [SDK, BEACON, HTTP, FIELDNOTES],
    "ISSUE": [SDK, DOCS],
    "PULL_REQUEST": [SDK, HTTP, DOCS],
    "PULL_REQUEST_REVIEW": [BEACON],
    TOP: [SDK, BEACON, HTTP],
}


@dataclass(frozen=True)
class ContributedRows:
    """Rows for the accounts, light records, their marks and the viewer's lists."""

    accounts: list[Row] = field(default_factory=list)
    repositories: list[Row] = field(default_factory=list)
    outside_repositories: list[Row] = field(default_factory=list)
    contributed_repositories: list[Row] = field(default_factory=list)


def contributed_rows(viewer: Row, repositories: list[Row], languages: list[Row], anchor: Any) -> ContributedRows:
    """The viewer's lists over `repositories` (the data set's) and the outside light records."""
    language_ids = {row["name"]: row["id"] for row in languages}
    accounts: dict[str, Row] = {}
    light: list[Row] = []
    for index, (login, kind, name, description, language, stars, forks, age) in enumerate(OUTSIDE):
        if login not in accounts:
            number = OUTSIDE_ACCOUNT_ID_BASE + len(accounts) * 1000 + 7
            accounts[login] = {
                "id": number,
                "node_id": f"{'O_' if kind == 'Organization' else 'U_'}demo{number}",
                "login": login,
                "login_key": login,
                "type": kind,
                "avatar_url": f"https://avatars.githubusercontent.com/u/{number}?v=4",
                "html_url": f"https://github.com/{login}",
                "is_owner": False,
                **dict.fromkeys(("name", "bio", "description", "company", "location", "email", "blog")),
                **dict.fromkeys(("twitter_username", "created_at", "updated_at")),
            }
        number = OUTSIDE_REPOSITORY_ID_BASE + index * 100 + 11
        created = anchor - timedelta(days=age)
        light.append(
            {
                "id": number,
                "node_id": f"R_demo{number}",
                "owner_id": accounts[login]["id"],
                "name": name,
                "full_name": f"{login}/{name}",
                "full_name_key": f"{login}/{name}".lower(),
                "description": description,
                "homepage": None,
                "html_url": f"https://github.com/{login}/{name}",
                "is_fork": False,
                "is_archived": False,
                "is_template": False,
                "has_issues": True,
                "visibility": "public",
                "stargazers_count": stars,
                "forks_count": forks,
                "subscribers_count": None,
                "disk_usage": None,
                "default_branch": "main",
                "primary_language_id": language_ids.get(language) if language else None,
                "license": None,
                "topics": [],
                "created_at": created,
                "updated_at": anchor - timedelta(days=3 + index),
                "pushed_at": anchor - timedelta(days=5 + index),
                "synced_at": None,
            }
        )
    ids = {row["full_name"]: row["id"] for row in (*repositories, *light)}
    lists = [
        {"user_id": viewer["id"], "list": kind, "repository_id": ids[name], "position": position}
        for kind, names in LISTS.items()
        for position, name in enumerate(name for name in names if name in ids)
    ]
    return ContributedRows(
        accounts=list(accounts.values()),
        repositories=light,
        outside_repositories=[{"repository_id": row["id"]} for row in light],
        contributed_repositories=lists,
    )
