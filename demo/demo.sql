-- eventml demo: a small, built-in data set and a regression fitted in SQL.
\pset footer off
SET extra_float_digits = 0;
CREATE EXTENSION eventml;

\echo
\echo '== 1. A small app: 2,000 users, their first-session length and push opt-in,'
\echo '==    and how many times each came back in the following month.'
SELECT setseed(0.2026) \g /dev/null
CREATE TABLE users AS
SELECT id,
       round((1 + 29 * random())::numeric, 1)::float8 AS first_session_min,
       (random() < 0.4)::int AS push_enabled,
       (ARRAY['ios', 'android', 'web'])[1 + (id % 3)] AS platform
FROM generate_series(1, 2000) id;
-- Planted truth: 0.8 base visits, +0.15 per first-session minute, +1.5 with push.
ALTER TABLE users ADD COLUMN return_visits float8;
UPDATE users SET return_visits = greatest(0, round(0.8 + 0.15 * first_session_min
    + 1.5 * push_enabled + 1.2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())));
SELECT * FROM users ORDER BY id LIMIT 5;

\echo
\echo '== 2. One aggregate fits the model: ols_fit(y, x) with an explicit intercept.'
CREATE TABLE visit_model AS
SELECT ols_fit(return_visits, ARRAY[1, first_session_min, push_enabled]) AS m FROM users;
SELECT term, round(coef::numeric, 4) AS coef, round(std_err::numeric, 4) AS std_err,
       round(statistic::numeric, 2) AS t, p_value::numeric(10, 4) AS p_value,
       round(ci_low::numeric, 4) AS ci_low, round(ci_high::numeric, 4) AS ci_high
FROM visit_model, summary(m, names => ARRAY['(Intercept)', 'first_session_min', 'push_enabled']);
SELECT round((m).r2::numeric, 4) AS r2, round((m).adj_r2::numeric, 4) AS adj_r2,
       round((m).sigma::numeric, 4) AS sigma, round((m).f_stat::numeric, 1) AS f_stat,
       (m).n, round((m).aic::numeric, 1) AS aic
FROM visit_model;

\echo
\echo '== 3. One model per group is a GROUP BY.'
SELECT platform, round(((m).coef)[2]::numeric, 4) AS per_minute, round(((m).coef)[3]::numeric, 4) AS push,
       round((m).r2::numeric, 3) AS r2, (m).n
FROM (SELECT platform, ols_fit(return_visits, ARRAY[1, first_session_min, push_enabled]) AS m
      FROM users GROUP BY platform) s
ORDER BY platform;

\echo
\echo '== 4. Score rows with the stored model.'
SELECT id, first_session_min, push_enabled,
       round(ols_predict(m, ARRAY[1, first_session_min, push_enabled])::numeric, 2) AS expected_visits
FROM users, visit_model ORDER BY id LIMIT 5;

\echo
\echo '== 5. Will a user come back at least 3 times? Logistic regression, odds ratios from summary().'
CREATE TABLE return_model AS
SELECT logit_fit(return_visits >= 3, ARRAY[1, first_session_min, push_enabled]) AS m FROM users;
SELECT term, round(coef::numeric, 4) AS coef, round(exp(coef)::numeric, 3) AS odds_ratio,
       round(statistic::numeric, 2) AS z, p_value::numeric(10, 4) AS p_value,
       round(exp(ci_low)::numeric, 3) AS or_low, round(exp(ci_high)::numeric, 3) AS or_high
FROM return_model, summary(m, names => ARRAY['(Intercept)', 'first_session_min', 'push_enabled']);
SELECT (m).n, (m).iterations, (m).converged, round((m).pseudo_r2::numeric, 4) AS mcfadden_r2,
       round((m).aic::numeric, 1) AS aic
FROM return_model;
SELECT id, first_session_min, push_enabled,
       round(logit_predict(m, ARRAY[1, first_session_min, push_enabled])::numeric, 3) AS p_returns
FROM users, return_model ORDER BY id LIMIT 5;
