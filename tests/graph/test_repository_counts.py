"""Repository.issues(states:) and Repository.pullRequests(states:) (issue 13): totalCount by state from the
cache, on both engines and both databases, with GitHub's exact shape; filters the cache cannot honour and
counts it does not hold are clear errors, never a wrong number."""

import itertools
from typing import Any

import pytest
from graphql import GraphQLObjectType

from tests.fakes.graphql import github_schema
from tests.graph.conftest import Execute, ok
from tests.graph.expected import Expected

ISSUES = {"OPEN": "open_issues", "CLOSED": "closed_issues"}
PULLS = {"OPEN": "open_pull_requests", "CLOSED": "closed_pull_requests", "MERGED": "merged_pull_requests"}


def subsets(states: dict[str, str]) -> list[tuple[str, ...]]:
    return [c for n in range(len(states) + 1) for c in itertools.combinations(states, n)]


def field(name: str, alias: str, states: tuple[str, ...]) -> str:
    arguments = f"(states: [{', '.join(states)}])" if states else ""
    return f"{alias}: {name}{arguments} {{ totalCount nodes {{ number }} pageInfo {{ hasNextPage endCursor }} }}"


async def test_every_demo_repository_answers_each_set_of_states_with_the_sum_it_holds(
    execute: Execute, expected: Expected
) -> None:
    """For every set of states (none: every state), totalCount is the sum of the stored counts; nodes are
    empty and no page follows."""
    issue_sets, pull_sets = subsets(ISSUES), subsets(PULLS)
    fields = [field("issues", f"i{i}", s) for i, s in enumerate(issue_sets)]
    fields += [field("pullRequests", f"p{i}", s) for i, s in enumerate(pull_sets)]
    query = "query($login: String!) { user(login: $login) { repositories(first: 100) { nodes { nameWithOwner %s } } } }"
    data = await ok(execute, query % " ".join(fields), {"login": expected.owner["login"]})
    rows = {row["full_name"]: row for row in expected.data.repositories}
    empty = {"nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    for node in data["user"]["repositories"]["nodes"]:
        row = rows[node["nameWithOwner"]]
        want: dict[str, Any] = {"nameWithOwner": row["full_name"]}
        for i, states in enumerate(issue_sets):
            want[f"i{i}"] = {"totalCount": sum(row[ISSUES[s]] for s in states or ISSUES), **empty}
        for i, states in enumerate(pull_sets):
            want[f"p{i}"] = {"totalCount": sum(row[PULLS[s]] for s in states or PULLS), **empty}
        assert node == want
    assert any(row["open_issues"] and row["merged_pull_requests"] for row in rows.values())


async def test_filter_by_states_is_honoured_with_states_and_other_filters_are_refused(
    execute: Execute, expected: Expected
) -> None:
    """filterBy.states narrows like states (both given: an issue must be in both); labels, an assignee or a
    branch would need the issues themselves, so they are a BAD_USER_INPUT error naming the filter."""
    row = max(expected.data.repositories, key=lambda r: r["open_issues"] + r["closed_issues"])
    owner, name = row["full_name"].split("/")
    query = (
        "query($o: String!, $n: String!) { repository(owner: $o, name: $n) {"
        " a: issues(filterBy: {states: [CLOSED]}) { totalCount }"
        " b: issues(states: [OPEN, CLOSED], filterBy: {states: [OPEN], viewerSubscribed: false}) { totalCount }"
        " c: issues(states: [OPEN], filterBy: {states: [CLOSED]}) { totalCount }"
        " d: pullRequests(first: 5, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount } } }"
    )
    where = {"o": owner, "n": name}
    data = await ok(execute, query, where)
    pulls = sum(row[c] for c in PULLS.values())
    assert data["repository"] == {
        "a": {"totalCount": row["closed_issues"]},
        "b": {"totalCount": row["open_issues"]},
        "c": {"totalCount": 0},
        "d": {"totalCount": pulls},
    }
    for selection, refused in (
        ('issues(labels: ["bug"])', "labels"),
        ('issues(filterBy: {assignee: "octocat"})', "assignee"),
        ('pullRequests(baseRefName: "main")', "baseRefName"),
    ):
        one = "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { " + selection + " { totalCount } } }"
        result = await execute(one, where)
        assert result["data"] == {"repository": None}
        [error] = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"].endswith(
            f"can only be filtered by states here (the cache keeps counts by state), not by {refused}."
        )


@pytest.mark.parametrize(
    ("type_name", "fields"),
    [
        ("Repository", ["issues", "pullRequests"]),
        ("IssueConnection", ["nodes", "pageInfo", "totalCount"]),
        ("PullRequestConnection", ["nodes", "pageInfo", "totalCount"]),
    ],
)
def test_the_counts_have_githubs_exact_types_and_arguments(schema: Any, type_name: str, fields: list[str]) -> None:
    """Names, types, nullability and every argument as in GitHub's published schema (@octokit/graphql-schema)."""
    ours, theirs = schema._schema.type_map[type_name], github_schema().type_map[type_name]
    assert isinstance(ours, GraphQLObjectType) and isinstance(theirs, GraphQLObjectType)
    for name in fields:
        mine, github = ours.fields[name], theirs.fields[name]
        assert (str(mine.type), {a: str(v.type) for a, v in mine.args.items()}) == (
            str(github.type),
            {a: str(v.type) for a, v in github.args.items()},
        ), name
    for enum in ("IssueState", "PullRequestState", "IssueOrderField"):
        assert set(schema._schema.type_map[enum].values) == set(github_schema().type_map[enum].values)
    filters = {n: str(f.type) for n, f in schema._schema.type_map["IssueFilters"].fields.items()}
    assert filters == {n: str(f.type) for n, f in github_schema().type_map["IssueFilters"].fields.items()}
