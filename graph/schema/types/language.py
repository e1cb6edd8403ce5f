"""Language types: a repository's languages and the totals across the cache."""

from __future__ import annotations

from functools import lru_cache

import strawberry

from db import models
from graph.read.pagination import Page
from graph.schema.ids import own_id
from graph.schema.types.connection import PageInfo, connection
from graph.schema.types.node import Node


@strawberry.type(description="A programming language, with GitHub Linguist's color.")
class Language(Node):
    color: str | None = strawberry.field(description="The color Linguist gives the language, e.g. #3572A5.")
    name: str = strawberry.field(description="The language's name.")

    @classmethod
    def of(cls, row: models.Language) -> Language:
        return _language(row.name, row.color)


@lru_cache(maxsize=4_096)  # a value: pages repeat the same few languages on every repository
def _language(name: str, color: str | None) -> Language:
    return Language(id=strawberry.ID(own_id("Language", name)), color=color, name=name)


def language_or_none(row: models.Language | None) -> Language | None:
    return Language.of(row) if row is not None else None


@strawberry.type(description="A language's share of a repository.")
class LanguageEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Language = strawberry.field(description="The language.")
    size: int = strawberry.field(description="Bytes of this language in the repository.")


@strawberry.type(description="The languages of a repository, largest first by default.")
class LanguageConnection:
    edges: list[LanguageEdge | None] | None = strawberry.field(description="The languages with their sizes.")
    nodes: list[Language | None] | None = strawberry.field(description="The languages on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many languages the repository has.")
    total_size: int = strawberry.field(description="Bytes of code across all the repository's languages.")

    @classmethod
    def of(cls, page: Page[tuple[models.Language, int]]) -> LanguageConnection:
        return cls(
            **connection(
                page, lambda item, cursor: LanguageEdge(cursor=cursor, node=Language.of(item[0]), size=item[1])
            ),
            total_size=page.total_size,
        )


@strawberry.type(description="A language's total across cached repositories.")
class LanguageStatEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Language = strawberry.field(description="The language.")
    repository_count: int = strawberry.field(description="How many repositories use the language.")
    size: float = strawberry.field(description="Bytes of the language across those repositories.")


@strawberry.type(description="Languages across cached repositories, by total bytes.")
class LanguageStatConnection:
    edges: list[LanguageStatEdge | None] | None = strawberry.field(description="Languages with their totals.")
    nodes: list[Language | None] | None = strawberry.field(description="The languages on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many languages appear.")
    total_size: float = strawberry.field(description="Bytes across all languages (Float: sums outgrow Int).")
