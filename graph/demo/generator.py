"""A built-in, clearly fictional data set for `repofolio serve --demo` and the benchmarks.

`generate()` builds plain row dicts per table, deterministically from a seed (no clock, no network);
graph/demo/load.py writes them. The hand-written content (profiles, 40 repositories, language stacks, licenses, showcase
texts, pins) lives in graph/demo/data/demo.json; larger sets add synthetic repositories after it.
"""

import base64
import json
import random
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from db.base import Base
from graph.demo.contributed import ContributedRows, contributed_rows
from graph.demo.contributions import demo_contributions
from graph.demo.counts import demo_counts
from graph.demo.profile import demo_profile
from graph.demo.readmes import demo_readmes
from graph.demo.releases import demo_releases
from sync.linguist import language_color

Row = dict[str, Any]

DEMO_VIEWER: str = "dana-demo-dev"

# "Now" for the demo: every date is fixed relative to it, so the data never depends on today's date.
ANCHOR = datetime(2025, 6, 30, 12, 0, 0, tzinfo=UTC)
# Far above the ids GitHub has issued so far, so demo avatars and ids don't point at real accounts today.
CONTRIBUTOR_ID_BASE = 930_000_000
REPOSITORY_ID_BASE = 1_900_000_000  # GraphQL Int is 32-bit: databaseId must stay below 2**31


@dataclass(frozen=True)
class DemoData:
    """Rows per table, as plain dicts with every column set (ready for `insert(table)`)."""

    viewer: str
    contributors: list[Row]
    languages: list[Row]
    repositories: list[Row]
    repository_languages: list[Row]
    repository_contributors: list[Row]
    showcases: list[Row]
    pinned_items: list[Row]  # GitHub's pins per owner, in order
    repository_readmes: list[Row] = field(default_factory=list)
    contributed: ContributedRows = field(default_factory=ContributedRows)  # the viewer's lists, light records
    organization_memberships: list[Row] = field(default_factory=list)
    owner_statuses: list[Row] = field(default_factory=list)
    releases: tuple[list[Row], list[Row]] = ([], [])  # release rows, release_check rows
    contributions: list[tuple[type[Base], list[Row]]] = field(default_factory=list)  # per model, in insert order


@cache
def _content() -> dict[str, Any]:
    text = files("graph.demo").joinpath("data/demo.json").read_text(encoding="utf-8")
    content: dict[str, Any] = json.loads(text)
    return content


def _node_id(prefix: str, number: int) -> str:
    """GitHub's current node id form: prefix + base64url(msgpack([0, id])), unpadded ("R_kgDO...")."""
    packed = b"\x92\x00" + (
        b"\xce" + struct.pack(">I", number) if number < 2**32 else b"\xcf" + struct.pack(">Q", number)
    )
    return prefix + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def _license(key: str | None) -> Row | None:
    if key is None:
        return None
    name, spdx_id, number = _content()["licenses"][key]
    return {
        "key": key,
        "name": name,
        "spdx_id": spdx_id,
        "url": None if key == "other" else f"https://api.github.com/licenses/{key}",
        "node_id": base64.b64encode(f"07:License{number}".encode()).decode(),
    }


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randint(0, max(0, int((end - start).total_seconds()))))


