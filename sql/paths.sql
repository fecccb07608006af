-- path_agg, path_match, path_count, path_next and the Sankey helpers:
-- ClickHouse's semantics (cases from ClickHouse's own tests), ordering,
-- NULLs, malformed patterns, limits, top paths and Sankey edges.
\set VERBOSITY default
CREATE SCHEMA paths_test;
SET search_path = paths_test, public;
SET timezone = 'UTC';

-- ClickHouse's test 00222: one event per second, data 0,0,0,0,1,2,0,0,0,0,1,1.
CREATE TABLE seq AS
SELECT timestamptz '2026-01-01' + i * interval '1 second' AS ts,
       (ARRAY[0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 1])[i + 1] AS data
FROM generate_series(0, 11) i;
SELECT pattern, path_match(pattern, ts, data = 0, data = 1, data = 2, data = 3) AS matched,
       path_count(pattern, ts, data = 0, data = 1, data = 2, data = 3) AS matches
FROM seq, unnest(ARRAY['', '.', '.*', '(?1)', '(?2)', '(?3)', '(?4)', '(?1)(?1)', '(?1)(?1)(?1)',
                       '(?1)(?1)(?1)(?1)', '(?1)(?1)(?1)(?1)(?1)', '(?1)(?1)(?1)(?1)(?2)', '(?1)(?t>10)(?2)',
                       '(?1)(?t>11)(?2)', '(?1)(?t<11)(?2)', '(?1)(?t<3)(?3)', '(?1)(?t<=2)(?3)',
                       '(?1)(?t<2)(?3)', '(?2)(?t>=7)(?2)', '(?2)(?t>7)(?2)', '(?2)(?3)(?1)']) WITH ORDINALITY p(pattern, n)
GROUP BY pattern, n ORDER BY n;
-- (?t==S), with the conditions data = 1 and data = 2 only (rows 4, 5, 10, 11 kept).
SELECT path_match('(?1)(?t==2)(?2)', ts, data = 1, data = 2) AS eq_2,
       path_match('(?1)(?t==1)(?2)', ts, data = 1, data = 2) AS eq_1,
       path_count('(?1)(?t==1)(?2)', ts, data = 1, data = 2) AS eq_1_count,
       -- numbers with a leading '+' (00222 expects 1 and 0)
       path_match('(?1)(?t>+0)(?2)', ts, data = 1, data = 2) AS gt_plus_0,
       path_match('(?1)(?t>+1)(?2)', ts, data = 1, data = 2) AS gt_plus_1
FROM seq;
-- timestamp works as timestamptz does.
SELECT path_count('(?1)(?t<11)(?2)', ts::timestamp, data = 0, data = 1) FROM seq;

-- Rows where no condition holds are not part of the sequence, so . only
-- consumes a row on which some condition (even one the pattern never names)
-- holds; matches are unanchored.
CREATE TABLE coded (ts timestamptz, code int);
INSERT INTO coded VALUES ('2026-01-01 00:00:01', 1), ('2026-01-01 00:00:02', 9), ('2026-01-01 00:00:03', 2);
SELECT path_match('(?1).(?2)', ts, code = 1, code = 2) AS two_conditions,
       path_match('(?1).(?2)', ts, code = 1, code = 2, code = 9) AS three_conditions,
       path_match('(?1)(?2)', ts, code = 1, code = 2) AS adjacent
FROM coded;
-- Rows at one time keep their input order (ORDER BY in the call fixes it).
SELECT path_match('(?1)(?2)', ts, code = 1, code = 2 ORDER BY code) AS "1 then 2, ordered 1, 2",
       path_match('(?1)(?2)', ts, code = 1, code = 2 ORDER BY code DESC) AS "1 then 2, ordered 2, 1"
