#!/usr/bin/env bash
# The suite against the lowest versions pyproject.toml allows: a fresh virtual environment where every direct
# dependency (and test extra) is installed at its lower bound (uv's lowest-direct resolution), so a bound that
# no longer installs or passes fails here instead of on a user's machine. Run by .ci/run; alone:
#
#   bash .ci/lowest.sh            # REPOFOLIO_TEST_POSTGRES_URL set: the PostgreSQL variants run too
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=$(mktemp -d)/venv
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet uv
"$venv/bin/uv" pip install --quiet --python "$venv/bin/python" --resolution lowest-direct '.[test]'
"$venv/bin/uv" pip list --python "$venv/bin/python" 2>/dev/null |
  grep -iE '^(strawberry-graphql|graphql-core|cross-web|fastapi|starlette|uvicorn|sqlalchemy|aiosqlite|httpx|apscheduler|pydantic|pydantic-core|pydantic-settings|rich|orjson|pyyaml|asyncpg|pytest|pytest-asyncio|pytest-xdist) '

# The main job's configuration as it is (pyproject.toml's addopts: warnings as errors, and pytest-xdist at its
# lowest release spreading the tests over the CPUs as in the main job): these releases raise no warning the suite
# does not expect. The schema tests on the planned engine only (the one served by default): the main job proves
# both engines agree.
REPOFOLIO_TEST_ENGINES=planned "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