class _Builder:
    """Accumulates the rows of one data set; ids come from the seeded generator, in a fixed order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.contributors: list[Row] = []
        self.languages: dict[str, Row] = {}
        self.repositories: list[Row] = []
        self.repository_languages: list[Row] = []
        self.repository_contributors: list[Row] = []

    def account(self, login: str, kind: str, profile: Row | None = None) -> Row:
        number = CONTRIBUTOR_ID_BASE + len(self.contributors) * 1000 + self.rng.randint(1, 999)
        prefix = {"User": "U_", "Organization": "O_", "Bot": "BOT_"}[kind]
        profile = profile or {}
        row: Row = {
            "id": number,
            "node_id": _node_id(prefix, number),
            "login": login,
            "login_key": login.lower(),
            "type": kind,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{number}?v=4",
            # Bots live under /apps/<slug> on GitHub, everyone else at /<login>.
            "html_url": f"https://github.com/apps/{login.removesuffix('[bot]')}"
            if kind == "Bot"
            else f"https://github.com/{login}",
            "is_owner": bool(profile),
        }
        for column in (
            "name",
            "bio",
            "description",
            "company",
            "location",
            "email",
            "blog",
            "twitter_username",
        ):
            row[column] = profile.get(column)
        for column in ("created_at", "updated_at"):
            row[column] = _at(profile[column]) if column in profile else None
        self.contributors.append(row)
        return row

    def language_id(self, name: str) -> int:
        if name not in self.languages:
            color = language_color(name)
            if color is None:
                raise ValueError(f"demo language {name!r} has no Linguist color")
            self.languages[name] = {"id": len(self.languages) + 1, "name": name, "color": color}
        language_id: int = self.languages[name]["id"]
        return language_id

    def repository(self, owner: Row, spec: Row, not_before: datetime) -> Row:
        rng = self.rng
        number = REPOSITORY_ID_BASE + len(self.repositories) * 100 + rng.randint(0, 99)
        archived, fork = bool(spec.get("archived")), bool(spec.get("fork"))
        created = (
            _at(spec["created_at"]) if "created_at" in spec else _between(rng, not_before, ANCHOR - timedelta(days=14))
        )
        if archived:  # worked on briefly, then left alone
            pushed = _between(rng, created, min(created + timedelta(days=400), ANCHOR))
        else:  # skewed towards recent activity, as on a living profile
            pushed = created + (ANCHOR - created) * rng.random() ** 0.4
        pushed = pushed.replace(microsecond=0)
        updated = _between(rng, pushed, min(pushed + timedelta(days=90), ANCHOR))
        stars = spec["stars"] if "stars" in spec else int(rng.paretovariate(1.2) * 4) - 4
        full_name = f"{owner['login']}/{spec['name']}"
        row: Row = {
            "id": number,
            "node_id": _node_id("R_", number),
            "owner_id": owner["id"],
            "name": spec["name"],
            "full_name": full_name,
            "full_name_key": full_name.lower(),
            "description": spec.get("description"),
            "homepage": f"https://{spec['name'].strip('.')}.example.com" if spec.get("homepage") else None,
            "html_url": f"https://github.com/{full_name}",
            "is_fork": fork,
            "is_archived": archived,
            "is_template": bool(spec.get("template")),
            "has_issues": not fork,  # GitHub turns issues off on new forks
            "visibility": "public",
            "stargazers_count": stars,
            "forks_count": int(stars * rng.uniform(0.03, 0.2)),
            # Watchers from the id, not the generator: a draw here would shift every later demo value.
            "subscribers_count": 1 + stars // 15 + number % 4,
            "disk_usage": None,
            "default_branch": "master"
            if created < datetime(2020, 10, 1, tzinfo=UTC) and rng.random() < 0.6
            else "main",
            "primary_language_id": None,
            "license": _license(spec.get("license")),
            "topics": list(spec.get("topics", [])),
            "created_at": created,
            "updated_at": updated,
            "pushed_at": pushed,
            "synced_at": ANCHOR,
        }
        row.update(demo_counts(row))
        total = self._languages(row, _content()["stacks"][spec["stack"]])
        row["disk_usage"] = int(total / 1024 * rng.uniform(1.2, 4.0)) + rng.randint(8, 300)
        self.repositories.append(row)
        return row

    def _languages(self, repository: Row, stack: Sequence[str]) -> int:
        rng = self.rng
        count = min(len(stack), rng.randint(1, 5))
        size = int(rng.lognormvariate(11.5, 1.3)) + 2_000
        total = 0
        for index, name in enumerate(stack[:count]):
            if index == 0:
                repository["primary_language_id"] = self.language_id(name)
            else:  # strictly smaller than the one before, so the primary language keeps the most bytes
                size = max(1, min(size - 1, int(size * rng.uniform(0.05, 0.7))))
            self.repository_languages.append(
                {"repository_id": repository["id"], "language_id": self.language_id(name), "bytes": size}
            )
            total += size
        return total

    def contributions(self, repository: Row, owner: Row | None, bot: Row, pool: Sequence[Row]) -> None:
        """About four contributors per repository: a user owner, sometimes the bot, then the pool."""
        rng = self.rng
        wanted = rng.randint(1, 7)
        chosen: list[tuple[Row, int]] = []
        if owner is not None:
            chosen.append((owner, int(rng.lognormvariate(5.0, 1.0)) + 1))
        if len(chosen) < wanted and rng.random() < 0.25:
            chosen.append((bot, rng.randint(3, 60)))
        # Popularity falls off with rank, so a few people appear in many repositories.
        weights = _cumulative_weights(len(pool))
        seen = {row["id"] for row, _ in chosen}
        while len(chosen) < wanted:
            (person,) = rng.choices(pool, cum_weights=weights)
            if person["id"] not in seen:
                seen.add(person["id"])
                chosen.append((person, int(rng.lognormvariate(2.5, 1.2)) + 1))
        for person, count in chosen:
            self.repository_contributors.append(
                {"repository_id": repository["id"], "contributor_id": person["id"], "contributions": count}
            )


@cache
def _cumulative_weights(size: int) -> list[float]:
    total, weights = 0.0, []
    for rank in range(size):
        total += 1 / (rank + 1) ** 0.9
        weights.append(total)
    return weights


def _synthetic(index: int, rng: random.Random, taken: set[str]) -> Row:
    """A made-up repository for data sets larger than the hand-written catalogue."""
    words = _content()["synthetic"]
    adjective, noun = rng.choice(words["adjectives"]), rng.choice(words["nouns"])
    name = f"{adjective}-{noun}"
    if name in taken:
        name = f"{name}-{index}"
    stack = rng.choice([key for key, languages in _content()["stacks"].items() if languages])
    purpose = rng.choice(words["purposes"])
    return {
        "name": name,
        "stack": stack,
        "description": f"{adjective.capitalize()} {noun} {purpose} (generated demo repository).",
        "topics": sorted(rng.sample([stack, noun, adjective, "demo", "tooling"], rng.randint(0, 4))),
        "license": rng.choice(["mit", "mit", "apache-2.0", "bsd-3-clause", "gpl-3.0", None]),
        "homepage": rng.random() < 0.15,
        "fork": rng.random() < 0.08,
        "archived": rng.random() < 0.05,
    }


def generate(user_repos: int = 30, org_repos: int = 10, *, seed: int = 7) -> DemoData:
    """The demo data set: the viewer's `user_repos` repositories and the organization's `org_repos`.

    The first 30 and 10 are hand-written; beyond that repositories are synthetic. On average a repository
    has about 3 languages and 4 contributors. The same arguments always give the same rows.
    """
    content = _content()
    rng = random.Random(seed)
    build = _Builder(rng)
    viewer = build.account(content["viewer"]["login"], "User", content["viewer"])
    org = build.account(content["organization"]["login"], "Organization", content["organization"])
    bot = build.account(content["bot"], "Bot")
    people: list[str] = content["people"]
    pool_size = max(len(people), (user_repos + org_repos) * 3 // 5)
    pool = [
        build.account(f"{people[i % len(people)]}-demo" + (f"-{i // len(people)}" if i >= len(people) else ""), "User")
        for i in range(pool_size)
    ]
    for owner, catalogue, count, contributor in (
        (viewer, content["user_repositories"], user_repos, viewer),
        (org, content["org_repositories"], org_repos, None),
    ):
        taken: set[str] = set()
        for index in range(count):
            spec = catalogue[index] if index < len(catalogue) else _synthetic(index, rng, taken)
            taken.add(spec["name"])
            repository = build.repository(owner, spec, not_before=owner["created_at"] + timedelta(days=20))
            build.contributions(repository, contributor, bot, pool)
    names = {row["full_name"] for row in build.repositories}
    showcases = [
        {
            "key": entry["repository"].lower(),
            "owner": entry["repository"].split("/")[0],
            "name": entry["repository"].split("/")[1],
            "featured": entry.get("featured", True),
            "hidden": False,
            "position": entry["position"],
            "summary": entry["summary"],
            "demo_url": entry.get("demo_url"),
            "image_url": entry.get("image_url"),
            "video_url": entry.get("video_url"),
            "updated_at": ANCHOR,
        }
        for entry in content["showcase"]
        if entry["repository"] in names
    ]
    ids = {row["full_name"]: row["id"] for row in build.repositories}
    owner_ids = {row["login"]: row["id"] for row in build.contributors}
    pinned_items = [
        {"owner_id": owner_ids[login], "position": position, "repository_id": ids[name]}
        for login, names in content["pins"].items()
        for position, name in enumerate(name for name in names if name in ids)
    ]
    profile = demo_profile(build.contributors, viewer, org, ANCHOR)
    return DemoData(
        viewer=viewer["login"],
        contributors=build.contributors,
        languages=list(build.languages.values()),
        repositories=build.repositories,
        repository_languages=build.repository_languages,
        repository_contributors=build.repository_contributors,
        showcases=showcases,
        pinned_items=pinned_items,
        repository_readmes=demo_readmes(build.repositories, ANCHOR),
        contributed=contributed_rows(viewer, build.repositories, list(build.languages.values()), ANCHOR),
        organization_memberships=profile.organization_memberships,
        owner_statuses=profile.owner_statuses,
        releases=demo_releases(build.repositories, ANCHOR),
        contributions=demo_contributions(viewer, build.repositories, ANCHOR),
    )
