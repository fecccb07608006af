-- session_id and sessionize: hand-worked boundary rules, NULLs, errors, both
-- timestamp types, agreement with the pure-SQL formulation, parallel plans.
\set VERBOSITY default
-- Each test works in its own schema; the extension stays in public.
CREATE SCHEMA sessions_test;
SET search_path = sessions_test, public;
SET timezone = 'UTC';

-- Hand-worked: gap 30 minutes. 10:00, 10:20, 10:50 (30 min after: equal
-- stays), 11:21 (31 min: new), 11:21 again (a tie), 13:00 (new).
CREATE TABLE events (user_id int, ts timestamptz, event text);
INSERT INTO events VALUES
  (1, '2026-01-05 10:00', 'open'), (1, '2026-01-05 10:20', 'view'), (1, '2026-01-05 10:50', 'view'),
  (1, '2026-01-05 11:21', 'open'), (1, '2026-01-05 11:21', 'search'), (1, '2026-01-05 13:00', 'open'),
  (2, '2026-01-06 09:00', 'open'),
  (3, NULL, 'broken'), (3, '2026-01-06 12:00', 'open'), (3, '2026-01-06 12:10', 'buy');
SELECT user_id, ts, event, session_id(ts, '30 minutes') OVER w
FROM events WINDOW w AS (PARTITION BY user_id ORDER BY ts) ORDER BY user_id, ts, event;

-- max_length: events every 10 minutes, sessions of at most 25 minutes (a
-- session may last exactly 25 minutes).
SELECT t, session_id(t, '1 hour', '25 minutes') OVER (ORDER BY t)
FROM generate_series(timestamptz '2026-01-05 10:00', '2026-01-05 11:00', '10 minutes') t;
SELECT t, session_id(t, '1 hour', '25 minutes') OVER (ORDER BY t)
FROM unnest(ARRAY[timestamptz '2026-01-05 10:00', '2026-01-05 10:25', '2026-01-05 10:26']) t;

-- timestamp (without time zone) works the same.
SELECT t::timestamp, session_id(t::timestamp, '30 minutes') OVER (ORDER BY t)
FROM unnest(ARRAY[timestamptz '2026-01-05 10:00', '2026-01-05 10:30', '2026-01-05 11:01']) t;

-- sessionize: no ORDER BY needed; NULL ts rows are skipped.
SELECT user_id, (s).sessions, (s).events, (s).first_start, (s).first_duration, (s).last_end,
       (s).total_duration, (s).mean_duration, (s).max_duration
FROM (SELECT user_id, sessionize(ts, '30 minutes') AS s FROM events GROUP BY user_id) g ORDER BY user_id;
SELECT (sessionize(ts::timestamp, '30 minutes', '40 minutes')).* FROM events WHERE user_id = 1;
SELECT sessionize(ts, '30 minutes') IS NULL AS no_rows FROM events WHERE false;

-- Errors (error_of: sql/setup.sql).
SELECT error_of($$SELECT session_id(ts, '30 minutes') OVER (PARTITION BY user_id ORDER BY ts DESC) FROM events$$);
SELECT error_of($$SELECT session_id(ts, '-1 minute') OVER (ORDER BY ts) FROM events$$);
SELECT error_of($$SELECT session_id(ts, '1 minute', '-1 day') OVER (ORDER BY ts) FROM events$$);
SELECT error_of($$SELECT session_id(ts, NULL) OVER (ORDER BY ts) FROM events$$);
SELECT error_of($$SELECT session_id(t, '1 minute') OVER (ORDER BY t) FROM unnest(ARRAY[timestamptz 'infinity']) t$$);
SELECT error_of($$SELECT sessionize(ts, '-5 minutes') FROM events$$);
SELECT error_of($$SELECT sessionize(t, '5 minutes') FROM unnest(ARRAY[timestamptz '-infinity']) t$$);
SELECT error_of($$SELECT sessionize(ts, '1000000000 years') FROM events$$);

-- Generated events: 2,000 users, ties, gaps of exactly 30 minutes, and
-- one-event users. session_id must equal the pure-SQL formulation (lag +
-- running sum), and sessionize the same statistics computed in SQL.
CREATE TABLE gen AS
SELECT u AS user_id,
       timestamptz '2026-01-01' + make_interval(secs => (
           CASE WHEN u % 10 = 0 THEN i * 1800                       -- exactly the gap apart
                ELSE (abs(hashint4(u * 1000 + i)) % 20000) END)) AS ts   -- ties and gaps of all sizes
