#!/usr/bin/env bash
# logit_fit and logit_train on 10 M rows x 5 regressors, serial and with 2
# parallel workers, as a ratio of PostgreSQL's own floor (sum() over the same
# columns) in the same run (interleaved, best of several), and against the export-and-fit workflow (COPY to
# CSV, then R's data.table::fread + glm). Usage: bench/logit.sh [rows]
ROWS=${1:-10000000}
source "$(dirname "$0")/common.sh"
$PSQL <<SQL
CREATE TABLE obs AS
SELECT random() AS x1, random() * 10 AS x2, random() - 0.5 AS x3, (i % 100)::float8 AS x4, random() AS x5,
       false AS y
FROM generate_series(1, $ROWS) i;
UPDATE obs SET y = random() < 1 / (1 + exp(-(-1 + 2 * x1 - 0.2 * x2 + x3 + 0.01 * x4 - x5)));
VACUUM ANALYZE obs;
SQL
compare_queries 'SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;' <<'SQL'
SET eventml.logit_fit_memory_limit = '4GB';
CREATE TEMP VIEW queries (what, floor, query, runs) AS VALUES
    ('logit_fit', 'SELECT sum(x1), sum(x2), sum(x3), sum(x4), sum(x5), count(*) FILTER (WHERE y) FROM obs',
     'SELECT logit_fit(y, ARRAY[1, x1, x2, x3, x4, x5]) FROM obs', 3),
    ('logit_train', 'SELECT sum(x1), sum(x2), sum(x3), sum(x4), sum(x5), count(*) FILTER (WHERE y) FROM obs',
     $$SELECT logit_train('SELECT y, ARRAY[1, x1, x2, x3, x4, x5] AS x FROM obs')$$, 2);
SQL
$PSQL <<'SQL'
SELECT (m).iterations, (m).converged FROM (SELECT logit_fit(y, ARRAY[1, x1, x2, x3, x4, x5]) AS m FROM obs) s;
SQL

if command -v Rscript >/dev/null && Rscript -e 'library(data.table)' >/dev/null 2>&1; then
    csv=$(mktemp /tmp/eventml-obs.XXXXXX.csv)
    t0=$(date +%s.%N)
    $PSQL -c "\\copy (SELECT y::int AS y, x1, x2, x3, x4, x5 FROM obs) TO '$csv' WITH (FORMAT csv, HEADER)"
    t1=$(date +%s.%N)
    Rscript -e "suppressMessages(library(data.table)); d <- fread('$csv'); m <- glm(y ~ x1 + x2 + x3 + x4 + x5, data = d, family = binomial()); s <- summary(m)" >/dev/null
    t2=$(date +%s.%N)
    rm -f "$csv"
    fit_ms=$($PSQL -At -c "SET max_parallel_workers_per_gather = 0" -c "SET eventml.logit_fit_memory_limit = '4GB'" \
             -c "SELECT round(best_ms('SELECT logit_fit(y, ARRAY[1, x1, x2, x3, x4, x5]) FROM obs', 1))")
    echo "export + R: COPY to CSV $(echo "($t1 - $t0) * 1000 / 1" | bc) ms, R fread + glm + summary $(echo "($t2 - $t1) * 1000 / 1" | bc) ms;" \
         "serial logit_fit ${fit_ms} ms; eventml is $(echo "scale=1; ($t2 - $t0) * 1000 / $fit_ms" | bc)x faster"
else
    echo "export + R: skipped (apt-get install r-base-core r-cran-data.table to compare)"
fi
