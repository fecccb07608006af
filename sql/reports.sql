-- Reports: funnel_report, retention_matrix, lifecycle, stickiness, sessions.
-- Each is compared with a pure-SQL formulation of its definition (written
-- with date_trunc, EXISTS, lag and count(DISTINCT), not with the report's
-- helpers) on generated events with ties, NULL entities and times, entities
-- of one event, and a week without events.
SET timezone = 'UTC';

-- 300 users over 9 weeks from Monday 2026-01-05, each from a week of its
-- own (u % 5) on, at whole hours in the first 40 hours of a week (ties), with
-- no events in the week of 2026-01-26; a NULL user and a NULL time now and
-- then; users 1000-1019 have one event each. The platform is constant per
-- user (NULL for users divisible by 7), except user 5, which changes
-- platform, so first touch matters.
CREATE TABLE report_events AS
SELECT CASE WHEN (u * 31 + j) % 97 = 0 THEN NULL ELSE u END AS user_id,
       CASE WHEN (u * 17 + j) % 89 = 0 THEN NULL
            ELSE timestamptz '2026-01-05' + (week + CASE WHEN week >= 3 THEN 1 ELSE 0 END) * interval '7 days'
                 + ((u * 7 + j * 13) % 40) * interval '1 hour' END AS ts,
       (ARRAY['view', 'cart', 'buy', 'signup', 'view'])[1 + (u + j * j) % 5] AS event,
       CASE WHEN u % 7 = 0 THEN NULL WHEN u = 5 THEN (ARRAY['web', 'ios'])[1 + j % 2]
            ELSE (ARRAY['web', 'ios', 'android'])[1 + u % 3] END AS platform
FROM generate_series(1, 300) u, generate_series(1, 1 + u % 23) j,
     LATERAL (SELECT u % 5 + (j * j + u) % (8 - u % 5) AS week) w
UNION ALL
SELECT u, timestamptz '2026-01-06 12:00' + (u - 1000) * interval '1 day', 'view', 'web'
FROM generate_series(1000, 1019) u;
-- Rows tied in time with another of the same user and a different event.
INSERT INTO report_events
SELECT user_id, ts, 'cart', platform FROM report_events WHERE event = 'view' AND user_id % 4 = 0 AND user_id < 1000;
-- Ties at one time with different events, for funnel_times' first-event rule.
INSERT INTO report_events VALUES (2000, '2026-01-07 10:00', 'view', 'web'), (2000, '2026-01-07 10:05', 'cart', 'web'),
                                 (2000, '2026-01-07 10:07', 'cart', 'web'), (2000, '2026-01-07 10:10', 'buy', 'web');
SELECT count(*) AS rows, count(DISTINCT user_id) AS users, count(*) FILTER (WHERE user_id IS NULL) AS null_users,
       count(*) FILTER (WHERE ts IS NULL) AS null_ts,
       count(*) FILTER (WHERE ts >= '2026-01-26' AND ts < '2026-02-02') AS in_empty_week
FROM report_events;

-- ---- funnel_report ------------------------------------------------------
-- The pure-SQL side: each user's funnel level and funnel_times chain (the
-- aggregates whose semantics the report must keep), the first non-NULL
-- platform by time (no ties among a user's platforms in this data), then
-- counts, conversion and times per step by hand.
CREATE FUNCTION funnel_reference(w interval) RETURNS TABLE (breakdown text, step int, entities bigint,
    conversion float8, step_conversion float8, median_time interval, mean_time interval) LANGUAGE sql AS $$
WITH per_user AS (
    SELECT user_id, funnel(ts, w, event = 'view', event = 'cart', event = 'buy') AS level,
           funnel_times(ts, w, event = 'view', event = 'cart', event = 'buy') AS t,
           (SELECT r2.platform FROM report_events r2 WHERE r2.user_id = r.user_id AND r2.ts IS NOT NULL
            AND r2.platform IS NOT NULL ORDER BY r2.ts LIMIT 1) AS breakdown
    FROM report_events r WHERE user_id IS NOT NULL AND ts IS NOT NULL GROUP BY user_id),
counts AS (
    SELECT breakdown, s AS step, count(*) FILTER (WHERE level >= s) AS entities,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t[s] - t[s - 1]) FILTER (WHERE level >= s AND s > 1) AS median_time,
           avg(t[s] - t[s - 1]) FILTER (WHERE level >= s AND s > 1) AS mean_time
    FROM per_user, generate_series(1, 3) s GROUP BY breakdown, s)
