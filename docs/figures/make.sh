#!/usr/bin/env bash
# Draws the pictures in docs/figures/ from the demo data (eventml_demo_events(20000, 1)) on a
# throwaway cluster: the funnel chart, the retention triangle, lifecycle bars, and the retention
# model's ROC and calibration plots.
# Usage: docs/figures/make.sh   (after make install; needs python3, no plotting library)
set -euo pipefail
cd "$(dirname "$0")/../.."
PG_CONFIG=${PG_CONFIG:-$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || echo pg_config)}
dir=$(test/cluster.sh start)
trap 'test/cluster.sh stop "$dir"' EXIT
work=$(mktemp -d /tmp/eventml-figures.XXXXXX)
export PGHOST=$dir PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
"$($PG_CONFIG --bindir)/psql" -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION eventml;
CREATE TABLE events AS SELECT * FROM eventml_demo_events(20000, 1);
-- Funnel: users reaching each step within 30 minutes (funnel_report, docs/reports.md).
\copy (SELECT step, step_name, entities FROM funnel_report('SELECT user_id, ts, event FROM events', ARRAY['view', 'search', 'add_to_cart', 'purchase'], '30 minutes')) TO '$work/funnel.csv' WITH (FORMAT csv)
-- Weekly retention triangle and weekly lifecycle, as of the end of the last whole week.
\copy (SELECT cohort::date, cohort_entities, period_number, entities, retention FROM retention_matrix('SELECT user_id, ts, event FROM events', 'week', 10, '2026-03-29 23:59:59+00')) TO '$work/retention.csv' WITH (FORMAT csv)
\copy (SELECT period_start::date, status, entities FROM lifecycle('SELECT user_id, ts, event FROM events', 'week', '2026-03-29 23:59:59+00')) TO '$work/lifecycle.csv' WITH (FORMAT csv)
-- The retention model of docs/tutorials/2-first-week.md, and each user's score.
CREATE TABLE users AS
SELECT e.user_id, extract(epoch FROM (sessionize(e.ts, '30 minutes') FILTER (WHERE e.ts < f.signup + interval '7 days')).first_duration) / 60 AS first_session_min,
       bool_or(e.event = 'signup_completed')::int AS signup_completed, bool_or(e.event = 'push_enabled')::int AS push_enabled,
       bool_or(e.event = 'favorite_team_set')::int AS favorite_team_set, bool_or(e.ts >= f.signup + interval '7 days') AS retained
FROM events e JOIN (SELECT user_id, min(ts) AS signup FROM events GROUP BY user_id) f USING (user_id)
WHERE f.signup < '2026-03-04' GROUP BY e.user_id;
CREATE TABLE scored AS
SELECT retained, logit_predict(m, ARRAY[1, first_session_min, signup_completed, push_enabled, favorite_team_set]) AS p
FROM users, (SELECT logit_fit(retained, ARRAY[1, first_session_min, signup_completed, push_enabled, favorite_team_set]) AS m FROM users) s;
\copy (SELECT retained::int, p FROM scored) TO '$work/scores.csv' WITH (FORMAT csv)
SQL
python3 docs/figures/draw.py "$work" docs/figures
rm -rf "$work"
