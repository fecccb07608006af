-- make demo: from raw app events to a scored model, all in SQL (docs/tutorials/).
\pset footer off
SET extra_float_digits = 0;
SET timezone = 'UTC';
CREATE EXTENSION eventml;

\echo
\echo '== 1. Raw events: 20,000 users of an app (eventml_demo_events, planted truth in docs/tutorials/README.md).'
CREATE TABLE events AS SELECT * FROM eventml_demo_events(20000, 1);
SELECT event, count(*) AS events, count(DISTINCT user_id) AS users FROM events GROUP BY event ORDER BY events DESC;
SELECT * FROM events WHERE user_id = 7 ORDER BY ts LIMIT 8;

\echo
\echo '== 2. Sessions: a new session after 30 idle minutes. session_id() per event, sessionize() per user.'
SELECT ts, event, session_id(ts, '30 minutes') OVER (PARTITION BY user_id ORDER BY ts) AS session
FROM events WHERE user_id = 7 ORDER BY ts LIMIT 5 OFFSET 20;
SELECT user_id, (s).sessions, (s).events, (s).first_duration, (s).mean_duration, (s).total_duration
FROM (SELECT user_id, sessionize(ts, '30 minutes') AS s FROM events WHERE user_id <= 5 GROUP BY user_id) u
ORDER BY user_id;

\echo
\echo '== 3. Funnel: view -> search -> add_to_cart -> purchase within 30 minutes (ClickHouse windowFunnel),'
\echo '==    then the same funnel as a report by platform (funnel_report: conversion and time per step).'
SELECT level, count(*) AS users, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM (SELECT user_id, funnel(ts, '30 minutes', event = 'view', event = 'search', event = 'add_to_cart',
                             event = 'purchase') AS level
      FROM events GROUP BY user_id) f
GROUP BY level ORDER BY level;
SELECT breakdown AS platform, step, step_name, entities AS users, round(conversion::numeric, 3) AS conversion,
       round(step_conversion::numeric, 3) AS from_previous, median_time
FROM funnel_report('SELECT user_id, ts, event, platform FROM events',
                   ARRAY['view', 'search', 'add_to_cart', 'purchase'], '30 minutes');

\echo
\echo '== 4. Paths: the top opening paths (first four events, repeats collapsed), what users do right after'
\echo '==    their first search, and who purchased within 5 minutes of adding to the cart.'
SELECT path, count(*) AS users
FROM (SELECT user_id, path_agg(ts, event, true, 4) AS path FROM events GROUP BY user_id) p
GROUP BY path ORDER BY users DESC, path LIMIT 5;
SELECT after_search, count(*) AS users
FROM (SELECT path_next('forward', 'first_match', ts, event, true, event = 'search') AS after_search
      FROM events GROUP BY user_id) n
GROUP BY 1 ORDER BY users DESC LIMIT 4;
SELECT count(*) FILTER (WHERE m) AS users_cart_then_purchase_within_5min
FROM (SELECT path_match('(?1)(?t<=300)(?2)', ts, event = 'add_to_cart', event = 'purchase') AS m
      FROM events GROUP BY user_id) s;

\echo
\echo '== 5. Retention triangle: weekly signup cohorts, share active in each later week, as of the end of'
\echo '==    the last whole week (retention_matrix; weeks not observed yet are blank), and weekly lifecycle.'
SELECT cohort::date, cohort_entities AS users,
       round(max(retention) FILTER (WHERE period_number = 1)::numeric, 2) AS w1,
       round(max(retention) FILTER (WHERE period_number = 2)::numeric, 2) AS w2,
       round(max(retention) FILTER (WHERE period_number = 3)::numeric, 2) AS w3,
       round(max(retention) FILTER (WHERE period_number = 4)::numeric, 2) AS w4,
       round(max(retention) FILTER (WHERE period_number = 5)::numeric, 2) AS w5,
       round(max(retention) FILTER (WHERE period_number = 6)::numeric, 2) AS w6,
       round(max(retention) FILTER (WHERE period_number = 7)::numeric, 2) AS w7,
       round(max(retention) FILTER (WHERE period_number = 8)::numeric, 2) AS w8
