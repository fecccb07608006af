#!/usr/bin/env bash
# SQLsmith against eventml: thousands of random queries on a throwaway cluster
# with the extension and small sample tables, once with the default planner
# settings and once with parallel plans made free (so the aggregates' partial,
# serialize and combine paths run too). Errors are expected and fine; the run
# fails only if the server crashed: a backend or worker terminated by a signal
# or by an abnormal exit, a PANIC, or a failed assertion (TRAP) in the server
# log. Then it prints the log lines and the query that was running, and keeps
# them in results/sqlsmith/ (which always has SQLsmith's output per phase,
# with its ranking of the error messages).
#
# Usage: test/sqlsmith.sh [QUERIES [SECONDS [SEED]]]
#   QUERIES  queries in all, four fifths serial, one fifth parallel
#            (default $SQLSMITH_QUERIES or 10000: 1 to 2.5 min on 2 cores)
#   SECONDS  wall-clock limit for both phases (default $SQLSMITH_SECONDS or 170);
#            a phase still running at its share (half, then the rest) is
#            stopped, which is not a failure
#   SEED     SQLsmith's seed of the serial phase, the parallel one uses SEED+1
#            (default $SQLSMITH_SEED or 1: the same queries on every run)
# Installs Debian's sqlsmith when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
queries=${1:-${SQLSMITH_QUERIES:-10000}}
seconds=${2:-${SQLSMITH_SECONDS:-170}}
seed=${3:-${SQLSMITH_SEED:-1}}
for n in "$queries" "$seconds" "$seed"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "usage: $0 [QUERIES [SECONDS [SEED]]] (whole numbers)" >&2; exit 2; }
done

if ! command -v sqlsmith >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "test/sqlsmith.sh needs the Debian package sqlsmith: install it as root (apt-get install sqlsmith)" >&2
        exit 1
    fi
    echo "installing sqlsmith"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends sqlsmith >/dev/null
fi

bindir=$("${PG_CONFIG:-pg_config}" --bindir)
as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
db=eventml_sqlsmith
out=results/sqlsmith
# What a crash leaves in the server log (the postmaster's reports of a child
# that died abnormally, PANIC, and failed assertions).
crash_re='terminated by signal|was terminated by exception|server process \(PID [0-9]+\) exited with exit code'
crash_re+='|terminating any other active server processes|PANIC:|TRAP:'

