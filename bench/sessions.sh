#!/usr/bin/env bash
# session_id and sessionize on 10 M events of 500 k users, serial and with 2
# parallel workers, as ratios of PostgreSQL's own floor over the same rows
# (row_number() over the same window; count(*) grouped by user), and against
# the pure-SQL formulation users write today (lag + running sum).
# Usage: bench/sessions.sh [events] [users]
EVENTS=${1:-10000000}
USERS=${2:-500000}
source "$(dirname "$0")/common.sh"
$PSQL <<SQL
CREATE TABLE events AS
SELECT (random() * $USERS)::int AS user_id,
       timestamptz '2026-01-01' + random() * interval '30 days' AS ts
FROM generate_series(1, $EVENTS);
VACUUM ANALYZE events;
SQL
compare_queries <<'SQL'
CREATE TEMP VIEW queries (what, floor, query, runs) AS VALUES
    ('session_id vs row_number',
     'SELECT max(n) FROM (SELECT row_number() OVER (PARTITION BY user_id ORDER BY ts) AS n FROM events) s',
     $$SELECT max(n) FROM (SELECT session_id(ts, '30 minutes') OVER (PARTITION BY user_id ORDER BY ts) AS n FROM events) s$$, 3),
    ('pure SQL vs session_id',
     $$SELECT max(n) FROM (SELECT session_id(ts, '30 minutes') OVER (PARTITION BY user_id ORDER BY ts) AS n FROM events) s$$,
     $$SELECT max(n) FROM (SELECT 1 + sum(new) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS n
         FROM (SELECT user_id, ts, CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) > interval '30 minutes'
                                        THEN 1 ELSE 0 END AS new FROM events) f) s$$, 3),
    ('sessionize vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT max((s).sessions) FROM (SELECT sessionize(ts, '30 minutes') AS s FROM events GROUP BY user_id) g$$, 3),
    ('pure SQL vs sessionize',
     $$SELECT max((s).sessions) FROM (SELECT sessionize(ts, '30 minutes') AS s FROM events GROUP BY user_id) g$$,
     $$SELECT max(sessions) FROM (SELECT user_id, count(*) AS sessions, sum(finish - start) AS total
         FROM (SELECT user_id, sid, min(ts) AS start, max(ts) AS finish
               FROM (SELECT user_id, ts, 1 + sum(new) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid
                     FROM (SELECT user_id, ts, CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts)
                                                        > interval '30 minutes' THEN 1 ELSE 0 END AS new
                           FROM events) f) s
               GROUP BY user_id, sid) per_session
         GROUP BY user_id) per_user$$, 3);
SQL
