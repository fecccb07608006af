-- eventml: the demo data generator, eventml_demo_events (docs/tutorials/README.md).
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.

-- A uniform number in [0, 1) for (seed, purpose, key): a hash, so the same
-- arguments give the same table on every machine and in parallel workers.
CREATE FUNCTION eventml_demo_uniform(seed int, purpose int, key bigint) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT (pg_catalog.hashint8extended(key, seed::pg_catalog.int8 OPERATOR(pg_catalog.*) 1024 OPERATOR(pg_catalog.+) purpose)
        OPERATOR(pg_catalog.&) 4503599627370495)::pg_catalog.float8 OPERATOR(pg_catalog./) 4503599627370496
$$;

-- An app's events for `users` users who sign up during the first 90 days of
-- 2026, observed until a fixed "now", 2026-04-01 00:00 UTC (later events are
-- not returned, so recent cohorts are incomplete as in any live product).
-- Each user has a platform and a country. A first session of 5 to 30 minutes
-- (one event a minute) with signup, signup_completed, push_enabled and
-- favorite_team_set; return sessions in days 1-7; retained users come back in
-- week 2 (days 8-14) and then each further week with probability 0.75, up to
-- week 13; in every session view and search, with drop-off to add_to_cart and
-- purchase (deeper on ios, shallower on android).
-- The planted truth (docs/tutorials/README.md):
--   return sessions in days 1-7 = round(1.5 + 0.10 * first_session_minutes
--       + 1.0 * push_enabled + 2.0 * favorite_team_set + 0.8 * signup_completed + U(-1.5, 1.5))
--   P(retained: active after day 7) = logistic(-3 + 0.10 * first_session_minutes
--       + 1.0 * push_enabled + 0.5 * favorite_team_set)
CREATE FUNCTION eventml_demo_events(users int, seed int DEFAULT 1)
RETURNS TABLE (user_id int, ts timestamptz, event text, platform text, country text)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
WITH person AS (
    SELECT u, signup_at, minutes, push, team, completed, platform, country,
           round(1.5 + 0.10 * minutes + 1.0 * push::int + 2.0 * team::int + 0.8 * completed::int
                 + 3 * (@extschema@.eventml_demo_uniform(seed, 6, u) - 0.5))::int AS week_returns,
           -- Weeks active after the first: 0 (churned), else 1 + a geometric
           -- number of further weeks (each kept with probability 0.75), at most 12.
           CASE WHEN @extschema@.eventml_demo_uniform(seed, 7, u)
                     < 1 / (1 + exp(-(-3 + 0.10 * minutes + 1.0 * push::int + 0.5 * team::int)))
                THEN least(12, 1 + floor(ln(1 - @extschema@.eventml_demo_uniform(seed, 8, u)) / ln(0.75))::int)
                ELSE 0 END AS later_weeks
    FROM generate_series(1, users) u,
         LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00'
                         + round(90 * 86400 * @extschema@.eventml_demo_uniform(seed, 1, u))
                           * interval '1 second' AS signup_at,
                         5 + floor(26 * @extschema@.eventml_demo_uniform(seed, 2, u))::int AS minutes,
                         @extschema@.eventml_demo_uniform(seed, 3, u) < 0.4 AS push,
                         @extschema@.eventml_demo_uniform(seed, 4, u) < 0.3 AS team,
                         @extschema@.eventml_demo_uniform(seed, 5, u) < 0.75 AS completed,
                         CASE WHEN @extschema@.eventml_demo_uniform(seed, 13, u) < 0.45 THEN 'ios'
                              WHEN @extschema@.eventml_demo_uniform(seed, 13, u) < 0.85 THEN 'android'
                              ELSE 'web' END AS platform,
                         CASE WHEN @extschema@.eventml_demo_uniform(seed, 14, u) < 0.35 THEN 'US'
                              WHEN @extschema@.eventml_demo_uniform(seed, 14, u) < 0.55 THEN 'IN'
                              WHEN @extschema@.eventml_demo_uniform(seed, 14, u) < 0.70 THEN 'BR'
                              WHEN @extschema@.eventml_demo_uniform(seed, 14, u) < 0.85 THEN 'GB'
                              ELSE 'DE' END AS country) p
),
session AS (
    -- s = 0: the first session, at sign-up.
    SELECT u, 0 AS s, signup_at AS start, minutes, push, team, completed, platform, country FROM person
    UNION ALL
    -- Return sessions spread over days 1-7, each 2 to 11 minutes.
    SELECT u, k, signup_at + (86400 * (1 + 6.0 * (k - 1) / week_returns)
                              + 7200 * @extschema@.eventml_demo_uniform(seed, 9, u::bigint * 1024 + k))
                             * interval '1 second',
           2 + floor(10 * @extschema@.eventml_demo_uniform(seed, 10, u::bigint * 1024 + k))::int,
           false, false, false, platform, country
    FROM person, generate_series(1, week_returns) k
    UNION ALL
    -- Later weeks w = 1 .. later_weeks (days 7w+1 to 7w+7): one or two sessions each.
    SELECT u, s, signup_at + 86400 * (7 * w + 1 + 6 * @extschema@.eventml_demo_uniform(seed, 9, u::bigint * 1024 + s))
                             * interval '1 second',
           2 + floor(10 * @extschema@.eventml_demo_uniform(seed, 10, u::bigint * 1024 + s))::int,
           false, false, false, platform, country
    FROM person, generate_series(1, later_weeks) w,
         LATERAL generate_series(100 + 2 * w,
                                 100 + 2 * w + (@extschema@.eventml_demo_uniform(seed, 15, u::bigint * 1024 + w) < 0.5)::int) s
),
funnel_depth AS (
    -- How far the session's shopping gets: 1 view, 2 search, 3 add_to_cart,
    -- 4 purchase; the two deepest steps are 1.2 times as likely on ios, 0.8 on android.
    SELECT *, 1 + (d < 0.6)::int + (d < 0.25 * f)::int + (d < 0.10 * f)::int AS depth
    FROM session,
         LATERAL (SELECT @extschema@.eventml_demo_uniform(seed, 11, u::bigint * 1024 + s) AS d,
                         CASE platform WHEN 'ios' THEN 1.2 WHEN 'android' THEN 0.8 ELSE 1.0 END AS f) r
),
event AS (
    SELECT u, start + j * interval '1 minute'
              + round(50 * @extschema@.eventml_demo_uniform(seed, 12, (u::bigint * 1024 + s) * 64 + j)) * interval '1 second'
              AS ts,
           CASE WHEN s = 0 AND j = 0 THEN 'signup'
                WHEN s = 0 AND j = 1 AND completed THEN 'signup_completed'
                WHEN s = 0 AND j = 2 AND push THEN 'push_enabled'
                WHEN s = 0 AND j = 3 AND team THEN 'favorite_team_set'
                WHEN depth = 4 AND j = minutes - 1 THEN 'purchase'
                WHEN depth >= 3 AND j = minutes - 2 THEN 'add_to_cart'
                WHEN depth >= 2 AND j = minutes - 3 THEN 'search'
                ELSE 'view' END AS event,
           platform, country
    FROM funnel_depth, generate_series(0, minutes - 1) j
)
SELECT u, ts, event, platform, country FROM event WHERE ts < timestamptz '2026-04-01 00:00:00+00'
$$;
