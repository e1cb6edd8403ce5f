"""The planned execution path answers exactly as graphql-core's own path, errors included."""

import gc
from typing import Any

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from db import models
from graph.demo.generator import DEMO_VIEWER
from graph.engine import install
from graph.errors import masked_errors_extension
from graph.schema.query import create_schema
from tests.graph.conftest import make_execute

REPOSITORY_FIELDS = """
  __typename id name nameWithOwner description stargazerCount isFork pushedAt
  owner { __typename login ... on User { name } ... on Organization { description } }
  primaryLanguage { name color }
  languages(first: 3, orderBy: {field: SIZE, direction: ASC}) {
    totalCount totalSize pageInfo { hasNextPage endCursor }
    edges { size cursor node { ...Lang } }
  }
  contributors(first: 2) { totalCount edges { contributions node { login small: avatarUrl(size: 40) } } }
  repositoryTopics(first: 3) { nodes { topic { name } } }
  showcase { featured summary }
"""

DOCUMENTS: list[tuple[str, dict[str, Any]]] = [
    (
        "query($login: String!, $withTopics: Boolean!) { user(login: $login) { login"
        " repositories(first: 100, orderBy: {field: NAME, direction: DESC}) { totalCount nodes { ...Repo"
        " again: repositoryTopics(first: 1) @include(if: $withTopics) { totalCount } } } } }"
        " fragment Repo on Repository {" + REPOSITORY_FIELDS + "} fragment Lang on Language { id name color }",
        {"login": DEMO_VIEWER, "withTopics": True},
    ),
    (  # an argument error inside every item of a list: errors propagate to each nullable item
        "query { user(login: $login) { repositories(first: 5) { nodes { name contributors(first: 101) { totalCount } } } } }".replace(
            "$login", f'"{DEMO_VIEWER}"'
        ),
        {},
    ),
    (  # abstract types at the root and below, nested connections that load on their own
        "query { pinned: user(login: $login) { pinnedItems(first: 6) { nodes { __typename ... on Repository { name"
        " contributors(first: 3) { nodes { login repositories(first: 2) { nodes { name } } } } } } } }"
        " contributors(first: 5) { nodes { login totalContributions } } languages(first: 5) { edges { size node { name } } } }".replace(
            "$login", f'"{DEMO_VIEWER}"'
        ),
        {},
    ),
    (
        "query { repository(owner: $owner, name: $name) { ...Repo } } fragment Repo on Repository {"
        + REPOSITORY_FIELDS
        + "} fragment Lang on Language { id name color }",
        {},
    ),
]


def _schema(planned: bool) -> strawberry.Schema:
    schema = create_schema(extensions=[masked_errors_extension()])
    if planned:
        install(schema)
    return schema


@pytest.fixture
def both(demo_db: async_sessionmaker[AsyncSession], reads: async_sessionmaker[AsyncSession]) -> tuple[Any, Any]:
    return make_execute(_schema(True), demo_db, reads), make_execute(_schema(False), demo_db, reads)


@pytest.mark.parametrize("index", range(len(DOCUMENTS)))
async def test_planned_answers_equal_graphql_cores(both: tuple[Any, Any], index: int) -> None:
    planned, plain = both
    document, variables = DOCUMENTS[index]
    if "$owner" in document:
        document = document.replace("$owner", f'"{DEMO_VIEWER}"').replace("$name", '"tidewatch"')
    expected = await plain(document, variables)
    assert await planned(document, variables) == expected
    assert expected["data"] is not None


async def test_argument_errors_in_a_list_are_reported_once_per_item(both: tuple[Any, Any]) -> None:
    planned, _ = both
    result = await planned(DOCUMENTS[1][0])
    assert result["data"]["user"]["repositories"]["nodes"] == [None] * 5
    assert [error["path"] for error in result["errors"]] == [
        ["user", "repositories", "nodes", index, "contributors"] for index in range(5)
    ]


async def test_a_portfolio_page_runs_a_constant_number_of_graphql_core_fields(
    both: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the fields the planned path cannot take (async root fields) reach graphql-core's per-field path,
    however many repositories the page holds."""
    calls: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_field

    def counted(self: Any, parent_type: Any, source: Any, details: Any, *args: Any) -> Any:
        calls.append(f"{parent_type.name}.{details[0].node.name.value}")
        return original(self, parent_type, source, details, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counted)
    planned, _ = both
    result = await planned(DOCUMENTS[0][0], DOCUMENTS[0][1])
    assert len(result["data"]["user"]["repositories"]["nodes"]) == 30
    assert calls == ["Query.user", "User.repositories"]


async def test_a_requests_rows_are_freed_as_soon_as_its_answer_is_built(both: tuple[Any, Any]) -> None:
    """No repository row of an answered request waits for the cycle collector (the DataLoaders' caches hold
    cycles; they are released with the answer)."""
    planned, _ = both
    document, variables = DOCUMENTS[0]
    await planned(document, variables)
    gc.collect()
    gc.disable()
    try:
        assert len((await planned(document, variables))["data"]["user"]["repositories"]["nodes"]) == 30
        assert not [row for row in gc.get_objects() if isinstance(row, models.Repository)]
    finally:
        gc.enable()
