"""Repository depth fields (issue 13): descriptionHTML, shortDescriptionHTML, forks, stargazers, watchers,
defaultBranchRef, for every demo repository on both engines and both databases."""

import re
from html import escape

import pytest

from graph.schema.description_html import description_html, short_description_html
from tests.graph.conftest import Execute, ok
from tests.graph.expected import Expected

DEPTH = """
query($login: String!, $org: String!) {
  user(login: $login) { repositories(first: 100) { nodes { ...depth } } }
  organization(login: $org) { repositories(first: 100) { nodes { ...depth } } }
}
fragment depth on Repository {
  nameWithOwner
  descriptionHTML
  shortDescriptionHTML
  short: shortDescriptionHTML(limit: 24)
  forkCount
  forks(first: 10) { totalCount nodes { id } pageInfo { hasNextPage } }
  stargazerCount
  stargazers { totalCount }
  watchers(first: 10) { totalCount nodes { id } edges { cursor } }
  defaultBranchRef { name }
}
"""

TIDEWATCH_HTML = (
    "<div>Self-hosted tide and weather dashboard for small harbours "
    '<g-emoji class="g-emoji" alias="ocean" fallback-src="https://github.githubassets.com/images/icons/emoji/'
    'unicode/1f30a.png">🌊</g-emoji> &amp; their &lt;b&gt;crews&lt;/b&gt;.</div>'
)


def plain_html(description: str | None) -> str:
    """GitHub's HTML for a description without emoji: the escaped text in a <div>."""
    assert description is None or (
        re.search(r":[\w+-]+:", description) is None and all(ord(c) < 0x2000 for c in description)
    )
    return f"<div>{escape(description or '', quote=False)}</div>"


async def test_every_repository_answers_its_counts_and_html_descriptions(execute: Execute, expected: Expected) -> None:
    """Each repository's new fields carry what the cache holds: forks, stars and watchers counts with empty
    nodes, its default branch, and its description as GitHub renders it (the emoji one included)."""
    org = next(row for row in expected.data.contributors if row["type"] == "Organization" and row["is_owner"])
    data = await ok(execute, DEPTH, {"login": expected.owner["login"], "org": org["login"]})
    nodes = data["user"]["repositories"]["nodes"] + data["organization"]["repositories"]["nodes"]
    rows = {row["full_name"]: row for row in expected.data.repositories}
    assert sorted(node["nameWithOwner"] for node in nodes) == sorted(rows)
    for node in nodes:
        row = rows[node["nameWithOwner"]]
        description = row["description"]
        html = TIDEWATCH_HTML if row["name"] == "tidewatch" else plain_html(description)
        assert node == {
            "nameWithOwner": row["full_name"],
            "descriptionHTML": html,
            "shortDescriptionHTML": html.removeprefix("<div>").removesuffix("</div>")
            if len(description or "") <= 200
            else node["shortDescriptionHTML"],
            "short": node["short"],
            "forkCount": row["forks_count"],
            "forks": {"totalCount": row["forks_count"], "nodes": [], "pageInfo": {"hasNextPage": False}},
            "stargazerCount": row["stargazers_count"],
            "stargazers": {"totalCount": row["stargazers_count"]},
            "watchers": {"totalCount": row["subscribers_count"], "nodes": [], "edges": []},
            "defaultBranchRef": {"name": row["default_branch"]},
        }, row["full_name"]
        if row["name"] != "tidewatch" and len(description or "") > 24:
            assert node["short"] == escape(description[:23], quote=False) + "…"
    assert any(row["subscribers_count"] > 1 for row in rows.values())


async def test_short_description_limit_below_one_is_a_clear_error(execute: Execute, expected: Expected) -> None:
    """shortDescriptionHTML(limit: 0) answers BAD_USER_INPUT with a message naming the argument, never a 500."""
    query = '{ repository(owner: "%s", name: "tidewatch") { shortDescriptionHTML(limit: 0) } }'
    result = await execute(query % expected.owner["login"])
    assert result["data"] == {"repository": None}
    [error] = result["errors"]
    assert error["message"] == "shortDescriptionHTML's limit must be a positive number."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("description", "html"),
    [
        # Two answers of GitHub's API, verbatim: an emoji character first of several children, a lone shortcode.
        (
            "📚 PaperPlane - An Android reading app, including articles from Zhihu Daily, Guokr Handpick and "
            "Douban Moment. ",
            '<div>\n<g-emoji class="g-emoji" alias="books" fallback-src="https://github.githubassets.com/images/'
            'icons/emoji/unicode/1f4da.png">📚</g-emoji> PaperPlane - An Android reading app, including articles '
            "from Zhihu Daily, Guokr Handpick and Douban Moment. </div>",
        ),
        (
            ":beach_umbrella:",
            '<div><g-emoji class="g-emoji" alias="beach_umbrella" fallback-src="https://github.githubassets.com/'
            'images/icons/emoji/unicode/1f3d6.png">🏖️</g-emoji></div>',
        ),
        (None, "<div></div>"),
        ('Fish & "chips"  <now>\tplease', '<div>Fish &amp; "chips"  &lt;now&gt;\tplease</div>'),
        (
            ":not_an_emoji: and :+1:",
            '<div>:not_an_emoji: and <g-emoji class="g-emoji" alias="+1" fallback-src='
            '"https://github.githubassets.com/images/icons/emoji/unicode/1f44d.png">👍</g-emoji>\n</div>',
        ),  # fmt: skip
        (
            "coding 👨‍💻",
            '<div>coding <g-emoji class="g-emoji" alias="man_technologist" fallback-src="https://github.githubassets'
            '.com/images/icons/emoji/unicode/1f468-1f4bb.png">👨\u200d💻</g-emoji>\n</div>',
        ),
    ],
)
def test_description_html_renders_as_github_does(description: str | None, html: str) -> None:
    """Escaping of &, < and > only, emoji shortcodes and characters as <g-emoji>, libxml2's newlines in the div."""
    assert description_html(description) == html


def test_short_description_html_is_unwrapped_and_cut_with_an_ellipsis() -> None:
    """No <div>, "" for none, and past the limit limit-1 characters (an emoji counts as one) and "…"."""
    assert short_description_html(None, 200) == ""
    assert short_description_html("a <b>", 200) == "a &lt;b&gt;"
    assert short_description_html("abcdef", 6) == "abcdef"
    assert short_description_html("abcdefg", 6) == "abcde…"
    rocket = short_description_html(":rocket:", 5)
    assert short_description_html("ab :rocket: cdef", 5) == f"ab {rocket}…"
