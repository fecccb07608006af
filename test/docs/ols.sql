-- Tables the examples of docs/ols.md read.
-- The demo's users (the same rows as demo/demo.sql, `make demo`): random() after setseed is
-- the same on every machine (PostgreSQL 15's pg_prng), and every output is rounded.
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
-- sql/ols.sql's hand-checkable points: y = 1 + 2x exactly in group a, except one point.
CREATE TABLE points (g text, t int, x float8, y float8, w float8);
INSERT INTO points VALUES
  ('a', 1, 0, 1.0, 1), ('a', 2, 1, 3.0, 1), ('a', 3, 2, 5.5, 2), ('a', 4, 3, 7.0, 1),
  ('b', 5, 0, 2.0, 1), ('b', 6, 1, 2.5, 1), ('b', 7, 2, 3.5, 1), ('b', 8, 4, 4.0, 1);