FROM (VALUES (timestamptz '2026-01-01', 1), ('2026-01-01', 2)) v(ts, code);
-- Non-overlapping counting: the next search starts after the previous match.
SELECT path_count('(?1).*(?2)', ts, code = 1, code = 2) AS docs_example
FROM (VALUES (1, 1), (2, 3), (3, 2), (4, 1), (5, 3), (6, 2)) v(s, code),
     LATERAL (SELECT timestamptz '2026-01-01' + s * interval '1 second' AS ts) t;
-- Time steps measure from the last matched event; >, >= and == look ahead.
SELECT path_count('(?1)(?t>5)', ts, code = 1, code = 2) AS trailing_gt,
       path_count('(?1)(?t<2)', ts, code = 1, code = 2) AS trailing_lt,
       path_match('(?t>5)(?1)', ts, code = 1, code = 2) AS leading_gt
FROM (VALUES (1, 1), (3, 1), (20, 2)) v(s, code),
     LATERAL (SELECT timestamptz '2026-01-01' + s * interval '1 second' AS ts) t;
-- Sub-second times: S is whole seconds, compared with microsecond times.
SELECT path_match('(?1)(?t<=1)(?2)', ts, code = 1, code = 2) AS within_1s
FROM (VALUES (timestamptz '2026-01-01 00:00:00', 1), ('2026-01-01 00:00:01.000001', 2)) v(ts, code);

-- NULL rules: a NULL ts or conds array skips the row; a NULL condition is
-- false; a group of skipped rows gives NULL; a group whose rows meet no
-- condition gives false / 0 ('' still matches).
SELECT path_match('(?1)(?2)', ts, code = 1, code = 2) AS matched, path_count('(?1)', ts, code = 1, code = 2) AS ones
FROM (VALUES (timestamptz '2026-01-01 00:00:01', 1), (NULL, 2), ('2026-01-01 00:00:03', NULL),
             ('2026-01-01 00:00:04', 2)) v(ts, code);
SELECT path_match('(?1)', ts, VARIADIC NULL::boolean[]) IS NULL AS all_skipped,
       path_match('(?1)', ts, false, false) AS no_condition, path_count('(?1)', ts, false, false) AS none_counted,
       path_match('', ts, false, false) AS empty_pattern
FROM coded;
SELECT path_match('(?1)', ts, code = 1) IS NULL AS empty_group FROM coded WHERE false;

-- Malformed patterns: a clear error with the character position.
SELECT pattern, error_of(format('SELECT path_match(%L, ts, code = 1, code = 2) FROM coded', pattern))
FROM unnest(ARRAY['(? 1)', '(?1', '.**', ' (?1)', '(?1)(?t!=3)', '(?1)(?t=3)', '(?1)(?t<3)(?t>1)',
                  '(?x)', '(?1)(?t<)', '(?1)(?t<3', '(?99999999999999999999)', '(?1) ', 'ä']) pattern;
-- Condition numbers out of range; NULL and too-long patterns.
SELECT error_of($$SELECT path_match('(?3)', ts, code = 1, code = 2) FROM coded$$);
SELECT error_of($$SELECT path_count('(?0)', ts, code = 1, code = 2) FROM coded$$);
SELECT error_of($$SELECT path_match(NULL, ts, code = 1) FROM coded$$);
SELECT error_of(format('SELECT path_match(%L, ts, code = 1) FROM coded', repeat('.', 10001)));
-- Condition lists: 1 to 32, one-dimensional, the same length in every row.
SELECT error_of($$SELECT path_match('(?1)', ts, VARIADIC '{}'::boolean[]) FROM coded$$);
SELECT error_of(format('SELECT path_match(%L, ts, VARIADIC array_fill(true, ARRAY[33])) FROM coded', '(?1)'));
SELECT error_of($$SELECT path_match('(?1)', ts, VARIADIC ARRAY[[true], [false]]) FROM coded$$);
SELECT error_of($$SELECT path_match('(?1)', ts, VARIADIC CASE WHEN code = 1 THEN ARRAY[true] ELSE ARRAY[true, false] END) FROM coded$$);
SELECT error_of($$SELECT path_match('(?1)', ts, code = 1) FROM (VALUES (timestamptz 'infinity', 1)) v(ts, code)$$);

