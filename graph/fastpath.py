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

The values and errors are the same as Strawberry's: exceptions propagate to graphql-core as before.
`ExecutionContext` below goes one step further for plain scalar attributes.
"""

from collections.abc import Callable
from typing import Any, cast

import strawberry
from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_argument
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


def _direct(field: StrawberryField, graphql_names: dict[str, str], schema: strawberry.Schema) -> Callable[..., Any]:
    """A direct call of the field's resolver: arguments renamed, input objects and enums converted as
    Strawberry converts them (plain scalars need nothing), `Info` built only when something needs it."""
    resolver = field.base_resolver
    assert resolver is not None
    info_class, config, scalars = schema.config.info_class, schema.config, schema.schema_converter.scalar_registry
    func = cast(Callable[..., Any], resolver.wrapped_func)
    takes_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    arguments = {graphql_names[argument.python_name]: argument for argument in field.arguments}
    names = {graphql: argument.python_name for graphql, argument in arguments.items()}
    converted = {graphql for graphql, argument in arguments.items() if not _is_plain_scalar(argument.type)}
    renamed = bool(converted) or any(graphql != python for graphql, python in names.items())

    def resolve(source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        strawberry_info = info_class(_raw_info=info, _field=field) if info_name or converted else None
        if renamed:
            kwargs = {
                names[name]: (
                    convert_argument(value, arguments[name].type, scalars, config, strawberry_info, path=(name,))
                    if name in converted
                    else value
                )
                for name, value in kwargs.items()
            }
        if info_name is not None:
            kwargs[info_name] = strawberry_info
        return func(source, **kwargs) if takes_self else func(**kwargs)

    return resolve


def install(schema: strawberry.Schema) -> int:
    """Swap in plain resolvers where they give the same answer, and note the plain scalar attributes for
    `ExecutionContext`; returns how many resolvers changed."""
    converter = schema.config.name_converter
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
            resolver = field.base_resolver
            graphql_names = {a.python_name: converter.get_graphql_name(a) for a in field.arguments}
            if set(graphql_names.values()) != set(graphql_field.args):
                continue
            if resolver.root_parameter is None and resolver.parent_parameter is None:
                graphql_field.resolve = _direct(field, graphql_names, schema)
                changed += 1
    schema._schema.extensions = {**(schema._schema.extensions or {}), LEAVES: _leaves(schema._schema)}
    return changed


# --- leaves: plain attributes of scalar type, answered without a resolve info -----------------------------

LeafSpec = tuple[str, GraphQLLeafType, bool]  # (Python attribute, scalar or enum type, nullable)
LEAVES = "repofolio.leaves"  # where `install` keeps them: the graphql-core schema's extensions


def _leaves(schema: GraphQLSchema) -> dict[str, dict[str, LeafSpec]]:
    """Per object type, its argument-less fields that are plain attributes of a scalar or enum type."""
    found: dict[str, dict[str, LeafSpec]] = {}
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for name, graphql_field in graphql_type.fields.items():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField) or field.extensions or field.base_resolver is not None:
                continue
            nullable = not isinstance(graphql_field.type, GraphQLNonNull)
            leaf = graphql_field.type if nullable else graphql_field.type.of_type
            if graphql_field.args or not is_leaf_type(leaf):
                continue
            found.setdefault(graphql_type.name, {})[name] = (field.python_name, cast(GraphQLLeafType, leaf), nullable)
    return found


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with a short path for plain scalar attributes.

    graphql-core executes every field the same way: a resolve info, argument values, the resolver, then
    value completion through the type's wrappers. For a plain attribute of scalar type, all of that comes
    to `coerce_output_value(getattr(source, name))`; this does exactly that when the value is a good one,
    and hands anything else (null on a non-null field, an error, a failed coercion) to graphql-core's
    own path, which reports it as it always has. Middleware, when present, sees every field as before.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaves = (self.schema.extensions or {}).get(LEAVES)
        middleware = self.middleware_manager.middlewares if self.middleware_manager is not None else ()
        self._leaves = leaves if leaves is not None and not middleware else {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        fields = self._leaves.get(parent_type.name)
        if fields is not None:
            leaf = fields.get(field_details_list[0].node.name.value)
            if leaf is not None:
                attribute, leaf_type, nullable = leaf
                try:
                    value = getattr(source, attribute)
                    if value is None:
                        if nullable:
                            return None
                    elif not isinstance(value, Exception):
                        coerced = leaf_type.coerce_output_value(value)
                        if coerced is not None and coerced is not Undefined:
                            return coerced
                except Exception:  # noqa: BLE001, S110 - graphql-core's path below reports it
                    pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
