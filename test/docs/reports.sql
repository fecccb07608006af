-- Tables the examples of docs/reports.md read: the demo app's events
-- (eventml_demo_events, 2,000 users) with a platform per user, assigned by id.
SET timezone = 'UTC';
CREATE TABLE events AS
SELECT e.user_id, e.ts, e.event, (ARRAY['web', 'ios', 'android'])[1 + e.user_id % 3] AS platform
FROM eventml_demo_events(2000, 1) e;
ANALYZE events;