-- The work limit: a backtracking search (patterns with time steps) stops
-- after 1,000,000 steps, as ClickHouse's does; (?1) first holding at event
-- 500,000 takes 1,000,002. The same pattern without the time step runs as an
-- automaton, with no limit.
CREATE TABLE long_seq AS
SELECT timestamptz '2026-01-01' + i * interval '1 second' AS ts, i = 500000 AS last
FROM generate_series(0, 500000) i;
SELECT error_of($$SELECT path_match('(?1)(?t>=0)', ts, last, NOT last) FROM long_seq$$);
SELECT path_match('(?1)', ts, last, NOT last) AS automaton, path_count('(?2)(?2)', ts, last, NOT last) AS pairs
FROM long_seq;
SELECT path_match('(?1)(?t>=0)', ts, last, NOT last) AS one_step_less FROM long_seq WHERE ts > '2026-01-01';

-- path_agg: events in time order without ORDER BY; repeats collapsed on
-- request; the first / last N kept. NULL ts or event skips the row.
CREATE TABLE clicks (user_id int, ts timestamptz, event text);
INSERT INTO clicks VALUES
    (1, '2026-01-01 10:05', 'buy'), (1, '2026-01-01 10:00', 'view'), (1, '2026-01-01 10:01', 'view'),
    (1, '2026-01-01 10:02', 'search'), (1, '2026-01-01 10:03', 'view'), (1, '2026-01-01 10:04', 'cart'),
    (2, '2026-01-02 09:00', 'view'), (2, '2026-01-02 09:01', 'cart'), (2, '2026-01-02 09:02', NULL),
    (2, NULL, 'buy'), (3, '2026-01-03 12:00', 'search'), (3, '2026-01-03 12:01', 'view'),
    (3, '2026-01-03 12:02', 'view'), (3, '2026-01-03 12:03', 'cart'), (3, '2026-01-03 12:04', 'buy');
SELECT user_id, path_agg(ts, event) AS path, path_agg(ts, event, true) AS collapsed,
       path_agg(ts, event, true, 3) AS first_3, path_agg(ts::timestamp, event, false, -2) AS last_2
FROM clicks GROUP BY user_id ORDER BY user_id;
SELECT path_agg(ts, event) IS NULL AS no_rows FROM clicks WHERE false;
SELECT error_of($$SELECT path_agg(ts, event, true, 0) FROM clicks$$);
SELECT error_of($$SELECT path_agg(ts, event, NULL) FROM clicks$$);
-- Top paths: GROUP BY the path.
SELECT path, count(*) AS users
FROM (SELECT user_id, path_agg(ts, event, true, 3) AS path FROM clicks GROUP BY user_id) p
GROUP BY path ORDER BY users DESC, path;

-- Sankey edges: the first three steps after a search, counted per step.
SELECT e.step, e.from_event, e.to_event, count(*) AS users
FROM (SELECT user_id, path_from(path_agg(ts, event, true), 'search', 4) AS path FROM clicks GROUP BY user_id) p,
     path_edges(p.path) e
GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC, 2, 3;
-- ... and the three events up to the first purchase.
SELECT user_id, path_to(path_agg(ts, event), 'buy', 3) AS before_buy FROM clicks GROUP BY user_id ORDER BY user_id;
SELECT path_from(ARRAY['a', 'b'], 'z') IS NULL AS never, (SELECT count(*) FROM path_edges(ARRAY['a'])) AS edges_of_one;

-- path_next: ClickHouse's test 01656 (sequenceNextNode), ids 1 to 6.
CREATE TABLE test_sequence (id int, ts timestamptz, action text, referrer text);
INSERT INTO test_sequence
SELECT id, timestamptz '2026-01-01' + i * interval '1 second', substr(actions, i, 1), NULL
FROM (VALUES (1, 'ABCD'), (2, 'BBDC'), (3, 'AB'), (4, 'AAABC'), (5, 'ABAC'), (6, 'ABABC')) v(id, actions),
     generate_series(1, length(actions)) i;
