from datetime import UTC, datetime
from typing import NewType

import strawberry
from strawberry.schema.config import StrawberryConfig

DateTime = NewType("DateTime", datetime)
URI = NewType("URI", str)


def _serialize_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("DateTime needs a timezone, e.g. 2011-01-26T19:01:12Z")
    return parsed.astimezone(UTC)


def schema_config() -> StrawberryConfig:
    return StrawberryConfig(
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
        }
    )
