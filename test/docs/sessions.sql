-- Tables the examples of docs/sessions.md read (the same rows as sql/sessions.sql).
-- Hand-worked events: gap 30 minutes, a gap of exactly 30 minutes, a tie, a NULL ts.
CREATE TABLE events (user_id int, ts timestamptz, event text);
INSERT INTO events VALUES
  (1, '2026-01-05 10:00', 'open'), (1, '2026-01-05 10:20', 'view'), (1, '2026-01-05 10:50', 'view'),
  (1, '2026-01-05 11:21', 'open'), (1, '2026-01-05 11:21', 'search'), (1, '2026-01-05 13:00', 'open'),
  (2, '2026-01-06 09:00', 'open'),
  (3, NULL, 'broken'), (3, '2026-01-06 12:00', 'open'), (3, '2026-01-06 12:10', 'buy');
-- Generated events: 2,100 users, ties, gaps of exactly 30 minutes, one-event users.
CREATE TABLE gen AS
SELECT u AS user_id,
       timestamptz '2026-01-01' + make_interval(secs => (
           CASE WHEN u % 10 = 0 THEN i * 1800                       -- exactly the gap apart
                ELSE (abs(hashint4(u * 1000 + i)) % 20000) END)) AS ts   -- ties and gaps of all sizes
FROM generate_series(1, 2000) u, generate_series(1, 1 + u % 17) i;
INSERT INTO gen SELECT u, timestamptz '2026-02-01' + u * interval '1 minute' FROM generate_series(2001, 2100) u;
ANALYZE gen;
