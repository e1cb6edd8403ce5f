"""The fake's releases: what GET /repos/{o}/{r}/releases lists, built from GitHub's release example."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tests.fakes import templates


@dataclass
class FakeRelease:
    """One release. Field names are what FakeGitHub.add_release and set_release accept."""

    id: int
    tag_name: str
    created_at: datetime  # GitHub's: the tagged commit's date, by which it picks the latest release
    name: str | None = None
    body: str | None = None
    draft: bool = False
    prerelease: bool = False
    published_at: datetime | None = None  # None for a draft
    updated_at: datetime | None = None
    target_commitish: str = "main"


FIELDS = frozenset(FakeRelease.__dataclass_fields__) - {"id", "tag_name"}


def release_payload(release: FakeRelease, *, api: str, full_name: str, author: dict[str, Any]) -> dict[str, Any]:
    """One item of the listing: the release-items example with this release's values written over it."""
    text = json.dumps(templates.template("release"))
    text = text.replace(templates.GITHUB_API, api).replace("octocat/Hello-World", full_name)
    payload: dict[str, Any] = json.loads(text)
    payload.update(
        url=f"{api}/repos/{full_name}/releases/{release.id}",
        html_url=f"https://github.com/{full_name}/releases/tag/{release.tag_name}",
        assets_url=f"{api}/repos/{full_name}/releases/{release.id}/assets",
        upload_url=f"https://uploads.github.com/repos/{full_name}/releases/{release.id}/assets{{?name,label}}",
        tarball_url=f"{api}/repos/{full_name}/tarball/{release.tag_name}",
        zipball_url=f"{api}/repos/{full_name}/zipball/{release.tag_name}",
        id=release.id,
        node_id=templates.node_id("Release", release.id),
        tag_name=release.tag_name,
        target_commitish=release.target_commitish,
        name=release.name,
        body=release.body,
        draft=release.draft,
        prerelease=release.prerelease,
        created_at=templates.timestamp(release.created_at),
        published_at=templates.timestamp(release.published_at),
        updated_at=templates.timestamp(release.updated_at or release.published_at or release.created_at),
        author=author,
        assets=[],
    )
    return payload


def listed(releases: list[FakeRelease], *, authorized: bool) -> list[FakeRelease]:
    """GitHub's order (newest tagged commit first); drafts only for callers with push access (a token here)."""
    shown = [release for release in releases if authorized or not release.draft]
    return sorted(shown, key=lambda release: (release.created_at, release.id), reverse=True)
