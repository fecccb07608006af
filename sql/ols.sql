-- ols_fit, ols_predict, summary(ols_model), jsonb: semantics, NULL rules,
-- errors, parallel plans, and agreement with NIST StRD and R's lm.
\set VERBOSITY default
-- Each test works in its own schema; the extension stays in public.
CREATE SCHEMA ols_test;
SET search_path = ols_test, public;
SET extra_float_digits = 0;

-- A small hand-checkable fit: y = 1 + 2x exactly, except one point.
CREATE TABLE points (g text, t int, x float8, y float8, w float8);
INSERT INTO points VALUES
  ('a', 1, 0, 1.0, 1), ('a', 2, 1, 3.0, 1), ('a', 3, 2, 5.5, 2), ('a', 4, 3, 7.0, 1),
  ('b', 5, 0, 2.0, 1), ('b', 6, 1, 2.5, 1), ('b', 7, 2, 3.5, 1), ('b', 8, 4, 4.0, 1);

SELECT round(((m).coef)[1]::numeric, 6) AS b0, round(((m).coef)[2]::numeric, 6) AS b1,
       round((m).r2::numeric, 6) AS r2, (m).n, (m).df_resid
FROM (SELECT ols_fit(y, ARRAY[1, x]) AS m FROM points WHERE g = 'a') s;

-- summary(): one row per coefficient, with names and another level.
SELECT term, round(coef::numeric, 4) AS coef, round(std_err::numeric, 4) AS std_err,
       round(statistic::numeric, 3) AS t, round(p_value::numeric, 4) AS p,
       round(ci_low::numeric, 4) AS ci_low, round(ci_high::numeric, 4) AS ci_high
FROM (SELECT ols_fit(y, ARRAY[1, x]) AS m FROM points) s, summary(m);
SELECT term, round(ci_low::numeric, 4) AS ci_low, round(ci_high::numeric, 4) AS ci_high
FROM (SELECT ols_fit(y, ARRAY[1, x]) AS m FROM points) s,
     summary(m, 0.99, ARRAY['(Intercept)', 'x']);

-- GROUP BY: one model per group; ols_predict scores rows.
CREATE TABLE models AS SELECT g, ols_fit(y, ARRAY[1, x]) AS m FROM points GROUP BY g;
SELECT g, round(((m).coef)[2]::numeric, 6) AS slope,
       round(ols_predict(m, ARRAY[1, 10])::numeric, 6) AS at_10
FROM models ORDER BY g;
SELECT p.t, round(ols_predict(m.m, ARRAY[1, p.x])::numeric, 4) AS fitted
FROM points p JOIN models m USING (g) ORDER BY p.t LIMIT 3;

-- Weights: integer weights equal repeated rows (coefficients and R²).
SELECT round(((a).coef)[2]::numeric, 10) = round(((b).coef)[2]::numeric, 10) AS same_slope,
       round((a).r2::numeric, 10) = round((b).r2::numeric, 10) AS same_r2
FROM (SELECT ols_fit(y, ARRAY[1, x], w) AS a FROM points WHERE g = 'a') s1,
     (SELECT ols_fit(y, ARRAY[1, x]) AS b
      FROM points, generate_series(1, w::int) WHERE g = 'a') s2;

-- Window aggregate over a frame: a rolling regression on the last 3 rows.
SELECT t, round(((ols_fit(y, ARRAY[1, x]) OVER w).coef)[2]::numeric, 4) AS slope,
       (ols_fit(y, ARRAY[1, x]) OVER w).n
FROM points WHERE g = 'b' WINDOW w AS (ORDER BY t ROWS 2 PRECEDING) ORDER BY t;

-- The model as jsonb, and back.
SELECT string_agg(key, ', ' ORDER BY key COLLATE "C") AS fields, (j->'n')::int AS n
FROM (SELECT ols_fit(y, ARRAY[1, x])::jsonb AS j FROM points WHERE g = 'a') s, jsonb_each(j)
GROUP BY j;
SELECT (jsonb_populate_record(NULL::ols_model, m::jsonb)).coef = (m).coef AS round_trip
FROM (SELECT ols_fit(y, ARRAY[1, x]) AS m FROM points) s;

