"""A repository's open source license, as GitHub's License type (REST's license object)."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.schema.ids import own_id
from graph.schema.scalars import URI
from graph.schema.types.node import Node


@strawberry.type(description="A repository's open source license.")
class License(Node):
    key: str = strawberry.field(description="The lowercase SPDX-like key, e.g. mit.")
    name: str = strawberry.field(description="The license's full name.")
    spdx_id: str | None = strawberry.field(description="The SPDX identifier, e.g. MIT.")
    url: URI | None = strawberry.field(description="Where the license text is described.")

    @classmethod
    def of(cls, data: dict[str, Any]) -> License:
        key = str(data.get("key") or "other")
        return cls(
            id=strawberry.ID(data.get("node_id") or own_id("License", key)),
            key=key,
            name=str(data.get("name") or key),
            spdx_id=data.get("spdx_id"),
            url=data.get("url"),
        )
