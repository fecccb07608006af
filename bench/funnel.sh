#!/usr/bin/env bash
# A 3-step funnel within 1 hour on 10 M events of 500 k users, serial and
# with 2 parallel workers: funnel ... GROUP BY user against count(*) ...
# GROUP BY user (PostgreSQL's floor), against the pure-SQL LATERAL funnel
# users write today (with an index on (user_id, event, ts)), and against
# ClickHouse's windowFunnel on the same rows (Debian's 18.16: DateTime as UInt32 seconds).
start_clickhouse_events
count_ms=$(best_ch "SELECT max(c) FROM (SELECT count() AS c FROM events GROUP BY user_id)")
funnel_ms=$(best_ch "SELECT max(l) FROM (SELECT windowFunnel(3600)(ts, event = 'view', event = 'cart', event = 'buy') AS l FROM events GROUP BY user_id)")
pg_ms=$($PSQL -At -c "SET max_parallel_workers_per_gather = 0" -c "SELECT round(best_ms(\$\$SELECT max(l) FROM (SELECT funnel(ts, '1 hour', event = 'view', event = 'cart', event = 'buy') AS l FROM events GROUP BY user_id) s\$\$, 3))")
echo "ClickHouse $(ch -q 'SELECT version()') (all cores): count() GROUP BY user ${count_ms} ms, windowFunnel GROUP BY user ${funnel_ms} ms;" \
     "eventml funnel serial ${pg_ms} ms: $(echo "scale=2; $pg_ms / $funnel_ms" | bc)x ClickHouse's time"
