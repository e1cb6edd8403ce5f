"""`search(query:, type:)` in GitHub's shape, answered from the cache for `type: REPOSITORY`."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from db import models
from graph.errors import ErrorCode, client_error
from graph.read.keys import prefetch_repositories
from graph.read.pagination import PageArgs, encode_cursor
from graph.read.search import search_repositories
from graph.read.search_syntax import Field, RepositoryQuery, SearchSyntaxError, parse
from graph.schema.context import Context
from graph.schema.types.connection import PageInfo
from graph.schema.types.owner import Organization, User
from graph.schema.types.repository import Repository


@strawberry.enum(description="Represents the individual results of a search.")
class SearchType(Enum):
    DISCUSSION = "DISCUSSION"
    ISSUE = "ISSUE"
    ISSUE_ADVANCED = "ISSUE_ADVANCED"
    ISSUE_HYBRID = "ISSUE_HYBRID"
    ISSUE_SEMANTIC = "ISSUE_SEMANTIC"
    REPOSITORY = "REPOSITORY"
    USER = "USER"


@strawberry.type(description="Represents a single highlight in a search result match.")
class TextMatchHighlight:
    begin_indice: int = strawberry.field(description="The indice in the fragment where the matched text begins.")
    end_indice: int = strawberry.field(description="The indice in the fragment where the matched text ends.")
    text: str = strawberry.field(description="The text matched.")


@strawberry.type(description="A text match within a search result.")
class TextMatch:
    fragment: str = strawberry.field(description="The specific text fragment within the property matched on.")
    highlights: list[TextMatchHighlight] = strawberry.field(description="Highlights within the matched fragment.")
    property: str = strawberry.field(description="The property matched on.")


SearchResultItem = Annotated[
    Organization | Repository | User,
    strawberry.union("SearchResultItem", description="The results of a search (repositories, from the cache)."),
]


@strawberry.type(description="An edge in a connection.")
class SearchResultItemEdge:
    cursor: str = strawberry.field(description="A cursor for use in pagination.")
    node: SearchResultItem | None = strawberry.field(description="The item at the end of the edge.")
    text_matches: list[TextMatch | None] | None = strawberry.field(
        description="Where the query's words were found in the name and description."
    )


@strawberry.type(description="A page of what a search matched; the counts are across all pages.")
class SearchResultItemConnection:
    code_count: int = strawberry.field(description="Always 0: the cache answers repository searches only.")
    discussion_count: int = strawberry.field(description="Always 0: the cache answers repository searches only.")
    edges: list[SearchResultItemEdge | None] | None = strawberry.field(description="A list of edges.")
    issue_count: int = strawberry.field(description="Always 0: the cache answers repository searches only.")
    nodes: list[SearchResultItem | None] | None = strawberry.field(description="A list of nodes.")
    page_info: PageInfo = strawberry.field(description="Information to aid in pagination.")
    repository_count: int = strawberry.field(description="How many repositories the query matches.")
    user_count: int = strawberry.field(description="Always 0: the cache answers repository searches only.")
    wiki_count: int = strawberry.field(description="Always 0: the cache answers repository searches only.")


def text_matches(row: models.Repository, query: RepositoryQuery) -> list[TextMatch | None]:
    """GitHub's text matches for the query's words in the name and description (topics are not fragments)."""
    found: list[TextMatch | None] = []
    for field, fragment in ((Field.NAME, row.name), (Field.DESCRIPTION, row.description or "")):
        if field not in query.fields:
            continue
        lowered = fragment.lower()
        highlights = []
        for word in query.words:
            start = lowered.find(word.text) if not word.negated and word.text else -1
            if start >= 0:
                end = start + len(word.text)
                highlights.append(TextMatchHighlight(begin_indice=start, end_indice=end, text=fragment[start:end]))
        if highlights:
            found.append(TextMatch(fragment=fragment, highlights=highlights, property=field.value))
    return found


async def search(
    info: Info[Context, None],
    query: str,
    type: SearchType,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> SearchResultItemConnection:
    if type is not SearchType.REPOSITORY:
        raise client_error(
            f"`search(type: {type.value})` is not supported: this cache answers `type: REPOSITORY` only.",
            ErrorCode.BAD_USER_INPUT,
        )
    try:
        meaning = parse(query)
    except SearchSyntaxError as exc:
        raise client_error(str(exc), ErrorCode.BAD_USER_INPUT) from exc
    page = PageArgs.parse("search", first, last, after, before)
    async with info.context.reads() as session:
        found = await search_repositories(session, meaning, page)
    await prefetch_repositories(info, [row for row, _ in found.items])
    edges: list[SearchResultItemEdge | None] = [
        SearchResultItemEdge(
            cursor=encode_cursor(position), node=Repository.of(row), text_matches=text_matches(row, meaning)
        )
        for row, position in found.items
    ]
    return SearchResultItemConnection(
        code_count=0,
        discussion_count=0,
        edges=edges,
        issue_count=0,
        nodes=[edge.node for edge in edges if edge is not None],
        page_info=PageInfo.of(found),
        repository_count=found.total_count,
        user_count=0,
        wiki_count=0,
    )
