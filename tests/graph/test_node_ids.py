"""Every id the API issues finds its object again through node(id:) and nodes(ids:); any other id finds nothing,
with GitHub's NOT_FOUND error."""

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.data_version import bump_data_version
from db.models import showcase_key
from db.showcase import Showcase
from graph.schema.auth import AdminAccess
from tests.graph.conftest import Execute, ok
from tests.sync.conftest import add_run

SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"

# One query that reaches an object of every type with an id, with the fields that tell them apart.
ISSUED = """{
  viewer { id login
    repositories(first: 100) { nodes { id name licenseInfo { id key name spdxId }
      primaryLanguage { id name }
      contributors(first: 1) { nodes { id login } }
      repositoryTopics(first: 1) { nodes { id url topic { id name } } }
      object(expression: "HEAD:README.md") { ... on Blob { id oid } }
      releases(first: 1) { nodes { id tagName } } } } }
  organization(login: "fictional-demo-labs") { id login }
  syncStatus { lastRun { id trigger status } }
}"""

NODE = """query($id: ID!) { node(id: $id) { __typename ...Fields } }
fragment Fields on Node { id
  ... on User { login } ... on Organization { login } ... on Repository { name } ... on Contributor { login }
  ... on Language { name } ... on License { key name spdxId } ... on Topic { name }
  ... on RepositoryTopic { url topic { id name } } ... on SyncRun { trigger status } ... on Blob { oid }
  ... on Release { tagName } }"""

NODES = NODE.replace("query($id: ID!) { node(id: $id)", "query($ids: [ID!]!) { nodes(ids: $ids)")


def own(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def types_with_an_id() -> set[str]:
    """The object types of the printed schema that have an `id` field."""
    found = set()
    for match in re.finditer(r"^type (\w+)[^{]*\{(.*?)^\}", SCHEMA.read_text(), re.MULTILINE | re.DOTALL):
        if re.search(r"^\s+id: ID!$", match.group(2), re.MULTILINE):
            found.add(match.group(1))
    return found


async def issued(execute: Execute, demo_db: async_sessionmaker[AsyncSession]) -> dict[str, dict[str, Any]]:
    """One object of each type, as the API answered it, keyed by type name."""
    await add_run(demo_db, "CLI", status="SUCCEEDED")
    data = await ok(execute, ISSUED)
    repository = next(
        node
        for node in data["viewer"]["repositories"]["nodes"]
        if node["licenseInfo"] and node["repositoryTopics"]["nodes"]
    )
    repository_topic = repository["repositoryTopics"]["nodes"][0]
    readme = next(node["object"] for node in data["viewer"]["repositories"]["nodes"] if node["object"])
    release = next(
        node["releases"]["nodes"][0] for node in data["viewer"]["repositories"]["nodes"] if node["releases"]["nodes"]
    )
    return {
        "User": {"id": data["viewer"]["id"], "login": data["viewer"]["login"]},
        "Organization": data["organization"],
        "Repository": {"id": repository["id"], "name": repository["name"]},
        "Contributor": repository["contributors"]["nodes"][0],
        "Language": repository["primaryLanguage"],
        "License": repository["licenseInfo"],
        "Topic": repository_topic["topic"],
        "RepositoryTopic": repository_topic,
        "SyncRun": data["syncStatus"]["lastRun"],
        "Blob": readme,
        "Release": release,
    }


async def test_every_issued_id_round_trips_through_node_and_nodes(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession]
) -> None:
    """For each type with an id in schema.graphql, node(id:) and nodes(ids:) answer the object it was issued for."""
    objects = await issued(execute, demo_db)
    assert set(objects) == types_with_an_id()
    for typename, answered in objects.items():
        found = (await ok(execute, NODE, {"id": answered["id"]}))["node"]
        assert found["__typename"] == typename
        assert {key: found[key] for key in answered} == answered, typename
    ids = [answered["id"] for answered in objects.values()]
    together = (await ok(execute, NODES, {"ids": ids}))["nodes"]
    assert [(node["__typename"], node["id"]) for node in together] == [(name, o["id"]) for name, o in objects.items()]


INVENTED = [
    "nope",
    "",
    own("Topic:no-repository-has-this"),
    own("Topic:NOT A TOPIC"),
    own("Language:Klingon"),
    own("License:wtfpl"),
    own("Contributor:999999999"),
    own("Contributor:x"),
    own("RepositoryTopic:999999999:demo"),
    own("RepositoryTopic:x"),
    own("SyncRun:999999999"),
    own("Blob:1:0000000000000000000000000000000000000000"),
    own("Blob:x"),
    own("Repository:1"),
    "R_kgDOAAAAAA",
    own("07:License999999"),
]


@pytest.mark.parametrize("node_id", INVENTED)
async def test_an_invented_id_is_null_with_a_not_found_error(execute: Execute, node_id: str) -> None:
    """Garbage, an unknown kind, or a well-formed id of something the cache does not hold: null and NOT_FOUND,
    from node(id:) and at its index in nodes(ids:)."""
    message = f"Could not resolve to a node with the global id of '{node_id}'."
    single = await execute(NODE, {"id": node_id})
    assert single["data"] == {"node": None}
    assert [(e["message"], e["path"], e["extensions"]["code"]) for e in single["errors"]] == [
        (message, ["node"], "NOT_FOUND")
    ]
    several = await execute(NODES, {"ids": ["nope", node_id]})
    assert several["data"] == {"nodes": [None, None]}
    assert [(e["path"], e["extensions"]["code"]) for e in several["errors"]] == [
        (["nodes", 0], "NOT_FOUND"),
        (["nodes", 1], "NOT_FOUND"),
    ]


async def test_a_topic_or_repository_topic_of_a_hidden_repository_is_not_found(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession]
) -> None:
    """Once its repository is hidden, a repository topic's id, and the id of a topic no other repository carries,
    find nothing for the public; the admin still finds the repository topic."""
    query = """{ repositories { nodes { name owner { login } repositoryTopics(first: 20) { nodes { id topic { id name } } } } } }"""
    repositories = (await ok(execute, query))["repositories"]["nodes"]
    carriers: dict[str, int] = {}
    for repository in repositories:
        for node in repository["repositoryTopics"]["nodes"]:
            carriers[node["topic"]["name"]] = carriers.get(node["topic"]["name"], 0) + 1
    repository, applied = next(
        (repository, node)
        for repository in repositories
        for node in repository["repositoryTopics"]["nodes"]
        if carriers[node["topic"]["name"]] == 1
    )
    owner, name = repository["owner"]["login"], repository["name"]
    assert (await ok(execute, NODE, {"id": applied["topic"]["id"]}))["node"]["name"] == applied["topic"]["name"]
    async with demo_db.begin() as session:
        await session.merge(Showcase(key=showcase_key(f"{owner}/{name}"), owner=owner, name=name, hidden=True))
        await bump_data_version(session)
    for node_id in (applied["id"], applied["topic"]["id"]):
        hidden = await execute(NODE, {"id": node_id})
        assert hidden["data"] == {"node": None} and hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    admin = await ok(execute, NODE, {"id": applied["id"]}, access=AdminAccess.ADMIN)
    assert admin["node"]["id"] == applied["id"]