-- R² is centered only when x holds a nonzero constant column.
SELECT round((ols_fit(y, ARRAY[1, x])).r2::numeric, 6) AS centered,
       round((ols_fit(y, ARRAY[x])).r2::numeric, 6) AS uncentered,
       round((ols_fit(y, ARRAY[2, x])).r2::numeric, 6) AS centered_by_2
FROM points;

-- NULL rules: rows with a NULL in y, x, an element of x, or weight are
-- skipped (n counts the rows used); no rows at all gives NULL.
SELECT (ols_fit(y, x)).n AS n
FROM (VALUES (1.0, ARRAY[1, 1.0]), (NULL, ARRAY[1, 2.0]), (3.0, NULL), (4.0, ARRAY[1, NULL]),
             (2.0, ARRAY[1, 2.0]), (4.5, ARRAY[1, 3.0])) v(y, x);
SELECT (ols_fit(y, ARRAY[1, x], w)).n AS n FROM (VALUES (1.0, 1.0, 1.0), (2.0, 2.0, NULL), (2.0, 3.0, 1.0), (5.0, 4.0, 0.5)) v(y, x, w);
SELECT ols_fit(y, ARRAY[1, x]) IS NULL AS no_rows FROM points WHERE false;
SELECT ols_fit(y, ARRAY[1, x], 0) IS NULL AS only_zero_weights FROM points;

