"""The demo data re-derived in plain Python, independently of the code under test."""

from datetime import UTC, datetime
from typing import Any

from graph.demo.generator import DEMO_VIEWER, DemoData


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Expected:
    """The demo data, re-derived in plain Python."""

    def __init__(self, data: DemoData) -> None:
        self.data = data
        self.accounts = {row["id"]: row for row in data.contributors}
        self.languages = {row["id"]: row for row in data.languages}
        self.owner = next(row for row in data.contributors if row["login"] == DEMO_VIEWER)

    def repositories(self, owner_id: int | None = None) -> list[dict[str, Any]]:
        rows = [r for r in self.data.repositories if owner_id is None or r["owner_id"] == owner_id]
        # pushed_at DESC, nulls last, ties by nameWithOwner
        return sorted(
            rows,
            key=lambda r: (
                r["pushed_at"] is None,
                -(r["pushed_at"].timestamp() if r["pushed_at"] else 0),
                r["full_name_key"],
            ),
        )

    def languages_of(self, repository_id: int) -> list[tuple[str, str | None, int]]:
        links = [link for link in self.data.repository_languages if link["repository_id"] == repository_id]
        named = [(self.languages[link["language_id"]], link["bytes"]) for link in links]
        named.sort(key=lambda item: (-item[1], item[0]["name"]))
        return [(language["name"], language["color"], size) for language, size in named]

    def contributors_of(self, repository_id: int) -> list[tuple[str, int]]:
        links = [link for link in self.data.repository_contributors if link["repository_id"] == repository_id]
        found = [(self.accounts[link["contributor_id"]]["login"], link["contributions"]) for link in links]
        found.sort(key=lambda item: (-item[1], item[0].lower()))
        return found
