"""The SQL behind every connection and lookup, each batched over many parents in one statement."""

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    cast,
    distinct,
    exists,
    false,
    func,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.contributed import OutsideRepository
from db.models import Contributor, Language, Repository, RepositoryContributor, RepositoryLanguage
from db.showcase import Showcase
from graph.read.pagination import Page, PageArgs, collect, paginate


class RepositoryOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    NAME = "NAME"
    PUSHED_AT = "PUSHED_AT"
    STARGAZERS = "STARGAZERS"
    UPDATED_AT = "UPDATED_AT"


class ContributorOrderField(Enum):
    CONTRIBUTIONS = "CONTRIBUTIONS"
    LOGIN = "LOGIN"


@dataclass(frozen=True)
class Order:
    field: Enum
    descending: bool

    @classmethod
    def of(cls, field: Enum | str | None, direction: str | None, default: "Order") -> "Order":
        """The order an `orderBy` argument asks for (field and direction names), or `default` without one."""
        if field is None:
            return default
        return cls(type(default.field)(getattr(field, "value", field)), descending=direction == "DESC")


DEFAULT_REPOSITORY_ORDER = Order(RepositoryOrderField.PUSHED_AT, descending=True)
DEFAULT_CONTRIBUTOR_ORDER = Order(ContributorOrderField.CONTRIBUTIONS, descending=True)
# GitHub's topic names: lowercase letters, digits and hyphens, starting with a letter or digit.
TOPIC_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


@dataclass(frozen=True)
class RepositoryFilter:
    """Filters a repository listing; `nothing` is set by arguments that can match no public repository."""

    include_hidden: bool = False
    nothing: bool = False
    owner_login: str | None = None
    is_fork: bool | None = None
    is_archived: bool | None = None
    has_issues: bool | None = None
    language: str | None = None
    topic: str | None = None
    featured: bool | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [visible_repository(self.include_hidden)]
        if self.nothing:
            found.append(false())
        if self.owner_login is not None:
            found.append(
                Repository.owner_id.in_(select(Contributor.id).where(Contributor.login_key == self.owner_login.lower()))
            )
        if self.is_fork is not None:
            found.append(Repository.is_fork.is_(self.is_fork))
        if self.is_archived is not None:
            found.append(Repository.is_archived.is_(self.is_archived))
        if self.has_issues is not None:
            found.append(Repository.has_issues.is_(self.has_issues))
        if self.language is not None:
            found.append(
                Repository.primary_language_id.in_(
                    select(Language.id).where(func.lower(Language.name) == self.language.lower())
                )
            )
        if self.topic is not None:
            # Topics are lowercase [a-z0-9-], so their JSON spelling is the quoted topic itself. Anything
            # else names no topic, and must not reach LIKE, where % and _ are wildcards and " spans topics.
            topic = self.topic.lower()
            if TOPIC_NAME.fullmatch(topic):
                found.append(cast(Repository.topics, String).contains(f'"{topic}"'))
            else:
                found.append(false())
        if self.featured is not None:
            is_featured = exists().where(Showcase.key == Repository.full_name_key, Showcase.featured.is_(True))
            found.append(is_featured if self.featured else ~is_featured)
        return found


@cache
def visible_repository(include_hidden: bool = False) -> ColumnElement[bool]:
    """Hidden repositories and light records (db/contributed.py) appear in no listing, count, search or
    lookup of the public API; light records are reached through the lists that point at them only.

    Built once per value (the expression is immutable): constructing it cost more than a cache hit.
    """
    outside = aliased(OutsideRepository)
    full = ~exists().where(outside.repository_id == Repository.id)
    return full if include_hidden else and_(full, shown_repository())


@cache
def shown_repository(include_hidden: bool = False) -> ColumnElement[bool]:
    """Hidden repositories appear nowhere in the public API (the lists of light records included)."""
    if include_hidden:
        return true()
    # An alias, so the check still has its own FROM inside statements that join Showcase themselves.
    hidden = aliased(Showcase)
    return ~exists().where(hidden.key == Repository.full_name_key, hidden.hidden.is_(True))


def _directed(column: SQLColumnExpression[Any], descending: bool) -> list[SQLColumnExpression[Any]]:
    # `col IS NULL` sorts false before true on every backend: nulls last in either direction.
    return [column.is_(None), column.desc() if descending else column.asc()]


