"""Git objects the cache holds: a repository's README as a Blob, found by `Repository.object`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from graph.schema.ids import own_id
from graph.schema.scalars import URI, GitObjectID
from graph.schema.types.node import Node

if TYPE_CHECKING:
    from graph.schema.types.repository import Repository

# graph.schema.types.repository imports this module; its Repository is named lazily here.
REPOSITORY = strawberry.lazy("graph.schema.types.repository")


@strawberry.interface(description="A Git object: here only blobs, a repository's README.")
class GitObject:
    abbreviated_oid: str = strawberry.field(description="The object id's first 7 hexadecimal digits.")
    commit_resource_path: URI = strawberry.field(description="The HTTP path for this Git object.")
    commit_url: URI = strawberry.field(description="The HTTP URL for this Git object.")
    id: strawberry.ID = strawberry.field(description="An id for this object in this repository.")
    oid: GitObjectID = strawberry.field(description="The Git object id.")
    repository: Annotated[Repository, REPOSITORY] = strawberry.field(description="The repository it belongs to.")


@strawberry.type(description="A Git blob: the README file of a repository, as the cache holds it.")
class Blob(Node, GitObject):
    byte_size: int = strawberry.field(description="The file's size in bytes, whether or not its text is cut.")
    is_binary: bool | None = strawberry.field(description="Whether the file is binary (its text is then null).")
    is_truncated: bool = strawberry.field(description="Whether `text` holds only the first 512 KiB of the file.")
    text: str | None = strawberry.field(description="The file's UTF-8 text; null for a binary file.")

    @classmethod
    def of(cls, readme: models.RepositoryReadme, repository: Repository, html_url: str) -> Blob:
        oid = readme.oid or ""
        path = f"{html_url.removeprefix('https://github.com')}/commit/{oid}"
        return cls(
            abbreviated_oid=oid[:7],
            byte_size=readme.byte_size or 0,
            commit_resource_path=path,
            commit_url=f"{html_url}/commit/{oid}",
            id=strawberry.ID(own_id("Blob", f"{readme.repository_id}:{oid}")),
            is_binary=readme.is_binary,
            is_truncated=readme.is_truncated,
            oid=oid,
            repository=repository,
            text=readme.text,
        )


def readme_at(
    readme: models.RepositoryReadme | None, default_branch: str | None, expression: str | None, oid: str | None
) -> models.RepositoryReadme | None:
    """The README when `expression` names it as git would — `HEAD:<path>`, `<default branch>:<path>` or
    `refs/heads/<default branch>:<path>`, the path exactly (case-sensitive) — or `oid` is its object id."""
    if readme is None or readme.status != 200 or not readme.path:
        return None
    if oid is not None:
        return readme if expression is None and oid.lower() == readme.oid else None
    if expression is None:
        return None
    revision, colon, path = expression.partition(":")
    branches = {"HEAD"} | ({default_branch, f"refs/heads/{default_branch}"} if default_branch else set())
    return readme if colon and revision in branches and path == readme.path else None
