"""Query limits, executed against a small throwaway schema with connection-like fields."""

import time
from typing import Any

import pytest
import strawberry
from graphql import get_introspection_query

from graph.schema.limits import query_limit_extensions
from graph.settings import ApiSettings


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def children(
        self, info: strawberry.Info, first: int | None = None, last: int | None = None
    ) -> "ItemConnection | None":
        info.context["calls"] += 1
        size = first or last or 100
        return ItemConnection(nodes=[Item(name=f"{self.name}.{i}") for i in range(min(size, 2))])


@strawberry.type
class ItemConnection:
    nodes: list[Item]


@strawberry.type
class Query:
    @strawberry.field
    def items(self, info: strawberry.Info, first: int | None = None, last: int | None = None) -> ItemConnection:
        info.context["calls"] += 1
        return ItemConnection(nodes=[Item(name="a"), Item(name="b")][: first or last or 100])

    @strawberry.field
    def hello(self, info: strawberry.Info) -> str:
        info.context["calls"] += 1
        return "hi"


class Counted:
    """The schema with the limits; resolvers count their calls, so a test can tell nothing executed."""

    def __init__(self, settings: ApiSettings) -> None:
        self.context = {"calls": 0}
        self.schema = strawberry.Schema(Query, extensions=query_limit_extensions(settings))

    @property
    def calls(self) -> int:
        return self.context["calls"]

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        return await self.schema.execute(query, variable_values=variables, context_value=self.context)


def refused(result: Any, code: str | None = None) -> list[str]:
    assert result.data is None
    assert result.errors
    if code is not None:
        assert code in [(e.extensions or {}).get("code") for e in result.errors], result.errors
    return [e.message for e in result.errors]


@pytest.fixture
def api() -> Counted:
    return Counted(ApiSettings())


async def test_a_small_query_runs(api: Counted) -> None:
    """An ordinary query within every limit executes normally."""
    result = await api.run("{ items(first: 1) { nodes { name children(first: 1) { nodes { name } } } } }")
    assert result.errors is None
    assert result.data == {"items": {"nodes": [{"name": "a", "children": {"nodes": [{"name": "a.0"}]}}]}}


async def test_deep_nesting_through_fragments_is_refused(api: Counted) -> None:
    """Depth counts through fragment spreads: fragments chained past max_depth are refused unexecuted."""
    fragments = "\n".join(
        f"fragment F{i} on Item {{ children(first: 1) {{ nodes {{ ...F{i + 1} }} }} }}" for i in range(10)
    )
    query = "{ items(first: 1) { nodes { ...F0 } } }\n" + fragments + "\nfragment F10 on Item { name }"
    messages = refused(await api.run(query), "MAX_DEPTH_EXCEEDED")
    assert messages == ["The query has depth 23, which exceeds the maximum depth of 15."]
    assert api.calls == 0


async def test_fragment_bomb_is_measured_quickly_and_refused(api: Counted) -> None:
    """Fragments spread twice per level (2^40 expansions) are measured once each, in well under a second."""
    levels = 40
    fragments = "\n".join(
        f"fragment F{i} on Item {{ a: children(first: 1) {{ nodes {{ ...F{i + 1} }} }} "
        f"b: children(first: 1) {{ nodes {{ ...F{i + 1} }} }} }}"
        for i in range(levels)
    )
    query = f"{{ items(first: 1) {{ nodes {{ ...F0 }} }} }}\n{fragments}\nfragment F{levels} on Item {{ name }}"
    started = time.perf_counter()
    result = await api.run(query)
    assert time.perf_counter() - started < 2
    refused(result, "MAX_DEPTH_EXCEEDED")
    refused(result, "MAX_ALIASES_EXCEEDED")
    assert api.calls == 0


async def test_fragment_cycle_is_refused_without_hanging(api: Counted) -> None:
    """A fragment spreading itself is a validation error, not an endless walk."""
    query = "{ items { nodes { ...A } } } fragment A on Item { children { nodes { ...A } } }"
    messages = refused(await api.run(query))
    assert any("Cannot spread fragment 'A' within itself" in m for m in messages)
    assert api.calls == 0


async def test_alias_bomb_is_refused(api: Counted) -> None:
    """More aliases than max_aliases (30) are refused before execution."""
    query = "{ " + " ".join(f"a{i}: hello" for i in range(31)) + " }"
    messages = refused(await api.run(query), "MAX_ALIASES_EXCEEDED")
    assert messages == ["The query uses 31 aliases, which exceeds the maximum of 30."]
    assert api.calls == 0


