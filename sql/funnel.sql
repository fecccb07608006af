-- retention: ClickHouse's semantics, NULLs, errors, a weekly cohort table,
-- and parallel plans. (funnel and funnel_times are still to come.)
\set VERBOSITY default
-- Each test works in its own schema; the extension stays in public.
CREATE SCHEMA funnel_test;
SET search_path = funnel_test, public;
SET timezone = 'UTC';

-- ClickHouse's documented example: r[1] = cond1 held on some row; r[i] =
-- cond1 and cond_i each held on some row.
-- Its data: uids 0-4 on 2020-01-01, 0-9 on 2020-01-02, 0-14 on 2020-01-03;
-- its published answer: [1,1,1] for uids 0-4, [0,0,0] for the others, and
-- 5, 5, 5 users in total.
CREATE TABLE visits AS
SELECT uid, day::date FROM (VALUES ('2020-01-01', 5), ('2020-01-02', 10), ('2020-01-03', 15)) d(day, users),
     generate_series(0, users - 1) uid;
SELECT uid, retention(day = '2020-01-01', day = '2020-01-02', day = '2020-01-03') AS r
FROM visits GROUP BY uid ORDER BY uid;
SELECT count(*) FILTER (WHERE r[1]) AS r1, count(*) FILTER (WHERE r[2]) AS r2, count(*) FILTER (WHERE r[3]) AS r3
FROM (SELECT uid, retention(day = '2020-01-01', day = '2020-01-02', day = '2020-01-03') AS r
      FROM visits GROUP BY uid) per_user;

-- NULL conditions count as false (ClickHouse would skip the whole row); a
-- NULL array skips the row; no rows gives NULL.
SELECT retention(a, b) FROM (VALUES (true, NULL::boolean), (NULL, true)) v(a, b);
SELECT retention(VARIADIC c) FROM (VALUES (ARRAY[true, true]), (NULL)) v(c);
SELECT retention(true, true) IS NULL AS no_rows FROM visits WHERE false;

-- Errors (error_of: sql/setup.sql).
SELECT error_of($$SELECT retention(VARIADIC array_fill(true, ARRAY[33]))$$);
SELECT error_of($$SELECT retention(VARIADIC c) FROM (VALUES (ARRAY[true, true]), (ARRAY[true])) v(c)$$);
SELECT error_of($$SELECT retention_final(5)$$);
SELECT error_of($$SELECT retention_combine(retention_trans(NULL, ARRAY[true]), retention_trans(NULL, ARRAY[true, false]))$$);

-- A weekly cohort table: users by the week of their first visit, and the
-- share active in each of the following weeks. Generated, deterministic
-- visits of 3,000 users over 8 weeks.
CREATE TABLE app_events AS
SELECT u AS user_id,
       timestamptz '2026-01-05' + (u % 4) * interval '1 week'
           + (abs(hashint4(u * 100 + i)) % (3600 * 24 * 7 * (1 + u % 5))) * interval '1 second' AS ts
FROM generate_series(1, 3000) u, generate_series(1, 1 + u % 9) i;
ANALYZE app_events;
CREATE TABLE cohorts AS
SELECT user_id, min(ts) AS first_seen, date_trunc('week', min(ts)) AS cohort FROM app_events GROUP BY user_id;
CREATE TABLE weekly AS
SELECT c.cohort, c.user_id,
       retention(e.ts < c.cohort + interval '1 week',
                 e.ts >= c.cohort + interval '1 week' AND e.ts < c.cohort + interval '2 weeks',
                 e.ts >= c.cohort + interval '2 weeks' AND e.ts < c.cohort + interval '3 weeks',
                 e.ts >= c.cohort + interval '3 weeks' AND e.ts < c.cohort + interval '4 weeks') AS r
FROM app_events e JOIN cohorts c USING (user_id)
GROUP BY c.cohort, c.user_id;
SELECT cohort::date, count(*) AS users,
       round(100.0 * count(*) FILTER (WHERE r[2]) / count(*), 1) AS week_1,
       round(100.0 * count(*) FILTER (WHERE r[3]) / count(*), 1) AS week_2,
       round(100.0 * count(*) FILTER (WHERE r[4]) / count(*), 1) AS week_3
FROM weekly GROUP BY cohort ORDER BY cohort;
-- The same flags from bool_or, the pure-SQL way.
SELECT count(*) AS users, count(*) FILTER (WHERE w.r IS DISTINCT FROM s.r) AS differing
FROM weekly w JOIN (
    SELECT c.user_id, ARRAY[bool_or(e.ts < c.cohort + interval '1 week'),
        bool_or(e.ts < c.cohort + interval '1 week')
            AND bool_or(e.ts >= c.cohort + interval '1 week' AND e.ts < c.cohort + interval '2 weeks'),
        bool_or(e.ts < c.cohort + interval '1 week')
            AND bool_or(e.ts >= c.cohort + interval '2 weeks' AND e.ts < c.cohort + interval '3 weeks'),
        bool_or(e.ts < c.cohort + interval '1 week')
            AND bool_or(e.ts >= c.cohort + interval '3 weeks' AND e.ts < c.cohort + interval '4 weeks')] AS r
    FROM app_events e JOIN cohorts c USING (user_id) GROUP BY c.user_id) s USING (user_id);

-- Parallel plans: bigint states combined in the leader.
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT retention(ts < '2026-01-12', ts >= '2026-01-12' AND ts < '2026-01-19') FROM app_events;
SELECT retention(ts < '2026-01-12', ts >= '2026-01-12' AND ts < '2026-01-19', ts >= '2026-03-01') FROM app_events;
COMMIT;