SELECT id,
       path_next('forward', 'head', ts, action, true, action = 'A') AS fwd_head_a,
       path_next('forward', 'head', ts, action, true, action = 'A', action = 'B') AS fwd_head_ab,
       path_next('backward', 'tail', ts, action, true, action = 'C') AS bwd_tail_c,
       path_next('forward', 'head', ts, action, true) AS head,
       path_next('backward', 'tail', ts, action, true) AS tail,
       path_next('forward', 'first_match', ts, action, true, action = 'B') AS fwd_first_b,
       path_next('forward', 'first_match', ts, action, true, action = 'B', action = 'A') AS fwd_first_ba,
       path_next('backward', 'first_match', ts, action, true, action = 'B') AS bwd_first_b,
       path_next('forward', 'last_match', ts, action, true, action = 'A') AS fwd_last_a
FROM test_sequence GROUP BY id ORDER BY id;
-- id 10: a NULL action is skipped; id 11: ties are ordered by name.
INSERT INTO test_sequence VALUES
    (10, '2026-01-01 00:00:01', 'A', NULL), (10, '2026-01-01 00:00:02', 'B', NULL),
    (10, '2026-01-01 00:00:02', NULL, NULL), (10, '2026-01-01 00:00:03', 'C', NULL),
    (10, '2026-01-01 00:00:04', 'D', NULL), (11, '2026-01-01 00:00:01', 'D', NULL),
    (11, '2026-01-01 00:00:01', 'C', NULL), (11, '2026-01-01 00:00:01', 'B', NULL),
    (11, '2026-01-01 00:00:01', 'A', NULL);
SELECT id, path_next('forward', 'head', ts, action, true, action = 'A', action = 'B') AS fwd_ab,
       path_next('backward', 'tail', ts::timestamp, action, true, action = 'D', action = 'C') AS bwd_dc,
       path_next('forward', 'head', ts, action, true, action = 'A', action = 'B', action = 'C') AS fwd_abc
FROM test_sequence WHERE id >= 10 GROUP BY id ORDER BY id;
-- The base condition: ClickHouse's referrer cases.
CREATE TABLE referrers (id int, ts timestamptz, action text, referrer text);
INSERT INTO referrers
SELECT id, timestamptz '2026-01-01' + i * interval '1 second', substr(actions, i, 1), split_part(refs, ',', i)
FROM (VALUES (1, 'ABCD', '1,2,3,4'), (2, 'DCBA', '4,3,2,1'), (3, 'BBDC', '10,2,3,4')) v(id, actions, refs),
     generate_series(1, length(actions)) i;
SELECT id, path_next('forward', 'head', ts, action, referrer = '1') AS fwd_head_ref1,
       path_next('backward', 'tail', ts, action, referrer = '1', action = 'A', action = 'B') AS bwd_tail_ref1_ab,
       path_next('forward', 'first_match', ts, action, referrer = '2', action = 'B') AS fwd_first_ref2_b,
       path_next('backward', 'first_match', ts, action, referrer = '2', action = 'B') AS bwd_first_ref2_b
FROM referrers GROUP BY id ORDER BY id;
-- "What do users do right after a search?"
SELECT after_search, count(*) AS users
FROM (SELECT path_next('forward', 'first_match', ts, event, true, event = 'search') AS after_search
      FROM clicks GROUP BY user_id) n