SELECT c.breakdown, c.step, c.entities,
       c.entities::float8 / nullif(c1.entities, 0),
       c.entities::float8 / nullif(cp.entities, 0), c.median_time, c.mean_time
FROM counts c JOIN counts c1 ON c1.breakdown IS NOT DISTINCT FROM c.breakdown AND c1.step = 1
JOIN counts cp ON cp.breakdown IS NOT DISTINCT FROM c.breakdown AND cp.step = greatest(c.step - 1, 1)
$$;
SELECT * FROM funnel_report('SELECT user_id, ts, event, platform FROM report_events',
                            ARRAY['view', 'cart', 'buy'], '1 day');
-- Every row equals the reference (floats to 12 significant digits).
SELECT count(*) AS rows,
       count(*) FILTER (WHERE r.entities = f.entities AND r.step_name = (ARRAY['view', 'cart', 'buy'])[r.step]
                        AND round(r.conversion::numeric, 12) IS NOT DISTINCT FROM round(f.conversion::numeric, 12)
                        AND round(r.step_conversion::numeric, 12) IS NOT DISTINCT FROM round(f.step_conversion::numeric, 12)
                        AND r.median_time IS NOT DISTINCT FROM f.median_time
                        AND r.mean_time IS NOT DISTINCT FROM f.mean_time) AS equal
FROM funnel_report('SELECT user_id, ts, event, platform FROM report_events', ARRAY['view', 'cart', 'buy'], '1 day') r
FULL JOIN funnel_reference('1 day') f ON f.breakdown IS NOT DISTINCT FROM r.breakdown AND f.step = r.step;
-- Without the breakdown column, one NULL group; a mode; one step; the time
-- to convert is the first event that reached the step (user 2000: view at
-- 10:00, cart at 10:05 and 10:07, buy at 10:10: 5 and 5 minutes).
SELECT * FROM funnel_report('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'cart', 'buy'], '1 day',
                            'strict_order');
SELECT * FROM funnel_report('SELECT user_id, ts, event FROM report_events', ARRAY['view'], '1 hour');
SELECT step, median_time, mean_time
FROM funnel_report('SELECT user_id, ts, event FROM report_events WHERE user_id = 2000', ARRAY['view', 'cart', 'buy'], '1 hour');
-- A breakdown value whose entities never reach step 1 still has its rows;
-- no rows at all, no report.
SELECT * FROM funnel_report($$SELECT user_id, ts, event, platform FROM report_events WHERE platform = 'android'$$,
                            ARRAY['nothing', 'view'], '1 day');
SELECT count(*) FROM funnel_report('SELECT user_id, ts, event FROM report_events WHERE false', ARRAY['view'], '1 day');
-- Exclusions (the whole funnel; signup between view and buy leaves an
-- entity out): each step's entities are those funnel_times_excluding
-- gives a chain that long, with and without a mode; excluded entities are
-- in no step.
SELECT r.mode, r.step, r.entities,
       (SELECT count(*) FILTER (WHERE cardinality(t) >= r.step)
        FROM (SELECT funnel_times_excluding(ts, '1 day', coalesce(r.mode, ''), event = 'signup',
                                            event = 'view', event = 'cart', event = 'buy') AS t
              FROM report_events WHERE user_id IS NOT NULL AND ts IS NOT NULL GROUP BY user_id) g) AS from_aggregate,
       (SELECT count(*) FILTER (WHERE t IS NULL)
        FROM (SELECT funnel_times_excluding(ts, '1 day', coalesce(r.mode, ''), event = 'signup',
                                            event = 'view', event = 'cart', event = 'buy') AS t
              FROM report_events WHERE user_id IS NOT NULL AND ts IS NOT NULL GROUP BY user_id) g) AS excluded
FROM (SELECT m.mode, f.* FROM unnest(ARRAY[NULL, 'unordered']) m(mode),
      LATERAL funnel_report('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'cart', 'buy'], '1 day',
                            m.mode, ARRAY['signup']) f) r
ORDER BY r.mode NULLS FIRST, r.step;
-- timestamp (without time zone) ts is read in the session's TimeZone, and any entity type works.
SELECT breakdown, step, entities
FROM funnel_report('SELECT user_id::text, ts::timestamp, event FROM report_events', ARRAY['view', 'buy'], '1 day');

