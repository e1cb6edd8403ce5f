"""The planned execution path (plain resolvers, planned field execution, whole-selection prefetch) and its seam.

The schema works without it, field by field through Strawberry and graphql-core; the composition root calls
`install` on a built schema when REPOFOLIO_PLANNED_EXECUTION is on, and the answers are the same.
"""

import strawberry

from graph.engine import execution, fastpath, internals, prefetch
from graph.read.keys import PREFETCH


def install(schema: strawberry.Schema) -> None:
    """Put the planned path on `schema`: plain resolvers where they answer as Strawberry's, the planned
    execution context in front of the schema's own, and prefetch for the connections' pages of repositories."""
    fastpath.install(schema)
    internals.set_execution_context_class(schema, execution.planned(schema.execution_context_class))
    setattr(schema, PREFETCH, prefetch.prefetch_repositories)