FROM generate_series(1, 2000) u, generate_series(1, 1 + u % 17) i;
INSERT INTO gen SELECT u, timestamptz '2026-02-01' + u * interval '1 minute' FROM generate_series(2001, 2100) u;
ANALYZE gen;
CREATE TABLE sql_sessions AS
SELECT user_id, ts, 1 + sum(new) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid
FROM (SELECT user_id, ts,
             CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) > interval '30 minutes'
                  THEN 1 ELSE 0 END AS new
      FROM gen) flagged;
SELECT count(*) AS rows, count(DISTINCT user_id) AS users,
       count(*) FILTER (WHERE s.sid IS DISTINCT FROM e.sid) AS differing
FROM sql_sessions s
JOIN (SELECT user_id, ts, session_id(ts, '30 minutes') OVER (PARTITION BY user_id ORDER BY ts) AS sid FROM gen) e
  USING (user_id, ts);
CREATE TABLE sql_summary AS
SELECT user_id, count(*) AS sessions, sum(events) AS events, min(start) AS first_start,
       (array_agg(finish - start ORDER BY start))[1] AS first_duration, max(finish) AS last_end,
       sum(finish - start) AS total_duration, avg(finish - start) AS mean_duration,
       max(finish - start) AS max_duration
FROM (SELECT user_id, sid, count(*) AS events, min(ts) AS start, max(ts) AS finish
      FROM sql_sessions GROUP BY user_id, sid) per_session
GROUP BY user_id;
SELECT count(*) AS users,
       count(*) FILTER (WHERE (e.s).sessions <> q.sessions OR (e.s).events <> q.events
                        OR (e.s).first_start <> q.first_start OR (e.s).first_duration <> q.first_duration
                        OR (e.s).last_end <> q.last_end OR (e.s).total_duration <> q.total_duration
                        OR abs(extract(epoch FROM (e.s).mean_duration - q.mean_duration)) > 1e-6
                        OR (e.s).max_duration <> q.max_duration) AS differing
FROM sql_summary q JOIN (SELECT user_id, sessionize(ts, '30 minutes') AS s FROM gen GROUP BY user_id) e USING (user_id);

-- Parallel plans: partial states (serialized event times) combined in the leader.
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT sessionize(ts, '30 minutes') FROM gen;
SELECT (s).sessions, (s).events, (s).total_duration
FROM (SELECT sessionize(ts, '30 minutes') AS s FROM gen) p;
COMMIT;
SELECT (s).sessions, (s).events, (s).total_duration
FROM (SELECT sessionize(ts, '30 minutes') AS s FROM gen) p;

-- The first story behind eventml, in one query: each user's first-session
-- length (minutes) and later visits, then a regression of one on the other.
SELECT round(((m).coef)[1]::numeric, 4) AS intercept, round(((m).coef)[2]::numeric, 4) AS per_minute,
       round((m).r2::numeric, 4) AS r2, (m).n
FROM (SELECT ols_fit(((s).sessions - 1)::float8, ARRAY[1, extract(epoch FROM (s).first_duration) / 60]) AS m
      FROM (SELECT user_id, sessionize(ts, '30 minutes') AS s FROM gen GROUP BY user_id) per_user) fit;

SET search_path = sessions_test, public;
-- Bad input matrix: each case a clear error (SQLSTATE, offending value) or
-- the documented result.
SELECT c AS "case", error_of(q) AS result FROM (VALUES
    ('zero gap', $$SELECT (sessionize(t, '0 seconds')).sessions FROM unnest(ARRAY[timestamptz '2026-01-01', '2026-01-01 00:00:01']) t$$),
    ('NULL gap', $$SELECT sessionize(t, NULL) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('infinite ts, timestamp', $$SELECT sessionize(t, '1 minute') FROM unnest(ARRAY[timestamp 'infinity']) t$$),
    ('interval literal out of range', $$SELECT sessionize(t, '1000000000 years') FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('zero max_length', $$SELECT session_id(t, '1 minute', '0 seconds') OVER (ORDER BY t) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('negative max_length', $$SELECT sessionize(t, '1 minute', '-1 second') FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('months in gap', $$SELECT (sessionize(t, '1 month')).sessions FROM unnest(ARRAY[timestamptz '2026-01-01', '2026-01-25']) t$$)
) m(c, q);
-- NULL ts rows are skipped (sessionize) or get NULL (session_id).
SELECT (sessionize(t, '1 minute')).events AS events FROM unnest(ARRAY[timestamptz '2026-01-01', NULL]) t;
SELECT t, session_id(t, '1 minute') OVER (ORDER BY t) FROM unnest(ARRAY[timestamptz '2026-01-01', NULL]) t;
