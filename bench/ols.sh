#!/usr/bin/env bash
# ols_fit on 10 M rows x 5 regressors, serial and with 2 parallel workers,
# as a ratio of PostgreSQL's own floor (sum() over the same columns) in the
# same run (interleaved runs, best of 5), and against the export-and-fit workflow (COPY to CSV, then R's
# data.table::fread + lm). Usage: bench/ols.sh [rows]
ROWS=${1:-10000000}
source "$(dirname "$0")/common.sh"
$PSQL <<SQL
CREATE TABLE obs AS
SELECT random() AS x1, random() * 10 AS x2, random() - 0.5 AS x3, (i % 100)::float8 AS x4, random() AS x5,
       0::float8 AS y
FROM generate_series(1, $ROWS) i;
UPDATE obs SET y = 1 + 2 * x1 - 0.5 * x2 + 3 * x3 + 0.01 * x4 + x5 + random();
VACUUM ANALYZE obs;
SQL
compare_queries 'SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;' <<'SQL'
CREATE TEMP VIEW queries (what, floor, query, runs) AS VALUES
    ('ARRAY[1, x1..x5] alone', 'SELECT count(*) FROM obs', 'SELECT count(ARRAY[1, x1, x2, x3, x4, x5]) FROM obs', 5),
    ('ols_fit', 'SELECT sum(y), sum(x1), sum(x2), sum(x3), sum(x4), sum(x5) FROM obs',
     'SELECT ols_fit(y, ARRAY[1, x1, x2, x3, x4, x5]) FROM obs', 5);
SQL

# The workflow users have today: export, then fit outside the database.
if command -v Rscript >/dev/null && Rscript -e 'library(data.table)' >/dev/null 2>&1; then
    csv=$(mktemp /tmp/eventml-obs.XXXXXX.csv)
    t0=$(date +%s.%N)
    $PSQL -c "\\copy obs (y, x1, x2, x3, x4, x5) TO '$csv' WITH (FORMAT csv, HEADER)"
    t1=$(date +%s.%N)
    Rscript -e "suppressMessages(library(data.table)); d <- fread('$csv'); t <- system.time(m <- lm(y ~ x1 + x2 + x3 + x4 + x5, data = d)); s <- summary(m)" >/dev/null
    t2=$(date +%s.%N)
    rm -f "$csv"
    ols_ms=$($PSQL -At -c "SET max_parallel_workers_per_gather = 0" \
             -c "SELECT round(best_ms('SELECT ols_fit(y, ARRAY[1, x1, x2, x3, x4, x5]) FROM obs', 1))")
    echo "export + R: COPY to CSV $(echo "($t1 - $t0) * 1000 / 1" | bc) ms, R fread + lm + summary $(echo "($t2 - $t1) * 1000 / 1" | bc) ms;" \
         "serial ols_fit ${ols_ms} ms; eventml is $(echo "scale=1; ($t2 - $t0) * 1000 / $ols_ms" | bc)x faster"
else
    echo "export + R: skipped (apt-get install r-base-core r-cran-data.table to compare)"
fi
