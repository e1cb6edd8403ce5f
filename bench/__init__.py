"""repofolio's benchmark: `python -m bench [--quick]` from the repository root (see bench/run.py)."""
