#!/usr/bin/env bash
# GraphQL-over-HTTP conformance of a running server, checked by graphql-http's audit suite.
#
#   .ci/audit.sh http://127.0.0.1:8765/graphql
#
# Installs the versions pinned in .ci/package-lock.json into a temporary directory (npm ci), runs
# every audit, prints each result and exits non-zero if any MUST or SHOULD audit is not ok.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <graphql-url>" >&2
  exit 2
fi
url=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/audit.mjs" "$workdir/"
(cd "$workdir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

echo "graphql-http $(node -p "require('$workdir/node_modules/graphql-http/package.json').version") audit of $url"
cd "$workdir"
node audit.mjs "$url"
