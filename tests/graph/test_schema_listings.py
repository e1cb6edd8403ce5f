"""The schema's listings, curated fields, node ids and guards over the demo data set, compared with what the data
says independently."""

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.data_version import bump_data_version
from db.showcase import Showcase
from graph.demo.generator import DEMO_VIEWER
from graph.schema.auth import AdminAccess
from tests.graph.conftest import Execute, ok
from tests.graph.expected import Expected


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
    assert data["featured"]["totalCount"] == sum(1 for row in expected.data.showcases if row["featured"])


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
