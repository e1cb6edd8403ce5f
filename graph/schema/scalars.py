"""The schema's custom scalars (DateTime, URI, HTML, GitObjectID) and the Strawberry config that maps them."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, NewType, TypeAlias

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter

if TYPE_CHECKING:
    # Values of these fields are plain datetimes and strings, built from rows as they are; the NewTypes only
    # name the GraphQL scalars (in `scalar_map` below), so to the type checker they are the plain types.
    DateTime: TypeAlias = datetime
    URI: TypeAlias = str
    HTML: TypeAlias = str
    GitObjectID: TypeAlias = str
else:
    DateTime = NewType("DateTime", datetime)
    URI = NewType("URI", str)
    HTML = NewType("HTML", str)
    GitObjectID = NewType("GitObjectID", str)


def _serialize_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("DateTime needs a timezone, e.g. 2011-01-26T19:01:12Z")
    return parsed.astimezone(UTC)


class CachedNameConverter(NameConverter):
    """Strawberry's names, each converted once: it converts every argument's name at every call of every
    field with arguments (thousands a portfolio query)."""

    def __init__(self) -> None:
        super().__init__(auto_camel_case=True)
        self._names: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        found = self._names.get(name)
        if found is None:
            found = self._names[name] = super().apply_naming_config(name)
        return found


def schema_config() -> StrawberryConfig:
    return StrawberryConfig(
        name_converter=CachedNameConverter(),
        scalar_map={
            DateTime: strawberry.scalar(
                name="DateTime",
                description="An ISO-8601 instant in UTC, to the second, e.g. 2011-01-26T19:01:12Z.",
                serialize=_serialize_datetime,
                parse_value=_parse_datetime,
            ),
            URI: strawberry.scalar(
                name="URI",
                description="An RFC 3986 URI, e.g. https://github.com/octocat.",
                serialize=str,
                parse_value=str,
            ),
            GitObjectID: strawberry.scalar(
                name="GitObjectID",
                description="A Git object ID: 40 hexadecimal digits.",
                serialize=str,
                parse_value=str,
            ),
            HTML: strawberry.scalar(
                name="HTML",
                description="A string of HTML, as GitHub renders it.",
                serialize=str,
                parse_value=str,
            ),
        },
    )
