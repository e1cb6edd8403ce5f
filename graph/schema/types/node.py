"""The Node and UniformResourceLocatable interfaces, and the URL helpers the types share."""

from __future__ import annotations

from urllib.parse import urlsplit

import strawberry

from graph.schema.scalars import URI


@strawberry.interface(description="An object with a globally unique, stable id.")
class Node:
    id: strawberry.ID = strawberry.field(description="The opaque global id; node(id) finds the object again.")


@strawberry.interface(description="An object with a path and a URL on GitHub.")
class UniformResourceLocatable:
    resource_path: URI = strawberry.field(description="The path of this object on GitHub.")
    url: URI = strawberry.field(description="The URL of this object on GitHub.")


def path_of(url: str) -> str:
    return urlsplit(url).path or "/"


def web_base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "https://github.com"
