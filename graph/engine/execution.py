"""graphql-core execution with a planned path for the fields our own plain resolvers answer.

graphql-core spends ~5 µs on every field: a resolve info, argument values, the resolver, then value completion
dispatched on the type's wrappers, one call at a time. A portfolio page has ~4,000 fields, so that is most of
a cold request. Within one execution the work per field never changes: the same field definition, the same
arguments (variables are fixed), the same completion steps. `ExecutionContext` therefore compiles each field
once per execution into a `_Field` (what to read, how to complete it) and runs the compiled fields over every
object of a page.

The planned path is speculative and has no side effects of its own: it records no error and returns no
awaitable. Whenever it meets anything else (an exception, an awaitable, null on a non-null field, a value
that does not coerce, a resolver that is not one of ours, @defer/@stream) it gives the field back to
graphql-core's own `execute_field`, which answers exactly as it always does; that field then stays on
graphql-core's path for the rest of the execution, while the fields below it are planned again. A resolver
may so run twice for one field: ours are pure reads of prefetched rows, so only time is lost, and only on
that unusual path. Mutations, and executions with middleware, never take the planned path.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    OperationType,
    TypeNameMetaFieldDef,
    Undefined,
    get_argument_values,
    is_abstract_type,
    is_leaf_type,
)
from graphql.pyutils import Path

from graph.engine import internals
from graph.engine.fastpath import PLAIN, Plain

# A compiled completion: (resolved value, the field's path, its resolve info or None) -> response value.
Complete = Callable[[Any, Path, GraphQLResolveInfo[Any] | None], Any]


class _Bail(Exception):  # noqa: N818 - a signal, not an error
    """The planned path cannot answer this field; graphql-core's path will."""


class _Field:
    """One field of a selection set, compiled for one execution."""

    __slots__ = (
        "args",
        "attribute",
        "call",
        "complete",
        "definition",
        "details",
        "exact",
        "info",
        "leaf",
        "name",
        "nodes",
        "nullable",
        "parent",
        "plans",
    )

    def __init__(self, parent: GraphQLObjectType, details: Any, definition: GraphQLField | None) -> None:
        node = internals.first_node(details)
        self.name = node.alias.value if node.alias else node.name.value  # the response key
        self.parent = parent
        self.details = details  # kept alive: compiled fields are found by its id
        self.nodes = internals.nodes(details)
        self.definition = definition
        self.attribute: str | None = None  # read this attribute of the source...
        self.call: Callable[[Any, GraphQLResolveInfo[Any] | None, dict[str, Any]], Any] | None = None  # ...or call this
        self.args: dict[str, Any] = {}
        self.info = False  # whether the call, type resolution or is_type_of needs a resolve info
        self.leaf = False  # a scalar or enum (or a list of them): nothing below it needs its path
        self.exact: type | None = None  # an attribute whose values of exactly this type are their own output
        self.nullable = True
        self.complete: Complete | None = None  # None: graphql-core's path only
        self.plans: dict[GraphQLObjectType, list[_Field]] = {}  # its selection, per object type it completes as


