"""The SQL behind `search(type: REPOSITORY)`: one statement answers the page and the count.

Default order without `sort:`: repositories whose name is one of the query's words first, then most stars,
then name (then owner/name and id, so the order is total and cursors are stable).
"""

import re
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, String, and_, case, cast, false, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contributor, Language, Repository
from graph.read.pagination import Page, PageArgs, collect, paginate
from graph.read.queries import STATEMENT_CACHE, TOPIC_NAME, visible_repository
from graph.read.search_syntax import Condition, Field, Forks, Kind, Range, RepositoryQuery, SortField, Word

TOPIC_CHARACTERS = re.compile(r"[a-z0-9-]+")
SORT_COLUMNS: dict[SortField, Any] = {
    SortField.STARS: Repository.stargazers_count,
    SortField.FORKS: Repository.forks_count,
    SortField.UPDATED: Repository.updated_at,
}
RANGE_COLUMNS: dict[Kind, Any] = {
    Kind.STARS: Repository.stargazers_count,
    Kind.FORKS: Repository.forks_count,
    Kind.SIZE: Repository.disk_usage,
    Kind.PUSHED: Repository.pushed_at,
    Kind.CREATED: Repository.created_at,
    Kind.TOPICS: func.json_array_length(Repository.topics),
}


def _like(text: str) -> str:
    """`text` as a LIKE pattern matching itself anywhere (its % and _ are literal)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word(word: Word, fields: frozenset[Field]) -> ColumnElement[bool]:
    pattern = _like(word.text)
    found: list[ColumnElement[bool]] = []
    if Field.NAME in fields:
        found.append(func.lower(Repository.name).like(pattern, escape="\\"))
    if Field.DESCRIPTION in fields:
        found.append(func.coalesce(func.lower(Repository.description), "").like(pattern, escape="\\"))
    if Field.TOPICS in fields and TOPIC_CHARACTERS.fullmatch(word.text):
        # Topics are [a-z0-9-]: a word of those characters is found inside one topic's JSON string only.
        found.append(cast(Repository.topics, String).like(pattern, escape="\\"))
    return or_(*found) if found else false()


def _range(column: Any, bounds: Range) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = [column.is_not(None)]
    if bounds.low is not None:
        parts.append(column >= bounds.low if bounds.low_inclusive else column > bounds.low)
    if bounds.high is not None:
        parts.append(column <= bounds.high if bounds.high_inclusive else column < bounds.high)
    return and_(*parts)


def _condition(condition: Condition) -> ColumnElement[bool]:
    kind, value = condition.kind, condition.value
    if isinstance(value, Range):
        return _range(RANGE_COLUMNS[kind], value)
    if kind is Kind.OWNER:
        return Repository.owner_id.in_(select(Contributor.id).where(Contributor.login_key == value))
    if kind is Kind.REPO:
        return Repository.full_name_key == value
    if kind is Kind.LANGUAGE:
        return Repository.primary_language_id.in_(select(Language.id).where(func.lower(Language.name) == value))
    if kind is Kind.TOPIC:
        if not isinstance(value, str) or not TOPIC_NAME.fullmatch(value):
            return false()  # no topic is spelled so
        return cast(Repository.topics, String).contains(f'"{value}"')
    if kind is Kind.ARCHIVED:
        return Repository.is_archived.is_(bool(value))
    if kind is Kind.TEMPLATE:
        return Repository.is_template.is_(True)
    return false()  # Kind.NOTHING


def conditions(query: RepositoryQuery) -> list[ColumnElement[bool]]:
    """Every repository condition the query sets, hidden repositories excluded whatever it says."""
    found: list[ColumnElement[bool]] = [visible_repository(False)]
    if query.forks is Forks.EXCLUDE:
        found.append(Repository.is_fork.is_(False))
    elif query.forks is Forks.ONLY:
        found.append(Repository.is_fork.is_(True))
    for word in query.words:
        matched = _word(word, query.fields)
        found.append(~matched if word.negated else matched)
    alternatives: dict[Kind, list[ColumnElement[bool]]] = {}
    for condition in query.conditions:
        clause = _condition(condition)
        if condition.negated:
            # NOT of an unknown (language:x on a repository without one) must hold, not be unknown.
            found.append(not_(func.coalesce(clause, false())))
        elif condition.kind in (Kind.OWNER, Kind.REPO, Kind.LANGUAGE):
            alternatives.setdefault(condition.kind, []).append(clause)  # user:a user:b finds both
        else:
            found.append(clause)
    found.extend(or_(*clauses) for clauses in alternatives.values())
    return found


def order(query: RepositoryQuery) -> list[SQLColumnExpression[Any]]:
    tail: list[SQLColumnExpression[Any]] = [func.lower(Repository.name), Repository.full_name_key, Repository.id]
    if query.sort is not None:
        column = SORT_COLUMNS[query.sort.field]
        return [column.is_(None), column.desc() if query.sort.descending else column.asc(), *tail]
    ranked: list[SQLColumnExpression[Any]] = [Repository.stargazers_count.desc(), *tail]
    names = [word.text for word in query.words if not word.negated]
    if names:
        return [case((func.lower(Repository.name).in_(names), 0), else_=1), *ranked]
    return ranked


@lru_cache(maxsize=STATEMENT_CACHE)
def _statement(query: RepositoryQuery, page: PageArgs) -> Any:
    base = select(Repository).where(*conditions(query))
    return paginate(Repository, base, parent=None, order_by=order(query), page=page)


async def search_repositories(session: AsyncSession, query: RepositoryQuery, page: PageArgs) -> Page[Repository]:
    rows = (await session.execute(_statement(query, page))).all()
    return collect(rows, page).get(0) or Page.empty()
