"""Each private Strawberry or graphql-core API the engine touches (graph/engine/internals.py) is still there and
still behaves as the engine expects: a library upgrade that moves one fails here, by name."""

import inspect
from typing import Any

import strawberry
from graphql import GraphQLSchema, VariableValues
from graphql.execution import Executor
from strawberry.types import Info

from graph.engine import internals


@strawberry.input
class Filter:
    name: str


@strawberry.type
class Item:
    name: str
    note: str | None

    @strawberry.field
    def label(self, info: Info, upper_case: bool = False, where: Filter | None = None) -> str:
        seen.append(info)
        return self.name.upper() if upper_case else self.name


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="a", note=None)]


seen: list[Any] = []
SCHEMA = strawberry.Schema(query=Query)


def _field(type_name: str, name: str) -> Any:
    return internals.core_schema(SCHEMA).type_map[type_name].fields[name]  # type: ignore[union-attr]


def test_the_executor_methods_the_planned_context_overrides_and_calls_keep_their_parameters() -> None:
    for name, parameters in internals.EXECUTOR_METHODS.items():
        assert tuple(inspect.signature(getattr(internals.BaseExecutionContext, name)).parameters) == parameters, name


def test_the_executor_attributes_the_planned_context_reads_are_set_by_its_constructor() -> None:
    captured: list[Any] = []

    class Capturing(internals.BaseExecutionContext):
        def build_response(self, data: Any) -> Any:
            captured.append(self)
            return super().build_response(data)

    schema = strawberry.Schema(query=Query, execution_context_class=Capturing)
    assert not schema.execute_sync("{ items { name } }").errors
    assert all(hasattr(captured[0], name) for name in internals.EXECUTOR_ATTRIBUTES)
    assert issubclass(internals.BaseExecutionContext, Executor)


def test_a_field_group_gives_its_nodes_fragment_variables_and_subfields() -> None:
    groups: list[tuple[Any, Any, Any]] = []

    class Grouping(internals.BaseExecutionContext):
        def execute_field(self, parent_type: Any, source: Any, details: Any, path: Any, position: Any) -> Any:
            if parent_type.name == "Query":
                groups.append((details, internals.subfields(self, SCHEMA._schema.type_map["Item"], details), None))
            return super().execute_field(parent_type, source, details, path, position)

    schema = strawberry.Schema(query=Query, execution_context_class=Grouping)
    assert not schema.execute_sync("{ items { name n: note } }").errors
    details, (grouped, deferred), _ = groups[0]
    assert internals.first_node(details).name.value == "items"
    assert [node.name.value for node in internals.nodes(details)] == ["items"]
    assert internals.fragment_variables(details) is None
    assert list(grouped) == ["name", "n"] and deferred is False


def test_strawberrys_definition_backref_names_the_strawberry_field() -> None:
    field = _field("Item", "label").extensions[internals.DEFINITION_BACKREF]
    assert isinstance(field, internals.Field) and field.python_name == "label"
    resolver = field.base_resolver
    assert resolver is not None and resolver.info_parameter is not None and resolver.self_parameter is not None
    assert resolver.root_parameter is None and resolver.parent_parameter is None and not resolver.is_async
    assert callable(resolver.wrapped_func) and [a.python_name for a in field.arguments] == ["upper_case", "where"]


def test_the_core_schema_is_graphql_cores() -> None:
    assert isinstance(internals.core_schema(SCHEMA), GraphQLSchema)


def test_strawberrys_optional_wraps_a_nullable_argument() -> None:
    field = _field("Item", "label").extensions[internals.DEFINITION_BACKREF]
    assert isinstance(field.arguments[1].type, internals.Optional)


def test_strawberrys_info_is_built_from_the_core_info_and_gives_it_back() -> None:
    seen.clear()
    assert not SCHEMA.execute_sync("{ items { label } }").errors
    raw = internals.core_info(seen[0])
    assert raw.field_name == "label" and raw.parent_type.name == "Item"
    field = _field("Item", "label").extensions[internals.DEFINITION_BACKREF]
    info = internals.strawberry_info(SCHEMA.config.info_class, raw, field)
    assert info.field_name == "label" and internals.core_info(info) is raw


def test_arguments_convert_as_strawberry_converts_them() -> None:
    field = _field("Item", "label").extensions[internals.DEFINITION_BACKREF]
    scalars = internals.scalar_registry(SCHEMA)
    value = internals.convert({"name": "x"}, field.arguments[1].type, scalars, SCHEMA.config, "where")
    assert isinstance(value, Filter) and value.name == "x"


def test_coerced_variables_become_graphql_cores_variable_values() -> None:
    values = internals.variable_values({"first": 3})
    assert isinstance(values, VariableValues) and values.coerced == {"first": 3}
    assert internals.variable_values(values) is values


def test_an_execution_context_class_set_after_construction_applies() -> None:
    used: list[str] = []

    class Marking(internals.BaseExecutionContext):
        def build_response(self, data: Any) -> Any:
            used.append("marked")
            return super().build_response(data)

    schema = strawberry.Schema(query=Query)
    internals.set_execution_context_class(schema, Marking)
    assert not schema.execute_sync("{ items { name } }").errors
    assert used == ["marked"]
