"""The fake's issue and pull-request counts: REST's open_issues_count and open pull-request list agree with
them, and GraphQL's repository(owner:, name:) answers issues(states:) and pullRequests(states:) totalCount."""

import httpx
import pytest

from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.fakes.test_fake_graphql import post


def make() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_repo("octocat", "hello")
    fake.set_counts("octocat", "hello", issues={"OPEN": 2, "CLOSED": 7}, pulls={"OPEN": 3, "MERGED": 5})
    return fake


def get(fake: FakeGitHub, path: str) -> httpx.Response:
    return fake.handle(httpx.Request("GET", f"{GITHUB_API}{path}"))


def test_rest_counts_open_issues_and_open_pull_requests_together_and_lists_the_open_pull_requests() -> None:
    fake = make()
    assert get(fake, "/repos/octocat/hello").json()["open_issues_count"] == 5
    assert get(fake, "/users/octocat/repos").json()[0]["open_issues_count"] == 5
    first = get(fake, "/repos/octocat/hello/pulls?state=open&per_page=2")
    assert [pull["number"] for pull in first.json()] == [1, 2] and 'rel="last"' in first.headers["Link"]
    assert get(fake, "/repos/octocat/hello/pulls?state=closed").json() == []


def test_graphql_answers_each_set_of_states_and_follows_a_rename() -> None:
    fake = make()
    fake.rename_repo("octocat", "hello", "hi")
    query = (
        '{ repository(owner: "octocat", name: "hello") { databaseId'
        " open: issues(states: OPEN) { totalCount } every: issues { totalCount }"
        " done: pullRequests(states: [CLOSED, MERGED]) { totalCount nodes { id } } } }"
    )
    assert post(fake, query).json() == {
        "data": {
            "repository": {
                "databaseId": 100001,
                "open": {"totalCount": 2},
                "every": {"totalCount": 9},
                "done": {"totalCount": 5, "nodes": []},
            }
        }
    }


def test_a_missing_repository_is_githubs_not_found_and_a_bad_count_is_refused() -> None:
    fake = make()
    body = post(fake, '{ repository(owner: "octocat", name: "nope") { databaseId } }').json()
    assert body["data"] == {"repository": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == "Could not resolve to a Repository with the name 'octocat/nope'."
    with pytest.raises(ValueError, match="issue counts take"):
        fake.set_counts("octocat", "hello", issues={"MERGED": 1})
