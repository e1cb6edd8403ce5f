"""Whole-selection prefetch for pages of repositories, so their fields resolve synchronously.

graphql-core resolves a page of repositories field by field. Left alone, every repository's `languages`,
`contributors`, `primaryLanguage`… returns an awaitable that a DataLoader batches: one statement per field
either way, but hundreds of coroutines, futures and gathers a request, which cost more than the SQL. So a
connection's resolver looks at what its nodes select (as the execution will: @skip and @include applied) and
loads all of it up front; the fields then find their value already in the DataLoader and answer without
awaiting (`resolved` in graph.read.keys, which also calls this prefetch once graph.engine.install put
it on the schema). The loads go through the request's `Primer`, so sibling connections (the repositories
of every contributor on a page) share one batch per DataLoader, as plain `load` calls would: a query costs
the same statements however many parents it covers. Anything not prefetched (a field reached another way)
still loads through the same DataLoader, and finds an error stored for its key as `load` would report it.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionNode,
    VariableValues,
    get_argument_values,
    get_directive_values,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from db import models
from graph.engine import internals
from graph.read.keys import contributor_page_key, language_page_key, release_page_key
from graph.read.loaders import Loaders

LoaderKeys = tuple[DataLoader[Any, Any], list[Any]]


# --- the prefetch ----------------------------------------------------------------------------------------


def _included(selection: SelectionNode, variables: VariableValues) -> bool:
    """Whether @skip and @include keep this selection, as graphql-core decides it."""
    if not selection.directives:
        return True
    skip = get_directive_values(GraphQLSkipDirective, selection, variables)
    if skip is not None and skip["if"]:
        return False
    include = get_directive_values(GraphQLIncludeDirective, selection, variables)
    return include is None or bool(include["if"])


def _fields(
    selections: Iterable[SelectionNode], fragments: Mapping[str, FragmentDefinitionNode], variables: VariableValues
) -> Iterator[FieldNode]:
    """Selected fields, with fragments (named or inline, whatever their type condition) spread in place;
    those @skip or @include leave out are left out."""
    for selection in selections:
        if not _included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set.selections, fragments, variables)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _fields(fragments[selection.name.value].selection_set.selections, fragments, variables)


def _children(
    node: FieldNode, fragments: Mapping[str, FragmentDefinitionNode], variables: VariableValues
) -> Iterator[FieldNode]:
    return _fields(node.selection_set.selections if node.selection_set else (), fragments, variables)


def _node_fields(info: GraphQLResolveInfo[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, arguments) of the fields a connection's nodes select, under `nodes` and `edges { node }`;
    arguments coerced by graphql-core, variables and defaults applied, as the field's resolver gets them."""
    repository = info.schema.get_type("Repository")
    assert isinstance(repository, GraphQLObjectType)
    fragments, variables = info.fragments, internals.variable_values(info.variable_values)
    nodes: list[FieldNode] = []
    for connection in info.field_nodes:
        for child in _children(connection, fragments, variables):
            if child.name.value == "nodes":
                nodes.append(child)
            elif child.name.value == "edges":
                nodes.extend(edge for edge in _children(child, fragments, variables) if edge.name.value == "node")
    for node in nodes:
        for field in _children(node, fragments, variables):
            definition = repository.fields.get(field.name.value)
            if definition is not None:
                yield field.name.value, get_argument_values(definition, field, variables)


def _name(value: Any) -> str | None:
    """An enum argument's name, whether coercion left an Enum member or its name."""
    name: str | None = value.value if isinstance(value, Enum) else value
    return name


def _loads(
    loaders: Loaders, name: str, args: dict[str, Any], rows: Sequence[models.Repository]
) -> Iterator[LoaderKeys]:
    order = args.get("orderBy") or {}
    paging = (args.get("first"), args.get("last"), args.get("after"), args.get("before"))
    if name == "primaryLanguage":
        yield loaders.language_by_id, [r.primary_language_id for r in rows if r.primary_language_id is not None]
    elif name == "owner":
        yield loaders.account_by_id, [r.owner_id for r in rows]
    elif name == "languages":
        keys = [language_page_key(r.id, *paging, _name(order.get("direction"))) for r in rows]
        yield loaders.languages_by_repository_id, keys
    elif name == "contributors":
        field, direction = _name(order.get("field")), _name(order.get("direction"))
        keys = [contributor_page_key(r.id, *paging, field, direction) for r in rows]
        yield loaders.contributors_by_repository_id, keys
    elif name == "latestRelease":
        yield loaders.latest_release_by_repository_id, [r.id for r in rows]
    elif name == "releases":
        field, direction = _name(order.get("field")), _name(order.get("direction"))
        yield loaders.releases_by_repository_id, [release_page_key(r.id, *paging, field, direction) for r in rows]
    elif name in ("showcase", "openGraphImageUrl", "usesCustomOpenGraphImage"):
        yield loaders.showcase_by_key, [r.full_name_key for r in rows]


async def prefetch_repositories(info: Info[Any, Any], rows: Sequence[models.Repository]) -> None:
    """Load what the current connection's nodes select, for all of `rows`, in the DataLoaders' batches of
    this tick (shared with the sibling connections that prefetch now)."""
    if not rows:
        return
    loaders: Loaders = info.context.loaders
    wanted: list[LoaderKeys] = []
    for name, args in _node_fields(internals.core_info(info)):
        try:
            wanted.extend(_loads(loaders, name, args, rows))
        except (GraphQLError, ValueError):
            continue  # bad arguments: the field's own resolver reports them
    loading = loaders.primer.prime(wanted)
    if loading is not None:
        await loading
