"""The GraphQL API: the app (app.py), its settings and its rooms (cli, http, schema, engine, read, demo)."""
