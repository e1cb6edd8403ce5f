"""Curated showcase data: the one place it is validated and written (the mutation and the YAML file).

Rows are keyed by lower(owner/name) and never touched by a sync, so curation survives a repository
leaving the cache and may precede its first sync.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry import UNSET

from db.data_version import bump_data_version
from db.models import showcase_key
from db.showcase import Showcase
from db.upsert import upsert

MAX_URL_LENGTH = 2_000  # the columns' size
MAX_SUMMARY_LENGTH = 2_000
MAX_SLUG_LENGTH = 100
INT32 = 2**31  # GraphQL's Int

CURATED = ("featured", "hidden", "position", "summary", "demo_url", "image_url", "video_url")
DEFAULTS: dict[str, object] = {
    "featured": False,
    "hidden": False,
    "position": None,
    "summary": None,
    "demo_url": None,
    "image_url": None,
    "video_url": None,
}
_FIELD_BY_NAME = {name: name for name in CURATED} | {to_camel(name): name for name in CURATED}


@dataclass(frozen=True)
class Problem:
    field: str  # as the API and the file spell it: demoUrl
    reason: str
    entry: str | None = None  # in a file: "entry 3 (octocat/hello-world)"

    def __str__(self) -> str:
        where = f"{self.entry}: " if self.entry else ""
        return f"{where}{self.field}: {self.reason}"


class ShowcaseError(ValueError):
    """Showcase data refused; nothing was written. The message names each entry and field at fault."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        self.field = self.problems[0].field
        super().__init__("\n".join(str(problem) for problem in self.problems))


def _check_slug(value: str) -> str:
    # GitHub logins and repository names: letters, digits, '-', '_', '.'; never a path.
    if (
        not value
        or len(value) > MAX_SLUG_LENGTH
        or value in (".", "..")
        or not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in value)
    ):
        raise PydanticCustomError("slug", "must be a GitHub login or repository name (letters, digits, - _ .)")
    return value


def _is_invisible(ch: str) -> bool:
    # Spaces, control and format characters (zero-width, bidi overrides) hide what a link really is.
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def _check_url(value: str) -> str:
    if len(value) > MAX_URL_LENGTH:
        raise PydanticCustomError("url", "must be at most {limit} characters", {"limit": MAX_URL_LENGTH})
    if any(_is_invisible(ch) for ch in value) or "\\" in value:
        raise PydanticCustomError("url", "must not contain spaces, control characters or backslashes")
    try:
        parts = urlsplit(value)
        port_ok = parts.port != 0  # .port raises on a non-numeric or out-of-range port
    except ValueError:
        raise PydanticCustomError("url", "must be an absolute http or https URL with a valid host") from None
    # An explicit `//` check: urlsplit accepts `https:example.com` as a scheme with a path.
    if parts.scheme.lower() not in ("http", "https") or not value[len(parts.scheme) :].startswith("://"):
        raise PydanticCustomError("url", "must be an absolute http or https URL")
    if not parts.hostname or not port_ok:
        raise PydanticCustomError("url", "must be an absolute http or https URL with a valid host")
    if parts.username is not None or parts.password is not None:
        raise PydanticCustomError("url", "must not contain a user name or password")
    return value


def _check_summary(value: str) -> str | None:
    if len(value) > MAX_SUMMARY_LENGTH:
        raise PydanticCustomError("summary", "must be at most {limit} characters", {"limit": MAX_SUMMARY_LENGTH})
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise PydanticCustomError("summary", "must not contain control characters")
    return value if value.strip() else None


Slug = Annotated[StrictStr, AfterValidator(_check_slug)]
Url = Annotated[StrictStr, AfterValidator(_check_url)]
Summary = Annotated[StrictStr, AfterValidator(_check_summary)]
Position = Annotated[StrictInt, Field(ge=-INT32, lt=INT32)]