-- ---- funnel_trends ------------------------------------------------------
-- Per week of entry: entities with a view that week, and those for which a
-- chain from a view that week reaches buy within a day. Against plain SQL:
-- a view's chain converts when some cart and then some buy follow it (ties
-- in step order) within the day; an entity counts once per week.
SELECT * FROM funnel_trends('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'cart', 'buy'], '1 day', 'week');
WITH ev AS (SELECT * FROM report_events WHERE user_id IS NOT NULL AND ts IS NOT NULL),
starts AS (
    SELECT a.user_id, date_trunc('week', a.ts) AS week,
           EXISTS (SELECT FROM ev b JOIN ev c ON c.user_id = b.user_id
                   WHERE b.user_id = a.user_id AND b.event = 'cart' AND c.event = 'buy'
                     AND b.ts >= a.ts AND c.ts >= b.ts AND c.ts <= a.ts + interval '1 day') AS converted
    FROM ev a WHERE a.event = 'view'),
plain AS (SELECT week, count(DISTINCT user_id) AS entered, count(DISTINCT user_id) FILTER (WHERE converted) AS converted
          FROM starts GROUP BY week)
SELECT count(*) AS weeks,
       count(*) FILTER (WHERE t.entered = coalesce(p.entered, 0) AND t.converted = coalesce(p.converted, 0)
                        AND t.conversion IS NOT DISTINCT FROM p.converted::float8 / NULLIF(p.entered, 0)) AS equal
FROM funnel_trends('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'cart', 'buy'], '1 day', 'week') t
FULL JOIN plain p ON p.week = t.period_start;
-- The unordered funnel and a mode; a day with no entry between two has zeros.
SELECT * FROM funnel_trends($$SELECT * FROM (VALUES (1, timestamptz '2026-01-01 10:00', 'view'),
                                (1, '2026-01-01 10:30', 'buy'), (1, '2026-01-01 10:40', 'cart'),
                                (2, '2026-01-03 09:00', 'view'), (2, '2026-01-03 09:05', 'cart')) v$$,
                            ARRAY['view', 'cart', 'buy'], '1 hour', 'day', 'unordered');

-- ---- funnel_drivers -----------------------------------------------------
-- The statistics against R (test/r/drivers_reference.R: fisher.test's
-- two-sided p-value, p.adjust(, "BH"), the Wald odds ratio and interval),
-- 20 tables with zeros, ties and large counts: equal to 1e-10 relative.
CREATE TABLE drivers_expected (id int, a bigint, b bigint, c bigint, d bigint, odds_ratio float8, ci_low float8,
                               ci_high float8, p_value float8, q_value float8);
\copy drivers_expected FROM 'test/data/drivers/expected.csv' WITH (FORMAT csv, HEADER)
CREATE FUNCTION close_to(x float8, y float8) RETURNS boolean LANGUAGE sql AS
$$ SELECT abs(x - y) <= 1e-10 * greatest(abs(x), abs(y), 1e-300) $$;
SELECT count(*) AS tables,
       count(*) FILTER (WHERE close_to((s).odds_ratio, r.odds_ratio) AND close_to((s).ci_low, r.ci_low)
                        AND close_to((s).ci_high, r.ci_high) AND close_to((s).p_value, r.p_value)) AS equal_stats,
       count(*) FILTER (WHERE close_to(q.q, r.q_value)) AS equal_q
FROM (SELECT r.*, eventml_two_by_two(r.a, r.b, r.c, r.d) AS s FROM drivers_expected r) r
JOIN (SELECT u.i, u.q FROM unnest(eventml_bh_adjust((SELECT array_agg(p_value ORDER BY id) FROM drivers_expected)))
                           WITH ORDINALITY AS u(q, i)) q ON q.i = r.id;
-- Entities that reached view; converted: reached buy within a day. An event
-- counts for a converted entity when done before its buy, for the others
-- at any time; events fewer than 5 entities did are left out. Against the
-- same counts in plain SQL (on funnel_times' chains).
SELECT event, converted_with, converted_without, not_converted_with, not_converted_without,
       round(odds_ratio::numeric, 4) AS odds_ratio, round(ci_low::numeric, 4) AS ci_low,
       round(ci_high::numeric, 4) AS ci_high, round(p_value::numeric, 6) AS p_value, round(q_value::numeric, 6) AS q_value
FROM funnel_drivers('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'buy'], '1 day', NULL, 5);
WITH ev AS (SELECT * FROM report_events WHERE user_id IS NOT NULL AND ts IS NOT NULL),
chains AS (SELECT user_id, funnel_times(ts, '1 day', event = 'view', event = 'buy') AS t FROM ev GROUP BY user_id),
entered AS (SELECT user_id, cardinality(t) = 2 AS converted, t[2] AS done FROM chains WHERE cardinality(t) >= 1),
did AS (SELECT DISTINCT e.user_id, e.event, n.converted FROM ev e JOIN entered n USING (user_id)
        WHERE e.event NOT IN ('view', 'buy') AND (NOT n.converted OR e.ts < n.done)),
counted AS (SELECT event, count(*) FILTER (WHERE converted) AS cw, count(*) FILTER (WHERE NOT converted) AS dw
            FROM did GROUP BY event HAVING count(*) >= 5),
totals AS (SELECT count(*) FILTER (WHERE converted) AS c, count(*) FILTER (WHERE NOT converted) AS d FROM entered)
SELECT count(*) AS events,
       count(*) FILTER (WHERE f.converted_with = p.cw AND f.converted_without = t.c - p.cw
                        AND f.not_converted_with = p.dw AND f.not_converted_without = t.d - p.dw) AS equal
FROM funnel_drivers('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'buy'], '1 day', NULL, 5) f
FULL JOIN counted p USING (event) CROSS JOIN totals t;

-- ---- retention_matrix ---------------------------------------------------
-- The pure-SQL side, with date_trunc and interval arithmetic.
CREATE FUNCTION retention_reference(period text, periods int, as_of timestamptz, start_event text,
                                    return_event text, cumulative boolean)
RETURNS TABLE (cohort timestamptz, cohort_entities bigint, period_number int, entities bigint, retention float8)
LANGUAGE sql AS $$
WITH ev AS (
    SELECT user_id, ts, event FROM report_events
    WHERE user_id IS NOT NULL AND ts IS NOT NULL AND ts <= coalesce(as_of, (SELECT max(ts) FROM report_events))),
member AS (
    SELECT user_id, date_trunc(period, min(ts)) AS cohort FROM ev
    WHERE start_event IS NULL OR event = start_event GROUP BY user_id),
cells AS (
    SELECT m.cohort, k, count(*) FILTER (WHERE EXISTS (
               SELECT FROM ev WHERE ev.user_id = m.user_id AND (return_event IS NULL OR ev.event = return_event)
               AND CASE WHEN cumulative THEN date_trunc(period, ev.ts) >= m.cohort + k * ('1 ' || period)::interval
                        ELSE date_trunc(period, ev.ts) = m.cohort + k * ('1 ' || period)::interval END)) AS entities,
           count(*) AS cohort_entities
    FROM member m, generate_series(0, periods - 1) k GROUP BY m.cohort, k)
SELECT cohort, cohort_entities, k,
       CASE WHEN cohort + k * ('1 ' || period)::interval <= coalesce(as_of, (SELECT max(ts) FROM ev)) THEN entities END,
       CASE WHEN cohort + k * ('1 ' || period)::interval <= coalesce(as_of, (SELECT max(ts) FROM ev))
            THEN entities::float8 / cohort_entities END
FROM cells
$$;
SELECT * FROM retention_matrix('SELECT user_id, ts, event FROM report_events', 'week', 5);
CREATE FUNCTION retention_differences(period text, periods int, as_of timestamptz, start_event text,
                                      return_event text, cumulative boolean) RETURNS text LANGUAGE sql AS $$
SELECT count(*) || ' cells, ' || count(*) FILTER (WHERE r.entities IS DISTINCT FROM f.entities
       OR r.cohort_entities IS DISTINCT FROM f.cohort_entities
       OR round(r.retention::numeric, 12) IS DISTINCT FROM round(f.retention::numeric, 12)) || ' different'
FROM retention_matrix('SELECT user_id, ts, event FROM report_events', period, periods, as_of, start_event,
                      return_event, cumulative) r
FULL JOIN retention_reference(period, periods, as_of, start_event, return_event, cumulative) f
    ON f.cohort = r.cohort AND f.period_number = r.period_number
$$;
SELECT p.period, p.periods, p.as_of, p.start_event, p.return_event, p.cumulative,
       retention_differences(p.period, p.periods, p.as_of, p.start_event, p.return_event, p.cumulative)
FROM (VALUES ('week', 8, NULL::timestamptz, NULL, NULL, false), ('week', 8, NULL, NULL, NULL, true),
             ('week', 6, '2026-02-10 12:00', 'signup', 'buy', false), ('week', 6, '2026-02-10 12:00', 'signup', 'buy', true),
             ('day', 10, NULL, 'cart', NULL, false), ('month', 3, NULL, NULL, 'view', true),
             ('hour', 30, '2026-01-06', 'view', 'buy', false)) p(period, periods, as_of, start_event, return_event, cumulative);
-- A triangle: cells of periods after as_of are NULL.
SELECT cohort, period_number, entities, round(retention::numeric, 3) AS retention
FROM retention_matrix('SELECT user_id, ts, event FROM report_events', 'week', 4, '2026-01-20')
ORDER BY cohort, period_number;

-- ---- lifecycle ------------------------------------------------------------
-- The pure-SQL side: for every period P from the first to as_of's and every
-- user, activity in P and P - 1 and whether P is the user's first.
CREATE FUNCTION lifecycle_reference(period text, as_of timestamptz)
RETURNS TABLE (period_start timestamptz, status text, entities bigint) LANGUAGE sql AS $$
WITH ev AS (
    SELECT user_id, date_trunc(period, ts) AS p FROM report_events
    WHERE user_id IS NOT NULL AND ts IS NOT NULL AND ts <= coalesce(as_of, (SELECT max(ts) FROM report_events))),
periods AS (
    SELECT generate_series((SELECT min(p) FROM ev), date_trunc(period, coalesce(as_of, (SELECT max(ts) FROM report_events))),
                           ('1 ' || period)::interval) AS p),
users AS (SELECT user_id, min(p) AS first_p FROM ev GROUP BY user_id),
flags AS (
    SELECT ps.p, u.first_p,
           EXISTS (SELECT FROM ev WHERE ev.user_id = u.user_id AND ev.p = ps.p) AS now,
           EXISTS (SELECT FROM ev WHERE ev.user_id = u.user_id AND ev.p = ps.p - ('1 ' || period)::interval) AS before
    FROM periods ps, users u)
SELECT ps.p, s.status, count(f.p) FILTER (WHERE CASE s.status
           WHEN 'new' THEN f.now AND f.p = f.first_p
           WHEN 'returning' THEN f.now AND f.before
           WHEN 'resurrecting' THEN f.now AND NOT f.before AND f.p <> f.first_p
           ELSE f.before AND NOT f.now END)
FROM periods ps CROSS JOIN unnest(ARRAY['new', 'returning', 'resurrecting', 'dormant']) s(status)
LEFT JOIN flags f ON f.p = ps.p
GROUP BY ps.p, s.status
$$;
SELECT * FROM lifecycle('SELECT user_id, ts, event FROM report_events', 'week');
CREATE FUNCTION lifecycle_differences(period text, as_of timestamptz) RETURNS text LANGUAGE sql AS $$
SELECT count(*) || ' rows, ' || count(*) FILTER (WHERE r.entities IS DISTINCT FROM f.entities) || ' different'
FROM lifecycle('SELECT user_id, ts, event FROM report_events', period, as_of) r
FULL JOIN lifecycle_reference(period, as_of) f ON f.period_start = r.period_start AND f.status = r.status
$$;
SELECT p.period, p.as_of, lifecycle_differences(p.period, p.as_of)
FROM (VALUES ('week', NULL::timestamptz), ('day', NULL), ('month', NULL), ('week', '2026-02-04 08:00'),
             ('week', '2026-04-01'), ('hour', '2026-01-07')) p(period, as_of);

-- ---- stickiness ---------------------------------------------------------
SELECT * FROM stickiness('SELECT user_id, ts, event FROM report_events', 'week');
SELECT p.period, p.from_ts, p.to_ts,
       (SELECT array_agg(ROW(s.active_periods, s.entities)::text ORDER BY s.active_periods)
        FROM stickiness('SELECT user_id, ts, event FROM report_events', p.period, p.from_ts, p.to_ts) s) =
       (SELECT array_agg(ROW(n, users)::text ORDER BY n)
        FROM (SELECT n::int, count(*) AS users
              FROM (SELECT user_id, count(DISTINCT date_trunc(p.period, ts)) AS n FROM report_events
                    WHERE user_id IS NOT NULL AND ts IS NOT NULL
                    AND (p.from_ts IS NULL OR ts >= p.from_ts) AND (p.to_ts IS NULL OR ts < p.to_ts)
                    GROUP BY user_id) u GROUP BY n) c) AS same
FROM (VALUES ('day', NULL::timestamptz, NULL::timestamptz), ('week', '2026-01-12', '2026-02-09'),
             ('hour', '2026-01-06', '2026-01-08'), ('month', NULL, '2026-02-01')) p(period, from_ts, to_ts);

-- ---- sessions -----------------------------------------------------------
SELECT * FROM sessions('SELECT user_id, ts, event FROM report_events WHERE user_id IN (5, 1003, 2000)', '30 minutes');
-- Against sessions found with lag (a new session after a gap of more than
-- 30 minutes): the same sessions, counts and times; first and last events
-- are ones at the session's first and last time (ties are in session_id's
-- order, which a second sort need not repeat).
WITH flagged AS (
    SELECT user_id, ts, event,
           CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) <= interval '30 minutes' THEN 0 ELSE 1 END AS new
    FROM report_events WHERE user_id IS NOT NULL AND ts IS NOT NULL),
numbered AS (SELECT *, sum(new) OVER (PARTITION BY user_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session FROM flagged),
reference AS (
    SELECT user_id::text AS entity, session::int, min(ts) AS session_start, max(ts) AS session_end, count(*) AS event_count
    FROM numbered GROUP BY user_id, session)
SELECT count(*) AS sessions,
       count(*) FILTER (WHERE r.session_start = f.session_start AND r.session_end = f.session_end
                        AND r.event_count = f.event_count AND r.duration = r.session_end - r.session_start
                        AND EXISTS (SELECT FROM report_events e WHERE e.user_id::text = r.entity
                                    AND e.ts = r.session_start AND e.event = r.first_event)
                        AND EXISTS (SELECT FROM report_events e WHERE e.user_id::text = r.entity
                                    AND e.ts = r.session_end AND e.event = r.last_event)) AS equal
FROM sessions('SELECT user_id, ts, event FROM report_events', '30 minutes') r
FULL JOIN reference f ON f.entity = r.entity AND f.session = r.session;
-- With max_length the numbering is session_id's.
SELECT count(*) AS sessions, count(*) FILTER (WHERE n.events = r.event_count) AS equal
FROM sessions('SELECT user_id, ts, event FROM report_events', '1 day', '2 hours') r
FULL JOIN (SELECT user_id::text AS entity, session::int, count(*) AS events
           FROM (SELECT user_id, session_id(ts, '1 day', '2 hours') OVER (PARTITION BY user_id ORDER BY ts) AS session
                 FROM report_events WHERE user_id IS NOT NULL AND ts IS NOT NULL) s
           GROUP BY 1, 2) n ON n.entity = r.entity AND n.session = r.session;
-- Ties keep the order the query returns its rows in: the first and last
-- events of a session are the first and the last row at its first and last
-- time in that order. A NULL event counts, and is a NULL name.
SELECT * FROM sessions($$SELECT * FROM (VALUES
    (1, timestamptz '2026-01-01 10:00+00', 'b'), (1, '2026-01-01 10:00+00', 'a'), (1, '2026-01-01 10:20+00', 'c'),
    (1, '2026-01-01 10:20+00', 'd'), (1, '2026-01-01 12:00+00', NULL), (1, '2026-01-01 12:10+00', 'e'),
    (1, '2026-01-01 12:10+00', NULL), (2, '2026-01-01 09:00+00', 'x')) v(entity, ts, event)$$, '30 minutes');
-- sessionize's bounces are the sessions of one event; bounce rate.
SELECT sum((s).bounces) AS bounces, sum((s).sessions) AS sessions,
       round(sum((s).bounces)::numeric / sum((s).sessions), 3) AS bounce_rate,
       (SELECT count(*) FROM sessions('SELECT user_id, ts, event FROM report_events', '30 minutes')
        WHERE event_count = 1) AS sessions_of_one_event
FROM (SELECT sessionize(ts, '30 minutes') AS s FROM report_events WHERE user_id IS NOT NULL GROUP BY user_id) g;

-- ---- periods: index and start agree with date_trunc in any time zone ------
-- (both sides of 1970, and the daylight-saving changes of 1969-70 and 2025-26)
SET timezone = 'America/New_York';
SELECT p.period, count(*) AS times,
       count(*) FILTER (WHERE eventml_period_start(p.period, eventml_period_index(p.period, t)) = date_trunc(p.period, t)) AS equal,
       count(DISTINCT eventml_period_index(p.period, t)) = count(DISTINCT date_trunc(p.period, t)) AS same_periods
FROM unnest(ARRAY['hour', 'day', 'week', 'month']) p(period),
     (SELECT generate_series(timestamptz '1969-10-01', '1970-05-01', interval '1 hour 7 minutes')
      UNION ALL SELECT generate_series(timestamptz '2025-10-01', '2027-01-10', interval '1 hour 7 minutes')) t(t)
GROUP BY p.period ORDER BY p.period;
SET timezone = 'Asia/Kolkata';
SELECT count(*) FILTER (WHERE eventml_period_start('hour', eventml_period_index('hour', t)) <> date_trunc('hour', t)) AS hours_off
FROM generate_series(timestamptz '2026-01-01', '2026-01-10', interval '17 minutes') t;
-- The index is computed in C from the zone's offsets, remembered by span:
-- in zones with a negative daylight saving (Dublin), a half-hour one (Lord
-- Howe), local mean time before 1900, rules extrapolated past the zone
-- table (2100), and times in random order (the aggregate's rows), every
-- index's period start is date_trunc's, the periods are consecutive
-- integers, and eventml_period_set returns exactly the distinct ones. The
-- one exception is Lord Howe's hour at its 30-minute spring-forward, where
-- date_trunc itself is no partition (2100-10-03 02:47+11 truncates to
-- 01:30+10:30, inside the hour from 01:00+10:30): the index keeps 01:00 to
-- 03:00 local as one period, which starts at 01:00+10:30.
CREATE FUNCTION period_check(tz text) RETURNS TABLE (zone text, period text, times bigint, wrong_start bigint,
                                                      same_periods boolean, set_equal boolean)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('timezone', tz, true);
    RETURN QUERY
    WITH t AS (SELECT t FROM (SELECT generate_series(timestamptz '1879-12-20 UTC', '1880-01-20 UTC', interval '1 hour 7 minutes')
                              UNION ALL SELECT generate_series(timestamptz '2025-09-01 UTC', '2026-05-01 UTC', interval '1 hour 7 minutes')
                              UNION ALL SELECT generate_series(timestamptz '2100-02-25 UTC', '2100-11-10 UTC', interval '1 hour 7 minutes')) s(t)
               ORDER BY hashtext(t::text)),
    indexed AS (SELECT p.period, t.t, eventml_period_index(p.period, t.t) AS i
                FROM unnest(ARRAY['hour', 'day', 'week', 'month']) p(period), t)
    SELECT tz, x.period, count(*),
           count(*) FILTER (WHERE eventml_period_start(x.period, x.i) <> date_trunc(x.period, x.t)),
           count(DISTINCT x.i) = count(DISTINCT date_trunc(x.period, x.t)),
           (SELECT eventml_period_set(y.period, y.t) FROM indexed y WHERE y.period = x.period)
               = array_agg(DISTINCT x.i ORDER BY x.i)
    FROM indexed x GROUP BY x.period ORDER BY x.period;
END
$$;
SELECT c.* FROM unnest(ARRAY['Europe/Dublin', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Asia/Kathmandu']) z,
     LATERAL period_check(z) c;
-- Consecutive periods have consecutive indexes across a spring-forward night.
SET timezone = 'Europe/Berlin';
SELECT count(*) AS hours, count(*) FILTER (WHERE step <> 1) AS not_consecutive
FROM (SELECT eventml_period_index('hour', t) - lag(eventml_period_index('hour', t)) OVER (ORDER BY t) AS step
      FROM generate_series(timestamptz '2026-03-28 20:00+00', '2026-03-29 06:00+00', interval '1 hour') t) s
WHERE step IS NOT NULL;
SET timezone = 'UTC';

-- ---- parameters are values, never SQL ------------------------------------
CREATE TABLE precious (x int);
SELECT * FROM funnel_report('SELECT user_id, ts, event FROM report_events', ARRAY['view', $$x'); DROP TABLE precious; --$$],
                            '1 day');
SELECT count(*) FROM retention_matrix('SELECT user_id, ts, event FROM report_events', 'week', 2, NULL,
                                      $$x'); DROP TABLE precious; --$$, $$'; DROP TABLE precious; --$$);
SELECT count(*) FROM funnel_report('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'buy'], '1 day',
                                   NULL, ARRAY[$$x'); DROP TABLE precious; --$$]);
SELECT count(*) FROM funnel_trends('SELECT user_id, ts, event FROM report_events',
                                   ARRAY['view', $$x'); DROP TABLE precious; --$$], '1 day', 'week');
SELECT count(*) FROM precious;

-- ---- errors, before any work -------------------------------------------
SELECT error_of(q) FROM (VALUES
    ($$SELECT * FROM funnel_report('SELECT user_id, ts FROM report_events', ARRAY['view'], '1 day')$$),
    ($$SELECT * FROM funnel_report('SELECT user_id, ts::date, event FROM report_events', ARRAY['view'], '1 day')$$),
    ($$SELECT * FROM funnel_report('SELECT user_id, ts, 1 AS event FROM report_events', ARRAY['view'], '1 day')$$),
    ($$SELECT * FROM lifecycle('SELECT user_id, ts, event, platform FROM report_events', 'week')$$),
    ($$SELECT * FROM funnel_report('SELECT user_id, ts, event FROM report_events', '{}', '1 day')$$),
    ($$SELECT * FROM funnel_report('SELECT user_id, ts, event FROM report_events', ARRAY['a'], '1 day', 'strict')$$),
    ($$SELECT * FROM funnel_report('SELECT user_id, ts, event FROM report_events', ARRAY['a'], '1 day', NULL, ARRAY['b'])$$),
    ($$SELECT * FROM funnel_trends('SELECT user_id, ts, event FROM report_events', '{}', '1 day', 'week')$$),
    ($$SELECT * FROM funnel_drivers('SELECT user_id, ts, event FROM report_events', ARRAY['view'], '1 day')$$),
    ($$SELECT * FROM funnel_drivers('SELECT user_id, ts, event FROM report_events', ARRAY['view', 'buy'], '1 day', NULL, 0)$$),
    ($$SELECT eventml_two_by_two(1, -2, 3, 4)$$),
    ($$SELECT eventml_two_by_two(1, 2, 3, 9000000000000)$$),
    ($$SELECT * FROM funnel_trends('SELECT user_id, ts, event FROM report_events', ARRAY['a'], '1 day', 'year')$$),
    ($$SELECT * FROM funnel_trends('SELECT user_id, ts FROM report_events', ARRAY['a'], '1 day', 'week')$$),
    ($$SELECT * FROM funnel_report(NULL, ARRAY['a'], '1 day')$$),
    ($$SELECT * FROM funnel_report('DROP TABLE precious', ARRAY['a'], '1 day')$$),
    ($$SELECT * FROM funnel_report('SELECT 1; SELECT 2', ARRAY['a'], '1 day')$$),
    ($$SELECT * FROM funnel_report('SELECT nothing FROM nowhere', ARRAY['a'], '1 day')$$),
    ($$SELECT * FROM retention_matrix('SELECT user_id, ts, event FROM report_events', 'fortnight', 3)$$),
    ($$SELECT * FROM retention_matrix('SELECT user_id, ts, event FROM report_events', 'week', 0)$$),
    ($$SELECT * FROM lifecycle('SELECT user_id, ts, event FROM report_events', NULL)$$),
    ($$SELECT * FROM stickiness('SELECT user_id, ts, event FROM report_events', 'year')$$),
    ($$SELECT * FROM sessions('SELECT user_id, ts, event FROM report_events', '-1 minute')$$),
    -- the helpers called directly with what the reports never pass them
    ($$SELECT eventml_period_index('week', 'infinity')$$),
    ($$SELECT eventml_period_set('fortnight', now())$$),
    ($$SELECT eventml_period_set(NULL, now())$$),
    ($$SELECT eventml_retention_counts(1, ARRAY[3, 2], 3, 2, false)$$),
    ($$SELECT eventml_retention_counts(1, ARRAY[2, 3], 3, 0, false)$$),
    ($$SELECT eventml_retention_counts(1, ARRAY[2, NULL], 3, 2, false)$$),
    ($$SELECT eventml_retention_counts(1, ARRAY[2, 3], 3, NULL, false)$$),
    ($$SELECT eventml_lifecycle_counts(ARRAY[2, 2], NULL)$$),
    ($$SELECT eventml_lifecycle_counts(ARRAY[-9223372036854775807, 9223372036854775806], NULL)$$),
    ($$SELECT eventml_lifecycle_counts(a, NULL) FROM (VALUES (ARRAY[0]), (ARRAY[100000000000])) v(a)$$),
    ($$SELECT eventml_lifecycle_counts(ARRAY[0], 300000000)$$),
    ($$SELECT eventml_session_list(now(), 'a', NULL, NULL)$$),
    ($$SELECT eventml_session_list(now(), 'a', '1 hour', '-1 hour')$$),
    ($$SELECT eventml_session_list('infinity', 'a', '1 hour', NULL)$$)) v(q);
-- Each helper over no rows is NULL, and over entities with no periods is empty.
SELECT eventml_retention_counts(NULL, NULL, NULL, 2, false) AS no_cohort,
       eventml_lifecycle_counts(NULL, 5) AS no_activity,
       (SELECT eventml_period_set('day', t) FROM (VALUES (NULL::timestamptz)) v(t)) AS no_times,
       (SELECT eventml_lifecycle_counts(a, NULL) FROM (VALUES (NULL::bigint[])) v(a) WHERE false) AS no_rows;
SELECT count(*) AS precious_rows FROM precious;