async def test_aliases_count_every_spread_of_a_fragment(api: Counted) -> None:
    """An aliased fragment spread in many places counts each time it is spread."""
    query = "{ items(first: 1) { nodes { " + " ".join(f"c{i}: children(first: 1) {{ ...X }}" for i in range(5))
    query += " } } } fragment X on ItemConnection { nodes { " + " ".join(f"n{i}: name" for i in range(6)) + " } }"
    refused(await api.run(query), "MAX_ALIASES_EXCEEDED")  # 5 + 5 * 6 = 35 aliases
    assert api.calls == 0


async def test_wide_query_over_the_node_limit_is_refused_before_any_resolver(api: Counted) -> None:
    """100 + 100² + 100³ nodes exceeds GitHub's 500,000 limit; GitHub's message, nothing executed."""
    query = (
        "{ items(first: 100) { nodes { children(first: 100) { nodes { children(last: 100) { nodes { name } } } } } } }"
    )
    messages = refused(await api.run(query), "MAX_NODE_LIMIT_EXCEEDED")
    assert messages == [
        "This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000."
    ]
    assert api.calls == 0


async def test_connections_without_first_or_last_count_as_one_hundred(api: Counted) -> None:
    """A connection given neither first nor last returns 100 items, so it counts 100."""
    query = "{ items { nodes { children { nodes { children { nodes { name } } } } } } }"
    refused(await api.run(query), "MAX_NODE_LIMIT_EXCEEDED")
    assert api.calls == 0


@pytest.mark.parametrize(("limit", "allowed"), [(550, True), (549, False)])
async def test_node_count_is_computed_as_github_does(limit: int, allowed: bool) -> None:
    """GitHub's example: first 50, each with first 10, is 50 + 50 × 10 = 550 nodes (siblings add up)."""
    api = Counted(ApiSettings(max_nodes=limit))
    query = "{ items(first: 50) { nodes { children(first: 10) { nodes { name } } } } hello }"
    result = await api.run(query)
    if allowed:
        assert result.errors is None
    else:
        assert refused(result) == [
            "This query requests up to 550 possible nodes which exceeds the maximum limit of 549."
        ]


async def test_node_count_sums_paths_and_follows_fragments() -> None:
    """Two sibling connections and a fragment: 2 × (10 + 10 × 10) = 220 nodes."""
    api = Counted(ApiSettings(max_nodes=219))
    query = (
        "{ a: items(first: 10) { ...N } b: items(first: 10) { ...N } } "
        "fragment N on ItemConnection { nodes { children(first: 10) { nodes { name } } } }"
    )
    assert refused(await api.run(query)) == [
        "This query requests up to 220 possible nodes which exceeds the maximum limit of 219."
    ]


@pytest.mark.parametrize("argument", ["first", "last"])
async def test_more_than_one_hundred_records_is_refused_like_github(api: Counted, argument: str) -> None:
    """first/last above 100 gets GitHub's message naming the connection and the limit."""
    messages = refused(await api.run(f"{{ items({argument}: 101) {{ nodes {{ name }} }} }}"), "EXCESSIVE_PAGINATION")
    assert messages == [
        f"Requesting 101 records on the `items` connection exceeds the `{argument}` limit of 100 records."
    ]
    assert api.calls == 0


async def test_zero_records_is_refused(api: Counted) -> None:
    """The contract's range is 1..100: 0 is an INVALID_PAGINATION, as a negative count is on GitHub."""
    query = "{ items { nodes { children(first: 0) { nodes { name } } } } }"
    messages = refused(await api.run(query), "INVALID_PAGINATION")
    assert messages == ["`first` on the `children` connection cannot be less than 1."]


async def test_a_negative_count_is_refused_in_githubs_words(api: Counted) -> None:
    """GitHub: type INVALID_PAGINATION, "`last` on the connection cannot be less than zero."."""
    messages = refused(await api.run("{ items(last: -1) { nodes { name } } }"), "INVALID_PAGINATION")
    assert messages == ["`last` on the connection cannot be less than zero."]
    assert api.calls == 0


async def test_variables_are_checked_before_execution(api: Counted) -> None:
    """`first: $n` is checked with the request's variable values, and with the operation's default."""
    query = "query Q($n: Int = 5) { items(first: $n) { nodes { name } } }"
    refused(await api.run(query, {"n": 101}), "EXCESSIVE_PAGINATION")
    assert api.calls == 0
    result = await api.run(query, {"n": 1})
    assert result.errors is None
    assert result.data == {"items": {"nodes": [{"name": "a"}]}}
    assert (await api.run(query)).errors is None
    too_many = "query Q($n: Int = 101) { items(first: $n) { nodes { name } } }"
    refused(await api.run(too_many), "EXCESSIVE_PAGINATION")