-- Rank deficiency: aliased coefficients are NULL, with a NOTICE (as R's NA).
SELECT (m).coef[1:2] IS NOT NULL AS kept_defined, ((m).coef)[3] IS NULL AS aliased,
       ((m).std_err)[3] IS NULL AS aliased_se, (m).df_resid,
       round(ols_predict(m, ARRAY[1, 2, 4])::numeric, 6) AS predicted
FROM (SELECT ols_fit(y, ARRAY[1, x, 2 * x]) AS m FROM points) s;

-- A perfect fit with no residual degrees of freedom: statistics are NaN.
SELECT (m).sigma, ((m).std_err)[1] AS se, (m).r2
FROM (SELECT ols_fit(y, ARRAY[1, x]) AS m FROM (VALUES (1.0, 0.0), (3.0, 1.0)) v(y, x)) s;

-- int and numeric arrays are accepted through the implicit cast to float8[].
SELECT (ols_fit(y, ARRAY[1, t])).n FROM points;

-- Errors: each has a SQLSTATE and names the offending value (error_of: sql/setup.sql).
SELECT error_of($$SELECT ols_fit(y, ARRAY[1, x]) FROM (VALUES (1.0, 'NaN'::float8)) v(y, x)$$);
SELECT error_of($$SELECT ols_fit(y, ARRAY[1, x]) FROM (VALUES ('Infinity'::float8, 1.0)) v(y, x)$$);
SELECT error_of($$SELECT ols_fit(y, ARRAY[1, x], -1) FROM points$$);
SELECT error_of($$SELECT ols_fit(y, x) FROM (VALUES (1.0, ARRAY[1.0, 2.0]), (2.0, ARRAY[1.0, 2.0, 3.0])) v(y, x)$$);
SELECT error_of($$SELECT ols_fit(1, ARRAY[[1, 2], [3, 4]]::float8[])$$);
SELECT error_of($$SELECT ols_fit(1, '{}'::float8[])$$);
SELECT error_of($$SELECT ols_fit(1, array_fill(1.0::float8, ARRAY[10000]))$$);
SELECT error_of($$SELECT ols_predict((SELECT ols_fit(y, ARRAY[1, x]) FROM points), ARRAY[1.0])$$);
SELECT error_of($$SELECT * FROM summary((SELECT ols_fit(y, ARRAY[1, x]) FROM points), 1.5)$$);
SELECT error_of($$SELECT * FROM summary((SELECT ols_fit(y, ARRAY[1, x]) FROM points), 0.95, ARRAY['a'])$$);
-- States entering from SQL are validated before use.
SELECT error_of($$SELECT ols_fit_final('\x0000'::bytea)$$);
SELECT error_of($$SELECT ols_fit_final(decode(repeat('00', 200), 'hex'))$$);
SELECT error_of($$SELECT ols_fit_combine(ols_fit_trans(NULL, 1, ARRAY[1.0, 2.0]), ols_fit_trans(NULL, 1, ARRAY[1.0]))$$);
-- A state built by calling the transition function directly still fits.
SELECT (ols_fit_final(ols_fit_trans(ols_fit_trans(ols_fit_trans(NULL, 1, ARRAY[1.0, 0]), 3, ARRAY[1.0, 1]), 4, ARRAY[1.0, 2]))).n;

-- Parallel plans: partial aggregation in workers, combined in the leader,
-- gives the serial result.
CREATE TABLE big AS
SELECT i, (i % 7)::float8 AS x1, sin(i)::float8 AS x2, 1 + 2 * (i % 7) - 3 * sin(i) + cos(i * 7) AS y
FROM generate_series(1, 20000) i;
ANALYZE big;
CREATE TABLE serial_fit AS SELECT ols_fit(y, ARRAY[1, x1, x2]) AS m FROM big;
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT ols_fit(y, ARRAY[1, x1, x2]) FROM big;
SELECT bool_and(abs(p - s) <= 1e-12 * abs(s)) AS parallel_equals_serial, (pm).n
FROM (SELECT ols_fit(y, ARRAY[1, x1, x2]) AS pm FROM big) p, serial_fit,
     unnest((pm).coef, (m).coef) u(p, s) GROUP BY (pm).n;
COMMIT;

---------------------------------------------------------------------------
-- NIST StRD: every certified value to at least 9 significant digits
-- (log relative error; exact zeros: -log10 |estimate|). The certified values
-- are read straight from NIST's files in test/data/nist-strd.
---------------------------------------------------------------------------
CREATE TABLE nist_lines (dataset text, lineno int, line text);
\copy nist_lines FROM PROGRAM 'awk ''{ sub(/\r$/, ""); f = FILENAME; sub(/.*\//, "", f); sub(/\.dat$/, "", f); print f "\t" FNR "\t" $0 }'' test/data/nist-strd/*.dat'
CREATE TABLE nist_certified AS
SELECT dataset, m[1]::int + 1 AS idx, m[2]::float8 AS coef, m[3]::float8 AS std_err
FROM nist_lines, regexp_match(line, '^\s*B(\d+)\s+(\S+)\s+(\S+)\s*$') m;
CREATE TABLE nist_scalars AS
SELECT dataset,
       max((regexp_match(line, 'Standard Deviation\s+([-0-9.E+]+)\s*$'))[1]::float8) AS sigma,
       max((regexp_match(line, '^\s*R-Squared\s+(\S+)'))[1]::float8) AS r2
FROM nist_lines GROUP BY dataset;
CREATE TABLE nist_rows AS
SELECT l.dataset, regexp_split_to_array(trim(l.line), '\s+')::float8[] AS r
FROM nist_lines l
JOIN (SELECT dataset, lineno FROM nist_lines WHERE line ~ '^Data:\s+y') d
  ON d.dataset = l.dataset AND l.lineno > d.lineno
WHERE trim(l.line) <> '';
CREATE TABLE nist_fits AS
SELECT dataset, ols_fit(r[1], CASE dataset
    WHEN 'Pontius' THEN ARRAY[1, r[2], r[2] ^ 2]
    WHEN 'Wampler1' THEN ARRAY[1, r[2], r[2] ^ 2, r[2] ^ 3, r[2] ^ 4, r[2] ^ 5]
    WHEN 'Wampler2' THEN ARRAY[1, r[2], r[2] ^ 2, r[2] ^ 3, r[2] ^ 4, r[2] ^ 5]
    WHEN 'NoInt1' THEN r[2:2]
    WHEN 'NoInt2' THEN r[2:2]
    ELSE 1 || r[2:] END) AS m
FROM nist_rows GROUP BY dataset;
CREATE FUNCTION lre(estimate float8, certified float8) RETURNS float8 LANGUAGE sql AS $$
  SELECT CASE WHEN certified = 0 THEN -log(abs(estimate))
              WHEN estimate = certified THEN 16
              ELSE -log(abs(estimate - certified) / abs(certified)) END $$;
CREATE TABLE nist_lre AS
SELECT f.dataset, 'coef ' || c.idx AS what, lre(((f.m).coef)[c.idx], c.coef) AS lre
FROM nist_fits f JOIN nist_certified c USING (dataset)
UNION ALL
SELECT f.dataset, 'std_err ' || c.idx, lre(((f.m).std_err)[c.idx], c.std_err)
FROM nist_fits f JOIN nist_certified c USING (dataset)
UNION ALL
SELECT dataset, 'sigma', lre((m).sigma, s.sigma) FROM nist_fits JOIN nist_scalars s USING (dataset)
UNION ALL
SELECT dataset, 'r2', lre((m).r2, s.r2) FROM nist_fits JOIN nist_scalars s USING (dataset);
SELECT dataset, count(*) AS certified_values, bool_and(lre >= 9) AS all_at_least_9_digits
FROM nist_lre GROUP BY dataset ORDER BY dataset;
-- Anything below 9 digits, with its value (expected: no rows).
SELECT * FROM nist_lre WHERE NOT lre >= 9;

---------------------------------------------------------------------------
-- R's lm (test/r/ols_reference.R wrote the data and the expected values):
-- every statistic to a relative 1e-9.
---------------------------------------------------------------------------
CREATE TABLE r_data (id int, g text, y float8, x1 float8, x2 float8, x3 float8, w float8);
\copy r_data FROM 'test/data/r/ols_data.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE r_expected (model text, statistic text, idx int, value float8);
\copy r_expected FROM 'test/data/r/ols_expected.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE r_fits AS
SELECT 'plain' AS model, ols_fit(y, ARRAY[1, x1, x2, x3]) AS m FROM r_data
UNION ALL SELECT 'weighted', ols_fit(y, ARRAY[1, x1, x2, x3], w) FROM r_data
UNION ALL SELECT 'no_intercept', ols_fit(y, ARRAY[x1, x2]) FROM r_data
UNION ALL SELECT 'group_' || g, ols_fit(y, ARRAY[1, x1, x2, x3]) FROM r_data GROUP BY g;
CREATE TABLE r_ours AS
SELECT model, s.statistic, s.i::int AS idx, s.value
FROM r_fits, LATERAL (
    SELECT 'coef', i, v FROM unnest((m).coef) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'std_err', i, v FROM unnest((m).std_err) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 't_stat', i, v FROM unnest((m).t_stat) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'p_value', i, v FROM unnest((m).p_value) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'cov', i, v FROM unnest((m).cov) WITH ORDINALITY u(v, i)
    UNION ALL VALUES ('r2', 1, (m).r2), ('adj_r2', 1, (m).adj_r2), ('sigma', 1, (m).sigma),
        ('f_stat', 1, (m).f_stat), ('f_p_value', 1, (m).f_p_value), ('n', 1, (m).n),
        ('df_resid', 1, (m).df_resid), ('log_likelihood', 1, (m).log_likelihood),
        ('aic', 1, (m).aic), ('bic', 1, (m).bic)
) s(statistic, i, value);
SELECT count(*) AS compared,
       count(*) FILTER (WHERE o.value IS NULL) AS missing,
       count(*) FILTER (WHERE abs(o.value - e.value) > 1e-9 * abs(e.value)) AS differing
FROM r_expected e LEFT JOIN r_ours o USING (model, statistic, idx);
-- Differences beyond 1e-9, with both values (expected: no rows).
SELECT e.model, e.statistic, e.idx, e.value AS r, o.value AS eventml
FROM r_expected e JOIN r_ours o USING (model, statistic, idx)
WHERE abs(o.value - e.value) > 1e-9 * abs(e.value);

SET search_path = ols_test, public;
-- Bad input matrix: each case a clear error (SQLSTATE, offending value) or
-- the documented result.
SELECT c AS "case", error_of(q) AS result FROM (VALUES
    ('NaN in y', $$SELECT ols_fit(y, ARRAY[1, x]) FROM (VALUES ('NaN'::float8, 1.0::float8), (2, 2), (3, 3)) v(y, x)$$),
    ('Infinity in x', $$SELECT ols_fit(y, ARRAY[1, x]) FROM (VALUES (1.0::float8, 'Infinity'::float8), (2, 2), (3, 3)) v(y, x)$$),
    ('-Infinity weight', $$SELECT ols_fit(y, ARRAY[1, x], w) FROM (VALUES (1.0::float8, 1.0::float8, '-Infinity'::float8), (2, 2, 1)) v(y, x, w)$$),
    ('negative weight', $$SELECT ols_fit(y, ARRAY[1, x], w) FROM (VALUES (1.0::float8, 1.0::float8, -1.0::float8), (2, 2, 1)) v(y, x, w)$$),
    ('empty x', $$SELECT ols_fit(1.0, '{}'::float8[])$$),
    ('2-D x', $$SELECT ols_fit(1.0, ARRAY[[1.0, 2.0], [3.0, 4.0]])$$),
    ('x lengths differ', $$SELECT ols_fit(y, x) FROM (VALUES (1.0::float8, ARRAY[1.0, 2.0]::float8[]), (2, ARRAY[1.0])) v(y, x)$$),
    ('1001 columns', $$SELECT ols_fit(1.0, array_fill(1.0::float8, ARRAY[1001]))$$),
    ('10000 columns', $$SELECT ols_fit(1.0, array_fill(1.0::float8, ARRAY[10000]))$$),
    ('predict: x too short', $$SELECT ols_predict(ols_fit(y, ARRAY[1, x]), ARRAY[1.0]) FROM (VALUES (1.0::float8, 1.0::float8), (2, 2), (3, 4)) v(y, x)$$),
    ('predict: NaN x', $$SELECT ols_predict(ols_fit(y, ARRAY[1, x]), ARRAY[1, 'NaN'::float8]) FROM (VALUES (1.0::float8, 1.0::float8), (2, 2), (3, 4)) v(y, x)$$)
) m(c, q);
-- NULLs: a row with NULL y, x, a NULL x element or weight is skipped; no usable rows give NULL.
SELECT (ols_fit(y, ARRAY[1, x], w)).n AS rows_used
FROM (VALUES (1.0::float8, 1.0::float8, 1.0::float8), (NULL, 2, 1), (3, NULL, 1), (4, 4, NULL), (2, 2, 1), (3, 3.5, 1)) v(y, x, w);
SELECT ols_fit(y, ARRAY[1, x]) IS NULL AS no_rows FROM (VALUES (NULL::float8, 1.0::float8)) v(y, x);
SELECT ols_predict(NULL::ols_model, ARRAY[1.0]) IS NULL AS null_model, ols_predict(m, NULL) IS NULL AS null_x
FROM (SELECT ols_fit(y, ARRAY[1, x]) AS m FROM (VALUES (1.0::float8, 1.0::float8), (2, 2), (3, 4)) v(y, x)) s;

-- A model type that does not match the library (an upgrade script not run,
-- or run against an older library): a clear error naming the attribute that
-- differs, never a read or write past the end of the tuple.
BEGIN;
ALTER TYPE ols_model ADD ATTRIBUTE extra int;
SELECT ols_fit(y, ARRAY[1, x]) FROM (VALUES (1.0::float8, 1.0::float8), (2, 2), (3, 4)) v(y, x);
ROLLBACK;
BEGIN;
ALTER TYPE ols_model RENAME ATTRIBUTE sigma TO s;
SELECT ols_fit(y, ARRAY[1, x]) FROM (VALUES (1.0::float8, 1.0::float8), (2, 2), (3, 4)) v(y, x);
ROLLBACK;
