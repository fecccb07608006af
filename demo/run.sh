#!/usr/bin/env bash
# make demo: runs demo/demo.sql on a throwaway cluster, then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(test/cluster.sh start)
trap 'test/cluster.sh stop "$dir"' EXIT
"$("${PG_CONFIG:-pg_config}" --bindir)/psql" -h "$dir" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 -f demo/demo.sql
