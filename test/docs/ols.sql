-- Tables the examples of docs/ols.md read.
-- users: one row per user of the demo app (eventml_demo_events(2000, 1), the same rows on
-- every machine; docs/tutorials/README.md) who signed up four weeks before its data ends: the
-- first session's length in minutes, whether push was enabled, the return visits in the first
-- week (sessions after the first), and the user's platform.
CREATE TABLE users AS
WITH events AS MATERIALIZED (SELECT * FROM eventml_demo_events(2000, 1)),
     signups AS (SELECT user_id, min(ts) AS signup FROM events GROUP BY user_id)
SELECT user_id AS id, (extract(epoch FROM (s).first_duration) / 60)::float8 AS first_session_min,
       push_enabled, (s).sessions - 1 AS return_visits,
       platform
FROM (SELECT user_id, sessionize(ts, '30 minutes') FILTER (WHERE ts < signup + interval '7 days') AS s,
             bool_or(event = 'push_enabled')::int AS push_enabled, min(platform) AS platform
      FROM events JOIN signups USING (user_id) WHERE signup < '2026-03-04' GROUP BY user_id) u;
-- sql/ols.sql's hand-checkable points: y = 1 + 2x exactly in group a, except one point.
CREATE TABLE points (g text, t int, x float8, y float8, w float8);
INSERT INTO points VALUES
  ('a', 1, 0, 1.0, 1), ('a', 2, 1, 3.0, 1), ('a', 3, 2, 5.5, 2), ('a', 4, 3, 7.0, 1),
  ('b', 5, 0, 2.0, 1), ('b', 6, 1, 2.5, 1), ('b', 7, 2, 3.5, 1), ('b', 8, 4, 4.0, 1);
