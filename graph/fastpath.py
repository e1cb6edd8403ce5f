"""Plain graphql-core resolvers for the fields that need none of Strawberry's per-call machinery.

Strawberry wraps every field's resolver: a field without one gets a closure that calls
`StrawberryField.get_result`, which calls the configured default resolver; a field with one builds an
`Info`, converts every argument through the scalar registry and chains the field extensions, per call. A
portfolio page resolves about 4,000 fields, so that wrapping cost more than the fields themselves.

`install(schema)` replaces, on the built graphql-core schema, the resolvers of two kinds of field:

- plain attributes (no resolver, no field extension): a getattr of the Python name;
- resolvers whose arguments are all plain scalars (strings, numbers, booleans, ids, or optional ones) and
  that have no field extension: a direct call, mapping GraphQL's argument names to Python's, with an
  `Info` only when the resolver asks for one.

Everything else (input objects, enums, lists, permissions) keeps Strawberry's resolver. The values and
errors are the same either way: Strawberry converts scalar arguments by returning them unchanged, and
exceptions propagate to graphql-core as before.
"""

from collections.abc import Callable
from typing import Any, cast

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

PLAIN_SCALARS = (str, int, float, bool, strawberry.ID)


def _is_plain_scalar(annotation: Any) -> bool:
    if isinstance(annotation, StrawberryOptional):
        annotation = annotation.of_type
    return annotation in PLAIN_SCALARS


def _attribute(name: str) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        return getattr(source, name)

    return resolve


def _direct(field: StrawberryField, graphql_names: dict[str, str], info_class: Any) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    assert resolver is not None
    if resolver.root_parameter is not None or resolver.parent_parameter is not None:
        return None
    if not all(_is_plain_scalar(argument.type) for argument in field.arguments):
        return None
    func = cast(Callable[..., Any], resolver.wrapped_func)
    takes_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    names = {graphql_names[argument.python_name]: argument.python_name for argument in field.arguments}
    renamed = any(graphql != python for graphql, python in names.items())

    def resolve(source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        if renamed:
            kwargs = {names[name]: value for name, value in kwargs.items()}
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return func(source, **kwargs) if takes_self else func(**kwargs)

    return resolve


def install(schema: strawberry.Schema) -> int:
    """Swap in plain resolvers where they give the same answer; returns how many fields changed."""
    info_class = schema.config.info_class
    converted = schema.config.name_converter
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField) or field.extensions:
                continue
            if field.base_resolver is None:
                graphql_field.resolve = _attribute(field.python_name)
                changed += 1
                continue
            graphql_names = {a.python_name: converted.get_graphql_name(a) for a in field.arguments}
            if set(graphql_names.values()) != set(graphql_field.args):
                continue
            direct = _direct(field, graphql_names, info_class)
            if direct is not None:
                graphql_field.resolve = direct
                changed += 1
    return changed
