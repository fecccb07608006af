#!/usr/bin/env bash
# The reports on 10 M events of 500 k users over 8 weeks, serial and with 2
# parallel workers: each against PostgreSQL's floor over the same query,
# SELECT count(*) FROM (query) q GROUP BY entity, and against the same report
# written in plain SQL as users write it today (lag, date_trunc, DISTINCT,
# the LATERAL funnel). Each timed query reads every column it computes
# (max of the counts, count(q) of whole rows): PostgreSQL drops a subquery's
# unread outputs, which would leave their work untimed.
# Usage: bench/reports.sh [events] [users]
EVENTS=${1:-10000000}
USERS=${2:-500000}
source "$(dirname "$0")/common.sh"
$PSQL <<SQL
CREATE TABLE events AS
SELECT (random() * $USERS)::int AS user_id,
       timestamptz '2026-01-05' + random() * interval '56 days' AS ts,
       (ARRAY['view', 'view', 'search', 'cart', 'buy'])[1 + floor(random() * 5)::int] AS event
FROM generate_series(1, $EVENTS);
-- The pure-SQL LATERAL funnel needs it (without it each lookup scans the table).
CREATE INDEX ON events (user_id, event, ts);
VACUUM ANALYZE events;
SQL
create_lateral_funnel
compare_queries <<'SQL'
CREATE TEMP VIEW floors (what, floor) AS VALUES
    ('all', 'SELECT max(c) FROM (SELECT count(*) AS c FROM (SELECT user_id, ts, event FROM events) q GROUP BY user_id) g');
CREATE TEMP VIEW reports (what, report, plain) AS VALUES
    ('funnel_report',
     $$SELECT count(*) FROM funnel_report('SELECT user_id, ts, event FROM events', ARRAY['view', 'cart', 'buy'], '1 hour')$$,
     $$SELECT count(q) FROM (SELECT s, count(*) FILTER (WHERE level >= s) FROM lateral_funnel, generate_series(1, 3) s
                             GROUP BY s) q$$),
    ('retention_matrix',
     $$SELECT count(*) FROM retention_matrix('SELECT user_id, ts, event FROM events', 'week', 8)$$,
     $$SELECT count(q) FROM (
         WITH cohorts AS (SELECT user_id, date_trunc('week', min(ts)) AS cohort FROM events GROUP BY user_id),
         active AS (SELECT DISTINCT e.user_id, c.cohort,
                           ((date_trunc('week', e.ts)::date - c.cohort::date) / 7) AS k
                    FROM events e JOIN cohorts c USING (user_id))
         SELECT cohort, k, count(*) FROM active WHERE k < 8 GROUP BY cohort, k) q$$),
    ('lifecycle',
     $$SELECT count(*) FROM lifecycle('SELECT user_id, ts, event FROM events', 'week')$$,
     $$SELECT count(q) FROM (
         WITH active AS (SELECT DISTINCT user_id, date_trunc('week', ts) AS p FROM events),
         marked AS (SELECT p, lag(p) OVER w AS previous, lead(p) OVER w AS next
                    FROM active WINDOW w AS (PARTITION BY user_id ORDER BY p))
         SELECT p, CASE WHEN previous IS NULL THEN 'new' WHEN previous = p - interval '7 days' THEN 'returning'
                        ELSE 'resurrecting' END, count(*) FROM marked GROUP BY 1, 2
         UNION ALL
         SELECT p + interval '7 days', 'dormant', count(*) FROM marked
         WHERE next IS NULL OR next > p + interval '7 days' GROUP BY 1) q$$),
    ('stickiness',
     $$SELECT count(*) FROM stickiness('SELECT user_id, ts, event FROM events', 'day')$$,
     $$SELECT count(q) FROM (
         SELECT n, count(*) FROM (SELECT user_id, count(DISTINCT date_trunc('day', ts)) AS n FROM events GROUP BY user_id) u
         GROUP BY n) q$$),
    ('sessions',
     $$SELECT count(*) FROM sessions('SELECT user_id, ts, event FROM events', '30 minutes')$$,
     $$SELECT count(q) FROM (
         SELECT user_id, session, min(ts), max(ts), count(*), max(ts) - min(ts),
                (array_agg(event ORDER BY ts))[1], (array_agg(event ORDER BY ts DESC))[1]
         FROM (SELECT user_id, ts, event,
                      sum(new) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session
               FROM (SELECT user_id, ts, event,
                            CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) <= interval '30 minutes'
                                 THEN 0 ELSE 1 END AS new FROM events) f) s
         GROUP BY user_id, session) q$$);
CREATE TEMP VIEW queries (what, floor, query, runs) AS
    SELECT r.what || ' / floor', f.floor, r.report, 3 FROM reports r, floors f
    UNION ALL
    SELECT 'plain SQL / ' || r.what, r.report, r.plain, 1 FROM reports r;
SQL
