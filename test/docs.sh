#!/usr/bin/env bash
# Runs the SQL examples of docs/ (test/docs.py) on a throwaway cluster.
# Usage: test/docs.sh [PAGE...]; DOCS_WRITE=1 writes the actual outputs into the pages.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_config=${PG_CONFIG:-pg_config}
dir=$(test/cluster.sh start)
trap 'test/cluster.sh stop "$dir"' EXIT
export PGHOST=$dir PGPORT=5432 PGUSER=postgres
python3 test/docs.py ${DOCS_WRITE:+--write} "$($pg_config --bindir)/psql" "$@"
