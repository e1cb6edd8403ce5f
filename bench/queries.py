"""The three documents the benchmark sends, as a portfolio site sends them."""

from dataclasses import dataclass
from typing import Any

# The portfolio query of the foundation issue, verbatim.
PORTFOLIO = """query Portfolio($login: String!) {
  user(login: $login) {
    repositories(first: 100) {
      nodes {
        name
        primaryLanguage { name color }
        languages(first: 10) { totalSize edges { size node { name color } } }
        contributors(first: 10) { edges { contributions node { login avatarUrl } } }
        repositoryTopics(first: 10) { nodes { topic { name } } }
      }
    }
  }
}"""

# The portfolio as the response cache never stores it (syncStatus is never cached): every answer is computed.
UNCACHED_PORTFOLIO = PORTFOLIO.replace("{\n", "{\n  syncStatus { dataVersion }\n", 1)

# A project page: one repository with what a detail view shows.
REPOSITORY = """query Project($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    name description url homepageUrl stargazerCount forkCount pushedAt
    primaryLanguage { name color }
    licenseInfo { name spdxId }
    languages(first: 10) { totalSize edges { size node { name color } } }
    contributors(first: 10) { totalCount edges { contributions node { login avatarUrl } } }
    repositoryTopics(first: 10) { nodes { topic { name } } }
    showcase { summary demoUrl imageUrl }
  }
}"""

# The "top languages" widget: totals across the cache.
LANGUAGES = """query TopLanguages {
  languages(first: 10) { totalSize edges { size repositoryCount node { name color } } }
}"""


@dataclass(frozen=True)
class Query:
    name: str
    document: str
    variables: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {"query": self.document, "variables": self.variables}


def queries(viewer: str, repository: str) -> list[Query]:
    return [
        Query("portfolio", PORTFOLIO, {"login": viewer}),
        Query("repository", REPOSITORY, {"owner": viewer, "name": repository}),
        Query("languages", LANGUAGES, {}),
    ]
