#!/usr/bin/env bash
# Run the learner-store tests against a throwaway local PostgreSQL instead of SQLite.
#
#   scripts/postgres_check.sh [pytest args...]     (default: tests/learner)
#
# Needs PostgreSQL's server binaries (initdb, pg_ctl) on PATH and psycopg in the venv
# (`.venv/bin/pip install 'psycopg[binary]'`; not a runtime dependency). The cluster lives in a
# temporary directory on a Unix socket only, and is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=".venv/bin/python"
"$PY" -c "import psycopg" 2>/dev/null || { echo "psycopg missing: .venv/bin/pip install 'psycopg[binary]'"; exit 2; }
command -v initdb >/dev/null || { echo "initdb not found: install PostgreSQL's server package"; exit 2; }

DIR="$(mktemp -d)"
RUN_AS=()
if [[ "$(id -u)" == "0" ]]; then  # initdb refuses to run as root
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown -R postgres "$DIR"
  RUN_AS=(runuser -u postgres --)
fi
cleanup() { "${RUN_AS[@]}" pg_ctl -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

"${RUN_AS[@]}" initdb -D "$DIR/data" -U tutor --auth=trust >/dev/null
"${RUN_AS[@]}" pg_ctl -D "$DIR/data" -l "$DIR/log" -o "-k $DIR -c listen_addresses=''" -w start >/dev/null
"${RUN_AS[@]}" createdb -h "$DIR" -U tutor tutor_test
"${RUN_AS[@]}" psql -h "$DIR" -U tutor -d tutor_test -Atc "select version()"

export STORE_TEST_DATABASE_URL="postgresql+psycopg://tutor@/tutor_test?host=$DIR"
"$PY" -m pytest -q -p no:cacheprovider "${@:-tests/learner}"
