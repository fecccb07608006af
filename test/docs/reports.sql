-- Tables the examples of docs/reports.md read: the demo app's events
-- (eventml_demo_events, 2,000 users) with each user's platform.
SET timezone = 'UTC';
CREATE TABLE events AS
SELECT user_id, ts, event, platform FROM eventml_demo_events(2000, 1);
ANALYZE events;
