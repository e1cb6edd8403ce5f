"""The schema executed over the demo data set, compared with what the data says independently."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.data_version import bump_data_version
from db.models import Repository
from db.showcase import Showcase
from graph.demo.generator import DEMO_VIEWER, DemoData, generate
from graph.schema.auth import AdminAccess
from tests.graph.conftest import Execute, ok

PORTFOLIO = """
query($login: String!) {
  user(login: $login) {
    repositories(first: 100) {
      totalCount
      nodes {
        name
        primaryLanguage { name color }
        languages(first: 10) { totalSize edges { size node { name color } } }
        contributors(first: 10) { edges { contributions node { login avatarUrl } } }
        repositoryTopics(first: 10) { nodes { topic { name } } }
      }
    }
  }
}
"""


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Expected:
    """The demo data, re-derived in plain Python."""

    def __init__(self, data: DemoData) -> None:
        self.data = data
        self.accounts = {row["id"]: row for row in data.contributors}
        self.languages = {row["id"]: row for row in data.languages}
        self.owner = next(row for row in data.contributors if row["login"] == DEMO_VIEWER)

    def repositories(self, owner_id: int | None = None) -> list[dict[str, Any]]:
        rows = [r for r in self.data.repositories if owner_id is None or r["owner_id"] == owner_id]
        # pushed_at DESC, nulls last, ties by nameWithOwner
        return sorted(
            rows,
            key=lambda r: (
                r["pushed_at"] is None,
                -(r["pushed_at"].timestamp() if r["pushed_at"] else 0),
                r["full_name_key"],
            ),
        )

    def languages_of(self, repository_id: int) -> list[tuple[str, str | None, int]]:
        links = [link for link in self.data.repository_languages if link["repository_id"] == repository_id]
        named = [(self.languages[link["language_id"]], link["bytes"]) for link in links]
        named.sort(key=lambda item: (-item[1], item[0]["name"]))
        return [(language["name"], language["color"], size) for language, size in named]

    def contributors_of(self, repository_id: int) -> list[tuple[str, int]]:
        links = [link for link in self.data.repository_contributors if link["repository_id"] == repository_id]
        found = [(self.accounts[link["contributor_id"]]["login"], link["contributions"]) for link in links]
        found.sort(key=lambda item: (-item[1], item[0].lower()))
        return found


@pytest.fixture
def expected() -> Expected:
    return Expected(generate())


async def test_portfolio_query_returns_every_repository_with_languages_contributors_and_topics(
    execute: Execute, expected: Expected
) -> None:
    """The front-end's one round trip carries the whole portfolio, in the contract's default orders."""
    data = await ok(execute, PORTFOLIO, {"login": DEMO_VIEWER})
    repositories = expected.repositories(expected.owner["id"])
    got = data["user"]["repositories"]
    assert got["totalCount"] == len(repositories)
    assert [node["name"] for node in got["nodes"]] == [r["name"] for r in repositories]
    for node, row in zip(got["nodes"], repositories, strict=True):
        languages = expected.languages_of(row["id"])
        assert [(e["node"]["name"], e["node"]["color"], e["size"]) for e in node["languages"]["edges"]] == languages[
            :10
        ]
        assert node["languages"]["totalSize"] == sum(size for _, _, size in languages)
        primary = expected.languages.get(row["primary_language_id"])
        assert node["primaryLanguage"] == ({"name": primary["name"], "color": primary["color"]} if primary else None)
        contributors = [(e["node"]["login"], e["contributions"]) for e in node["contributors"]["edges"]]
        assert contributors == expected.contributors_of(row["id"])[:10]
        assert [n["topic"]["name"] for n in node["repositoryTopics"]["nodes"]] == row["topics"][:10]


async def test_a_failing_prefetch_statement_is_reported_on_each_field_it_feeds(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected
) -> None:
    """The languages statement fails: each repository's `languages` is null with a masked error at its own
    path, and everything else of the portfolio still answers."""
    async with demo_db.begin() as session:
        await session.execute(text("ALTER TABLE repository_language RENAME TO gone"))
    result = await execute(PORTFOLIO, {"login": DEMO_VIEWER})
    nodes = result["data"]["user"]["repositories"]["nodes"]
    repositories = expected.repositories(expected.owner["id"])
    assert [node["name"] for node in nodes] == [r["name"] for r in repositories]
    assert all(node["languages"] is None and node["contributors"]["edges"] for node in nodes)
    assert sorted(error["path"][3] for error in result["errors"]) == list(range(len(repositories)))
    for error in result["errors"]:
        assert error["message"] == "Internal server error"
        assert error["path"][-1] == "languages"
        assert "gone" not in str(error) and "repository_language" not in str(error)


async def test_repository_fields_follow_githubs_shapes(execute: Execute, expected: Expected) -> None:
    """A single repository answers with GitHub's field names, URLs and UTC timestamps."""
    row = next(r for r in expected.data.repositories if r["license"] and r["default_branch"])
    owner, name = row["full_name"].split("/")
    data = await ok(
        execute,
        """query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
            name nameWithOwner url resourcePath createdAt pushedAt databaseId isPrivate visibility
            stargazerCount forkCount stargazers { totalCount } defaultBranchRef { name prefix }
            licenseInfo { key spdxId } owner { login ... on User { name } } } }""",
        {"owner": owner.upper(), "name": name},
    )
    repository = data["repository"]
    assert repository["nameWithOwner"] == row["full_name"]
    assert repository["resourcePath"] == "/" + row["full_name"]
    assert repository["createdAt"] == _iso(row["created_at"])
    assert repository["createdAt"].endswith("Z")
    assert repository["databaseId"] == row["id"]
    assert (repository["isPrivate"], repository["visibility"]) == (False, "PUBLIC")
    assert repository["stargazers"]["totalCount"] == repository["stargazerCount"] == row["stargazers_count"]
    assert repository["defaultBranchRef"] == {"name": row["default_branch"], "prefix": "refs/heads/"}
    assert repository["licenseInfo"]["key"] == row["license"]["key"]
    assert repository["owner"]["login"] == owner


