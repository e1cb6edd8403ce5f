"""The schema's object types, one module per entity, with the relay connection helpers."""
