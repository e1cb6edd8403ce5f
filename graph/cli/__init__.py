"""The `repofolio` command (serve, sync, db, schema, showcase) and its listen check."""