FROM retention_matrix('SELECT user_id, ts, event FROM events', 'week', 9, as_of => '2026-03-29 23:59:59+00')
GROUP BY cohort, cohort_entities ORDER BY cohort;
SELECT period_start::date AS week,
       max(entities) FILTER (WHERE status = 'new') AS new,
       max(entities) FILTER (WHERE status = 'returning') AS returning,
       max(entities) FILTER (WHERE status = 'resurrecting') AS resurrecting,
       max(entities) FILTER (WHERE status = 'dormant') AS dormant
FROM lifecycle('SELECT user_id, ts, event FROM events', 'week', '2026-03-29 23:59:59+00')
GROUP BY 1 ORDER BY 1;

\echo
\echo '== 6. OLS: first-week sessions explained by first-session behaviours (truth: 0.10/min, 0.8, 1.0, 2.0),'
\echo '==    over the users who signed up four weeks or more before the data ends (2026-04-01).'
CREATE TABLE signups AS SELECT user_id, min(ts) AS signup FROM events GROUP BY user_id;
CREATE TABLE users AS
SELECT e.user_id,
       extract(epoch FROM (sessionize(e.ts, '30 minutes') FILTER (WHERE e.ts < s.signup + interval '7 days')).first_duration) / 60
           AS first_session_min,
       (sessionize(e.ts, '30 minutes') FILTER (WHERE e.ts < s.signup + interval '7 days')).sessions AS first_week_sessions,
       bool_or(e.event = 'signup_completed')::int AS signup_completed,
       bool_or(e.event = 'push_enabled')::int AS push_enabled,
       bool_or(e.event = 'favorite_team_set')::int AS favorite_team_set,
       bool_or(e.ts >= s.signup + interval '7 days') AS retained
FROM events e JOIN signups s USING (user_id) WHERE s.signup < '2026-03-04' GROUP BY e.user_id;
CREATE TABLE models AS
SELECT ols_fit(first_week_sessions, ARRAY[1, first_session_min, signup_completed, push_enabled, favorite_team_set]) AS activity,
       logit_fit(retained, ARRAY[1, first_session_min, signup_completed, push_enabled, favorite_team_set]) AS retention
FROM users;
SELECT term, round(coef::numeric, 3) AS coef, round(std_err::numeric, 3) AS std_err,
       round(statistic::numeric, 1) AS t, round(ci_low::numeric, 3) AS ci_low, round(ci_high::numeric, 3) AS ci_high
FROM models, summary(activity, names => ARRAY['(Intercept)', 'first_session_min', 'signup_completed',
                                              'push_enabled', 'favorite_team_set']);
SELECT round((activity).r2::numeric, 3) AS r2, (activity).n FROM models;

\echo
\echo '== 7. Logistic regression: retained after the first week (truth: push multiplies the odds by e^1 = 2.72).'
SELECT term, round(coef::numeric, 3) AS coef, round(exp(coef)::numeric, 2) AS odds_ratio,
       round(statistic::numeric, 1) AS z, round(p_value::numeric, 4) AS p_value
FROM models, summary(retention, names => ARRAY['(Intercept)', 'first_session_min', 'signup_completed',
                                               'push_enabled', 'favorite_team_set']);
SELECT (retention).converged, (retention).iterations, round((retention).pseudo_r2::numeric, 3) AS mcfadden_r2
FROM models;

\echo
\echo '== 8. Scoring in a query, activity tiers, and the model exported as a SQL expression.'
SELECT user_id, round(first_session_min::numeric, 1) AS first_min, push_enabled, favorite_team_set,
       round(logit_predict(retention, ARRAY[1, first_session_min, signup_completed, push_enabled,
                                            favorite_team_set])::numeric, 3) AS p_retained
FROM users, models ORDER BY user_id LIMIT 5;
SELECT tier, count(*) AS users, round(avg(first_week_sessions), 2) AS sessions, round(avg(retained::int), 3) AS retained
FROM (SELECT u.*, (ARRAY['low', 'medium', 'high'])[ntile(3) OVER (ORDER BY ols_predict(activity,
             ARRAY[1, first_session_min, signup_completed, push_enabled, favorite_team_set]))] AS tier
      FROM users u, models) t
GROUP BY tier ORDER BY sessions;
SELECT model_sql(retention, ARRAY[NULL, 'first_session_min', 'signup_completed', 'push_enabled',
                                  'favorite_team_set']) AS retention_as_sql
FROM models;
