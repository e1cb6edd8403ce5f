"""Limits on every GraphQL document, all checked before any resolver runs.

The parser refuses oversized documents (source length, tokens, comments); once graphql-core's validation
has passed, one walk over each operation, with every fragment measured a single time, checks depth,
aliases, `first`/`last` and GitHub's node count. Parsing and graphql-core's validation depend on the
text alone and run once per distinct document; the walk depends on the variables and runs every time.
Strawberry's QueryDepthLimiter and MaxAliasesLimiter are not used: they re-walk a fragment at every
spread, so a few hundred bytes of nested spreads make them (not the query) the denial of service.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from graphql.validation import MaxIntrospectionDepthRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from graph.errors import ErrorCode, client_error
from graph.lru import LRU
from graph.read.pagination import page_size_error
from graph.settings import ApiSettings

PAGE_MAX = 100  # the contract's `first`/`last` range
PAGE_DEFAULT = 100  # what a connection returns when given neither `first` nor `last`
PAGING_ARGUMENTS = ("first", "last")
DOCUMENT_CACHE_ENTRIES = 256  # distinct documents kept parsed and validated


@dataclass(frozen=True)
class _Measure:
    depth: int = 0  # fields on the longest path, leaves included
    aliases: int = 0  # aliased fields, counted once per place a fragment is spread
    nodes: int = 0  # GitHub's node count for a multiplier of 1 at this point

    def __add__(self, other: "_Measure") -> "_Measure":
        return _Measure(max(self.depth, other.depth), self.aliases + other.aliases, self.nodes + other.nodes)


_NOTHING = _Measure()


class _Walker:
    """Measures one operation; each fragment is measured once and reused (the costs are linear)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        report: Callable[[GraphQLError], None],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.report = report
        self.measured: dict[str, _Measure] = {}
        self.entered: set[str] = set()  # a cycle is NoFragmentCyclesRule's to report, not ours to follow

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> _Measure:
        total = _NOTHING
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> _Measure:
        if name in self.measured:
            return self.measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.entered:
            return _NOTHING
        self.entered.add(name)
        measure = self.selections(definition.selection_set, self.schema.get_type(definition.type_condition.name.value))
        self.entered.discard(name)
        self.measured[name] = measure
        return measure

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> _Measure:
        name = node.name.value
        definition = self.schema.get_field(parent, name) if is_composite_type(parent) else None
        child_type = get_named_type(definition.type) if definition else None
        inner = self.selections(node.selection_set, child_type)
        # `ofType` only unwraps a type reference (a handful of levels, then null): GraphiQL's
        # introspection query nests it nine deep, which must not count against the depth limit.
        own_depth = 0 if name == "ofType" and parent is not None and parent.name == "__Type" else 1
        nodes = inner.nodes
        if definition is not None and any(arg in definition.args for arg in PAGING_ARGUMENTS):
            page = self.page_size(node)
            nodes = page + page * inner.nodes
        return _Measure(inner.depth + own_depth, inner.aliases + (1 if node.alias else 0), nodes)

    def page_size(self, node: FieldNode) -> int:
        size = None
        for argument in node.arguments or ():
            if argument.name.value not in PAGING_ARGUMENTS:
                continue
            value = self.argument_value(argument.value)
            if value is None:
                continue
            error = page_size_error(node.name.value, argument.name.value, value, node)
            if error is not None:
                self.report(error)
            size = max(size or 0, min(max(value, 0), PAGE_MAX))
        return PAGE_DEFAULT if size is None else size

    def argument_value(self, value: Any) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, NullValueNode):
            return None
        if isinstance(value, VariableNode):
            found = self.variables.get(value.name.value)
            # A bool is an int to Python but not to GraphQL; coercion reports the wrong type.
            return found if isinstance(found, int) and not isinstance(found, bool) else None
        return None  # a wrong literal type is ValuesOfCorrectTypeRule's to report


