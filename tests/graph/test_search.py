"""search(type: REPOSITORY) over a cache synced from the fake GitHub, checked against the fake's own payloads.

The expected answers come from `expected()`: a filter written out per case over the fake's repository payloads
and the documented order, not from the code under test.
"""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.showcase import Showcase
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import refresh
from sync.settings import SyncSettings
from tests.databases import Template, register, unless_copied
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.graph.conftest import Execute, make_execute, ok
from tests.graph.statements import statements_sent
from tests.sync.conftest import TOKEN

Payload = dict[str, Any]
T0 = datetime(2021, 6, 1, tzinfo=UTC)

SEARCH = """
query($q: String!, $first: Int, $after: String, $last: Int, $before: String) {
  search(query: $q, type: REPOSITORY, first: $first, after: $after, last: $last, before: $before) {
    repositoryCount codeCount issueCount userCount wikiCount discussionCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ... on Repository { nameWithOwner } } textMatches { property fragment
      highlights { beginIndice endIndice text } } }
    nodes { ... on Repository { nameWithOwner } }
  }
}
"""


def build_fake() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat")
    fake.add_org("acme", name="Acme")
    day = timedelta(days=1)
    fake.add_repo(
        "octocat",
        "portfolio",
        description="My Portfolio site",
        language_bytes={"TypeScript": 900},
        stargazers=40,
        forks=3,
        topics=["portfolio", "website"],
        size=1200,
        created_at=T0,
        pushed_at=T0 + 30 * day,
    )
    fake.add_repo(
        "octocat",
        "hello",
        description="Hello world in Python, a portfolio piece",
        language_bytes={"Python": 500},
        stargazers=40,
        forks=10,
        topics=["demo"],
        size=80,
        created_at=T0 + day,
        pushed_at=T0 + 2 * day,
    )
    fake.add_repo(
        "octocat",
        "rust-tool",
        description="A tool",
        language_bytes={"Rust": 700},
        stargazers=5,
        topics=["cli", "rust", "tool"],
        size=300,
        created_at=T0 + 2 * day,
        pushed_at=T0 + 10 * day,
    )
    fake.add_repo(
        "octocat",
        "old-project",
        description=None,
        archived=True,
        language_bytes={"Go": 10},
        stargazers=1,
        created_at=T0 + 3 * day,
        pushed_at=None,
    )
    fake.add_repo("octocat", "template-kit", is_template=True, stargazers=2, created_at=T0 + 4 * day)
    fake.add_repo("octocat", "forked-lib", fork=True, language_bytes={"Python": 50}, stargazers=7, topics=["portfolio"])
    fake.add_repo("octocat", "hidden-thing", description="portfolio but hidden", stargazers=99)
    fake.add_repo("octocat", "secret", private=True, description="portfolio secret")
    fake.add_repo(
        "acme",
        "anvil",
        description="Rust anvils for everyone",
        language_bytes={"Rust": 500},
        stargazers=12,
        forks=1,
        topics=["rust"],
        size=5000,
        created_at=T0 + 5 * day,
        pushed_at=T0 + 40 * day,
    )
    fake.add_repo("acme", "Portfolio", description="acme's portfolio", stargazers=0, forks=0, created_at=T0)
    return fake


