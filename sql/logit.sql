-- logit_fit, logit_train, logit_predict, summary(logit_model), jsonb:
-- semantics, NULL rules, errors, parallel plans, and agreement with R's glm.
\set VERBOSITY default
-- Each test works in its own schema; the extension stays in public.
CREATE SCHEMA logit_test;
SET search_path = logit_test, public;
SET extra_float_digits = 0;

CREATE TABLE admissions (admit int, gre float8, gpa float8, rank int);
\copy admissions FROM 'test/data/logit/binary.csv' WITH (FORMAT csv, HEADER)

-- UCLA's admissions example: rank as dummies for ranks 2-4.
CREATE TABLE admit_model AS
SELECT logit_fit(admit = 1, ARRAY[1, gre, gpa, (rank = 2)::int, (rank = 3)::int, (rank = 4)::int]) AS m
FROM admissions;
SELECT term, round(coef::numeric, 4) AS coef, round(std_err::numeric, 4) AS std_err,
       round(statistic::numeric, 3) AS z, round(p_value::numeric, 4) AS p,
       round(ci_low::numeric, 4) AS ci_low, round(ci_high::numeric, 4) AS ci_high
FROM admit_model, summary(m, names => ARRAY['(Intercept)', 'gre', 'gpa', 'rank2', 'rank3', 'rank4']);
SELECT round((m).deviance::numeric, 3) AS deviance, round((m).aic::numeric, 3) AS aic,
       round((m).pseudo_r2::numeric, 4) AS pseudo_r2, (m).n, (m).iterations, (m).converged,
       round(((m).odds_ratio)[3]::numeric, 4) AS gpa_odds_ratio
FROM admit_model;

-- Scoring: the probability of admission for two applicants.
SELECT round(logit_predict(m, ARRAY[1, 700, 3.8, 0, 0, 0])::numeric, 4) AS rank1_strong,
       round(logit_predict(m, ARRAY[1, 500, 3.0, 0, 0, 1])::numeric, 4) AS rank4_weaker
FROM admit_model;

-- logit_train scans the query once per iteration and gives the same model.
SELECT bool_and(abs(a - b) <= 1e-10 * abs(b)) AS same_coef,
       abs((t).deviance - (m).deviance) <= 1e-10 * (m).deviance AS same_deviance,
       (t).iterations = (m).iterations AS same_iterations
FROM admit_model,
     LATERAL (SELECT logit_train($$SELECT admit = 1 AS y,
                 ARRAY[1, gre, gpa, (rank = 2)::int, (rank = 3)::int, (rank = 4)::int]::float8[] AS x
                 FROM admissions$$) AS t) s,
     unnest((t).coef, (m).coef) u(a, b)
GROUP BY t, m;

-- One model per group.
SELECT rank, round(((m).coef)[2]::numeric, 3) AS gpa, (m).n, (m).converged
FROM (SELECT rank, logit_fit(admit = 1, ARRAY[1, gpa]) AS m FROM admissions GROUP BY rank) s
ORDER BY rank;

-- The model as jsonb, and back.
SELECT string_agg(key, ', ' ORDER BY key COLLATE "C") AS fields FROM admit_model, jsonb_each(m::jsonb);
SELECT (jsonb_populate_record(NULL::logit_model, m::jsonb)).coef = (m).coef AS round_trip FROM admit_model;

-- NULL rules: rows with a NULL in y, x, an element of x, or weight are
-- skipped; weight 0 rows change nothing; no rows gives NULL.
SELECT (logit_fit(y, x, w)).n
FROM (VALUES (true, ARRAY[1, 0.5], 1.0), (false, ARRAY[1, 1.5], 1.0), (NULL, ARRAY[1, 1.0], 1.0),
             (true, NULL, 1.0), (false, ARRAY[1, NULL], 1.0), (true, ARRAY[1, 2.0], NULL),
             (false, ARRAY[1, 9.0], 0.0), (true, ARRAY[1, 1.2], 1.0), (false, ARRAY[1, 0.9], 1.0)) v(y, x, w);
SELECT logit_fit(admit = 1, ARRAY[1, gpa]) IS NULL AS no_rows FROM admissions WHERE false;
SELECT logit_train('SELECT true AS y, ARRAY[1.0] AS x WHERE false') IS NULL AS no_rows;

-- Separation, a constant outcome and collinear columns are reported.
SELECT (m).converged, (m).iterations <= 25 AS stopped
FROM (SELECT logit_fit(x > 2, ARRAY[1, x]) AS m FROM generate_series(1, 5) x) s;
SELECT (m).converged FROM (SELECT logit_fit(true, ARRAY[1, x]) AS m FROM generate_series(1, 5) x) s;
SELECT ((m).coef)[3] IS NULL AS aliased, round(((m).coef)[2]::numeric, 4) AS gpa
FROM (SELECT logit_fit(admit = 1, ARRAY[1, gpa, 2 * gpa]) AS m FROM admissions) s;
-- An iteration limit that is too low is a warning and converged = false.
SELECT (m).converged, (m).iterations
FROM (SELECT logit_fit(admit = 1, ARRAY[1, gre, gpa], 1, 2, 1e-8) AS m FROM admissions) s;

