"""The query the README shows a newcomer answers over the demo data, without errors."""

import re
from pathlib import Path

from graph.demo.generator import DEMO_VIEWER
from tests.graph.conftest import Execute, ok

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_readme_portfolio_query_answers_over_the_demo_data(execute: Execute) -> None:
    documents = re.findall(r"```graphql\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert documents, "the README shows no GraphQL query"
    data = await ok(execute, documents[0], {"login": DEMO_VIEWER})
    user = data["user"]
    assert user["repositories"]["totalCount"] == 30 and len(user["repositories"]["nodes"]) == 30
    assert [node["name"] for node in user["pinnedItems"]["nodes"]]
    assert "s=200" in user["avatarUrl"]
