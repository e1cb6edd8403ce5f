"""Every private or internal API of Strawberry and graphql-core the engine touches, and nothing else.

No other module of the engine reaches into either library's internals: an upgrade that moves one breaks this
file, and its test (tests/graph/test_engine_internals.py, one test per touch-point) names what moved.
pyproject.toml caps both libraries below their next minor release for the same reason.
"""

from typing import Any

import strawberry
from graphql import FieldNode, GraphQLResolveInfo, GraphQLSchema, VariableValues
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

# Strawberry's execution context: graphql-core's, taking Strawberry's operation extensions. The planned one
# derives from it and overrides or calls graphql-core's executor methods that graphql-core marks private,
# with these parameters (3.3): the planned path depends on exactly these.
BaseExecutionContext = StrawberryGraphQLCoreExecutionContext
EXECUTOR_METHODS: dict[str, tuple[str, ...]] = {
    "execute_field": ("self", "parent_type", "source", "field_details_list", "path", "position_context"),
    "build_response": ("self", "data"),
    "build_resolve_info": ("self", "field_def", "field_nodes", "parent_type", "path"),
    "collect_subfields": ("self", "return_type", "field_details_list"),
}
# ...and the executor's attributes it reads, set by graphql-core's ExecutionContext.__init__.
EXECUTOR_ATTRIBUTES = (
    "context_value",
    "hide_suggestions",
    "is_awaitable",
    "middleware_manager",
    "operation",
    "schema",
    "type_resolver",
    "variable_values",
)

# The key, in a graphql-core type's or field's extensions, of the Strawberry definition it was built from.
DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF

# Strawberry's field and Optional wrapper, from their internal modules (strawberry exports neither).
Field = StrawberryField
Optional = StrawberryOptional


def core_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema Strawberry built."""
    return schema._schema


def core_info(info: Info[Any, Any]) -> GraphQLResolveInfo[Any]:
    """graphql-core's resolve info behind Strawberry's `Info`."""
    return info._raw_info


def strawberry_info(info_class: type[Info[Any, Any]], info: GraphQLResolveInfo[Any] | None, field: Any) -> Any:
    """Strawberry's `Info` for a resolver, as Strawberry builds it (from its private fields)."""
    return info_class(_raw_info=info, _field=field)  # type: ignore[arg-type]


def scalar_registry(schema: strawberry.Schema) -> Any:
    """The scalars Strawberry converts arguments with."""
    return schema.schema_converter.scalar_registry


def convert(value: Any, annotation: Any, scalars: Any, config: Any, name: str) -> Any:
    """An input object's or enum's argument value as Strawberry passes it to a resolver."""
    return convert_argument(value, annotation, scalars, config, None, path=(name,))


def nodes(details: Any) -> list[FieldNode]:
    """The field nodes of a graphql-core 3.3 field group (a list of `FieldDetails`)."""
    return [detail.node for detail in details]


def first_node(details: Any) -> FieldNode:
    node: FieldNode = details[0].node
    return node


def fragment_variables(details: Any) -> Any:
    """The fragment-argument values of a field group's first field (graphql-core 3.3)."""
    return details[0].fragment_variable_values


def subfields(context: Any, object_type: Any, details: Any) -> tuple[dict[str, Any], bool]:
    """A field group's subfields for `object_type` (graphql-core 3.3 `collect_subfields`), and whether any is
    deferred."""
    grouped, deferred, _ = context.collect_subfields(object_type, details)
    return grouped, bool(deferred)


def variable_values(values: Any) -> VariableValues:
    """graphql-core's variables from what Strawberry's resolve info holds (the coerced values alone)."""
    if isinstance(values, VariableValues):
        return values
    return VariableValues(sources={}, coerced=values)


def set_execution_context_class(schema: strawberry.Schema, cls: type[Any]) -> None:
    """Strawberry reads `execution_context_class` at every execution: set after construction, it applies."""
    schema.execution_context_class = cls
