"""The fake's releases: what GET /repos/{o}/{r}/releases lists, built from GitHub's release example."""

import html
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.fakes import templates

if TYPE_CHECKING:
    from tests.fakes.state import FakeRepo


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


class FakeReleases:
    """FakeGitHub's add_release and set_release: each repository's releases, ids counted across the fake."""

    def __init__(self, lock: threading.RLock, repo: Callable[[str, str], "FakeRepo"]) -> None:
        self._lock = lock
        self._repo = repo
        self._next_id = 1

    def add(self, owner: str, name: str, tag_name: str, /, **fields: Any) -> FakeRelease:
        """Publish a release; created_at defaults to a day after the previous one."""
        with self._lock:
            repo = self._repo(owner, name)
            last = max((r.created_at for r in repo.releases), default=repo.created_at)
            fields.setdefault("created_at", last + timedelta(days=1))
            if not fields.get("draft"):
                fields.setdefault("published_at", fields["created_at"] + timedelta(hours=1))
            release = FakeRelease(id=self._next_id, tag_name=tag_name, **fields)
            self._next_id += 1
            repo.releases.append(release)
            return release

    def set(self, owner: str, name: str, tag_name: str, /, **changes: Any) -> None:
        """Change a release's fields (FakeRelease's names), e.g. set_release("o", "r", "v1", prerelease=True)."""
        unknown = set(changes) - FIELDS
        if unknown:
            raise TypeError(f"unknown release fields {sorted(unknown)}; known: {sorted(FIELDS)}")
        with self._lock:
            (release,) = [r for r in self._repo(owner, name).releases if r.tag_name == tag_name]
            for key, value in changes.items():
                setattr(release, key, value)


def media_of(accept: str) -> str:
    """GitHub's body media type an Accept header asks for: raw (the default), text, html or full."""
    found = re.search(r"application/vnd\.github\.(raw|text|html|full)\+json", accept)
    return found.group(1) if found else "raw"


def rendered(body: str | None) -> str | None:
    """The fake's Markdown rendering (GitHub's stand-in): escaped paragraphs, **bold** as <strong>."""
    if body is None:
        return None
    paragraphs = [part.strip() for part in body.split("\n\n") if part.strip()]
    escaped = (re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(part)) for part in paragraphs)
    return "".join(f"<p>{part}</p>" for part in escaped)


def release_payload(
    release: FakeRelease, *, api: str, full_name: str, author: dict[str, Any], media: str = "raw"
) -> dict[str, Any]:
    """One item of the listing: the release-items example with this release's values written over it, its
    body in the `media` GitHub's Accept asked for (raw: Markdown; html; text; full: all three)."""
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
    if media in ("html", "full"):
        payload["body_html"] = rendered(release.body)
    if media in ("text", "full"):
        payload["body_text"] = release.body
    if media in ("html", "text"):
        del payload["body"]
    return payload


def listed(releases: list[FakeRelease], *, authorized: bool) -> list[FakeRelease]:
    """GitHub's order (newest tagged commit first); drafts only for callers with push access (a token here)."""
    shown = [release for release in releases if authorized or not release.draft]
    return sorted(shown, key=lambda release: (release.created_at, release.id), reverse=True)
