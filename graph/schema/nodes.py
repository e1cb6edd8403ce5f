"""node(id:) and nodes(ids:): every id the API issues finds its object again, and any other id finds nothing.

GitHub's ids (repositories, owners, releases, licenses) are looked up as such; our own ids (graph/schema/ids.py)
name their kind, and each kind is looked up in the cache, so a well-formed id of something the cache does not
hold (a topic no visible repository carries, say) resolves to nothing, as an invented id does on GitHub. Each lookup
is a DataLoader, so `nodes(ids:)` costs the same few statements however many ids it is given.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from db.bookkeeping import SyncRun as SyncRunRow
from db.models import Repository
from graph.read.queries import TOPIC_NAME, visible_repository
from graph.schema.context import Context
from graph.schema.ids import parse_own_id
from graph.schema.status import SyncRun
from graph.schema.types.blob import Blob, readme_at
from graph.schema.types.contributor import Contributor
from graph.schema.types.language import Language
from graph.schema.types.license import License
from graph.schema.types.node import Node
from graph.schema.types.owner import owner_of
from graph.schema.types.release import Release
from graph.schema.types.repository import Repository as RepositoryNode
from graph.schema.types.topic import repository_topic, topic_named

LICENSE_FIELDS = ("node_id", "key", "name", "spdx_id", "url")


class NodeLoaders:
    """The lookups only node(id:) needs, built once per request on first use."""

    def __init__(self, reads: async_sessionmaker[AsyncSession], include_hidden: bool) -> None:
        self.reads = reads
        self.visible = visible_repository(include_hidden)
        self.licenses: DataLoader[str, License | None] = DataLoader(load_fn=self._licenses)
        self.topics: DataLoader[str, bool] = DataLoader(load_fn=self._topics)
        self.sync_runs: DataLoader[int, SyncRunRow | None] = DataLoader(load_fn=self._sync_runs)

    async def _licenses(self, ids: Sequence[str]) -> list[License | None]:
        """Licenses of visible repositories, by the id License.of gives them (GitHub's node_id, else our own)."""
        keys = [own[1] for own in map(parse_own_id, ids) if own is not None and own[0] == "License"]
        columns = [Repository.license[name].as_string() for name in LICENSE_FIELDS]
        node_id, key = columns[0], columns[1]
        statement = select(*columns).where(self.visible, or_(node_id.in_(ids), key.in_(keys))).group_by(*columns)
        async with self.reads() as session:
            rows = (await session.execute(statement)).all()
        licenses = (License.of(dict(zip(LICENSE_FIELDS, row, strict=True))) for row in rows)
        found = {str(license.id): license for license in licenses}
        return [found.get(node_id) for node_id in ids]

    async def _topics(self, names: Sequence[str]) -> list[bool]:
        """Whether a visible repository carries each topic."""
        valid = [name for name in names if TOPIC_NAME.fullmatch(name)]
        if not valid:
            return [False] * len(names)
        # As graph.read.queries filters by topic: a valid topic's JSON spelling is the quoted name itself.
        carries = [cast(Repository.topics, String).contains(f'"{name}"') for name in valid]
        async with self.reads() as session:
            lists = (await session.scalars(select(Repository.topics).where(self.visible, or_(*carries)))).all()
        held = {topic for topics in lists for topic in topics or ()}
        return [name in held for name in names]

    async def _sync_runs(self, ids: Sequence[int]) -> list[SyncRunRow | None]:
        async with self.reads() as session:
            rows = (await session.scalars(select(SyncRunRow).where(SyncRunRow.id.in_(ids)))).all()
        found = {row.id: row for row in rows}
        return [found.get(run_id) for run_id in ids]


def _node_loaders(context: Context) -> NodeLoaders:
    # Kept with the request's other objects (Context.nodes), so they go when the request is released.
    loaders = context.nodes.get(NodeLoaders)
    if not isinstance(loaders, NodeLoaders):
        loaders = context.nodes[NodeLoaders] = NodeLoaders(context.services.reads, context.include_hidden)
    return loaders


async def _own(info: Info[Context, None], kind: str, key: str, node_id: str) -> Node | None:
    loaders = info.context.loaders
    if kind == "Contributor" and key.isdigit():
        total = await loaders.contributions_by_contributor_id.load(int(key))
        account = await loaders.account_by_id.load(int(key)) if total else None
        return Contributor.of(account, total) if account is not None else None
    if kind == "Language":
        language = await loaders.language_by_name.load(key)
        return Language.of(language) if language is not None else None
    if kind == "Topic":
        return topic_named(key) if await _node_loaders(info.context).topics.load(key) else None
    if kind == "RepositoryTopic":
        repository_id, _, name = key.partition(":")
        row = await loaders.repository_by_id.load(int(repository_id)) if repository_id.isdigit() else None
        return repository_topic(row, name) if row is not None and name in (row.topics or ()) else None
    if kind == "License":
        return await _node_loaders(info.context).licenses.load(node_id)
    if kind == "Blob":  # a README: "<repository id>:<oid>"
        repository_id, _, oid = key.partition(":")
        row = await loaders.repository_by_id.load(int(repository_id)) if repository_id.isdigit() else None
        readme = await loaders.readme_by_repository_id.load(row.id) if row is not None else None
        found = readme_at(readme, None, None, oid) if row is not None and oid else None
        return Blob.of(found, RepositoryNode.of(row), row.html_url) if row is not None and found is not None else None
    if kind == "SyncRun" and key.isdigit():
        run = await _node_loaders(info.context).sync_runs.load(int(key))
        return SyncRun.of(run) if run is not None else None
    return None


async def resolve_node(info: Info[Context, None], node_id: str) -> Node | None:
    """The object the API issued `node_id` for, or None."""
    own = parse_own_id(node_id)
    if own is not None:
        return await _own(info, *own, node_id)
    loaders = info.context.loaders
    repository = await loaders.repository_by_node_id.load(node_id)
    if repository is not None:
        return RepositoryNode.of(repository)
    account = await loaders.account_by_node_id.load(node_id)
    if account is not None and account.is_owner:
        return owner_of(account)
    release = await loaders.release_by_node_id.load(node_id)
    if release is not None:
        row = await loaders.repository_by_id.load(release.repository_id)
        latest = await loaders.latest_release_by_repository_id.load(release.repository_id)
        if row is not None:
            return Release.of(release, RepositoryNode.of(row), latest is not None and latest.id == release.id)
    return await _node_loaders(info.context).licenses.load(node_id)
