"""The GraphQL schema: the Query and Mutation roots, its types, ids, errors, limits and the request context."""