async def test_variables_count_towards_the_node_limit() -> None:
    """A page size passed as a variable is multiplied like a literal one."""
    api = Counted(ApiSettings(max_nodes=109))
    query = "query($a: Int, $b: Int) { items(first: $a) { nodes { children(first: $b) { nodes { name } } } } }"
    assert (await api.run(query, {"a": 10, "b": 9})).errors is None
    refused(await api.run(query, {"a": 10, "b": 10}), "MAX_NODE_LIMIT_EXCEEDED")


async def test_a_one_megabyte_query_is_refused_by_the_parser(api: Counted) -> None:
    """A 1 MB document (here mostly whitespace) is refused before it is even tokenised."""
    query = "{ hello }" + " " * 1_000_000
    messages = refused(await api.run(query))
    assert "Source contains more than 100000 code points" in messages[0]
    assert api.calls == 0


async def test_too_many_tokens_are_refused(api: Counted) -> None:
    """A short document with more tokens than max_tokens (5,000) is refused while parsing."""
    query = "{ " + "hello " * 6_000 + "}"
    assert len(query) < 100_000
    messages = refused(await api.run(query))
    assert "Document contains more than 5000 tokens" in messages[0]
    assert api.calls == 0


async def test_too_many_comments_are_refused(api: Counted) -> None:
    """Comments are not tokens, so they have their own cap."""
    query = "#\n" * 6_000 + "{ hello }"
    messages = refused(await api.run(query))
    assert "Document contains more than 5000 comments" in messages[0]


async def test_graphiql_introspection_query_passes_every_limit(api: Counted) -> None:
    """The introspection query GraphiQL sends (nine nested ofType) passes the default limits."""
    for query in (
        get_introspection_query(descriptions=True),
        get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        ),
    ):
        result = await api.run(query)
        assert result.errors is None
        assert result.data["__schema"]["queryType"] == {"name": "Query", "kind": "OBJECT"}


async def test_nested_introspection_is_refused(api: Counted) -> None:
    """Introspection that nests `fields` in `type` again and again is refused (graphql-core's rule)."""
    query = "{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }"
    messages = refused(await api.run(query))
    assert messages == ["Maximum introspection depth exceeded"]


async def test_introspection_can_be_switched_off() -> None:
    """With introspection off, __schema and __type are refused; __typename still works."""
    api = Counted(ApiSettings(introspection=False))
    messages = refused(await api.run(get_introspection_query()))
    assert any("introspection" in m for m in messages)
    refused(await api.run('{ __type(name: "Query") { name } }'))
    assert api.calls == 0
    result = await api.run("{ __typename hello }")
    assert result.errors is None
    assert result.data == {"__typename": "Query", "hello": "hi"}


async def test_limits_follow_the_settings() -> None:
    """Every limit is read from ApiSettings."""
    api = Counted(ApiSettings(max_depth=2, max_aliases=1, max_tokens=20))
    refused(await api.run("{ items(first: 1) { nodes { name } } }"), "MAX_DEPTH_EXCEEDED")
    refused(await api.run("{ a: hello b: hello }"), "MAX_ALIASES_EXCEEDED")
    assert "tokens" in refused(await api.run("{ " + "hello " * 21 + "}"))[0]
    assert (await api.run("{ a: hello }")).errors is None


async def test_a_document_seen_before_is_parsed_once_and_still_checked_with_each_requests_variables(
    api: Counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse and graphql-core's validation are cached by text; the limits walk is not."""
    import graph.schema.limits

    query = "query Q($n: Int) { items(first: $n) { nodes { name } } }"
    assert (await api.run(query, {"n": 1})).errors is None
    validated: list[object] = []
    monkeypatch.setattr(graph.schema.limits, "validate_document", lambda *args: validated.append(args) or [])
    refused(await api.run(query, {"n": 101}), "EXCESSIVE_PAGINATION")
    assert (await api.run(query, {"n": 2})).errors is None
    assert validated == []
    assert api.calls == 1 + 1


async def test_an_invalid_document_is_refused_every_time(api: Counted) -> None:
    for _ in range(2):
        assert refused(await api.run("{ items { nodes { nope } } }"))
    assert api.calls == 0
