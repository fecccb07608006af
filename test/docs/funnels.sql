-- Tables the examples of docs/funnels.md read (the same rows as sql/funnel.sql).
-- Letters as events one second apart, as in ClickHouse's strict_order test.
CREATE FUNCTION letters(seq text) RETURNS TABLE (ts timestamptz, e text) LANGUAGE sql AS $$
    SELECT timestamptz '2026-01-01' + i * interval '1 second', substr(seq, i, 1)
    FROM generate_series(1, length(seq)) i $$;
-- a@0 s, b@5 s, a@8 s, c@12 s (the page's funnel_times example adds b@9 s, as sql/funnel.sql does).
CREATE TABLE steps (ts timestamptz, e text);
INSERT INTO steps VALUES ('2026-01-01 00:00:00', 'a'), ('2026-01-01 00:00:05', 'b'),
                         ('2026-01-01 00:00:08', 'a'), ('2026-01-01 00:00:12', 'c');
-- ClickHouse's documented retention example: uids 0-4 on 2020-01-01, 0-9 on 2020-01-02, 0-14 on 2020-01-03.
CREATE TABLE visits AS
SELECT uid, day::date FROM (VALUES ('2020-01-01', 5), ('2020-01-02', 10), ('2020-01-03', 15)) d(day, users),
     generate_series(0, users - 1) uid;
-- Generated, deterministic visits of 3,000 users over 8 weeks.
CREATE TABLE app_events AS
SELECT u AS user_id,
       timestamptz '2026-01-05' + (u % 4) * interval '1 week'
           + (abs(hashint4(u * 100 + i)) % (3600 * 24 * 7 * (1 + u % 5))) * interval '1 second' AS ts
FROM generate_series(1, 3000) u, generate_series(1, 1 + u % 9) i;
ANALYZE app_events;
-- Generated events: 3,000 users viewing, adding to cart and buying.
CREATE TABLE shop AS
SELECT user_id, ts, (ARRAY['view', 'cart', 'buy', 'search'])[1 + abs(hashint4(user_id * 31 + i)) % 4] AS event
FROM (SELECT user_id, i, timestamptz '2026-01-01' + (abs(hashint4(user_id * 7 + i)) % 20000) * interval '1 second' AS ts
      FROM generate_series(1, 3000) user_id, generate_series(1, 1 + user_id % 9) i) g;
ANALYZE shop;