async def sync_fake(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """The database a sync of build_fake() leaves, with octocat/hidden-thing hidden from the showcase."""
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,acme", retry_backoff=0.01)
    async with create_http_client(settings, transport=httpx.MockTransport(build_fake().handle)) as http:
        await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI")
    async with sessionmaker() as session, session.begin():
        session.add(Showcase(key="octocat/hidden-thing", owner="octocat", name="hidden-thing", hidden=True))


# Synced once a session: each test starts from a copy (tests/databases.py).
SYNCED = register("synced", Template("search", sync_fake))


@pytest.fixture
async def synced(
    request: pytest.FixtureRequest,
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
    schema: strawberry.Schema,
) -> AsyncIterator[tuple[Execute, list[Payload]]]:
    await unless_copied(request, SYNCED, sessionmaker)
    fake = build_fake()
    public = [
        fake.repo_json(r.owner.login, r.name) for r in fake.repos_by_id.values() if not r.private and not r.deleted
    ]
    visible = [p for p in public if p["full_name"] != "octocat/hidden-thing"]
    yield make_execute(schema, sessionmaker, reads), visible


def day_of(stamp: str | None) -> str | None:
    return stamp[:10] if stamp else None


def default_order(words: tuple[str, ...] = ()) -> Callable[[Payload], Any]:
    return lambda p: (
        0 if p["name"].lower() in words else 1,
        -p["stargazers_count"],
        p["name"].lower(),
        p["full_name"].lower(),
        p["id"],
    )


def text(p: Payload, word: str, fields: tuple[str, ...] = ("name", "description", "topics")) -> bool:
    haystacks = {"name": p["name"], "description": p["description"] or "", "topics": " ".join(p["topics"])}
    return any(word in haystacks[f].lower() for f in fields)


def not_fork(p: Payload) -> bool:
    return not p["fork"]


# (query, which payloads match, order key): the filters as GitHub documents them, written over payloads.
CASES: list[tuple[str, Callable[[Payload], bool], Callable[[Payload], Any]]] = [
    ("user:octocat", lambda p: p["owner"]["login"] == "octocat" and not_fork(p), default_order()),
    ("org:ACME", lambda p: p["owner"]["login"] == "acme", default_order()),
    ("user:octocat user:acme", not_fork, default_order()),
    ("-user:octocat", lambda p: p["owner"]["login"] != "octocat" and not_fork(p), default_order()),
    ("repo:octocat/hello", lambda p: p["full_name"] == "octocat/hello", default_order()),
    ("topic:rust", lambda p: "rust" in p["topics"] and not_fork(p), default_order()),
    ("topic:rust topic:cli", lambda p: {"rust", "cli"} <= set(p["topics"]) and not_fork(p), default_order()),
    ("-topic:rust", lambda p: "rust" not in p["topics"] and not_fork(p), default_order()),
    ("topics:>=2", lambda p: len(p["topics"]) >= 2 and not_fork(p), default_order()),
    ("language:rust", lambda p: p["language"] == "Rust" and not_fork(p), default_order()),
    ("language:rust language:python", lambda p: p["language"] in ("Rust", "Python") and not_fork(p), default_order()),
    ("-language:rust", lambda p: p["language"] != "Rust" and not_fork(p), default_order()),
    ("fork:true", lambda p: True, default_order()),
    ("fork:only", lambda p: p["fork"], default_order()),
    ("archived:true", lambda p: p["archived"] and not_fork(p), default_order()),
    ("archived:false", lambda p: not p["archived"] and not_fork(p), default_order()),
    ("-archived:true", lambda p: not p["archived"] and not_fork(p), default_order()),
    ("is:public", not_fork, default_order()),
    ("is:private", lambda p: False, default_order()),
    ("is:template", lambda p: p["is_template"] and not_fork(p), default_order()),
    ("-is:template", lambda p: not p["is_template"] and not_fork(p), default_order()),
    ("stars:40", lambda p: p["stargazers_count"] == 40 and not_fork(p), default_order()),
    ("stars:>5", lambda p: p["stargazers_count"] > 5 and not_fork(p), default_order()),
    ("stars:>=5", lambda p: p["stargazers_count"] >= 5 and not_fork(p), default_order()),
    ("stars:<5", lambda p: p["stargazers_count"] < 5 and not_fork(p), default_order()),
    ("stars:1..12", lambda p: 1 <= p["stargazers_count"] <= 12 and not_fork(p), default_order()),
    ("-stars:>5", lambda p: p["stargazers_count"] <= 5 and not_fork(p), default_order()),
    ("forks:>=3", lambda p: p["forks_count"] >= 3 and not_fork(p), default_order()),
    ("size:100..2000", lambda p: 100 <= p["size"] <= 2000 and not_fork(p), default_order()),
    ("size:<=80", lambda p: p["size"] <= 80 and not_fork(p), default_order()),
    ("pushed:>2021-06-10", lambda p: (day_of(p["pushed_at"]) or "") > "2021-06-10" and not_fork(p), default_order()),
    ("pushed:2021-06-03", lambda p: day_of(p["pushed_at"]) == "2021-06-03" and not_fork(p), default_order()),
    (
        "created:2021-06-02..2021-06-05",
        lambda p: "2021-06-02" <= day_of(p["created_at"]) <= "2021-06-05" and not_fork(p),  # type: ignore[operator]
        default_order(),
    ),
    ("created:<2021-06-02", lambda p: day_of(p["created_at"]) < "2021-06-02" and not_fork(p), default_order()),  # type: ignore[operator]
    ("portfolio", lambda p: text(p, "portfolio") and not_fork(p), default_order(("portfolio",))),
    ("PORTFOLIO in:name", lambda p: text(p, "portfolio", ("name",)) and not_fork(p), default_order(("portfolio",))),
    (
        "portfolio in:description",
        lambda p: text(p, "portfolio", ("description",)) and not_fork(p),
        default_order(("portfolio",)),
    ),
    ("website in:topic", lambda p: text(p, "website", ("topics",)) and not_fork(p), default_order(("website",))),
    ('"hello world"', lambda p: text(p, "hello world") and not_fork(p), default_order(("hello world",))),
    (
        "portfolio NOT site",
        lambda p: text(p, "portfolio") and not text(p, "site") and not_fork(p),
        default_order(("portfolio",)),
    ),
    ("rust_", lambda p: False, default_order()),  # _ is no wildcard
    (
        "user:octocat fork:true portfolio in:name",
        lambda p: p["owner"]["login"] == "octocat" and text(p, "portfolio", ("name",)),
        default_order(("portfolio",)),
    ),
    (
        "org:acme language:Rust sort:stars",
        lambda p: p["owner"]["login"] == "acme" and p["language"] == "Rust",
        lambda p: (-p["stargazers_count"], p["name"].lower(), p["full_name"].lower()),
    ),
    ("sort:stars", not_fork, lambda p: (-p["stargazers_count"], p["name"].lower(), p["full_name"].lower())),
    ("sort:stars-asc", not_fork, lambda p: (p["stargazers_count"], p["name"].lower(), p["full_name"].lower())),
    ("sort:forks", not_fork, lambda p: (-p["forks_count"], p["name"].lower(), p["full_name"].lower())),
    ("sort:forks-asc", not_fork, lambda p: (p["forks_count"], p["name"].lower(), p["full_name"].lower())),
    (
        "sort:updated",
        not_fork,
        lambda p: (-datetime.fromisoformat(p["updated_at"]).timestamp(), p["name"].lower(), p["full_name"].lower()),
    ),
    ("sort:updated-asc", not_fork, lambda p: (p["updated_at"], p["name"].lower(), p["full_name"].lower())),
]


def expected(payloads: list[Payload], matches: Callable[[Payload], bool], key: Callable[[Payload], Any]) -> list[str]:
    return [p["full_name"] for p in sorted(filter(matches, payloads), key=key)]


@pytest.mark.parametrize(("q", "matches", "key"), CASES, ids=[q for q, _, _ in CASES])
async def test_search_finds_what_github_would_in_the_order_documented(
    synced: tuple[Execute, list[Payload]], q: str, matches: Callable[[Payload], bool], key: Callable[[Payload], Any]
) -> None:
    execute, payloads = synced
    want = expected(payloads, matches, key)
    data = (await ok(execute, SEARCH, {"q": q}))["search"]
    assert [n["nameWithOwner"] for n in data["nodes"]] == want
    assert data["repositoryCount"] == len(want)
    assert [data[c] for c in ("codeCount", "issueCount", "userCount", "wikiCount", "discussionCount")] == [0] * 5


async def test_hidden_and_private_repositories_never_appear(synced: tuple[Execute, list[Payload]]) -> None:
    execute, _ = synced
    data = (await ok(execute, SEARCH, {"q": "portfolio fork:true"}))["search"]
    names = [n["nameWithOwner"] for n in data["nodes"]]
    assert "octocat/hidden-thing" not in names and "octocat/secret" not in names
    assert data["repositoryCount"] == len(names)


@pytest.mark.parametrize("size", [1, 2, 3])
async def test_paging_forwards_and_backwards_walks_the_whole_order_once(
    synced: tuple[Execute, list[Payload]], size: int
) -> None:
    execute, payloads = synced
    want = expected(payloads, lambda p: True, default_order())
    forwards: list[str] = []
    after = None
    while True:
        data = (await ok(execute, SEARCH, {"q": "fork:true", "first": size, "after": after}))["search"]
        forwards += [n["nameWithOwner"] for n in data["nodes"]]
        assert data["repositoryCount"] == len(want)
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    backwards: list[str] = []
    before = None
    while True:
        data = (await ok(execute, SEARCH, {"q": "fork:true", "last": size, "before": before}))["search"]
        backwards = [n["nameWithOwner"] for n in data["nodes"]] + backwards
        if not data["pageInfo"]["hasPreviousPage"]:
            break
        before = data["pageInfo"]["startCursor"]
    assert forwards == want
    assert backwards == want


async def test_text_matches_show_where_the_words_were_found(synced: tuple[Execute, list[Payload]]) -> None:
    execute, _ = synced
    data = (await ok(execute, SEARCH, {"q": "repo:octocat/portfolio portfolio"}))["search"]
    assert data["edges"][0]["textMatches"] == [
        {
            "property": "name",
            "fragment": "portfolio",
            "highlights": [{"beginIndice": 0, "endIndice": 9, "text": "portfolio"}],
        },
        {
            "property": "description",
            "fragment": "My Portfolio site",
            "highlights": [{"beginIndice": 3, "endIndice": 12, "text": "Portfolio"}],
        },
    ]


@pytest.mark.parametrize(
    ("q", "search_type", "message"),
    [
        (
            "user:octocat",
            "ISSUE",
            "`search(type: ISSUE)` is not supported: this cache answers `type: REPOSITORY` only.",
        ),
        ("user:octocat", "USER", "`search(type: USER)` is not supported"),
        ("user:octocat", "DISCUSSION", "`search(type: DISCUSSION)` is not supported"),
        ("portfolio in:readme", "REPOSITORY", "README text is not cached (issue 13 adds it)"),
        ("license:mit", "REPOSITORY", "The `license:` qualifier is not supported"),
        ("stars:lots", "REPOSITORY", "`stars:lots` is not supported"),
        ("", "REPOSITORY", "The search query is empty"),
    ],
)
async def test_what_search_cannot_answer_is_a_graphql_error_naming_it(
    synced: tuple[Execute, list[Payload]], q: str, search_type: str, message: str
) -> None:
    execute, _ = synced
    query = "query($q: String!, $t: SearchType!) { search(query: $q, type: $t, first: 5) { repositoryCount } }"
    result = await execute(query, {"q": q, "t": search_type})
    assert result["data"] is None
    [error] = result["errors"]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("count", [3, 30])
async def test_a_search_costs_the_same_statements_for_3_and_30_matches(
    engine: AsyncEngine,
    read_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
    schema: strawberry.Schema,
    count: int,
) -> None:
    """The search, then the page's primary languages, languages, contributor pages and contributors: 5, whatever N."""
    fake = FakeGitHub()
    for i in range(count):
        fake.add_repo("octocat", f"tool-{i:02d}", language_bytes={"Python": 10 + i}, contributors=[("alice", i + 1)])
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat", github_token=TOKEN, retry_backoff=0.01)
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as http:
        await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI")
    query = """query { search(query: "tool user:octocat", type: REPOSITORY, first: 100) { repositoryCount
      nodes { ... on Repository { name primaryLanguage { name } languages(first: 5) { nodes { name } }
        contributors(first: 5) { nodes { login } } } } } }"""
    with statements_sent(engine, read_engine) as statements:
        data = await ok(make_execute(schema, sessionmaker, reads), query)
    assert data["search"]["repositoryCount"] == count
    assert len(statements) == 5
