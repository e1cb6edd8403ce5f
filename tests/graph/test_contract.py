from pathlib import Path

import pytest
import strawberry
from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, build_schema
from graphql.utilities import find_breaking_changes

from graph.cli.main import main
from tests.fakes.graphql import github_schema

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "tests" / "contract.graphql"
CONTRIBUTION_TYPES = (
    "ContributionsCollection", "ContributionCalendar", "ContributionCalendarDay", "ContributionCalendarWeek",
    "ContributionCalendarMonth", "CommitContributionsByRepository", "CreatedCommitContributionConnection",
    "CreatedCommitContributionEdge", "CreatedCommitContribution",
)  # fmt: skip
SHARED_CONTRACT = ROOT.parent / "shared" / "contract" / "schema.graphql"
PROFILE_TYPES = (
    "FollowerConnection",
    "FollowingConnection",
    "OrganizationConnection",
    "OrganizationEdge",
    "OrganizationMemberConnection",
    "OrganizationMemberEdge",
    "UserStatus",
)


def test_schema_keeps_every_type_field_and_argument_of_the_contract(schema: strawberry.Schema) -> None:
    """find_breaking_changes(contract, ours) is empty: front-ends written against the contract keep working."""
    changes = find_breaking_changes(build_schema(CONTRACT.read_text()), schema._schema)
    assert [f"{change.type.name}: {change.description}" for change in changes] == []


@pytest.mark.skipif(not SHARED_CONTRACT.exists(), reason="no ../shared checkout beside this clone")
def test_contract_copy_only_adds_to_the_shared_contract() -> None:
    """The copy the tests use keeps every type, field and argument of the contract the project agreed on: it
    may add (new GitHub fields, in GitHub's shape), never drop or narrow."""
    changes = find_breaking_changes(build_schema(SHARED_CONTRACT.read_text()), build_schema(CONTRACT.read_text()))
    assert [f"{change.type.name}: {change.description}" for change in changes] == []


def test_committed_schema_file_matches_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    """`repofolio schema` prints exactly the committed schema.graphql, so drift fails here."""
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "schema.graphql").read_text()


def test_every_type_and_field_is_described(schema: strawberry.Schema) -> None:
    """Users read the schema as documentation: no type or field of ours goes without a description."""
    missing = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert missing == []


def test_the_fields_taken_from_github_have_githubs_exact_shape() -> None:
    """The fields and types the contract copy takes from GitHub (ProfileOwner's fields, pinnedItems, the profile
    fields, repositoriesContributedTo, topRepositories, contributionsCollection, the profile's and the
    contributions' types, and the releases' fields) have the types and arguments of GitHub's published schema
    (@octokit/graphql-schema, as the fake GitHub ships it)."""
    github = github_schema()
    contract = build_schema(CONTRACT.read_text())
    profile = ["followers", "following", "organizations", "status"]
    taken: dict[str, list[str] | None] = {
        "ProfileOwner": None,
        "User": ["pinnedItems", *profile, "repositoriesContributedTo", "topRepositories", "contributionsCollection"],
        "Organization": ["pinnedItems", "membersWithRole"],
        **dict.fromkeys(PROFILE_TYPES),
    }
    taken |= {"Repository": ["latestRelease", "releases"], "Release": None, "ReleaseConnection": None}
    taken |= dict.fromkeys(CONTRIBUTION_TYPES)
    differences = []
    for type_name, names in taken.items():
        ours, theirs = contract.type_map[type_name], github.type_map[type_name]
        assert isinstance(ours, GraphQLInterfaceType | GraphQLObjectType)
        assert isinstance(theirs, GraphQLInterfaceType | GraphQLObjectType)
        for name in names or ours.fields:
            mine, github_field = ours.fields[name], theirs.fields[name]
            shape = (str(mine.type), {arg: str(value.type) for arg, value in mine.args.items()})
            expected = (str(github_field.type), {arg: str(value.type) for arg, value in github_field.args.items()})
            if shape != expected:
                differences.append(f"{type_name}.{name}: {shape} != GitHub's {expected}")
    order, github_order = contract.type_map["OrganizationOrder"], github.type_map["OrganizationOrder"]
    assert isinstance(order, GraphQLInputObjectType) and isinstance(github_order, GraphQLInputObjectType)
    assert {name: str(f.type) for name, f in order.fields.items()} == {
        name: str(f.type) for name, f in github_order.fields.items()
    }
    assert differences == []
    assert all(
        "ProfileOwner" in {i.name for i in github.type_map[name].interfaces} for name in ("User", "Organization")
    )
