"""SQL and batching for the schema: pagination, the read statements and the per-request DataLoaders."""