class ShowcaseEntry(BaseModel):
    """One repository's curated data, complete: a field left out has its default."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, extra="forbid", frozen=True
    )

    owner: Slug
    name: Slug
    featured: StrictBool = False
    hidden: StrictBool = False
    position: Position | None = None
    summary: Summary | None = None
    demo_url: Url | None = None
    image_url: Url | None = None
    video_url: Url | None = None

    @property
    def key(self) -> str:
        return showcase_key(f"{self.owner}/{self.name}")

    def columns(self) -> dict[str, Any]:
        return {"owner": self.owner, "name": self.name} | {name: getattr(self, name) for name in CURATED}

    def is_default(self) -> bool:
        return all(getattr(self, name) == default for name, default in DEFAULTS.items())


def _problems(error: ValidationError, entry: str | None = None) -> list[Problem]:
    problems = []
    for detail in error.errors():
        location = detail["loc"]
        field = to_camel(str(location[0])) if location else "entry"
        reason = "is not a showcase field" if detail["type"] == "extra_forbidden" else detail["msg"]
        problems.append(Problem(field, reason, entry))
    return problems


def _row_columns(row: Showcase) -> dict[str, Any]:
    return {"owner": row.owner, "name": row.name} | {name: getattr(row, name) for name in CURATED}


async def _write(session: AsyncSession, entries: Sequence[ShowcaseEntry], existing: Mapping[str, Showcase]) -> int:
    """Upsert the entries that differ from their rows; bump the data version if any did. Returns that count."""
    now = datetime.now(UTC)
    rows = [
        entry.columns() | {"key": entry.key, "updated_at": now}
        for entry in entries
        if (entry.key in existing and _row_columns(existing[entry.key]) != entry.columns())
        or (entry.key not in existing and not entry.is_default())
    ]
    if rows:
        await upsert(session, Showcase, rows, conflict=["key"])
        await bump_data_version(session)
    return len(rows)


async def update_showcase(session: AsyncSession, owner: str, name: str, changes: Mapping[str, object]) -> Showcase:
    """Apply a partial update: a key left out keeps its value, None clears it (featured/hidden: False).

    `changes` uses the field names (`demo_url`) or the API's (`demoUrl`); strawberry.UNSET counts as left
    out, so an input object's fields can be passed as they are. Everything is validated before
    anything is written; on a bad value this raises ShowcaseError and writes nothing. The repository need
    not be in the cache. The caller commits; the data version is bumped in its transaction when something
    changed.
    """
    changes = {field: value for field, value in changes.items() if value is not UNSET}
    problems = [Problem(str(field), "is not a showcase field") for field in changes if field not in _FIELD_BY_NAME]
    if problems:
        raise ShowcaseError(problems)
    try:
        key = ShowcaseEntry(owner=owner, name=name).key
    except ValidationError as exc:
        raise ShowcaseError(_problems(exc)) from None
    row = await session.get(Showcase, key)
    values: dict[str, object] = dict(DEFAULTS) if row is None else {n: getattr(row, n) for n in CURATED}
    for field, value in changes.items():
        column = _FIELD_BY_NAME[field]
        values[column] = DEFAULTS[column] if value is None else value
    try:
        entry = ShowcaseEntry.model_validate({"owner": owner, "name": name, **values})
    except ValidationError as exc:
        raise ShowcaseError(_problems(exc)) from None
    if await _write(session, [entry], {key: row} if row is not None else {}):
        found = await session.scalars(
            select(Showcase).where(Showcase.key == key).execution_options(populate_existing=True)
        )
        return found.one()
    return row if row is not None else Showcase(key=key, **entry.columns())


class _Dumper(yaml.SafeDumper):
    """Multi-line summaries as `|` blocks, which read and diff well in git."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)

EXPORT_HEADER = (
    "# repofolio showcase: one entry per repository, fields left out have their default.\n"
    "# Fields: featured, hidden, position, summary, demoUrl, imageUrl, videoUrl.\n"
    "# Apply with: repofolio showcase import <this file>\n"
)


async def export_showcase(session: AsyncSession) -> str:
    """The curated data as YAML: entries in owner/name order, each with only its non-default fields."""
    rows = (await session.scalars(select(Showcase).order_by(Showcase.key))).all()
    entries = []
    for row in rows:
        item: dict[str, object] = {"owner": row.owner, "name": row.name}
        for name in CURATED:
            if (value := getattr(row, name)) != DEFAULTS[name]:
                item[to_camel(name)] = value
        if len(item) > 2:  # a row back at every default carries nothing worth keeping
            entries.append(item)
    return EXPORT_HEADER + yaml.dump(
        entries, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def parse_showcase(text: str) -> list[ShowcaseEntry]:
    """Validate a whole showcase file; raise ShowcaseError naming every bad entry and field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ShowcaseError([Problem("file", f"is not valid YAML: {exc}")]) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise ShowcaseError([Problem("file", "must be a YAML list of entries, each with owner and name")])
    entries: list[ShowcaseEntry] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(data, start=1):
        label = f"entry {index}"
        if not isinstance(item, dict):
            problems.append(Problem("entry", "must be a mapping with owner and name", label))
            continue
        owner, name = item.get("owner"), item.get("name")
        if isinstance(owner, str) and isinstance(name, str):
            label = f"entry {index} ({owner}/{name})"
        try:
            entry = ShowcaseEntry.model_validate({k: v for k, v in item.items() if v is not None})
        except ValidationError as exc:
            problems.extend(_problems(exc, label))
            continue
        if entry.key in seen:
            problems.append(Problem("name", f"repeats {seen[entry.key]}", label))
            continue
        seen[entry.key] = label
        entries.append(entry)
    if problems:
        raise ShowcaseError(problems)
    return entries


async def import_showcase(sessionmaker: async_sessionmaker[AsyncSession], text: str) -> ImportResult:
    """Apply a showcase file in one transaction, after validating all of it (a bad entry: nothing written).

    Each entry replaces its repository's curated data (a field left out returns to its default);
    repositories the file doesn't mention are left alone. Importing the same file again changes nothing,
    not even the data version. Entries for repositories not in the cache are stored all the same.
    """
    entries = parse_showcase(text)
    async with sessionmaker() as session, session.begin():
        existing = {row.key: row for row in (await session.scalars(select(Showcase))).all()}
        written = await _write(session, entries, existing)
    created = sum(1 for entry in entries if entry.key not in existing and not entry.is_default())
    return ImportResult(created=created, updated=written - created, unchanged=len(entries) - written)