async def test_unknown_login_is_null_with_a_not_found_error_and_the_rest_still_answers(execute: Execute) -> None:
    """GitHub's behaviour: a missing record is null plus a NOT_FOUND error; other fields still resolve."""
    result = await execute(
        '{ user(login: "no-such-user") { login } viewer { login } repository(owner: "x", name: "y") { name } }'
    )
    assert result["data"] == {"user": None, "viewer": {"login": DEMO_VIEWER}, "repository": None}
    codes = sorted((error["path"][0], error["extensions"]["code"]) for error in result["errors"])
    assert codes == [("repository", "NOT_FOUND"), ("user", "NOT_FOUND")]


async def test_organization_and_user_lookups_return_only_their_own_kind(execute: Execute, expected: Expected) -> None:
    """user() does not answer for an organization, organization() not for a user; repositoryOwner() for both."""
    org = next(row for row in expected.data.contributors if row["type"] == "Organization")
    data = await ok(
        execute,
        """query($org: String!, $user: String!) {
            organization(login: $org) { login description repositories { totalCount } }
            owner: repositoryOwner(login: $user) { __typename login }
            orgOwner: repositoryOwner(login: $org) { __typename }
        }""",
        {"org": org["login"], "user": DEMO_VIEWER},
    )
    assert data["organization"]["login"] == org["login"]
    assert data["organization"]["repositories"]["totalCount"] == len(expected.repositories(org["id"]))
    assert data["owner"] == {"__typename": "User", "login": DEMO_VIEWER}
    assert data["orgOwner"] == {"__typename": "Organization"}
    result = await execute("query($org: String!) { user(login: $org) { login } }", {"org": org["login"]})
    assert result["data"] == {"user": None}
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("field", ["CREATED_AT", "NAME", "PUSHED_AT", "STARGAZERS", "UPDATED_AT"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_repository_orders_are_total_with_nulls_last(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected, field: str, direction: str
) -> None:
    """Every order breaks ties by nameWithOwner and puts nulls last in either direction."""
    column = {
        "CREATED_AT": "created_at",
        "NAME": "name",
        "PUSHED_AT": "pushed_at",
        "STARGAZERS": "stargazers_count",
        "UPDATED_AT": "updated_at",
    }[field]
    # The demo data has no nulls and almost no ties: make some. Every third repository was never pushed;
    # every fourth shares its stars and timestamps with the others of its kind; two owners' repositories
    # share a name.
    same = datetime(2021, 6, 1, tzinfo=UTC)
    repositories = [dict(row) for row in expected.data.repositories]
    for index, row in enumerate(repositories):
        if index % 4 == 1:
            row.update(stargazers_count=7, created_at=same, updated_at=same, pushed_at=same)
        if index % 3 == 0:
            row["pushed_at"] = None
    twins = list({row["owner_id"]: row for row in reversed(repositories)}.values())[:2]
    assert len({row["owner_id"] for row in twins}) == 2
    for row in twins:
        login = expected.accounts[row["owner_id"]]["login"]
        row.update(name="twin", full_name=f"{login}/twin", full_name_key=f"{login}/twin".lower())
    async with demo_db.begin() as session:
        for row in repositories:
            values = {key: row[key] for key in ("name", "full_name", "full_name_key", *ORDER_COLUMNS)}
            await session.execute(update(Repository).where(Repository.id == row["id"]).values(**values))

    def value(row: dict[str, Any]) -> Any:
        raw = row[column]
        return raw.lower() if isinstance(raw, str) else raw

    rows = [r for r in repositories if value(r) is not None]
    rows.sort(key=lambda r: r["full_name_key"])
    rows.sort(key=value, reverse=direction == "DESC")
    nulls = sorted((r for r in repositories if value(r) is None), key=lambda r: r["full_name_key"])
    assert bool(nulls) == (field == "PUSHED_AT")
    assert len({value(r) for r in rows}) < len(rows)  # ties to break
    data = await ok(
        execute,
        "query($order: RepositoryOrder) { repositories(first: 100, orderBy: $order) { nodes { nameWithOwner } } }",
        {"order": {"field": field, "direction": direction}},
    )
    assert [n["nameWithOwner"] for n in data["repositories"]["nodes"]] == [r["full_name"] for r in rows + nulls]


ORDER_COLUMNS = ("stargazers_count", "created_at", "updated_at", "pushed_at")


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_never_pushed_repositories_sort_last_and_pages_cross_into_them(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected, direction: str
) -> None:
    """A null pushedAt sorts last in either direction, per owner and across owners, and cursors page through it."""
    never_pushed = {r["id"] for r in expected.data.repositories[::4]}
    async with demo_db.begin() as session:
        await session.execute(update(Repository).where(Repository.id.in_(never_pushed)).values(pushed_at=None))
    rows = [r for r in expected.data.repositories if r["id"] not in never_pushed]
    rows.sort(key=lambda r: r["full_name_key"])
    rows.sort(key=lambda r: r["pushed_at"], reverse=direction == "DESC")
    rows += sorted((r for r in expected.data.repositories if r["id"] in never_pushed), key=lambda r: r["full_name_key"])
    query = """query($login: String!, $order: RepositoryOrder, $first: Int, $after: String) {
        repositories(first: $first, after: $after, orderBy: $order) {
            pageInfo { hasNextPage endCursor } nodes { nameWithOwner pushedAt } }
        user(login: $login) { repositories(first: 100, orderBy: $order) { nodes { nameWithOwner } } } }"""
    variables: dict[str, Any] = {"login": DEMO_VIEWER, "order": {"field": "PUSHED_AT", "direction": direction}}

    walked: list[dict[str, Any]] = []
    after = None
    while True:
        data = await ok(execute, query, {**variables, "first": 6, "after": after})
        walked += data["repositories"]["nodes"]
        if not data["repositories"]["pageInfo"]["hasNextPage"]:
            break
        after = data["repositories"]["pageInfo"]["endCursor"]
    assert [n["nameWithOwner"] for n in walked] == [r["full_name"] for r in rows]
    assert [n["pushedAt"] for n in walked[-len(never_pushed) :]] == [None] * len(never_pushed)
    assert all(n["pushedAt"] is not None for n in walked[: -len(never_pushed)])
    mine = [r["full_name"] for r in rows if r["owner_id"] == expected.owner["id"]]
    assert [n["nameWithOwner"] for n in data["user"]["repositories"]["nodes"]] == mine


async def test_cursors_walk_forward_and_backward_over_the_whole_listing(execute: Execute) -> None:
    """Paging with first/after and last/before visits every repository once, with a truthful pageInfo."""
    query = """query($first: Int, $after: String, $last: Int, $before: String) {
        repositories(first: $first, after: $after, last: $last, before: $before) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { nameWithOwner } } }"""
    everything = [n["nameWithOwner"] for n in (await ok(execute, query, {}))["repositories"]["nodes"]]
    assert len(everything) == 40

    forward: list[str] = []
    after = None
    while True:
        page = (await ok(execute, query, {"first": 7, "after": after}))["repositories"]
        assert page["totalCount"] == 40
        forward += [n["nameWithOwner"] for n in page["nodes"]]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        last_cursor = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = last_cursor
    assert forward == everything

    backward: list[str] = []
    before = None
    while True:
        page = (await ok(execute, query, {"last": 6, "before": before}))["repositories"]
        backward = [n["nameWithOwner"] for n in page["nodes"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == everything

    past_the_end = (await ok(execute, query, {"first": 5, "after": last_cursor}))["repositories"]
    assert past_the_end["nodes"] == [] and past_the_end["totalCount"] == 40


@pytest.mark.parametrize(
    ("first", "code"), [(0, "INVALID_PAGINATION"), (101, "EXCESSIVE_PAGINATION"), (-1, "INVALID_PAGINATION")]
)
async def test_page_size_outside_1_to_100_is_an_error_naming_the_limit(execute: Execute, first: int, code: str) -> None:
    """first/last are limited to 1..100, as GitHub limits them; the error names the argument, with GitHub's code."""
    result = await execute("query($n: Int) { repositories(first: $n) { totalCount } }", {"n": first})
    assert result["data"] is None
    assert "`first`" in result["errors"][0]["message"]
    assert result["errors"][0]["extensions"]["code"] == code


async def test_garbage_cursor_is_a_clear_error(execute: Execute) -> None:
    result = await execute('{ repositories(after: "not-a-cursor") { totalCount } }')
    assert "cursor" in result["errors"][0]["message"]


async def test_filters_of_the_repositories_extension(execute: Execute, expected: Expected) -> None:
    """owner, isFork, isArchived, language and topic narrow the listing as their names say."""
    rows = expected.data.repositories
    forks = sum(1 for r in rows if r["is_fork"])
    archived = sum(1 for r in rows if r["is_archived"])
    topic = rows[0]["topics"][0]
    with_topic = sum(1 for r in rows if topic in r["topics"])
    python = next(row for row in expected.data.languages if row["name"] == "Python")
    in_python = sum(1 for r in rows if r["primary_language_id"] == python["id"])
    data = await ok(
        execute,
        """query($owner: String!, $topic: String!) {
            forks: repositories(isFork: true) { totalCount }
            archived: repositories(isArchived: true) { totalCount }
            mine: repositories(owner: $owner) { totalCount }
            topic: repositories(topic: $topic) { totalCount }
            python: repositories(language: "python") { totalCount }
            featured: repositories(featured: true) { totalCount }
        }""",
        {"owner": DEMO_VIEWER, "topic": topic},
    )
    assert data["forks"]["totalCount"] == forks > 0
    assert data["archived"]["totalCount"] == archived > 0
    assert data["mine"]["totalCount"] == len(expected.repositories(expected.owner["id"]))
    assert data["topic"]["totalCount"] == with_topic > 0
    assert data["python"]["totalCount"] == in_python > 0
    assert data["featured"]["totalCount"] == len(expected.data.showcases)


@pytest.mark.parametrize("topic", ["%", "_", "%a%", 'dashboard", "weather', ""])
async def test_a_topic_filter_that_names_no_topic_matches_nothing(execute: Execute, topic: str) -> None:
    """The topic filter is an exact topic name: no LIKE wildcard or quote in it can match other topics."""
    data = await ok(execute, "query($t: String!) { repositories(topic: $t) { totalCount } }", {"t": topic})
    assert data["repositories"]["totalCount"] == 0


async def test_private_visibility_and_locked_filters_return_empty_connections(execute: Execute) -> None:
    """The cache holds public repositories only: asking for private ones finds none, as the contract says."""
    data = await ok(
        execute,
        f"""{{ user(login: "{DEMO_VIEWER}") {{
            private: repositories(privacy: PRIVATE) {{ totalCount nodes {{ name }} }}
            internal: repositories(visibility: INTERNAL) {{ totalCount }}
            public: repositories(privacy: PUBLIC, ownerAffiliations: [OWNER]) {{ totalCount }}
        }} }}""",
    )
    assert data["user"]["private"] == {"totalCount": 0, "nodes": []}
    assert data["user"]["internal"]["totalCount"] == 0
    assert data["user"]["public"]["totalCount"] > 0


async def test_pinned_items_follow_the_curated_positions(execute: Execute, expected: Expected) -> None:
    """pinnedItems lists the owner's featured repositories in Showcase.position order."""
    keys = {f"{r['owner']}/{r['name']}".lower(): r["position"] for r in expected.data.showcases}
    mine = [
        r for r in expected.data.repositories if r["owner_id"] == expected.owner["id"] and r["full_name_key"] in keys
    ]
    mine.sort(key=lambda r: keys[r["full_name_key"]])
    data = await ok(
        execute,
        "{ viewer { pinnedItems(first: 6, types: [REPOSITORY]) { totalCount nodes { ... on Repository { name } } } } }",
    )
    assert [n["name"] for n in data["viewer"]["pinnedItems"]["nodes"]] == [r["name"] for r in mine]
    assert len(mine) >= 2
    gists = await ok(execute, "{ viewer { pinnedItems(types: [GIST]) { totalCount } } }")
    assert gists["viewer"]["pinnedItems"]["totalCount"] == 0


async def test_pinned_items_without_a_position_come_after_the_positioned_ones(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected
) -> None:
    """A featured repository with a null position is pinned after every positioned one."""
    showcases = sorted(expected.data.showcases, key=lambda r: r["position"])
    unplaced = showcases[0]
    async with demo_db.begin() as session:
        await session.execute(update(Showcase).where(Showcase.key == unplaced["key"]).values(position=None))
    data = await ok(execute, "{ viewer { pinnedItems(first: 6) { nodes { ... on Repository { name } } } } }")
    names = [n["name"] for n in data["viewer"]["pinnedItems"]["nodes"]]
    assert names == [r["name"] for r in showcases[1:] if r["owner"] == DEMO_VIEWER] + [unplaced["name"]]


async def test_open_graph_image_is_the_curated_one_when_set(execute: Execute, expected: Expected) -> None:
    curated = next(r for r in expected.data.showcases if r["image_url"])
    plain = next(
        r
        for r in expected.data.repositories
        if r["full_name_key"] not in {f"{s['owner']}/{s['name']}".lower() for s in expected.data.showcases}
    )
    data = await ok(
        execute,
        """query($o: String!, $n: String!, $po: String!, $pn: String!) {
            a: repository(owner: $o, name: $n) { openGraphImageUrl usesCustomOpenGraphImage showcase { featured imageUrl } }
            b: repository(owner: $po, name: $pn) { openGraphImageUrl usesCustomOpenGraphImage showcase { featured } } }""",
        {"o": curated["owner"], "n": curated["name"], "po": plain["full_name"].split("/")[0], "pn": plain["name"]},
    )
    assert data["a"]["openGraphImageUrl"] == curated["image_url"] and data["a"]["usesCustomOpenGraphImage"] is True
    assert data["a"]["showcase"] == {"featured": True, "imageUrl": curated["image_url"]}
    assert data["b"]["usesCustomOpenGraphImage"] is False
    assert (
        data["b"]["openGraphImageUrl"].startswith("https://") and plain["full_name"] in data["b"]["openGraphImageUrl"]
    )


async def test_avatar_url_takes_the_requested_size(execute: Execute, expected: Expected) -> None:
    data = await ok(execute, "{ viewer { avatarUrl big: avatarUrl(size: 200) } }")
    assert data["viewer"]["avatarUrl"] == expected.owner["avatar_url"]
    assert (
        "s=200" in data["viewer"]["big"]
        and data["viewer"]["big"].split("?")[0] == expected.owner["avatar_url"].split("?")[0]
    )


async def test_language_totals_sum_bytes_over_non_fork_repositories(execute: Execute, expected: Expected) -> None:
    """languages() ranks languages by bytes across the cache, forks only when asked."""

    def totals(include_forks: bool) -> list[tuple[str, float, int]]:
        repos = {r["id"] for r in expected.data.repositories if include_forks or not r["is_fork"]}
        sums: dict[int, list[int]] = {}
        for link in expected.data.repository_languages:
            if link["repository_id"] in repos:
                entry = sums.setdefault(link["language_id"], [0, 0])
                entry[0] += link["bytes"]
                entry[1] += 1
        ranked = [(expected.languages[k]["name"], float(v[0]), v[1]) for k, v in sums.items()]
        return sorted(ranked, key=lambda item: (-item[1], item[0]))

    query = """query($forks: Boolean) { languages(first: 100, includeForks: $forks) {
        totalCount totalSize edges { size repositoryCount node { name } } } }"""
    for include_forks in (False, True):
        data = (await ok(execute, query, {"forks": include_forks}))["languages"]
        assert [(e["node"]["name"], e["size"], e["repositoryCount"]) for e in data["edges"]] == totals(include_forks)
        assert data["totalSize"] == sum(size for _, size, _ in totals(include_forks))


async def test_contributors_across_repositories(execute: Execute, expected: Expected) -> None:
    """contributors() ranks accounts by commits summed over repositories; contributor(login) agrees."""
    sums: dict[int, int] = {}
    for link in expected.data.repository_contributors:
        sums[link["contributor_id"]] = sums.get(link["contributor_id"], 0) + link["contributions"]
    ranked = sorted(sums.items(), key=lambda item: (-item[1], expected.accounts[item[0]]["login"].lower()))
    data = await ok(execute, "{ contributors(first: 100) { totalCount nodes { login totalContributions } } }")
    assert data["contributors"]["totalCount"] == len(ranked)
    assert [(n["login"], n["totalContributions"]) for n in data["contributors"]["nodes"]] == [
        (expected.accounts[k]["login"], v) for k, v in ranked
    ]
    top_id, top_total = ranked[0]
    login = expected.accounts[top_id]["login"]
    one = await ok(
        execute,
        "query($l: String!) { contributor(login: $l) { login totalContributions isBot repositories { totalCount } } }",
        {"l": login},
    )
    shared = sum(1 for link in expected.data.repository_contributors if link["contributor_id"] == top_id)
    assert one["contributor"] == {
        "login": login,
        "totalContributions": top_total,
        "isBot": False,
        "repositories": {"totalCount": shared},
    }
    assert shared > 1


async def test_node_ids_round_trip_to_the_type_they_were_issued_for(execute: Execute) -> None:
    """node(id) returns the same object for every id the API hands out, and User and Contributor ids differ."""
    data = await ok(
        execute,
        """{ viewer { id login repositories(first: 1) { nodes { id name primaryLanguage { id name }
             contributors(first: 1) { nodes { id login } } repositoryTopics(first: 1) { nodes { topic { id name } } } } } } }""",
    )
    repository = data["viewer"]["repositories"]["nodes"][0]
    contributor = repository["contributors"]["nodes"][0]
    cases = [
        (data["viewer"]["id"], "User", data["viewer"]["login"]),
        (repository["id"], "Repository", repository["name"]),
        (repository["primaryLanguage"]["id"], "Language", repository["primaryLanguage"]["name"]),
        (contributor["id"], "Contributor", contributor["login"]),
    ]
    for node_id, typename, label in cases:
        found = await ok(
            execute,
            """query($id: ID!) { node(id: $id) { __typename id
                ... on User { login } ... on Repository { name } ... on Language { name } ... on Contributor { login } } }""",
            {"id": node_id},
        )
        assert found["node"]["__typename"] == typename and found["node"]["id"] == node_id
        assert label in found["node"].values()
    missing = await execute('{ node(id: "nope") { id } nodes(ids: ["nope"]) { id } }')
    assert missing["data"] == {"node": None, "nodes": [None]}
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_nodes_takes_at_most_100_ids_as_github_does(execute: Execute) -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    answered = await execute(query, {"ids": ["nope"] * 100})
    assert answered["data"]["nodes"] == [None] * 100
    assert [error["path"] for error in answered["errors"]] == [["nodes", index] for index in range(100)]
    refused = await execute(query, {"ids": ["nope"] * 101})
    assert refused["data"] is None
    assert refused["errors"][0]["message"] == "`nodes` takes at most 100 ids; this query gives 101."
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_hidden_repositories_vanish_from_every_public_listing_count_and_lookup(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected
) -> None:
    """A hidden repository is in no listing, count, lookup or total; the admin still sees it."""
    row = expected.repositories(expected.owner["id"])[0]
    async with demo_db.begin() as session:
        await session.merge(Showcase(key=row["full_name_key"], owner=DEMO_VIEWER, name=row["name"], hidden=True))
        await bump_data_version(session)
    query = """query($name: String!) {
        repositories { totalCount nodes { name } }
        viewer { repositories { totalCount } repository(name: $name) { name } }
        syncStatus { repositoryCount } }"""
    data = await ok(execute, query, {"name": row["name"]})
    assert data["repositories"]["totalCount"] == len(expected.data.repositories) - 1
    assert row["name"] not in {n["name"] for n in data["repositories"]["nodes"]}
    assert data["viewer"]["repository"] is None
    assert data["syncStatus"]["repositoryCount"] == len(expected.data.repositories) - 1
    lookup = await execute(
        "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { name } }",
        {"o": DEMO_VIEWER, "n": row["name"]},
    )
    assert lookup["data"] == {"repository": None}
    admin = await ok(execute, query, {"name": row["name"]}, access=AdminAccess.ADMIN)
    assert admin["repositories"]["totalCount"] == len(expected.data.repositories)
    assert admin["viewer"]["repository"] == {"name": row["name"]}


async def test_sync_status_without_runs(execute: Execute) -> None:
    """Before any sync, syncStatus reports no runs, an idle state and the cached count."""
    data = await ok(
        execute,
        "{ syncStatus { dataVersion lastRun { id } lastSuccessfulRun { id } nextRunAt repositoryCount state } }",
    )
    status = data["syncStatus"]
    assert status["lastRun"] is None and status["lastSuccessfulRun"] is None and status["nextRunAt"] is None
    assert status["state"] == "IDLE" and status["repositoryCount"] == 40 and status["dataVersion"]


async def test_mutations_are_forbidden_without_an_admin_token(execute: Execute) -> None:
    result = await execute("mutation { requestRefresh { started } }")
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