def _operation_variables(operation: OperationDefinitionNode, given: Mapping[str, Any]) -> dict[str, Any]:
    """The operation's variable values as execution will see them: given values, else literal defaults."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in given:
            values[name] = given[name]
        elif isinstance(definition.default_value, IntValueNode):
            values[name] = int(definition.default_value.value)
    return values


def limit_errors(
    schema: GraphQLSchema, document: DocumentNode, settings: ApiSettings, variables: Mapping[str, Any] | None
) -> list[GraphQLError]:
    """Depth, aliases, `first`/`last` and the node limit of every operation in a document that has passed
    graphql-core's own validation (so fragments are known and acyclic).

    Checked per request because validation rules never see variable values, and `first: $n` must count.
    """
    given = dict(variables or {})
    errors: list[GraphQLError] = []
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        walker = _Walker(schema, fragments, _operation_variables(operation, given), errors.append)
        try:
            measure = walker.selections(operation.selection_set, schema.get_root_type(operation.operation))
        except RecursionError:
            errors.append(client_error("The query is nested too deeply.", ErrorCode.MAX_DEPTH_EXCEEDED, operation))
            continue
        label = f"'{operation.name.value}'" if operation.name else "The query"
        if measure.depth > settings.max_depth:
            errors.append(
                client_error(
                    f"{label} has depth {measure.depth:,}, which exceeds the maximum depth of {settings.max_depth:,}.",
                    ErrorCode.MAX_DEPTH_EXCEEDED,
                    operation,
                )
            )
        if measure.aliases > settings.max_aliases:
            errors.append(
                client_error(
                    f"{label} uses {measure.aliases:,} aliases, which exceeds the maximum of {settings.max_aliases:,}.",
                    ErrorCode.MAX_ALIASES_EXCEEDED,
                    operation,
                )
            )
        if measure.nodes > settings.max_nodes:
            errors.append(
                client_error(
                    f"This query requests up to {measure.nodes:,} possible nodes which exceeds the maximum limit "
                    f"of {settings.max_nodes:,}.",
                    ErrorCode.MAX_NODE_LIMIT_EXCEEDED,
                    operation,
                )
            )
    return errors


class Documents:
    """Parsed documents and their validity, by text: a document sent again is neither parsed nor validated
    again (the per-request limits, which depend on the variables, are still checked every time).

    One per app; parse options and validation rules come from its fixed settings, so the text is the key.
    """

    def __init__(self, entries: int = DOCUMENT_CACHE_ENTRIES) -> None:
        self.parsed: LRU[str, DocumentNode] = LRU(entries)
        self.valid: LRU[str, bool] = LRU(entries)  # only documents without validation errors are recorded


class QueryLimits(SchemaExtension):
    """Refuses oversized, too deep or too wide documents (and introspection when off) before execution,
    parsing and validating each distinct document once."""

    def __init__(self, settings: ApiSettings, documents: Documents | None = None) -> None:
        self.settings = settings
        self.documents = documents or Documents()

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # Keys graphql-core's parse() accepts; Strawberry's ParseOptions type only declares max_tokens.
        options: dict[str, int] = context.parse_options  # type: ignore[assignment]
        options["max_lexical_tokens"] = self.settings.max_tokens
        options["max_comments"] = self.settings.max_tokens
        # A GET request carries its query in the URL, which the body size limit never sees.
        options["max_source_length"] = self.settings.max_body_bytes
        rules: list[type[ASTValidationRule]] = []
        if MaxIntrospectionDepthRule not in context.validation_rules:
            rules.append(MaxIntrospectionDepthRule)
        if not self.settings.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        context.validation_rules = (*context.validation_rules, *rules)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None and context.graphql_document is None:
            context.graphql_document = self.documents.parsed.get(query)
        yield
        if query is not None and context.graphql_document is not None:
            self.documents.parsed.put(query, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, query = context.graphql_document, context.query
        if document is not None and query is not None and context.pre_execution_errors is None:
            schema = context.schema._schema
            errors: list[GraphQLError] = []
            if not self.documents.valid.get(query):
                errors = validate_document(schema, document, context.validation_rules)
                if not errors:
                    self.documents.valid.put(query, True)
            if not errors:
                errors = limit_errors(schema, document, self.settings, context.variables)
            # Strawberry skips its own validation when this is set (an empty list: valid).
            context.pre_execution_errors = errors
        yield


def query_limit_extensions(settings: ApiSettings) -> list[Callable[[], SchemaExtension]]:
    """Extension factories for `strawberry.Schema(extensions=...)`: a fresh instance per request, sharing
    one document cache."""
    return [partial(QueryLimits, settings, Documents())]
