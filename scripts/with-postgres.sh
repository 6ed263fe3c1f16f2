#!/usr/bin/env bash
# Run a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL cluster:
#   scripts/with-postgres.sh .venv/bin/pytest
# The cluster lives in a temp dir and is removed afterwards, whatever the command's outcome.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

OUTPUT=$("$HERE/postgres.sh" start)
PGDIR=$(printf '%s\n' "$OUTPUT" | sed -n 's/^PGDIR=//p')
BASE_URL=$(printf '%s\n' "$OUTPUT" | tail -n 1)
trap '"$HERE/postgres.sh" stop "$PGDIR"' EXIT

PORT=$(printf '%s' "$BASE_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
INITDB=$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
BIN=$(dirname "$(readlink -f "$INITDB")")
if [ "$(id -u)" = 0 ]; then
  runuser -u postgres -- "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres tierdesk_test
else
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres tierdesk_test
fi

export TEST_DATABASE_URL="${BASE_URL%/postgres}/tierdesk_test"
echo "Running on $TEST_DATABASE_URL"
"$@"
