#!/usr/bin/env bash
# Start `repofolio serve --demo` on a free port and a temporary SQLite file, wait for /healthz, run
# .ci/audit.sh against its /graphql, then stop the server. Exit status is the audit's.
#
#   .ci/audit-server.sh                      # uses `repofolio` from PATH
#   REPOFOLIO_CMD="/path/to/venv/bin/repofolio" .ci/audit-server.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${REPOFOLIO_CMD:-repofolio}
python=${PYTHON:-python3}
timeout_seconds=${AUDIT_START_TIMEOUT:-60}

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

REPOFOLIO_DATABASE_URL="sqlite+aiosqlite:///$tmp/audit.db" \
  $cmd serve --demo --host 127.0.0.1 --port "$port" >"$tmp/server.log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + timeout_seconds))
until curl -fs -o /dev/null --max-time 2 "$base/healthz"; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "server exited before answering /healthz:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "server did not answer $base/healthz within ${timeout_seconds}s:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.2
done

"$here/audit.sh" "$base/graphql"