def repository_order(order: Order) -> list[SQLColumnExpression[Any]]:
    column = {
        RepositoryOrderField.CREATED_AT: Repository.created_at,
        RepositoryOrderField.NAME: func.lower(Repository.name),
        RepositoryOrderField.PUSHED_AT: Repository.pushed_at,
        RepositoryOrderField.STARGAZERS: Repository.stargazers_count,
        RepositoryOrderField.UPDATED_AT: Repository.updated_at,
    }[RepositoryOrderField(order.field.value)]
    return [*_directed(column, order.descending), Repository.full_name_key, Repository.id]


def _contributor_order(order: Order, contributions: SQLColumnExpression[Any]) -> list[SQLColumnExpression[Any]]:
    if ContributorOrderField(order.field.value) is ContributorOrderField.LOGIN:
        return [*_directed(Contributor.login_key, order.descending), Contributor.id]
    return [*_directed(contributions, order.descending), Contributor.login_key, Contributor.id]


# Statements for pages of children are built once per shape (filter, order, page) and reused: building one
# took longer than running it. The parents travel as one expanding parameter.
STATEMENT_CACHE = 512
PARENTS = "parent_ids"


def parents_parameter() -> Any:
    """The expanding parameter that carries the parent ids of a batched statement."""
    return bindparam(PARENTS, expanding=True)


def _with_parents(ids: Sequence[Any] | None) -> dict[str, list[Any]]:
    return {} if ids is None else {PARENTS: list(ids)}


@lru_cache(maxsize=STATEMENT_CACHE)
def _repository_pages_statement(by_owner: bool, where: RepositoryFilter, order: Order, page: PageArgs) -> Any:
    base = select(Repository).where(*where.conditions())
    if by_owner:
        base = base.where(Repository.owner_id.in_(parents_parameter()))
    return paginate(
        Repository,
        base,
        parent=Repository.owner_id if by_owner else None,
        order_by=repository_order(order),
        page=page,
    )


async def repository_pages(
    session: AsyncSession,
    owner_ids: Sequence[int] | None,
    where: RepositoryFilter,
    order: Order,
    page: PageArgs,
) -> dict[Hashable, Page[Repository]]:
    """Repositories per owner id (or one page keyed 0 across all owners when `owner_ids` is None)."""
    stmt = _repository_pages_statement(owner_ids is not None, where, order, page)
    return collect((await session.execute(stmt, _with_parents(owner_ids))).all(), page)


@lru_cache(maxsize=STATEMENT_CACHE)
def _language_pages_statement(descending: bool, page: PageArgs) -> Any:
    link = RepositoryLanguage
    base = (
        select(Language).join(link, link.language_id == Language.id).where(link.repository_id.in_(parents_parameter()))
    )
    order = [*_directed(link.bytes, descending), Language.name, Language.id]
    return paginate(
        Language,
        base,
        parent=link.repository_id,
        order_by=order,
        page=page,
        size=link.bytes,
        extra=[link.bytes.label("link_bytes")],
    )


async def language_pages(
    session: AsyncSession, repository_ids: Sequence[int], descending: bool, page: PageArgs
) -> dict[Hashable, Page[tuple[Language, int]]]:
    stmt = _language_pages_statement(descending, page)
    return collect((await session.execute(stmt, _with_parents(repository_ids))).all(), page, n_extra=1)


@lru_cache(maxsize=STATEMENT_CACHE)
def _contributor_pages_statement(order: Order, page: PageArgs) -> Any:
    link = RepositoryContributor
    base = (
        select(Contributor)
        .join(link, link.contributor_id == Contributor.id)
        .where(link.repository_id.in_(parents_parameter()))
    )
    return paginate(
        Contributor,
        base,
        parent=link.repository_id,
        order_by=_contributor_order(order, link.contributions),
        page=page,
        size=link.contributions,
        extra=[link.contributions.label("link_contributions")],
        keys_only=True,
    )