-- Errors: each has a SQLSTATE and names the offending value (error_of: sql/setup.sql).
SELECT error_of($$SELECT logit_fit(true, ARRAY[1, 'NaN'::float8])$$);
SELECT error_of($$SELECT logit_fit(true, ARRAY[1, 2.0], -1)$$);
SELECT error_of($$SELECT logit_fit(y, x) FROM (VALUES (true, ARRAY[1.0, 2.0]), (false, ARRAY[1.0])) v(y, x)$$);
SELECT error_of($$SELECT logit_fit(true, '{}'::float8[])$$);
SELECT error_of($$SELECT logit_fit(true, ARRAY[[1.0, 2.0]])$$);
SELECT error_of($$SELECT logit_fit(true, array_fill(1.0::float8, ARRAY[1001]))$$);
SELECT error_of($$SELECT logit_fit(true, ARRAY[1.0], 1, 0, 1e-8)$$);
SELECT error_of($$SELECT logit_fit(true, ARRAY[1.0], 1, 25, 0)$$);
SELECT error_of($$SELECT logit_predict((SELECT m FROM admit_model), ARRAY[1.0])$$);
SELECT error_of($$SELECT * FROM summary((SELECT m FROM admit_model), 0)$$);
SELECT error_of($$SELECT logit_train('SELECT admit AS y, ARRAY[1, gpa] AS x FROM admissions')$$);
-- States entering from SQL are validated before use.
SELECT error_of($$SELECT logit_irls_update(logit_irls_start(25, 1e-8), '\x0102'::bytea)$$);
SELECT error_of($$SELECT logit_irls_model(decode(repeat('00', 96), 'hex'))$$);
-- The memory ceiling of logit_fit's kept rows, and the way out.
SET eventml.logit_fit_memory_limit = '64kB';
SELECT error_of($$SELECT logit_fit(i % 3 = 0, ARRAY[1, i]) FROM generate_series(1, 10000) i$$);
RESET eventml.logit_fit_memory_limit;

-- Parallel plans: serialized partial states combined in the leader.
CREATE TABLE big AS
SELECT i, sin(i) AS x1, (i % 5)::float8 AS x2, (sin(i) + 0.3 * (i % 5) + cos(7 * i) > 0.6) AS y
FROM generate_series(1, 20000) i;
ANALYZE big;
CREATE TABLE serial_fit AS SELECT logit_fit(y, ARRAY[1, x1, x2]) AS m FROM big;
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT logit_fit(y, ARRAY[1, x1, x2]) FROM big;
SELECT bool_and(abs(p - s) <= 1e-10 * abs(s)) AS parallel_equals_serial, (pm).n
FROM (SELECT logit_fit(y, ARRAY[1, x1, x2]) AS pm FROM big) p, serial_fit,
     unnest((pm).coef, (m).coef) u(p, s) GROUP BY (pm).n;
EXPLAIN (COSTS OFF) SELECT logit_irls_step(y, ARRAY[1, x1, x2], 1, logit_irls_start(25, 1e-8)) FROM big;
SELECT bool_and(abs(p - s) <= 1e-10 * abs(s)) AS train_equals_fit
FROM (SELECT logit_train('SELECT y, ARRAY[1, x1, x2] AS x FROM big') AS pm) p, serial_fit,
     unnest((pm).coef, (m).coef) u(p, s);
COMMIT;

---------------------------------------------------------------------------
-- R's glm(family = binomial) (test/r/logit_reference.R): every statistic to
-- a relative 1e-8, for logit_fit and logit_train.
---------------------------------------------------------------------------
CREATE TABLE infert (education text, age int, parity int, induced int, "case" int,
                     spontaneous int, stratum int, pooled_stratum int);
\copy infert FROM 'test/data/logit/infert.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE weighted (id int, y int, x1 float8, x2 float8, x3 float8, w float8);
\copy weighted FROM 'test/data/logit/weighted.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE r_expected (model text, statistic text, idx int, value float8);
\copy r_expected FROM 'test/data/logit/expected.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE r_fits AS
SELECT 'logit_fit' AS how, 'infert' AS model,
       logit_fit("case" = 1, ARRAY[1, spontaneous, induced]) AS m FROM infert
UNION ALL SELECT 'logit_fit', 'admissions', m FROM admit_model
UNION ALL SELECT 'logit_fit', 'weighted', logit_fit(y = 1, ARRAY[1, x1, x2, x3], w) FROM weighted
UNION ALL SELECT 'logit_fit', 'unweighted', logit_fit(y = 1, ARRAY[1, x1, x2, x3]) FROM weighted
UNION ALL SELECT 'logit_train', 'infert',
       logit_train($$SELECT "case" = 1 AS y, ARRAY[1, spontaneous, induced]::float8[] AS x FROM infert$$)
