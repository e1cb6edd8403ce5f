"""Repository.object(expression:) answers the README the cache holds as a Blob (issue 13), on both engines
and both databases (its statement count: tests/graph/test_statement_count.py)."""

from tests.graph.conftest import Execute, ok
from tests.graph.expected import Expected

README = """
query($login: String!, $upper: String!, $lower: String!, $branch: String!) {
  user(login: $login) {
    repositories(first: 100) {
      nodes {
        name
        upper: object(expression: $upper) { ...blob }
        lower: object(expression: $lower) { ...blob }
        branch: object(expression: $branch) { __typename }
        commit: object(expression: "HEAD") { __typename }
      }
    }
  }
}
fragment blob on Blob {
  __typename text byteSize isBinary isTruncated oid abbreviatedOid commitUrl repository { name }
}
"""


def blob(readme: dict, name: str, html_url: str) -> dict:
    return {
        "__typename": "Blob",
        "text": readme["text"],
        "byteSize": readme["byte_size"],
        "isBinary": False,
        "isTruncated": False,
        "oid": readme["oid"],
        "abbreviatedOid": readme["oid"][:7],
        "commitUrl": f"{html_url}/commit/{readme['oid']}",
        "repository": {"name": name},
    }


async def test_head_expressions_answer_the_readme_by_its_exact_path(execute: Execute, expected: Expected) -> None:
    """HEAD:README.md is the README only where git spells it so (readme.md answers HEAD:readme.md), a
    repository without one answers null, and an expression naming no file (HEAD) is null too."""
    variables = {"login": expected.owner["login"], "upper": "HEAD:README.md", "lower": "HEAD:readme.md"}
    data = await ok(execute, README, {**variables, "branch": "nope:README.md"})
    readmes = {row["repository_id"]: row for row in expected.data.repository_readmes}
    rows = {row["name"]: row for row in expected.repositories(expected.owner["id"])}
    nodes = data["user"]["repositories"]["nodes"]
    assert {node["name"] for node in nodes} == set(rows)
    paths = set()
    for node in nodes:
        row = rows[node["name"]]
        readme = readmes[row["id"]]
        paths.add(readme["path"])
        found = blob(readme, row["name"], row["html_url"]) if readme["status"] == 200 else None
        assert node == {
            "name": row["name"],
            "upper": found if readme["path"] == "README.md" else None,
            "lower": found if readme["path"] == "readme.md" else None,
            "branch": None,
            "commit": None,
        }
    assert paths == {"README.md", "readme.md", None}  # each case is on the page


async def test_the_default_branch_name_and_the_oid_find_the_readme_too(execute: Execute, expected: Expected) -> None:
    """`<default branch>:<path>` and `oid:` answer the same Blob; another branch or oid answers null."""
    readme = next(r for r in expected.data.repository_readmes if r["status"] == 200 and r["path"] == "README.md")
    row = next(r for r in expected.data.repositories if r["id"] == readme["repository_id"])
    query = """query($owner: String!, $name: String!, $branch: String!, $oid: GitObjectID!) {
      repository(owner: $owner, name: $name) {
        branch: object(expression: $branch) { oid }
        other: object(expression: "gh-pages:README.md") { oid }
        byOid: object(oid: $oid) { oid }
        otherOid: object(oid: "0000000000000000000000000000000000000000") { oid }
      }
    }"""
    owner, name = row["full_name"].split("/")
    variables = {"owner": owner, "name": name, "branch": f"{row['default_branch']}:README.md", "oid": readme["oid"]}
    data = await ok(execute, query, variables)
    oid = {"oid": readme["oid"]}
    assert data["repository"] == {"branch": oid, "other": None, "byOid": oid, "otherOid": None}
