"""The GraphQL-over-HTTP endpoint: router, negotiation, the response cache, the cache-hit and guard middleware."""
