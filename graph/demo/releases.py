"""Releases for the demo repositories: most have a few, some a prerelease on top, some none."""

import base64
from datetime import datetime, timedelta
from typing import Any

Row = dict[str, Any]
RELEASE_ID_BASE = 1_500_000_000  # GraphQL Int is 32-bit: databaseId must stay below 2**31


def demo_releases(repositories: list[Row], checked_at: datetime) -> tuple[list[Row], list[Row]]:
    """(release rows, release_check rows): every fourth repository has none; the others 1 to 5 releases a
    month apart ending before their last push, every third of them with a newer prerelease."""
    releases: list[Row] = []
    checks: list[Row] = []
    for index, repo in enumerate(repositories):
        checks.append({"repository_id": repo["id"], "status": 200, "checked_at": checked_at})
        if index % 4 == 3:
            continue
        last = repo["pushed_at"] or repo["updated_at"]
        count = 1 + index % 5
        for n in range(count):
            prerelease = index % 3 == 0 and n == count - 1 and count > 1
            tag = f"v1.{n}.0-rc.1" if prerelease else f"v1.{n}.0"
            created = max(repo["created_at"], last - timedelta(days=30 * (count - n)))
            release_id = RELEASE_ID_BASE + len(releases) + 1
            releases.append(
                {
                    "id": release_id,
                    "node_id": base64.b64encode(f"07:Release{release_id}".encode()).decode(),
                    "repository_id": repo["id"],
                    "tag_name": tag,
                    "name": f"{repo['name']} {tag.removeprefix('v')}",
                    "description": f"## What's changed\n\n- Release {tag} of {repo['name']}.\n",
                    "description_html": (
                        f"<h2>What's changed</h2>\n<ul>\n<li>Release {tag} of {repo['name']}.</li>\n</ul>"
                    ),
                    "html_url": f"{repo['html_url']}/releases/tag/{tag}",
                    "is_draft": False,
                    "is_prerelease": prerelease,
                    "created_at": created,
                    "published_at": created + timedelta(hours=2),
                    "updated_at": created + timedelta(hours=2),
                }
            )
    return releases, checks