UNION ALL SELECT 'logit_train', 'weighted',
       logit_train('SELECT y = 1 AS y, ARRAY[1, x1, x2, x3] AS x, w AS weight FROM weighted', weighted => true);
CREATE TABLE r_ours AS
SELECT how, model, s.statistic, s.i::int AS idx, s.value
FROM r_fits, LATERAL (
    SELECT 'coef', i, v FROM unnest((m).coef) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'std_err', i, v FROM unnest((m).std_err) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'z_stat', i, v FROM unnest((m).z_stat) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'p_value', i, v FROM unnest((m).p_value) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'odds_ratio', i, v FROM unnest((m).odds_ratio) WITH ORDINALITY u(v, i)
    UNION ALL SELECT 'cov', i, v FROM unnest((m).cov) WITH ORDINALITY u(v, i)
    UNION ALL VALUES ('log_likelihood', 1, (m).log_likelihood),
        ('null_log_likelihood', 1, (m).null_log_likelihood), ('deviance', 1, (m).deviance),
        ('aic', 1, (m).aic), ('bic', 1, (m).bic), ('n', 1, (m).n), ('iterations', 1, (m).iterations)
) s(statistic, i, value);
SELECT o.how, count(*) AS compared,
       count(*) FILTER (WHERE abs(o.value - e.value) > 1e-8 * abs(e.value)) AS differing
FROM r_expected e JOIN r_ours o USING (model, statistic, idx)
GROUP BY o.how ORDER BY o.how;
SELECT count(*) AS missing FROM r_expected e
WHERE NOT EXISTS (SELECT FROM r_ours o WHERE o.how = 'logit_fit' AND (o.model, o.statistic, o.idx) = (e.model, e.statistic, e.idx));
-- Differences beyond 1e-8, with both values (expected: no rows).
SELECT o.how, e.model, e.statistic, e.idx, e.value AS r, o.value AS eventml
FROM r_expected e JOIN r_ours o USING (model, statistic, idx)
WHERE abs(o.value - e.value) > 1e-8 * abs(e.value);

SET search_path = logit_test, public;
-- Bad input matrix: each case a clear error (SQLSTATE, offending value) or
-- the documented result.
SELECT c AS "case", error_of(q) AS result FROM (VALUES
    ('NaN in x', $$SELECT logit_fit(y, ARRAY[1, x]) FROM (VALUES (true, 'NaN'::float8), (false, 2)) v(y, x)$$),
    ('Infinity weight', $$SELECT logit_fit(y, ARRAY[1, x], w) FROM (VALUES (true, 1.0::float8, 'Infinity'::float8), (false, 2, 1)) v(y, x, w)$$),
    ('negative weight', $$SELECT logit_fit(y, ARRAY[1, x], w) FROM (VALUES (true, 1.0::float8, -2.0::float8), (false, 2, 1)) v(y, x, w)$$),
    ('empty x', $$SELECT logit_fit(true, '{}'::float8[])$$),
    ('2-D x', $$SELECT logit_fit(true, ARRAY[[1.0, 2.0], [3.0, 4.0]])$$),
    ('x lengths differ', $$SELECT logit_fit(y, x) FROM (VALUES (true, ARRAY[1.0, 2.0]::float8[]), (false, ARRAY[1.0])) v(y, x)$$),
    ('10000 columns', $$SELECT logit_fit(true, array_fill(1.0::float8, ARRAY[10000]))$$),
    ('max_iter 0', $$SELECT logit_train('SELECT true AS y, ARRAY[1.0] AS x', false, 0)$$),
    ('tolerance NaN', $$SELECT logit_train('SELECT true AS y, ARRAY[1.0] AS x', false, 25, 'NaN')$$),
    ('predict: x too long', $$SELECT logit_predict(logit_fit(y, ARRAY[1, x]), ARRAY[1.0, 2, 3]) FROM (VALUES (true, 1.0::float8), (false, 2), (true, 2.5), (false, 1.5)) v(y, x)$$)
) m(c, q);
-- NULLs: a row with NULL y, x, a NULL x element or weight is skipped; no usable rows give NULL.
SELECT (logit_fit(y, ARRAY[1, x], w)).n AS rows_used
FROM (VALUES (true, 1.0::float8, 1.0::float8), (NULL, 2, 1), (false, NULL, 1), (true, 4, NULL), (false, 2, 1),
             (true, 3.5, 1), (false, 1.2, 1)) v(y, x, w);
SELECT logit_fit(y, ARRAY[1, x]) IS NULL AS no_rows FROM (VALUES (NULL::boolean, 1.0::float8)) v(y, x);
