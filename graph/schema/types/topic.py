"""Topic types: topics and their application to one repository."""

from __future__ import annotations

from functools import lru_cache

import strawberry

from db import models
from graph.schema.ids import own_id
from graph.schema.types.connection import PageInfo
from graph.schema.types.node import Node, UniformResourceLocatable, web_base


@strawberry.type(description="A topic repositories are tagged with.")
class Topic(Node):
    name: str = strawberry.field(description="The topic's name, e.g. graphql.")


@lru_cache(maxsize=4_096)  # a value, like `_language`
def topic_named(name: str) -> Topic:
    return Topic(id=strawberry.ID(own_id("Topic", name)), name=name)


@strawberry.type(description="A topic as applied to one repository.")
class RepositoryTopic(Node, UniformResourceLocatable):
    topic: Topic = strawberry.field(description="The topic.")


def repository_topic(row: models.Repository, name: str) -> RepositoryTopic:
    """The topic `name` as applied to the repository of `row` (graph.schema.nodes finds it again by its id)."""
    return RepositoryTopic(
        id=strawberry.ID(own_id("RepositoryTopic", f"{row.id}:{name}")),
        resource_path=f"/topics/{name}",
        url=f"{web_base(row.html_url)}/topics/{name}",
        topic=topic_named(name),
    )


@strawberry.type(description="An edge to a repository topic.")
class RepositoryTopicEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: RepositoryTopic | None = strawberry.field(description="The repository topic.")


@strawberry.type(description="The topics of a repository, in GitHub's order.")
class RepositoryTopicConnection:
    edges: list[RepositoryTopicEdge | None] | None = strawberry.field(description="The topics with cursors.")
    nodes: list[RepositoryTopic | None] | None = strawberry.field(description="The topics on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many topics the repository has.")
