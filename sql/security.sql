-- Security: nothing runs with elevated rights, every function works for an
-- ordinary role, and the SQL-language functions cannot be redirected through
-- the caller's search_path.
\set VERBOSITY default
CREATE SCHEMA security_test;
SET search_path = security_test, public;

-- No SECURITY DEFINER function, and every SQL or PL/pgSQL function either
-- pins its search_path or is written with schema-qualified names only (the
-- inlinable ones, listed here and attacked below).
SELECT count(*) FILTER (WHERE p.prosecdef) AS security_definer, count(*) AS functions
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'eventml');
SELECT p.proname, l.lanname, p.proconfig IS NOT NULL AS pins_search_path
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'eventml') AND l.lanname <> 'c' AND p.prokind = 'f'
ORDER BY p.proname, pins_search_path;

-- An attacker's schema, first on the search_path, with look-alike functions
-- and operators that would change the answers if our SQL used them.
CREATE SCHEMA evil;
CREATE FUNCTION evil.array_position(anycompatiblearray, anycompatible) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION evil.cardinality(anyarray) RETURNS int LANGUAGE sql AS 'SELECT 0';
CREATE FUNCTION evil.generate_series(int, int) RETURNS SETOF int LANGUAGE sql AS 'SELECT 7';
CREATE FUNCTION evil.hashint8extended(bigint, bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
CREATE FUNCTION evil.to_jsonb(anyelement) RETURNS jsonb LANGUAGE sql AS $$SELECT '"evil"'::jsonb$$;
CREATE FUNCTION evil.int_plus(int, int) RETURNS int LANGUAGE sql AS 'SELECT 42';
CREATE OPERATOR evil.+ (LEFTARG = int, RIGHTARG = int, FUNCTION = evil.int_plus);
CREATE FUNCTION evil.text_cat(text, text) RETURNS text LANGUAGE sql AS $$SELECT 'evil'$$;
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.text_cat);
CREATE FUNCTION evil.text_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.text_eq);
CREATE FUNCTION evil.int8_le(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR evil.<= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8_le);
CREATE TABLE models AS
SELECT ols_fit(y, ARRAY[1, x]) AS linear, logit_fit(y > 2, ARRAY[1, x]) AS logistic
FROM (VALUES (1.0, 1.0), (2.0, 2.5), (3.0, 2.9), (4.0, 4.2), (1.5, 1.1), (3.5, 2.0)) v(x, y);
-- The reports, first under an ordinary search_path.
CREATE TABLE report_rows (user_id int, ts timestamptz, event text);
INSERT INTO report_rows
SELECT u, timestamptz '2026-01-05' + ((u * 37 + i * 101) % 500) * interval '1 hour', (ARRAY['a', 'b', 'c'])[1 + (u + i) % 3]
FROM generate_series(1, 20) u, generate_series(1, 1 + u % 4) i;
CREATE FUNCTION all_reports() RETURNS text[] LANGUAGE sql AS $$
SELECT ARRAY[(SELECT array_agg(f::text) FROM funnel_report('SELECT * FROM security_test.report_rows', ARRAY['a', 'b'], '3 days') f)::text,
             (SELECT array_agg(r::text) FROM retention_matrix('SELECT * FROM security_test.report_rows', 'week', 3) r)::text,
             (SELECT array_agg(l::text) FROM lifecycle('SELECT * FROM security_test.report_rows', 'week') l)::text,
             (SELECT array_agg(s::text) FROM stickiness('SELECT * FROM security_test.report_rows', 'day') s)::text,
             (SELECT array_agg(s::text) FROM sessions('SELECT * FROM security_test.report_rows', '1 day') s)::text,
             (SELECT array_agg(f::text) FROM funnel_report('SELECT * FROM security_test.report_rows', ARRAY['a', 'b'], '3 days',
                                                           'unordered', ARRAY['c']) f)::text,
             (SELECT array_agg(t::text) FROM funnel_trends('SELECT * FROM security_test.report_rows', ARRAY['a', 'b'], '3 days',
                                                           'week') t)::text,
             (SELECT array_agg(d::text) FROM funnel_drivers('SELECT * FROM security_test.report_rows', ARRAY['a', 'b'], '3 days',
                                                            NULL, 1) d)::text]
$$;
CREATE TABLE reports_before AS SELECT all_reports() AS r;
SET search_path = evil, security_test, public, pg_catalog;
-- (The look-alikes do answer unqualified operators here.)
SELECT 'a'::text = 'b'::text AS evil_text_equals, 2::bigint <= 3::bigint AS evil_bigint_le;
SELECT all_reports() OPERATOR(pg_catalog.=) (SELECT r FROM reports_before) AS reports_unchanged;
SELECT path_from(ARRAY['a', 'b', 'c', 'd'], 'c', 2) AS from_c, path_to(ARRAY['a', 'b', 'c', 'd'], 'c', 2) AS to_c;
SELECT * FROM path_edges(ARRAY['a', 'b', 'c']);
SELECT model_sql(logistic, ARRAY[NULL, 'x']) LIKE '1 / (1 + exp(-(%' AS sql_export,
       model_python(linear, ARRAY[NULL, 'x']) LIKE 'def predict(x):%' AS python_export,
       (linear::jsonb) ? 'coef' AS jsonb_cast
FROM models;
SELECT count(*) AS demo_events, count(DISTINCT ts) AS distinct_times FROM eventml_demo_events(3, 1);
RESET search_path;
SET search_path = security_test, public;
DROP SCHEMA evil CASCADE;

-- An ordinary role uses every family.
CREATE ROLE eventml_regress_analyst;
GRANT USAGE ON SCHEMA security_test TO eventml_regress_analyst;
GRANT SELECT ON models, reports_before, report_rows TO eventml_regress_analyst;
SET ROLE eventml_regress_analyst;
SELECT (ols_fit(y, ARRAY[1, x])).n AS ols_n,
       (logit_fit(y > 2, ARRAY[1, x])).converged AS logit_converged,
       (sessionize(ts, '30 minutes')).sessions AS sessions,
       funnel(ts, '1 hour', x < 2, x >= 2) AS funnel,
       retention(x < 2, x >= 2) AS retention,
       path_agg(ts, x::text) AS path,
       path_count('(?1).*(?2)', ts, x < 2, x >= 2) AS path_count
FROM (VALUES (1.0, 1.0), (2.0, 2.5), (3.0, 2.9), (4.0, 4.2), (1.5, 1.1), (3.5, 2.0)) v(x, y),
     LATERAL (SELECT timestamptz '2026-01-01' + x * interval '10 minutes' AS ts) t;
SELECT round(ols_predict(linear, ARRAY[1, 2])::numeric, 6) AS ols_predict,
       round(logit_predict(logistic, ARRAY[1, 2])::numeric, 6) AS logit_predict,
       (SELECT count(*) FROM summary(linear)) AS summary_rows
FROM models;
SELECT (logit_train('SELECT y > 2 AS y, ARRAY[1, x] AS x FROM (VALUES (1.0, 1.0), (2.0, 2.5), (3.0, 2.9),
                     (4.0, 4.2), (1.5, 1.1), (3.5, 2.0)) v(x, y)')).converged AS logit_train;
SELECT all_reports() = (SELECT r FROM reports_before) AS reports_as_analyst;
RESET ROLE;
REVOKE ALL ON models, reports_before, report_rows FROM eventml_regress_analyst;
REVOKE ALL ON SCHEMA security_test FROM eventml_regress_analyst;
DROP ROLE eventml_regress_analyst;
RESET search_path;
