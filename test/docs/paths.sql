-- Tables the examples of docs/paths.md read (the same rows as sql/paths.sql).
CREATE TABLE clicks (user_id int, ts timestamptz, event text);
INSERT INTO clicks VALUES
    (1, '2026-01-01 10:05', 'buy'), (1, '2026-01-01 10:00', 'view'), (1, '2026-01-01 10:01', 'view'),
    (1, '2026-01-01 10:02', 'search'), (1, '2026-01-01 10:03', 'view'), (1, '2026-01-01 10:04', 'cart'),
    (2, '2026-01-02 09:00', 'view'), (2, '2026-01-02 09:01', 'cart'), (2, '2026-01-02 09:02', NULL),
    (2, NULL, 'buy'), (3, '2026-01-03 12:00', 'search'), (3, '2026-01-03 12:01', 'view'),
    (3, '2026-01-03 12:02', 'view'), (3, '2026-01-03 12:03', 'cart'), (3, '2026-01-03 12:04', 'buy');
-- ClickHouse's test 00222: one event per second.
CREATE TABLE seq AS
SELECT timestamptz '2026-01-01' + i * interval '1 second' AS ts,
       (ARRAY[0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 1])[i + 1] AS data
FROM generate_series(0, 11) i;
-- ClickHouse's test 01656: ids 1 to 6.
CREATE TABLE test_sequence AS
SELECT id, timestamptz '2026-01-01' + i * interval '1 second' AS ts, substr(actions, i, 1) AS action
FROM (VALUES (1, 'ABCD'), (2, 'BBDC'), (3, 'AB'), (4, 'AAABC'), (5, 'ABAC'), (6, 'ABABC')) v(id, actions),
     generate_series(1, length(actions)) i;