GROUP BY 1 ORDER BY 1;
-- Errors: names, combinations, step counts.
SELECT error_of($$SELECT path_next('sideways', 'head', ts, action, true) FROM test_sequence$$);
SELECT error_of($$SELECT path_next('forward', 'middle', ts, action, true) FROM test_sequence$$);
SELECT error_of($$SELECT path_next('backward', 'head', ts, action, true) FROM test_sequence$$);
SELECT error_of($$SELECT path_next('forward', 'tail', ts, action, true) FROM test_sequence$$);
SELECT error_of($$SELECT path_next('forward', 'first_match', ts, action, true) FROM test_sequence$$);
SELECT error_of($$SELECT path_next(NULL, 'head', ts, action, true) FROM test_sequence$$);
SELECT error_of(format('SELECT path_next(%L, %L, ts, action, true, VARIADIC array_fill(true, ARRAY[33])) FROM test_sequence', 'forward', 'head'));

-- path_match_events: ClickHouse's sequenceMatchEvents (its 00222 cases are
-- in the unit tests): the times of the (?N) events, the longest chain when
-- the pattern does not match, in the type of ts.
SELECT path_match_events('(?1)(?t<=10)(?2)(?3)', ts, e = 'A', e = 'B', e = 'C') AS gate,
       path_match_events('(?1)(?2)(?3)', ts, e = 'A', e = 'B', e = 'C') AS adjacent,
       path_match_events('(?1)', ts, e = 'Z', e = 'A') AS never,
       pg_typeof(path_match_events('(?1)', ts::timestamp, e = 'A', e = 'B')) AS timestamp_form
FROM (VALUES (0, 'A'), (5, 'B'), (100, 'B'), (101, 'C')) v(s, e),
     LATERAL (SELECT timestamptz '2026-01-01' + s * interval '1 second' AS ts) t;

-- within: the whole match's first and last (?N) events at most that far
-- apart; exact (a later start is tried when the first one's chain is too
-- long), against the same question in plain SQL on generated data with
-- ties (times in whole minutes, rows at one time in id order) and NULLs.
CREATE TABLE visits AS
SELECT i AS id, i % 200 AS user_id,
       CASE WHEN i % 97 = 0 THEN NULL
            ELSE timestamptz '2026-01-01' + ((get_byte(h, 0) * 256 + get_byte(h, 1)) % 600) * interval '1 minute' END AS ts,
       CASE WHEN i % 53 = 0 THEN NULL ELSE (ARRAY['a', 'b', 'c'])[1 + get_byte(h, 2) % 3] END AS kind
FROM generate_series(1, 6000) i, LATERAL (SELECT decode(md5(i::text), 'hex') AS h) r;
WITH ours AS (
    SELECT user_id, path_match('(?1).*(?2)', ts, interval '20 minutes', kind = 'a', kind = 'b' ORDER BY id) AS matched,
           path_match_events('(?1).*(?2)', ts, kind = 'a', kind = 'b' ORDER BY id) AS events
    FROM visits GROUP BY user_id),
events AS (SELECT * FROM visits WHERE ts IS NOT NULL AND kind IN ('a', 'b')),
first_a AS (SELECT DISTINCT ON (user_id) user_id, ts, id FROM events WHERE kind = 'a' ORDER BY user_id, ts, id),
plain AS (
    SELECT u.user_id,
           EXISTS (SELECT FROM events a JOIN events b USING (user_id)
                   WHERE a.user_id = u.user_id AND a.kind = 'a' AND b.kind = 'b' AND (b.ts, b.id) > (a.ts, a.id)
                     AND b.ts - a.ts <= interval '20 minutes') AS matched,
           CASE WHEN f.ts IS NULL THEN '{}'::timestamptz[]
                ELSE array_remove(ARRAY[f.ts, (SELECT b.ts FROM events b WHERE b.user_id = u.user_id AND b.kind = 'b'
                                                AND (b.ts, b.id) > (f.ts, f.id) ORDER BY b.ts, b.id LIMIT 1)], NULL) END AS events
    FROM (SELECT DISTINCT user_id FROM visits) u LEFT JOIN first_a f USING (user_id))
