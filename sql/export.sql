-- model_sql and model_python: generated scoring code equals the predict
-- functions; aliased coefficients are left out; bad names are errors.
\set VERBOSITY default
CREATE SCHEMA export_test;
SET search_path = export_test, public;

CREATE TABLE d AS
SELECT i, (i % 7)::float8 AS x1, ((i * 13) % 11)::float8 / 3 AS x2, (i % 7)::float8 * 2 AS x1_twice,
       ((i * 31) % 17) > 8 AS y
FROM generate_series(1, 200) i;
CREATE TABLE m AS
SELECT ols_fit(x2 + 0.5 * x1, ARRAY[1, x1, x2]) AS linear,
       logit_fit(y, ARRAY[1, x1, x2]) AS logistic,
       ols_fit(x2, ARRAY[1, x1, x1_twice]) AS aliased
FROM d;

-- SQL: the expression, evaluated, equals ols_predict / logit_predict.
SELECT model_sql(linear, ARRAY[NULL, 'x1', 'x2']) AS linear_sql FROM m \gset
SELECT model_sql(logistic, ARRAY[NULL, 'x1', 'x2']) AS logistic_sql FROM m \gset
SELECT max(abs(:linear_sql - ols_predict(linear, ARRAY[1, x1, x2]))) < 1e-12 AS linear_same,
       max(abs(:logistic_sql - logit_predict(logistic, ARRAY[1, x1, x2]))) < 1e-12 AS logistic_same
FROM d, m;
-- Names are quoted as identifiers; an aliased (NULL) coefficient is left out.
SELECT model_sql(aliased, ARRAY[NULL, 'X One', 'Twice X1']) ~ '"X One"' AS quoted,
       model_sql(aliased, ARRAY[NULL, 'x1', 'Twice X1']) !~ 'Twice' AS aliased_left_out,
       (aliased).coef[3] IS NULL AS is_aliased
FROM m;
-- Python: a function definition with the names as parameters.
SELECT model_python(linear, ARRAY[NULL, 'x1', 'x2']) ~ '^def predict\(x1, x2\):' AS python_def,
       model_python(logistic, ARRAY[NULL, 'x1', 'x2'], 'score') ~ 'import math' AS python_logistic
FROM m;
-- Errors: wrong number of names, names that are not Python identifiers, no model.
SELECT error_of($$SELECT model_sql(linear, ARRAY['x1']) FROM m$$);
SELECT error_of($$SELECT model_python(linear, ARRAY[NULL, 'x 1', 'x2']) FROM m$$);
SELECT error_of($$SELECT model_python(linear, ARRAY[NULL, 'x1', 'x2'], 'bad name') FROM m$$);
SELECT error_of($$SELECT model_python(linear, ARRAY[NULL, 'x1', 'x2'], NULL) FROM m$$);
SELECT error_of($$SELECT model_sql(NULL::ols_model, ARRAY['x1'])$$);
SELECT error_of($$SELECT model_sql(linear, NULL) FROM m$$);

-- Any model, in any session (found by test/fuzz/model_input_fuzzer.cpp):
-- every coefficient exactly, even with extra_float_digits = 0; NaN and
-- ±Infinity as float8 literals, not bare words; coefficients paired with
-- names by position whatever the array's lower bound, as predict pairs them
-- with x.
CREATE TABLE odd (m ols_model);
INSERT INTO odd (m.coef) VALUES ('[0:2]={0.1234567890123456789,-2.718281828459045,3.141592653589793e-10}'), ('{NaN,Infinity,-Infinity}');
SET extra_float_digits = 0;
SELECT model_sql(m, ARRAY[NULL, 'x', 'y']) AS sql, model_python(m, ARRAY['a', 'x', 'y']) AS python FROM odd;
SELECT model_sql(m, ARRAY[NULL, 'x', 'y']) AS finite_sql FROM odd WHERE (m).coef[0] > 0 \gset
SELECT :finite_sql AS exported, ols_predict(m, ARRAY[1, x, y]) AS predicted,
       :finite_sql = ols_predict(m, ARRAY[1, x, y]) AS exactly_equal
FROM odd, (VALUES (3::float8, 7::float8)) v(x, y) WHERE (m).coef[0] > 0;
SELECT model_sql(m, ARRAY[NULL, 'x', 'y']) AS nonfinite_sql FROM odd WHERE (m).coef[1] = 'NaN' \gset
SELECT :nonfinite_sql AS exported, ols_predict(m, ARRAY[1, x, y]) AS predicted
FROM odd, (VALUES (1::float8, 0::float8)) v(x, y) WHERE (m).coef[1] = 'NaN';
RESET extra_float_digits;
-- A multi-dimensional coef is an error in every consumer (a model can come
-- from any text or jsonb).
INSERT INTO odd (m.coef, m.std_err, m.t_stat, m.p_value, m.df_resid)
VALUES ('{{1,2},{3,4}}', '{1,1,1,1}', '{1,1,1,1}', '{1,1,1,1}', 5);
SELECT error_of($$SELECT model_sql(m, ARRAY[NULL, 'x', 'y', 'z']) FROM odd WHERE array_ndims((m).coef) = 2$$);
SELECT error_of($$SELECT ols_predict(m, ARRAY[1, 2, 3, 4]) FROM odd WHERE array_ndims((m).coef) = 2$$);
SELECT error_of($$SELECT * FROM summary((SELECT m FROM odd WHERE array_ndims((m).coef) = 2))$$);

-- eventml_demo_events: deterministic for a seed, different across seeds.
SELECT count(*) AS events, count(DISTINCT user_id) AS users,
       md5(string_agg(user_id || event || ts, ',' ORDER BY user_id, ts, event)) =
       (SELECT md5(string_agg(user_id || event || ts, ',' ORDER BY user_id, ts, event)) FROM eventml_demo_events(50, 7))
           AS same_again
FROM eventml_demo_events(50, 7);
SELECT (SELECT count(*) FROM eventml_demo_events(50, 8)) <> (SELECT count(*) FROM eventml_demo_events(50, 7))
       AS seed_matters,
       (SELECT count(*) FROM eventml_demo_events(0)) AS no_users;
-- One platform and country per user, every value of both present, nothing after the fixed "now".
SELECT count(DISTINCT (user_id, platform, country)) = count(DISTINCT user_id) AS one_per_user,
       array_agg(DISTINCT platform) AS platforms, array_agg(DISTINCT country) AS countries,
       max(ts) < '2026-04-01 00:00:00+00' AS ends_before_now
FROM eventml_demo_events(300, 1);
RESET search_path;
