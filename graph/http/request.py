"""The one reading of a GraphQL-over-HTTP request's fields, shared by the router and the cache-hit path."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import orjson

# The fields of a request and what each must be when present; (name, kind, how the error names it).
FIELDS: tuple[tuple[str, type | tuple[type, ...], str], ...] = (
    ("operationName", str, "a string"),
    ("query", str, "a string"),
    ("variables", dict, "an object"),
    ("extensions", dict, "an object"),
)


def field_error(data: Mapping[str, Any]) -> str | None:
    """Why the request's fields are malformed (the message a client gets with a 400), or None when they are not."""
    for name, kind, article in FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            return f"The GraphQL operation's `{name}` must be {article} or null, if provided."
    return None


def plain_request(method: str, query_string: bytes, body: bytes) -> dict[str, Any] | None:
    """query, variables, operationName and extensions of a GET's query string or a POST's JSON body; None
    when the request is not a well-formed single operation (whoever answers it then explains why)."""
    try:
        if method == "GET":
            params = dict(parse_qsl(query_string.decode("latin-1")))
            data: Any = {
                "query": params.get("query"),
                "operationName": params.get("operationName"),
                "variables": orjson.loads(params["variables"]) if params.get("variables") else None,
                "extensions": orjson.loads(params["extensions"]) if params.get("extensions") else None,
            }
        else:
            data = orjson.loads(body)
    except (orjson.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or field_error(data) is not None:
        return None
    return data