SELECT count(*) AS entities, count(*) FILTER (WHERE o.matched) AS matched_within,
       count(*) FILTER (WHERE o.matched IS NOT DISTINCT FROM coalesce(p.matched, false)) AS same_match,
       count(*) FILTER (WHERE coalesce(o.events, '{}') = p.events) AS same_events,
       -- matches within the limit whose leftmost chain (first a, first b after it) breaks it
       count(*) FILTER (WHERE o.matched AND p.events[2] - p.events[1] > interval '20 minutes') AS later_start
FROM ours o FULL JOIN plain p USING (user_id);
-- Counting with a limit: leftmost matches that keep it, without overlap.
SELECT path_count('(?1).*(?2)', ts, e = 'A', e = 'B') AS unlimited,
       path_count('(?1).*(?2)', ts, interval '30 seconds', e = 'A', e = 'B') AS within_30s,
       path_match('(?1).*(?2)', ts, interval '0 seconds', e = 'A', e = 'B') AS within_0s
FROM (VALUES (0, 'A'), (10, 'B'), (20, 'A'), (100, 'B'), (110, 'A'), (115, 'B')) v(s, e),
     LATERAL (SELECT timestamptz '2026-01-01' + s * interval '1 second' AS ts) t;
-- An untyped literal could be a condition too: within is written as an interval.
SELECT error_of($$SELECT path_match('(?1)', now(), '1 second', true)$$) AS untyped,
       error_of($$SELECT path_match('(?1)', now(), interval '-1 second', true)$$) AS negative,
       error_of($$SELECT path_count('(?1)', now(), NULL::interval, true)$$) AS null_within,
       error_of($$SELECT path_match_events('(?1)(?2)', now(), true)$$) AS missing_condition;

-- Parallel plans: partial states from several workers, combined, agree with
-- the serial answer (make test also reruns this file with forced parallelism).
CREATE TABLE many AS
SELECT u AS user_id, timestamptz '2026-01-01' + (u * 20 + (i * 7) % 20) * interval '1 minute' AS ts,
       (ARRAY['view', 'search', 'cart', 'buy'])[1 + (u * i + i / 3) % 4] AS event
FROM generate_series(1, 2000) u, generate_series(0, 19) i;
ANALYZE many;
SET max_parallel_workers_per_gather = 0;
SELECT count(DISTINCT path) AS distinct_paths, sum(matches) AS matches, count(*) FILTER (WHERE timed) AS timed,
       sum(within) AS within, md5(string_agg(chain::text, ',' ORDER BY user_id)) AS chains
FROM (SELECT user_id, path_agg(ts, event, true) AS path, path_count('(?1).*(?2)', ts, event = 'view', event = 'buy') AS matches,
             path_match('(?1)(?t<=3600)(?2)', ts, event = 'search', event = 'cart') AS timed,
             path_count('(?1).*(?2)', ts, interval '2 minutes', event = 'view', event = 'buy') AS within,
             path_match_events('(?1).*(?2).*(?3)', ts, event = 'view', event = 'cart', event = 'buy') AS chain
      FROM many GROUP BY user_id) p;
SELECT path_count('(?1)(?2)', ts, event = 'view', event = 'buy') AS whole_table,
       md5(path_agg(ts, event)::text) AS whole_path FROM many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
SELECT count(DISTINCT path) AS distinct_paths, sum(matches) AS matches, count(*) FILTER (WHERE timed) AS timed,
       sum(within) AS within, md5(string_agg(chain::text, ',' ORDER BY user_id)) AS chains
FROM (SELECT user_id, path_agg(ts, event, true) AS path, path_count('(?1).*(?2)', ts, event = 'view', event = 'buy') AS matches,
             path_match('(?1)(?t<=3600)(?2)', ts, event = 'search', event = 'cart') AS timed,
             path_count('(?1).*(?2)', ts, interval '2 minutes', event = 'view', event = 'buy') AS within,
             path_match_events('(?1).*(?2).*(?3)', ts, event = 'view', event = 'cart', event = 'buy') AS chain
      FROM many GROUP BY user_id) p;
