"""Apollo Client's `possibleTypes`: every interface and union of the schema and the object types behind it.

Without this map Apollo's InMemoryCache cannot tell which fragments on `PinnableItem`, `RepositoryOwner` or
`Node` match an object, and silently drops their fields. `repofolio possible-types` prints it (for a build
step) and `GET /graphql/possible-types` serves it, cacheable: it changes only with the schema.
"""

import hashlib
import json

import strawberry
from fastapi import FastAPI, Request, Response
from graphql import is_abstract_type

from graph.engine import internals

PATH = "/graphql/possible-types"
# An hour, then a revalidation that costs a 304: the map changes only when a new repofolio is deployed.
CACHE_CONTROL = "public, max-age=3600"


def possible_types(schema: strawberry.Schema) -> dict[str, list[str]]:
    """Abstract type name → the sorted names of its concrete types, for every interface and union."""
    core = internals.core_schema(schema)
    return {
        graphql_type.name: sorted(concrete.name for concrete in core.get_possible_types(graphql_type))
        for graphql_type in sorted(core.type_map.values(), key=lambda named: named.name)
        if is_abstract_type(graphql_type)
    }


def possible_types_json(schema: strawberry.Schema) -> str:
    return json.dumps(possible_types(schema), indent=2) + "\n"


def matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison of an If-None-Match list (or `*`) with our ETag."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def add_possible_types(app: FastAPI, schema: strawberry.Schema) -> None:
    """Serve the map at PATH, with a strong ETag of its bytes; If-None-Match with it gets a bodiless 304."""
    body = possible_types_json(schema).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}

    @app.get(PATH, include_in_schema=False)
    async def serve_possible_types(request: Request) -> Response:
        if matches(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)
