#!/usr/bin/env bash
# Runs the pg_regress suite (sql/ against expected/) on a throwaway cluster,
# twice: as written, then with every query forced through parallel plans so
# that the aggregates' combine paths run. Usage: test/regress.sh TEST...
set -euo pipefail
cd "$(dirname "$0")/.."
pg_config=${PG_CONFIG:-pg_config}
pg_regress="$($pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress"
dir=$(test/cluster.sh start)
trap 'test/cluster.sh stop "$dir"' EXIT
export PGHOST=$dir PGPORT=5432 PGUSER=postgres

run() {  # run NAME [PGOPTIONS]
    local out="results/$1"
    mkdir -p "$out"
    echo "== pg_regress: $1"
    PGOPTIONS="${2:-}" "$pg_regress" --inputdir=. --outputdir="$out" --bindir="$($pg_config --bindir)" \
        --dbname=eventml_regress --load-extension=eventml "${tests[@]}" ||
        { cat "$out/regression.diffs" 2>/dev/null | head -200; return 1; }
}

tests=("$@")
status=0
run serial || status=1
# PostgreSQL 16 renamed force_parallel_mode to debug_parallel_query.
version=$($pg_config --version | sed 's/[^0-9]*\([0-9]*\).*/\1/')
force=force_parallel_mode
[ "$version" -ge 16 ] && force=debug_parallel_query
run parallel "-c $force=regress -c parallel_setup_cost=0 -c parallel_tuple_cost=0 \
-c min_parallel_table_scan_size=0 -c min_parallel_index_scan_size=0 -c max_parallel_workers_per_gather=2" || status=1
exit $status
