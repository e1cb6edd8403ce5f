"""The cache's storage: SQLAlchemy models, engine and sessions. Imports nothing else of repofolio."""
