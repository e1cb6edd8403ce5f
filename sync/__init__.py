"""The sync: reads GitHub (sync/github) and writes what changed into the cache (db), on a schedule or on demand."""