class ExecutionContext(internals.BaseExecutionContext):
    """Strawberry's execution context, taking the planned path wherever it gives the same answer.

    `planned(cls)` puts it in front of a schema's own execution context class, which keeps doing what it does.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager.middlewares if self.middleware_manager is not None else ()
        self._planned = not middleware and self.operation.operation == OperationType.QUERY
        self._fields: dict[int, _Field] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        if self._planned and position_context is None:
            field = self._compiled(parent_type, field_details_list)
            if field.complete is not None:
                try:
                    return self._run(field, source, path)
                except Exception:  # noqa: BLE001 - any surprise: graphql-core answers, and reports it
                    field.complete = None
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def build_response(self, data: dict[str, Any] | None) -> Any:
        # Compiled fields refer to this context through their completions, and so to the whole request's
        # objects: unlinked here, the request is freed by reference counting when it ends instead of waiting,
        # whole, for the cycle collector.
        for field in self._fields.values():
            field.complete = None
            field.plans.clear()
        self._fields.clear()
        return super().build_response(data)

    # --- running ---------------------------------------------------------------------------------------------

    def _run(self, field: _Field, source: Any, path: Path) -> Any:
        complete = field.complete
        if complete is None:
            raise _Bail
        info = self.build_resolve_info(field.definition, field.nodes, field.parent, path) if field.info else None  # type: ignore[arg-type]
        if field.call is None:
            return complete(getattr(source, field.attribute), path, info)  # type: ignore[arg-type]
        value = field.call(source, info, field.args)
        if self.is_awaitable(value):
            if inspect.iscoroutine(value):
                value.close()
            raise _Bail
        return complete(value, path, info)

    def _object(self, object_type: GraphQLObjectType, field: _Field, source: Any, path: Path) -> dict[str, Any]:
        plan = field.plans.get(object_type) or self._plan(object_type, field)
        run, typename = self._run, object_type.name
        result: dict[str, Any] = {}
        for child in plan:
            complete = child.complete
            if complete is None:
                raise _Bail
            if child.call is None and not child.info:  # an attribute: most fields of a page
                value = getattr(source, child.attribute)  # type: ignore[arg-type]
                kind = type(value)
                if kind is child.exact and (kind is not int or _MIN_INT <= value <= _MAX_INT):
                    result[child.name] = value  # a str, int or bool: its own output
                elif value is None and child.nullable:
                    result[child.name] = None
                else:
                    result[child.name] = complete(value, None if child.leaf else Path(path, child.name, typename), None)  # type: ignore[arg-type]
                continue
            result[child.name] = run(child, source, Path(path, child.name, typename))
        return result

    # --- compiling -------------------------------------------------------------------------------------------

    def _plan(self, object_type: GraphQLObjectType, field: _Field) -> list[_Field]:
        grouped, deferred = internals.subfields(self, object_type, field.details)
        if deferred:
            raise _Bail
        plan = [self._compiled(object_type, details) for details in grouped.values()]
        field.plans[object_type] = plan
        return plan

    def _compiled(self, parent_type: GraphQLObjectType, details: Any) -> _Field:
        """The field of this field group, compiled on first sight."""
        return self._fields.get(id(details)) or self._compile(parent_type, details)

    def _compile(self, parent_type: GraphQLObjectType, details: Any) -> _Field:
        node = internals.first_node(details)
        definition = self.schema.get_field(parent_type, node.name.value)
        field = _Field(parent_type, details, definition)
        self._fields[id(details)] = field
        directives = {directive.name.value for node in field.nodes for directive in node.directives or ()}
        if definition is None or directives - {"skip", "include"}:
            return field
        if definition is TypeNameMetaFieldDef:
            field.call, field.complete = _typename(parent_type.name), _identity
            return field
        plain: Plain | None = getattr(definition.resolve, PLAIN, None)
        if plain is None or plain.is_async:
            return field
        try:
            if definition.args or node.arguments:
                field.args = get_argument_values(
                    definition, node, self.variable_values, internals.fragment_variables(details), self.hide_suggestions
                )
            if plain.arguments is not None:
                field.args = plain.arguments(field.args)
        except Exception:  # noqa: BLE001 - graphql-core's path reports bad arguments
            return field
        named = definition.type
        while isinstance(named, GraphQLNonNull | GraphQLList):
            named = named.of_type
        field.attribute, field.call = plain.attribute, plain.call
        field.info = plain.needs_info or is_abstract_type(named) or _checks_type_with_info(named)
        field.leaf = is_leaf_type(named) and not field.info
        field.nullable = not isinstance(definition.type, GraphQLNonNull)
        if field.call is None:
            field.exact = _EXACT.get(named)
        field.complete = self._completion(definition.type, field)
        return field

    def _completion(self, graphql_type: GraphQLOutputType, field: _Field) -> Complete:
        """How a resolved value of `graphql_type` becomes its response value, as graphql-core's
        `complete_value` does it; raises wherever graphql-core would report an error."""
        nullable = not isinstance(graphql_type, GraphQLNonNull)
        of_type: Any = graphql_type if nullable else graphql_type.of_type  # type: ignore[union-attr]

        if isinstance(of_type, GraphQLList):
            item = self._completion(of_type.of_type, field)

            def complete_list(value: Any, path: Path, info: GraphQLResolveInfo[Any] | None) -> Any:
                if value is None:
                    if nullable:
                        return None
                    raise _Bail
                if not isinstance(value, list | tuple):
                    raise _Bail
                return [item(entry, Path(path, index, None), info) for index, entry in enumerate(value)]

            return complete_list

        if is_leaf_type(of_type):
            coerce = of_type.coerce_output_value

            def complete_leaf(value: Any, path: Path, info: GraphQLResolveInfo[Any] | None) -> Any:
                if value is None:
                    if nullable:
                        return None
                    raise _Bail
                if isinstance(value, Exception):
                    raise _Bail
                coerced = coerce(value)
                if coerced is None or coerced is Undefined:
                    raise _Bail
                return coerced

            return complete_leaf

        resolve_type = self._runtime_type(of_type)

        def complete_object(value: Any, path: Path, info: GraphQLResolveInfo[Any] | None) -> Any:
            if value is None:
                if nullable:
                    return None
                raise _Bail
            object_type = resolve_type(value, info)
            # info is None only where `_checks_type_with_info` found an `is_type_of` that never reads it.
            if object_type.is_type_of is not None and object_type.is_type_of(value, info) is not True:  # type: ignore[arg-type]
                raise _Bail
            return self._object(object_type, field, value, path)

        return complete_object

    def _runtime_type(
        self, output_type: GraphQLObjectType | GraphQLAbstractType
    ) -> Callable[[Any, GraphQLResolveInfo[Any] | None], GraphQLObjectType]:
        """The object type a value of `output_type` completes as."""
        if isinstance(output_type, GraphQLObjectType):
            return lambda value, info: output_type
        resolve_type = output_type.resolve_type or self.type_resolver
        schema = self.schema

        def runtime_type(value: Any, info: GraphQLResolveInfo[Any] | None) -> GraphQLObjectType:
            name = resolve_type(value, info, output_type)  # type: ignore[arg-type]
            if inspect.iscoroutine(name):
                name.close()
            found = schema.get_type(name) if isinstance(name, str) else None
            if not isinstance(found, GraphQLObjectType) or not schema.is_sub_type(output_type, found):
                raise _Bail
            return found

        return runtime_type


# Built-in scalars whose output is the value itself when it has exactly this Python type (Int: in 32 bits).
_EXACT: dict[GraphQLNamedType, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool, GraphQLInt: int}
_MIN_INT, _MAX_INT = -(2**31), 2**31 - 1


def _checks_type_with_info(named: Any) -> bool:
    """Whether completing an object of this type calls an `is_type_of` that may read the resolve info:
    Strawberry's own check (for types with interfaces) does not, a type's `is_type_of` classmethod may."""
    if getattr(named, "is_type_of", None) is None:
        return False
    definition = (named.extensions or {}).get(internals.DEFINITION_BACKREF)
    return definition is None or getattr(definition, "is_type_of", None) is not None


def _typename(name: str) -> Callable[..., str]:
    return lambda source, info, args: name


def _identity(value: Any, path: Path, info: GraphQLResolveInfo[Any] | None) -> Any:
    return value


def planned(base: type[Any]) -> type[ExecutionContext]:
    """`base` (a Strawberry execution context class) with the planned path in front of it."""
    if issubclass(base, ExecutionContext):
        return base
    if not issubclass(base, internals.BaseExecutionContext):
        raise TypeError(f"{base.__name__} is no Strawberry execution context: the planned path cannot extend it")
    return type(f"Planned{base.__name__}", (ExecutionContext, base), {"__doc__": ExecutionContext.__doc__})
