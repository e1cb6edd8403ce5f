"""Plain graphql-core resolvers for the fields that need none of Strawberry's per-call machinery.

Strawberry wraps every field's resolver: a field without one gets a closure that calls
`StrawberryField.get_result`, which calls the configured default resolver; a field with one builds an
`Info`, converts every argument through the scalar registry and chains the field extensions, per call. A
portfolio page resolves about 4,000 fields, so that wrapping cost more than the fields themselves.

`install(schema)` replaces, on the built graphql-core schema, the resolvers of the fields without field
extensions (permissions and the like keep Strawberry's resolver):

- plain attributes: a getattr of the Python name;
- resolvers (without `root`/`parent` parameters): a direct call, mapping GraphQL's argument names to
  Python's and converting input objects and enums with Strawberry's own `convert_argument` (plain scalars
  need no conversion), with an `Info` only when the resolver asks for one or a conversion needs it.

The values and errors are the same as Strawberry's: exceptions propagate to graphql-core as before. Each
plain resolver carries a `Plain` under the `PLAIN` attribute, which `graph.engine.execution` plans with.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo

from graph.engine import internals

PLAIN_SCALARS = (str, int, float, bool, strawberry.ID)
PLAIN = "repofolio_plain"  # the attribute of a plain resolver that describes it


@dataclass(frozen=True, slots=True)
class Plain:
    """What a plain resolver does, for `graph.engine.execution` to do it without the per-call steps."""

    attribute: str | None  # the attribute a plain read returns; None for a resolver call
    needs_info: bool  # whether `call` needs the resolve info
    is_async: bool  # whether `call` returns an awaitable
    arguments: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # GraphQL's arguments as the call's
    call: Callable[[Any, GraphQLResolveInfo[Any] | None, dict[str, Any]], Any] | None = None


def _is_plain_scalar(annotation: Any) -> bool:
    if isinstance(annotation, internals.Optional):
        annotation = annotation.of_type
    return annotation in PLAIN_SCALARS


def _attribute(name: str) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        return getattr(source, name)

    setattr(resolve, PLAIN, Plain(name, needs_info=False, is_async=False))
    return resolve


def _direct(field: internals.Field, graphql_names: dict[str, str], schema: strawberry.Schema) -> Callable[..., Any]:
    """A direct call of the field's resolver: arguments renamed, input objects and enums converted as
    Strawberry converts them (plain scalars need nothing), `Info` built only when the resolver asks for one."""
    resolver = field.base_resolver
    assert resolver is not None
    info_class, config, scalars = schema.config.info_class, schema.config, internals.scalar_registry(schema)
    func = cast(Callable[..., Any], resolver.wrapped_func)
    takes_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    arguments = {graphql_names[argument.python_name]: argument for argument in field.arguments}
    names = {graphql: argument.python_name for graphql, argument in arguments.items()}
    converted = {graphql for graphql, argument in arguments.items() if not _is_plain_scalar(argument.type)}
    renamed = bool(converted) or any(graphql != python for graphql, python in names.items())

    def python_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
        # Our input types have no `from_input` hook, the one conversion step that would read an Info.
        if not renamed:
            return kwargs
        return {
            names[name]: (
                internals.convert(value, arguments[name].type, scalars, config, name) if name in converted else value
            )
            for name, value in kwargs.items()
        }

    def call(source: Any, info: GraphQLResolveInfo[Any] | None, kwargs: dict[str, Any]) -> Any:
        if info_name is not None:
            kwargs = {**kwargs, info_name: internals.strawberry_info(info_class, info, field)}
        return func(source, **kwargs) if takes_self else func(**kwargs)

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **kwargs: Any) -> Any:
        return call(source, info, python_arguments(kwargs))

    setattr(resolve, PLAIN, Plain(None, info_name is not None, resolver.is_async, python_arguments, call))
    return resolve


def install(schema: strawberry.Schema) -> int:
    """Swap in plain resolvers where they give the same answer; returns how many resolvers changed."""
    converter = schema.config.name_converter
    changed = 0
    for graphql_type in internals.core_schema(schema).type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(internals.DEFINITION_BACKREF)
            if not isinstance(field, internals.Field) or field.extensions:
                continue
            if field.base_resolver is None:
                graphql_field.resolve = _attribute(field.python_name)
                changed += 1
                continue
            resolver = field.base_resolver
            graphql_names = {a.python_name: converter.get_graphql_name(a) for a in field.arguments}
            if set(graphql_names.values()) != set(graphql_field.args):
                continue
            if resolver.root_parameter is None and resolver.parent_parameter is None:
                graphql_field.resolve = _direct(field, graphql_names, schema)
                changed += 1
    return changed