-- The whole table as one group: partial states from both workers are combined.
EXPLAIN (COSTS OFF) SELECT path_count('(?1)(?2)', ts, event = 'view', event = 'buy') FROM many;
SELECT path_count('(?1)(?2)', ts, event = 'view', event = 'buy') AS whole_table,
       md5(path_agg(ts, event)::text) AS whole_path FROM many;
RESET ALL;

SET search_path = paths_test, public;
-- Bad input matrix (the cases not already above): each a clear error or
-- the documented result.
SELECT c AS "case", error_of(q) AS result FROM (VALUES
    ('path_agg: infinite ts', $$SELECT path_agg(t, 'e') FROM unnest(ARRAY[timestamp 'infinity']) t$$),
    ('path_agg: NULL keep', $$SELECT path_agg(t, 'e', false, NULL) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('path_agg: keep -2147483648', $$SELECT path_agg(t, 'e', false, -2147483648) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('path_match: NaN-like pattern', $$SELECT path_match('NaN', t, true) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('path_match: huge S', $$SELECT path_match('(?1)(?t<=99999999999999999999)', t, true) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('path_match: S at the int64 limit', $$SELECT path_match('(?1)(?t<=18446744073709551615)(?1)', t, true) FROM unnest(ARRAY[timestamptz '2026-01-01', '2026-01-02']) t$$),
    ('path_next: infinite ts', $$SELECT path_next('forward', 'head', t, 'e', true) FROM unnest(ARRAY[timestamptz 'infinity']) t$$),
    ('path_next: 2-D steps', $$SELECT path_next('forward', 'head', t, 'e', true, VARIADIC ARRAY[[true], [true]]) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('path_next: NULL base', $$SELECT path_next('forward', NULL, t, 'e', true) FROM unnest(ARRAY[timestamptz '2026-01-01']) t$$),
    ('path_from: NULL path', $$SELECT path_from(NULL, 'e') IS NULL$$),
    ('path_edges: 2-D path', $$SELECT count(*) FROM path_edges(ARRAY[['a', 'b'], ['c', 'd']])$$)
) m(c, q);

-- work_mem: hash aggregation over many groups of path, funnel and session
-- states spills to disk when the states outgrow work_mem, and gives the same
-- answers as sorted aggregation.
CREATE FUNCTION hashagg_spilled(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
    RETURN EXISTS (SELECT 1 FROM jsonb_path_query(plan, '$.**."HashAgg Batches"') b WHERE b::int > 1);
END $$;
CREATE TABLE spill AS
SELECT u AS user_id, timestamptz '2026-01-01' + (u * 20 + i) * interval '1 minute' AS ts,
       (ARRAY['view', 'search', 'cart', 'buy'])[1 + (u + i) % 4] AS event
FROM generate_series(1, 5000) u, generate_series(1, 12) i;
ANALYZE spill;
CREATE TABLE spill_queries (q text);
INSERT INTO spill_queries VALUES
    ($$SELECT user_id, path_agg(ts, event) AS a, path_count('(?1).*(?2)', ts, event = 'view', event = 'buy') AS b,
              path_next('forward', 'head', ts, event, true) AS c FROM spill GROUP BY user_id$$),
    ($$SELECT user_id, funnel(ts, '1 hour', event = 'view', event = 'cart') AS a, sessionize(ts, '30 minutes') AS b
       FROM spill GROUP BY user_id$$);
SET work_mem = '64kB';
SET enable_sort = off;
SELECT hashagg_spilled(q) AS spilled FROM spill_queries;
CREATE FUNCTION result_md5(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
    EXECUTE format('SELECT md5(string_agg(r::text, %L ORDER BY r::text)) FROM (%s) r', ';', query) INTO h;
    RETURN h;
END $$;
CREATE TABLE hashed AS SELECT q, result_md5(q) AS h FROM spill_queries;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) FILTER (WHERE h = result_md5(q)) AS same_as_sorted, count(*) AS queries FROM hashed;
RESET enable_hashagg;
RESET work_mem;