async def contributor_pages(
    session: AsyncSession, repository_ids: Sequence[int], order: Order, page: PageArgs
) -> dict[Hashable, Page[tuple[Contributor, int]]]:
    """Contributor pages per repository: the pages hold ids, then each contributor loads once (the same few
    people contribute to many repositories)."""
    stmt = _contributor_pages_statement(order, page)
    pages = collect((await session.execute(stmt, _with_parents(repository_ids))).all(), page, n_extra=1)
    ids = {contributor_id for found in pages.values() for (contributor_id, _), _ in found.items}
    rows = (await session.scalars(select(Contributor).where(Contributor.id.in_(ids)))).all() if ids else ()
    by_id = {row.id: row for row in rows}
    for found in pages.values():
        # an id without its row: the contributor went in a sync between the two statements
        found.items = [((by_id[i], n), position) for (i, n), position in found.items if i in by_id]
    return pages


async def contributed_repository_pages(
    session: AsyncSession, contributor_ids: Sequence[int], include_hidden: bool, order: Order, page: PageArgs
) -> dict[Hashable, Page[tuple[Repository, int]]]:
    link = RepositoryContributor
    base = (
        select(Repository)
        .join(link, link.repository_id == Repository.id)
        .where(link.contributor_id.in_(contributor_ids), visible_repository(include_hidden))
    )
    stmt = paginate(
        Repository,
        base,
        parent=link.contributor_id,
        order_by=repository_order(order),
        page=page,
        extra=[link.contributions.label("link_contributions")],
    )
    return collect((await session.execute(stmt)).all(), page, n_extra=1)


def _contribution_totals(include_hidden: bool) -> Any:
    link = RepositoryContributor
    return (
        select(link.contributor_id.label("contributor_id"), func.sum(link.contributions).label("total"))
        .join(Repository, Repository.id == link.repository_id)
        .where(visible_repository(include_hidden))
        .group_by(link.contributor_id)
        .subquery("contribution_totals")
    )


@lru_cache(maxsize=STATEMENT_CACHE)
def _all_contributors_statement(include_hidden: bool, order: Order, page: PageArgs) -> Any:
    totals = _contribution_totals(include_hidden)
    base = select(Contributor).join(totals, totals.c.contributor_id == Contributor.id)
    return paginate(
        Contributor,
        base,
        parent=None,
        order_by=_contributor_order(order, totals.c.total),
        page=page,
        extra=[totals.c.total.label("total_contributions")],
    )


async def all_contributors_page(
    session: AsyncSession, include_hidden: bool, order: Order, page: PageArgs
) -> Page[tuple[Contributor, int]]:
    stmt = _all_contributors_statement(include_hidden, order, page)
    return collect((await session.execute(stmt)).all(), page, n_extra=1).get(0) or Page.empty()


async def contribution_totals(
    session: AsyncSession, contributor_ids: Sequence[int], include_hidden: bool
) -> dict[int, int]:
    totals = _contribution_totals(include_hidden)
    rows = await session.execute(
        select(totals.c.contributor_id, totals.c.total).where(totals.c.contributor_id.in_(contributor_ids))
    )
    return {contributor_id: int(total) for contributor_id, total in rows.all()}


@lru_cache(maxsize=STATEMENT_CACHE)
def _language_stats_statement(include_forks: bool, include_hidden: bool, descending: bool, page: PageArgs) -> Any:
    link = RepositoryLanguage
    conditions = [visible_repository(include_hidden)]
    if not include_forks:
        conditions.append(Repository.is_fork.is_(False))
    stats = (
        select(
            link.language_id.label("language_id"),
            func.sum(link.bytes).label("size"),
            func.count(distinct(link.repository_id)).label("repositories"),
        )
        .join(Repository, Repository.id == link.repository_id)
        .where(*conditions)
        .group_by(link.language_id)
        .subquery("language_stats")
    )
    base = select(Language).join(stats, stats.c.language_id == Language.id)
    return paginate(
        Language,
        base,
        parent=None,
        order_by=[*_directed(stats.c.size, descending), Language.name, Language.id],
        page=page,
        size=stats.c.size,
        extra=[stats.c.size.label("stat_size"), stats.c.repositories.label("stat_repositories")],
    )


async def language_stats_page(
    session: AsyncSession, include_forks: bool, include_hidden: bool, descending: bool, page: PageArgs
) -> Page[tuple[Language, int, int]]:
    stmt = _language_stats_statement(include_forks, include_hidden, descending, page)
    return collect((await session.execute(stmt)).all(), page, n_extra=2).get(0) or Page.empty()
