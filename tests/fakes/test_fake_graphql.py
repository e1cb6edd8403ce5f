"""The fake's GraphQL endpoint answers as GitHub's does: its schema, its error shapes, its rate-limit headers."""

from typing import Any

import httpx

from tests.fakes.github import GITHUB_API, FakeGitHub

AUTH = {"Authorization": "Bearer ghp_fake"}


def post(fake: FakeGitHub, query: str, *, headers: dict[str, str] = AUTH, **variables: Any) -> httpx.Response:
    request = httpx.Request(
        "POST", f"{GITHUB_API}/graphql", headers=headers, json={"query": query, "variables": variables}
    )
    return fake.handle(request)


def make() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat")
    fake.add_repo("octocat", "hello")
    fake.graphql.set_pins("octocat", ["gist:notes", "octocat/hello"])
    return fake


def test_pins_come_back_in_order_with_the_cost_and_graphqls_own_rate_limit_headers() -> None:
    fake = make()
    response = post(
        fake,
        "query($l: String!) { rateLimit { cost remaining } user(login: $l) { pinnedItems(first: 6) { totalCount "
        "nodes { __typename ... on Repository { databaseId nameWithOwner } } } } }",
        l="octocat",
    )
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "rateLimit": {"cost": 1, "remaining": 4999},
            "user": {
                "pinnedItems": {
                    "totalCount": 2,
                    "nodes": [
                        {"__typename": "Gist"},
                        {"__typename": "Repository", "databaseId": 100001, "nameWithOwner": "octocat/hello"},
                    ],
                }
            },
        }
    }
    assert response.headers["X-RateLimit-Resource"] == "graphql"
    assert (response.headers["X-RateLimit-Limit"], response.headers["X-RateLimit-Remaining"]) == ("5000", "4999")
    assert fake.bucket().remaining == 5000  # REST's budget is another one


def test_a_field_github_lacks_fails_validation_against_githubs_schema() -> None:
    body = post(make(), '{ user(login: "octocat") { favouriteColour } }').json()
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("Cannot query field 'favouriteColour' on type 'User'.")


def test_githubs_error_types_not_found_and_missing_pagination_boundaries() -> None:
    fake = make()
    missing = post(fake, '{ user(login: "nobody") { login } }').json()
    assert missing["data"] == {"user": None}
    assert missing["errors"] == [
        {
            "type": "NOT_FOUND",
            "path": ["user"],
            "locations": [{"line": 1, "column": 3}],
            "message": "Could not resolve to a User with the login of 'nobody'.",
        }
    ]
    unbounded = post(fake, '{ user(login: "octocat") { pinnedItems { totalCount } } }').json()
    assert unbounded["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    assert unbounded["errors"][0]["path"] == ["user", "pinnedItems"]


def test_anonymous_callers_get_401_and_a_spent_budget_rate_limited() -> None:
    fake = make()
    anonymous = post(fake, "{ rateLimit { cost } }", headers={})
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "This endpoint requires you to be authenticated."
    fake.graphql.bucket.remaining = 0
    limited = post(fake, "{ rateLimit { cost } }")
    assert limited.status_code == 403 and limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.json()["errors"][0]["type"] == "RATE_LIMITED"


def test_contributed_repositories_follow_githubs_arguments_and_a_rename() -> None:
    """contributionTypes keeps repositories with any of the types, the user's own need includeUserRepositories,
    privacy filters; a renamed repository answers by its new name; organizations have neither field."""
    fake = make()
    fake.add_repo("elsewhere", "x")
    fake.add_repo("elsewhere", "hidden-away", private=True)
    fake.graphql.set_contributed("octocat", [("elsewhere/x", ["ISSUE"]), "octocat/hello", "elsewhere/hidden-away"])
    fake.graphql.set_top("octocat", ["octocat/hello", "elsewhere/x"])
    fake.rename_repo("elsewhere", "x", "y")
    query = """query($types: [RepositoryContributionType], $mine: Boolean, $privacy: RepositoryPrivacy) {
      user(login: "octocat") { repositoriesContributedTo(first: 10, contributionTypes: $types,
        includeUserRepositories: $mine, privacy: $privacy) { totalCount nodes { nameWithOwner } }
        topRepositories(first: 10, orderBy: {field: NAME, direction: ASC}) { nodes { nameWithOwner } } } }"""

    def names(**variables: Any) -> list[str]:
        found = post(fake, query, **variables).json()["data"]["user"]["repositoriesContributedTo"]["nodes"]
        return [node["nameWithOwner"] for node in found]

    assert names() == ["elsewhere/y", "elsewhere/hidden-away"]
    assert names(mine=True, privacy="PUBLIC") == ["elsewhere/y", "octocat/hello"]
    assert names(mine=True, types=["COMMIT"]) == ["octocat/hello", "elsewhere/hidden-away"]
    assert names(types=["PULL_REQUEST"]) == []
    top = post(fake, query).json()["data"]["user"]["topRepositories"]["nodes"]
    assert top == [{"nameWithOwner": "octocat/hello"}, {"nameWithOwner": "elsewhere/y"}]
    missing = post(fake, '{ user(login: "octocat") { repositoriesContributedTo { totalCount } } }').json()
    assert missing["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
