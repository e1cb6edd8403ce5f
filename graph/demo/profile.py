"""The demo's profile fields: follower counts, the viewer's organizations and status (all fictional).

The viewer belongs to the demo organization (a configured owner) and to one organization the cache holds as a
light row only, as a sync would store an organization that is not configured. Nothing here draws on the data
set's random generator, so adding it leaves every other demo row as it was.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from graph.schema.description_html import description_html

Row = dict[str, Any]

COUNT_COLUMNS = ("followers_count", "following_count", "members_count")
COUNTS = {"User": (128, 37, None), "Organization": (412, 0, 9)}  # owners' followers, following, members
COLLECTIVE = {
    "id": 1_899_000_001,  # far above the generator's account ids
    "node_id": "O_demoCollective",
    "login": "fictional-open-collective",
    "login_key": "fictional-open-collective",
    "type": "Organization",
    "avatar_url": "https://avatars.githubusercontent.com/u/1899000001?v=4",
    "html_url": "https://github.com/fictional-open-collective",
    "is_owner": False,
    "name": "Open Collective (fictional)",
    "description": "A fictional organization the demo viewer belongs to; not one of the configured owners.",
}
STATUS = {"emoji": ":seedling:", "message": "Tending the demo garden (fictional)"}


@dataclass(frozen=True)
class DemoProfile:
    organization_memberships: list[Row]
    owner_statuses: list[Row]


def demo_profile(contributors: list[Row], viewer: Row, organization: Row, anchor: datetime) -> DemoProfile:
    """Give every account row the count columns (the owners theirs) and add the light organization to
    `contributors`; the viewer's memberships and status."""
    for row in contributors:
        counts = COUNTS.get(row["type"]) if row["is_owner"] else None
        row.update(zip(COUNT_COLUMNS, counts or (None, None, None), strict=True))
    light = {column: None for column in contributors[0]} | COLLECTIVE
    light.update(created_at=anchor - timedelta(days=900), updated_at=anchor - timedelta(days=40))
    contributors.append(light)
    memberships = [
        {"user_id": viewer["id"], "position": position, "organization_id": row["id"]}
        for position, row in enumerate((organization, light))
    ]
    status = {
        "owner_id": viewer["id"],
        "emoji": STATUS["emoji"],
        "emoji_html": description_html(STATUS["emoji"]),
        "message": STATUS["message"],
        "indicates_limited_availability": False,
        "created_at": anchor - timedelta(days=3),
        "updated_at": anchor - timedelta(days=3),
        "expires_at": None,
    }
    return DemoProfile(organization_memberships=memberships, owner_statuses=[status])