dir= work= smith_pid= reported=0
cleanup() {
    local status=$? stop_output postmaster=
    trap - EXIT INT TERM
    if [ -n "$smith_pid" ]; then
        kill "$smith_pid" 2>/dev/null || true
        wait "$smith_pid" 2>/dev/null || true
    fi
    [ -n "$work" ] && rm -rf "$work"
    if [ -n "$dir" ]; then
        postmaster=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        # A backend that ignores signals (stuck in a loop) holds up a fast shutdown:
        # then an immediate one (which ends it with SIGKILL after 5 s).
        as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
            as_server_user "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
        if ! stop_output=$(test/cluster.sh stop "$dir" 2>&1); then
            status=1
            [ "$reported" -eq 1 ] || echo "$stop_output" >&2
        fi
        if [ -n "$postmaster" ] && kill -0 "$postmaster" 2>/dev/null; then
            kill -KILL "$postmaster" 2>/dev/null || true
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$out"
rm -f "$out"/*
work=$(mktemp -d /tmp/eventml-sqlsmith.XXXXXX)
dir=$(test/cluster.sh start)
log=$dir/server.log
sql() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p 5432 -U postgres "$@"; }

echo "== sqlsmith: sample database"
setup_failed() {
    echo "FAIL: setting up the sample database failed. Server log:" >&2
    tail -20 "$log" >&2
    exit 1
}
sql -d postgres -c "CREATE DATABASE $db" || setup_failed
sql -d "$db" >/dev/null <<'SETUP' || setup_failed
SET client_min_messages = error;
SET log_min_messages = fatal;
CREATE EXTENSION eventml;

-- SQLsmith calls only non-set-returning functions and non-variadic
-- aggregates with arrays. Schema smith gives it a way in to the rest of
-- eventml's C code: non-variadic twins of the VARIADIC aggregates (the same
-- support functions), scalar wrappers of the set-returning functions and of
-- the window function session_id, and a raw-state aggregate for ols_fit.
CREATE SCHEMA smith;
DO $$
DECLARE
    a record;
BEGIN
    FOR a IN
        SELECT p.proname, pg_get_function_arguments(p.oid) AS args, g.*
        FROM pg_proc p JOIN pg_aggregate g ON g.aggfnoid = p.oid
        JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
        JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'eventml'
        WHERE p.provariadic <> 0
    LOOP
        EXECUTE format('CREATE AGGREGATE smith.%I(%s) (SFUNC = %s, STYPE = %s%s%s%s%s, PARALLEL = SAFE)',
            a.proname || '_arr', replace(a.args, 'VARIADIC ', ''), a.aggtransfn::regproc, a.aggtranstype::regtype,
            CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc ELSE '' END,
            CASE WHEN a.aggcombinefn <> 0 THEN ', COMBINEFUNC = ' || a.aggcombinefn::regproc ELSE '' END,
            CASE WHEN a.aggserialfn <> 0 THEN ', SERIALFUNC = ' || a.aggserialfn::regproc ELSE '' END,
            CASE WHEN a.aggdeserialfn <> 0 THEN ', DESERIALFUNC = ' || a.aggdeserialfn::regproc ELSE '' END);
    END LOOP;
END $$;
CREATE AGGREGATE smith.ols_state(y float8, x float8[]) (SFUNC = ols_fit_trans, STYPE = bytea,
    COMBINEFUNC = ols_fit_combine, PARALLEL = SAFE);
CREATE AGGREGATE smith.ols_state(y float8, x float8[], weight float8) (SFUNC = ols_fit_trans, STYPE = bytea,
    COMBINEFUNC = ols_fit_combine, PARALLEL = SAFE);
CREATE FUNCTION smith.summary_text(m ols_model, level float8, names text[]) RETURNS text
LANGUAGE sql AS $$ SELECT string_agg(s::text, ';') FROM summary(m, level, names) s $$;
CREATE FUNCTION smith.summary_text(m logit_model, level float8, names text[]) RETURNS text
LANGUAGE sql AS $$ SELECT string_agg(s::text, ';') FROM summary(m, level, names) s $$;
CREATE FUNCTION smith.path_edges_text(path text[]) RETURNS text
LANGUAGE sql AS $$ SELECT string_agg(e::text, ';') FROM path_edges(path) e $$;
CREATE FUNCTION smith.demo_events_count(users int, seed int) RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM eventml_demo_events(users, seed) $$;
-- session_id over the array's elements in array order (not sorted: the
-- window function sees whatever order it is given).
CREATE FUNCTION smith.session_ids(ts timestamptz[], gap interval) RETURNS bigint[]
LANGUAGE sql AS $$ SELECT array_agg(s ORDER BY o) FROM (SELECT o, session_id(t, gap) OVER (ORDER BY o) AS s
                                                        FROM unnest(ts) WITH ORDINALITY u(t, o)) w $$;
CREATE FUNCTION smith.session_ids(ts timestamptz[], gap interval, max_length interval) RETURNS bigint[]
LANGUAGE sql AS $$ SELECT array_agg(s ORDER BY o) FROM (SELECT o, session_id(t, gap, max_length) OVER (ORDER BY o) AS s
                                                        FROM unnest(ts) WITH ORDINALITY u(t, o)) w $$;
CREATE FUNCTION smith.session_ids(ts timestamp[], gap interval) RETURNS bigint[]
LANGUAGE sql AS $$ SELECT array_agg(s ORDER BY o) FROM (SELECT o, session_id(t, gap) OVER (ORDER BY o) AS s
                                                        FROM unnest(ts) WITH ORDINALITY u(t, o)) w $$;
CREATE FUNCTION smith.session_ids(ts timestamp[], gap interval, max_length interval) RETURNS bigint[]
LANGUAGE sql AS $$ SELECT array_agg(s ORDER BY o) FROM (SELECT o, session_id(t, gap, max_length) OVER (ORDER BY o) AS s
                                                        FROM unnest(ts) WITH ORDINALITY u(t, o)) w $$;

-- The sample data. Small tables (SQLsmith joins them at random); about 100
-- rows where it matters, as SQLsmith's scalar subqueries read the first
-- column of a type at OFFSET 1..100. Its INSERT, UPDATE, DELETE and MERGE
-- statements change nothing: it rolls back every statement's transaction.
CREATE TABLE events AS SELECT * FROM eventml_demo_events(300, 1);
-- A slice of it with per-row step flags and local times, for funnels and paths.
CREATE TABLE flagged_events AS
SELECT user_id, ts, event,
       ARRAY[event = 'signup', event = 'search', event = 'view', event = 'add_to_cart', event = 'purchase'] AS steps,
       ts AT TIME ZONE 'UTC' AS ts_local
FROM events WHERE user_id <= 12;

-- Regression rows: x of length 3 with an intercept, y, a label, weights.
CREATE TABLE points AS
SELECT i AS id, i % 7 AS grp,
       ARRAY[1, (i % 13) / 13.0, sin(i)]::float8[] AS x,
       (2 + 0.5 * (i % 13) / 13.0 - sin(i) + cos(7 * i))::float8 AS y,
       sin(3.7 * i) + 0.5 * (i % 13) / 13.0 > 0 AS label,
       (i % 4)::float8 AS w
FROM generate_series(1, 200) i;

-- Edge values of every scalar and array type eventml takes.
CREATE TABLE odd_values (x float8[], v float8, steps boolean[], n int, big bigint, flag boolean);
INSERT INTO odd_values
SELECT xt::float8[], v, st::boolean[], n, big, flag FROM
    unnest(ARRAY['{1,2,3}', '{}', '{NULL,1,2}', '{1}', '{1,2}', '{1,2,3,4,5,6,7,8,9,10}',
                 '{{1,2,3},{4,5,6}}', '[0:2]={1,2,3}', '{NaN,1,2}', '{Infinity,-Infinity,1}',
                 '{1e308,-1e308,1e308}', '{5e-324,0,-0}', NULL, '{1,1,1}', '{0,0,0}',
                 '{{{1}}}', '[-5:-3]={7,8,9}']::text[])
        WITH ORDINALITY a(xt, i)
    JOIN unnest(ARRAY[0, 1, -1, 'NaN', 'Infinity', '-Infinity', 1e308, -1e308, 5e-324, 0.5, 0.95, 1e-300, 2,
                      NULL, 0.999999999999, 100, -0.0]::float8[])
        WITH ORDINALITY b(v, j) ON i = j
    JOIN unnest(ARRAY['{t}', '{}', '{t,NULL}', '{t,f,t}', NULL, '{f,f,f}', '{t,t,t,t,t,t,t,t,t,t}',
                      '{{t,f},{f,t}}', '[3:4]={t,t}', '{NULL,NULL}', '{t,f}', '{f,t}', '{t,t}',
                      '{t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f}',
                      '{t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t,f,t}',
                      '{t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t,t}',
                      '{f}']::text[])
        WITH ORDINALITY c(st, k) ON i = k
    JOIN unnest(ARRAY[0, 1, -1, 2, 3, 32, 33, 64, 65, 2147483647, -2147483648, NULL, 25, 100, 1000, 5, 10])
        WITH ORDINALITY d(n, l) ON i = l
    JOIN unnest(ARRAY[0, 1, -1, 3, 7, 4294967295, 4294967296, 9223372036854775807, -9223372036854775808,
                      NULL, 2, 1024, 123456789, 65535, 5, -2, 8589934591]::bigint[])
        WITH ORDINALITY e(big, m) ON i = m
    JOIN unnest(ARRAY[true, false, NULL, true, false, true, false, true, false, true, false, true, false,
                      true, false, true, false]) WITH ORDINALITY f(flag, o) ON i = o;
INSERT INTO odd_values SELECT * FROM odd_values;
INSERT INTO odd_values SELECT * FROM odd_values;
INSERT INTO odd_values SELECT * FROM odd_values;

-- Times: ordinary ones, the ends of the ranges, infinities; intervals of
-- every sign and unit; short arrays of times in and out of order.
CREATE TABLE stamps AS
SELECT i AS id,
       CASE i WHEN 1 THEN 'infinity' WHEN 2 THEN '-infinity' WHEN 3 THEN '4713-11-24 00:00:00 BC'
              WHEN 4 THEN '294276-12-31 23:59:59.999999' WHEN 5 THEN NULL
              ELSE timestamp '2026-01-01' + i * interval '17 minutes 3 seconds' END::timestamp AS ts,
       CASE i WHEN 1 THEN 'infinity' WHEN 2 THEN '-infinity' WHEN 3 THEN '4713-11-24 00:00:00+00 BC'
              WHEN 4 THEN '294276-12-31 23:59:59.999999+00' WHEN 5 THEN NULL
              ELSE timestamptz '2026-01-01 00:00:00+00' + (i % 9) * interval '13 minutes' END::timestamptz AS tstz,
       (ARRAY['30 minutes', '0', '-1 second', '1 mon', '1 year', '1 microsecond', '178000000 years',
              '-178000000 years', '1 day', '10 minutes', '2 hours', NULL, '1 mon -30 days', '00:00:01',
              '7 days', '-7 days'])[1 + i % 16]::interval AS gap,
       CASE WHEN i % 5 = 0 THEN NULL::timestamptz[]
            ELSE ARRAY(SELECT timestamptz '2026-01-01 00:00:00+00' + ((j * 37 + i) % 11) * interval '7 minutes'
                       FROM generate_series(1, i % 12) j) END AS tstz_arr,
       ARRAY(SELECT timestamp '2026-01-01' + ((j * 7) % 5) * interval '11 minutes'
             FROM generate_series(1, i % 9) j) AS ts_arr
FROM generate_series(1, 110) i;
UPDATE stamps SET tstz_arr = '{infinity,2026-01-01 00:00:00+00}' WHERE id = 7;
UPDATE stamps SET tstz_arr = '{2026-01-01 00:00:00+00,NULL,2026-01-01 01:00:00+00}' WHERE id = 8;
UPDATE stamps SET ts_arr = '{{2026-01-01,2026-01-02},{2026-01-03,2026-01-04}}' WHERE id = 9;

-- Text arguments: path patterns (valid and invalid), funnel modes, path_next
-- directions and bases, event names, logit_train queries, Python names.
CREATE TABLE texts (t text);
INSERT INTO texts VALUES
    ('(?1).*(?2)'), ('(?1)(?2)'), ('(?1).*(?t<=600)(?2)'), ('(?1)(?t>3600)(?2)'), ('(?1)(?t==0)(?1)'),
    ('(?2)(?t>=7)(?2)'), ('(?1)(?1)(?1)(?1)(?2)'), ('.*'), ('.'), (''), ('(?'), ('(?0)'), ('(?99)'),
    ('(?t<=)'), ('((?1)'), ('(?1)*'), ('(?1)(?t!=3)'), ('(?t>-5)(?1)'), ('(?1)(?t<99999999999999999999)(?2)'),
    ('(?32)'), ('(?33)'), ('(?1).*(?2).*(?3).*(?4).*(?5).*(?6).*(?7).*(?8)'), (repeat('(?1)', 200)),
    (repeat('.*', 500) || '(?1)'), ('(?1)' || repeat('(?t<1)', 50)),
    ('strict_order'), ('strict_deduplication'), ('strict_increase'), ('strict_once'), ('allow_reentry'),
    ('strict_order, allow_reentry'), ('strict_deduplication, strict_order'), ('strict'), (' '), (','),
    ('forward'), ('backward'), ('head'), ('tail'), ('first_match'), ('last_match'), ('sideways'),
    ('view'), ('search'), ('add_to_cart'), ('purchase'), ('signup'), ('é'), (repeat('x', 3000)), (NULL),
    ('SELECT label AS y, x FROM public.points'), ('SELECT label AS y, x, w AS weight FROM public.points'),
    ('SELECT flag AS y, x FROM public.odd_values'), ('SELECT true AS y, x FROM public.points'),
    ('predict'), ('1bad name'), ('"quoted"');
INSERT INTO texts SELECT * FROM texts;

-- Fitted models: one per small group (few rows, collinear and separable
-- ones among them), weighted, one-column, and hand-made broken composites.
CREATE TABLE models (id int, ols ols_model, logit logit_model, names text[]);
INSERT INTO models
SELECT id % 40, ols_fit(y, x), logit_fit(label, x, 1, 5, 1e-6), '{one,a,b}'
FROM points GROUP BY id % 40;
INSERT INTO models
SELECT 40, ols_fit(y, x, w), logit_fit(label, x, w), '{NULL,"a b",c}'::text[] FROM points
UNION ALL SELECT 41, ols_fit(y, x[1:1]), logit_fit(label, x[1:1]), '{only}' FROM points
UNION ALL SELECT 42, ols_fit(y, ARRAY[x[1], x[2], 2 * x[2], x[3]]), logit_fit(label, ARRAY[x[1], x[2], 2 * x[2]]),
                 '{one,a,twice_a,b}' FROM points
UNION ALL SELECT 43, ols_fit(y, x), logit_fit(x[2] > 0.5, x), '{"x\"y",a,"b c"}' FROM points
UNION ALL SELECT 44, NULL, NULL, NULL
UNION ALL SELECT 45, ROW('{1,2,3}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                         NULL, NULL)::ols_model,
                     ROW('{1,2,3}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                         NULL, NULL)::logit_model, '{}'
UNION ALL SELECT 46, ROW('{1,NULL,3}', '{1}', '{}', '{{1,2},{3,4}}', 'NaN', NULL, -1, NULL, NULL, -5, -3, NULL,
                         NULL, NULL, NULL, '{1,2,3}')::ols_model,
                     ROW('{{1,2},{3,4}}', '{1,2}', NULL, '{}', '{}', 'NaN', NULL, NULL, NULL, NULL, NULL, -1, -1,
                         false, NULL, '{{1}}')::logit_model, '{a}'
UNION ALL SELECT 47, ROW('{}', '{}', '{}', '{}', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '{}')::ols_model,
                     ROW('{}', '{}', '{}', '{}', '{}', 0, 0, 0, 0, 0, 0, 0, 0, true, 0, '{}')::logit_model,
                     '{a,b,c,d,e,f,g,h,i,j,k}'
UNION ALL SELECT 48, ROW('{1e308,-1e308,NaN}', '{0,-1,Infinity}', '{NaN,NaN,NaN}', '{2,-1,NaN}', 1, 1, 0, 'NaN',
                         'NaN', 9223372036854775807, -9223372036854775808, 'NaN', 'NaN', 'NaN', 'NaN',
                         '{{1,2,3},{4,5,6},{7,8,9}}')::ols_model,
                     ROW('{1e308,-1e308,NaN}', '{0,-1,Infinity}', '{NaN,NaN,NaN}', '{2,-1,NaN}', '{0,0,0}', 0, 0, 0,
                         0, 0, 0, 9223372036854775807, 2147483647, true, 'NaN', '{{1,2,3},{4,5,6},{7,8,9}}')::logit_model,
                     '{"",NULL,x}';
INSERT INTO models SELECT id + 100, ols, logit, names FROM models;

-- Raw aggregate states (bytea), valid and corrupted: the bytea-state
-- functions (ols_fit_final, logit_irls_*) must refuse the broken ones.
CREATE TABLE states (s bytea);
INSERT INTO states SELECT smith.ols_state(y, x) FROM points GROUP BY id % 5;
INSERT INTO states SELECT smith.ols_state(y, x, w) FROM points;
INSERT INTO states SELECT smith.ols_state(y, x[1:1]) FROM points;
INSERT INTO states SELECT logit_irls_start(25, 1e-8);
INSERT INTO states SELECT logit_irls_start(1, 0.5);
INSERT INTO states SELECT logit_irls_step(label, x, w, logit_irls_start(25, 1e-8)) FROM points;
INSERT INTO states SELECT logit_irls_step(label, x, 1, logit_irls_start(25, 1e-8)) FROM points GROUP BY id % 3;
INSERT INTO states SELECT logit_irls_update(logit_irls_start(25, 1e-8), logit_irls_step(label, x, 1, logit_irls_start(25, 1e-8)))
FROM points;
-- corruptions of the valid states: truncated, extended, bytes flipped
INSERT INTO states
SELECT CASE k WHEN 0 THEN substr(s, 1, length(s) / 2) WHEN 1 THEN substr(s, 1, 4) WHEN 2 THEN s || '\xdeadbeef'::bytea
              WHEN 3 THEN set_byte(s, 0, 255) WHEN 4 THEN set_byte(s, 4, 127) WHEN 5 THEN set_byte(s, 8, 200)
              WHEN 6 THEN set_byte(s, length(s) - 1, 255) WHEN 7 THEN overlay(s placing '\xffffffffffffffff' from 9)
              WHEN 8 THEN overlay(s placing '\xffffffff' from 5) WHEN 9 THEN set_byte(s, 12, 1)
              WHEN 10 THEN set_byte(s, 16, 128) WHEN 11 THEN substr(s, 1, length(s) - 8)
              ELSE overlay(s placing '\x00000000' from 1) END
FROM (SELECT s FROM states LIMIT 12) v, generate_series(0, 12) k;
INSERT INTO states VALUES (''), ('\x00'), ('\xffffffff'), (decode(repeat('ff', 64), 'hex')),
    (decode(repeat('00', 256), 'hex')), (NULL), ('view');

-- Values of eventml's own types from functions without parameters: SQLsmith
-- fills most parameters with such a call (or a NULL), so these let eventml's
-- functions see real models, arrays and states more often.
CREATE FUNCTION smith.sample_ols() RETURNS ols_model LANGUAGE sql STABLE
AS $$ SELECT ols FROM public.models WHERE id = 40 $$;
CREATE FUNCTION smith.sample_logit() RETURNS logit_model LANGUAGE sql STABLE
AS $$ SELECT logit FROM public.models WHERE id = 40 $$;
CREATE FUNCTION smith.sample_x() RETURNS float8[] LANGUAGE sql IMMUTABLE AS $$ SELECT '{1,0.5,-0.25}'::float8[] $$;
CREATE FUNCTION smith.sample_names() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$ SELECT '{one,a,b}'::text[] $$;
CREATE FUNCTION smith.sample_steps() RETURNS boolean[] LANGUAGE sql IMMUTABLE AS $$ SELECT '{t,f,t}'::boolean[] $$;
CREATE FUNCTION smith.sample_state() RETURNS bytea LANGUAGE sql STABLE
AS $$ SELECT s FROM public.states LIMIT 1 $$;
CREATE FUNCTION smith.sample_gap() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '30 minutes' $$;
CREATE FUNCTION smith.sample_pattern() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '(?1).*(?t<=600)(?2)' $$;

ANALYZE;
SETUP
# SQLsmith sets its own statement_timeout of 1 s per session; 2 s is the
# backstop. Errors stay out of the log (thousands of them); crash reports come
# from the postmaster and are logged all the same. track_functions counts the
# calls of eventml's functions for the summary.
sql -d postgres -c "ALTER DATABASE $db SET statement_timeout = '2s'" \
    -c "ALTER DATABASE $db SET log_min_messages = 'fatal'" \
    -c "ALTER DATABASE $db SET track_functions = 'all'"
# The names SQLsmith can call, for counting the queries that call eventml.
names=$(sql -d "$db" -At -c "
    SELECT string_agg(DISTINCT p.proname, '|') FROM pg_proc p
    WHERE p.pronamespace = 'smith'::regnamespace AND p.proname NOT LIKE 'sample%'
       OR p.oid IN (SELECT objid FROM pg_depend WHERE classid = 'pg_proc'::regclass AND deptype = 'e'
                    AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'eventml'))")

crashed() { grep -qE "$crash_re" "$log"; }

report_crash() {  # PHASE SEED
    reported=1
    cp "$log" "$out/server.log"
    cp "$work/$1.sql" "$out/$1-queries.sql"
    # The last query SQLsmith printed is the one that was running.
    awk 'BEGIN { RS = ";\n" } { last = $0 } END { print last ";" }' "$work/$1.sql" >"$out/crash-query.sql"
    echo "FAIL: the server crashed during the $1 phase (seed $2). Server log:" >&2
    { grep -E -B1 -A6 "$crash_re" "$log" || true; } | head -60 >&2 || true
    echo "The query that was running (also in $out/crash-query.sql; every query of the phase in" >&2
    echo "$out/$1-queries.sql, the server log in $out/server.log):" >&2
    head -c 20000 "$out/crash-query.sql" >&2
}

# Warns about sqlsmith sessions that run on although statement_timeout has
# long passed (a loop that ignores cancel requests), with their queries.
check_stuck() {
    local stuck
    stuck=$(sql -d postgres -At -c "
        SELECT format('pid %s, running for %s: %s', pid, date_trunc('second', now() - query_start), left(query, 4000))
        FROM pg_stat_activity WHERE application_name LIKE 'sqlsmith%' AND state = 'active'
          AND now() - query_start > interval '10 seconds'") || true
    if [ -n "$stuck" ]; then
        echo "WARNING: a query ignores statement_timeout (still running):" >&2
        echo "$stuck" >&2
    fi
}

run_phase() {  # PHASE SEED QUERIES DEADLINE [SERVER OPTIONS]
    local phase=$1 phase_seed=$2 count=$3 deadline=$4 options=${5:-} rc=0 outcome=finished started=$SECONDS
    local target="host=$dir port=5432 user=postgres dbname=$db"
    [ -z "$options" ] || target+=" options='$options'"
    echo "== sqlsmith: $phase plans, $count queries, seed $phase_seed"
    sqlsmith --target="$target" --seed="$phase_seed" --max-queries="$count" --exclude-catalog --verbose \
        --dump-all-queries >"$work/$phase.sql" 2>"$work/$phase.log" &
    smith_pid=$!
    while kill -0 "$smith_pid" 2>/dev/null; do
        if crashed; then outcome=crashed; break; fi
        if [ "$SECONDS" -ge "$deadline" ]; then outcome="stopped at the time limit"; break; fi
        sleep 0.2
    done
    [ "$outcome" = finished ] || kill "$smith_pid" 2>/dev/null || true
    wait "$smith_pid" || rc=$?
    smith_pid=
    cp "$work/$phase.log" "$out/$phase.log"
    [ "$outcome" = "stopped at the time limit" ] && check_stuck
    if crashed; then report_crash "$phase" "$phase_seed"; exit 1; fi
    if [ "$outcome" = finished ] && [ "$rc" -ne 0 ]; then
        echo "FAIL: sqlsmith exited with status $rc:" >&2
        tail -20 "$work/$phase.log" >&2
        exit 1
    fi
    # Progress: one character per query, "." when it ran, a letter for an error.
    local marks ok errors lost calling calling_ok
    marks=$(grep -E '^[.a-zA-Z]+$' "$work/$phase.log" | tr -d '\n' || true)
    ok=$(tr -cd '.' <<<"$marks" | wc -c)
    errors=$(( ${#marks} - ok ))
    lost=$(tr -cd 'cC' <<<"$marks" | wc -c)
    # The dump holds the queries in the order of the marks: count those that
    # call eventml, and those of them that ran without an error.
    read -r calling calling_ok < <(awk -v re="(public|smith)[.](${names})[(]" -v marks="$marks" '
        BEGIN { RS = ";\n" }
        { q++ }
        $0 ~ re { n++; if (substr(marks, q, 1) == ".") ok++ }
        END { print n + 0, ok + 0 }' "$work/$phase.sql")
    echo "   ${#marks} queries in $((SECONDS - started)) s ($outcome): $ok ran, $errors errors" \
         "($lost lost connections); $calling call eventml, $calling_ok of them without an error"
}

begin=$SECONDS
serial=$((queries * 4 / 5))
run_phase serial "$seed" "$serial" $((begin + seconds / 2))
run_phase parallel $((seed + 1)) $((queries - serial)) $((begin + seconds)) \
    "-c parallel_setup_cost=0 -c parallel_tuple_cost=0 -c min_parallel_table_scan_size=0 -c min_parallel_index_scan_size=0"

# The sessions' function statistics reach the server when they end.
for _ in $(seq 50); do
    [ "$(sql -d postgres -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'sqlsmith%'")" = 0 ] &&
        break
    sleep 0.1
done
# eventml's C and SQL functions that SQLsmith's queries entered, directly or
# through smith's wrappers (aggregates' support functions are not counted); a
# call that raised an error counts as entered, not as returned.
sql -d "$db" -At -F ' ' -c "
    SELECT count(*), coalesce(sum(calls), 0), coalesce(string_agg(funcname, ', ' ORDER BY funcname), '-')
    FROM (SELECT funcname, sum(calls) AS calls FROM pg_stat_user_functions
          WHERE funcid IN (SELECT objid FROM pg_depend WHERE classid = 'pg_proc'::regclass AND deptype = 'e'
                           AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'eventml'))
             OR schemaname = 'smith' AND funcname NOT LIKE 'sample%'
          GROUP BY funcname) f" |
    { read -r functions calls list
      echo "   functions entered: $functions ($calls calls returned): $list"; }
if crashed; then report_crash parallel $((seed + 1)); exit 1; fi
if ! sql -d "$db" -At -c "SELECT 1" >/dev/null; then
    echo "FAIL: the server does not answer after the run" >&2
    exit 1
fi
echo "sqlsmith: no server crash in $((SECONDS - begin)) s"
