-- eventml 0.3.0 -> 0.4.0: reports a BI tool can chart.
--   - funnel_report, retention_matrix, lifecycle, stickiness and sessions
--     (with their helpers eventml_query_columns, eventml_events_sql,
--     eventml_check_period, eventml_period_index, eventml_period_start and
--     the aggregates eventml_first_value, eventml_period_set,
--     eventml_retention_counts and eventml_lifecycle_counts), as in
--     src/sql/reports.sql;
--   - sessionize's summary gains bounces (sessions of one event);
--   - funnel_times reports the first event that reached each step of its
--     chain (a change in the library only);
--   - eventml_demo_events gains platform and country columns, retention that
--     decays week over week and a fixed end, 2026-04-01 (src/sql/demo.sql).
\echo Use "ALTER EXTENSION eventml UPDATE TO '0.4.0'" to load this file. \quit

ALTER TYPE session_summary ADD ATTRIBUTE bounces bigint;
ALTER TYPE session_summary_ts ADD ATTRIBUTE bounces bigint;

-- Each report takes its events as a query text and runs it once, inside one
-- generated statement built on the other families' aggregates. That statement
-- runs with the caller's rights and search_path (the caller's query must see
-- the caller's names), so every name of ours in it is schema-qualified, down
-- to the operators; every parameter reaches it as a bound value ($1, $2, ...),
-- never as text. (Every OPERATOR(...) has one precedence, left to right:
-- a OPERATOR(=) b OPERATOR(-) 1 is (a = b) - 1, so mixed ones are parenthesized.)

-- The columns a query would return, from parse analysis alone.
CREATE FUNCTION eventml_query_columns(query text) RETURNS TABLE (name text, type regtype)
AS 'MODULE_PATHNAME', 'eventml_query_columns' LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

-- The report's events query, checked (entity, ts timestamptz or timestamp,
-- event text or another string type, and the optional column named extra)
-- and wrapped as a subquery with the columns entity, ts (timestamptz: a
-- timestamp is read in the session's TimeZone), event (text) and, when extra
-- is given, extra (text, NULL when the query has no fourth column); rows with
-- a NULL entity or ts are left out.
CREATE FUNCTION eventml_events_sql(report text, query text, extra text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    names text[];
    types regtype[];
    fits boolean;
    expected text := 'entity, ts timestamptz or timestamp, event text'
        OPERATOR(pg_catalog.||) CASE WHEN extra IS NULL THEN '' ELSE '[, ' OPERATOR(pg_catalog.||) extra OPERATOR(pg_catalog.||) ']' END;
BEGIN
    IF query IS NULL THEN
        RAISE EXCEPTION '%: the events query must not be NULL', report USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT pg_catalog.array_agg(c.name), pg_catalog.array_agg(c.type) INTO names, types
    FROM @extschema@.eventml_query_columns(query) AS c;
    fits := pg_catalog.cardinality(types) OPERATOR(pg_catalog.=) 3
            OR (extra IS NOT NULL AND pg_catalog.cardinality(types) OPERATOR(pg_catalog.=) 4);
    IF fits THEN
        fits := types[2] OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.timestamptz', 'pg_catalog.timestamp']::pg_catalog.regtype[])
                AND (SELECT t.typcategory OPERATOR(pg_catalog.=) 'S' FROM pg_catalog.pg_type AS t
                     WHERE t.oid OPERATOR(pg_catalog.=) types[3]);
    END IF;
    IF NOT coalesce(fits, false) THEN
        RAISE EXCEPTION '%: the events query must return (%), but it returns (%)', report, expected,
            (SELECT pg_catalog.string_agg(pg_catalog.format('%s %s', n, pg_catalog.format_type(t, NULL)), ', ')
             FROM ROWS FROM (pg_catalog.unnest(names), pg_catalog.unnest(types)) AS c(n, t))
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    RETURN pg_catalog.format(
        'SELECT e.entity, e.ts::pg_catalog.timestamptz AS ts, e.event::pg_catalog.text AS event%s FROM (%s'
        OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
        ') AS e(entity, ts, event%s) WHERE e.entity IS NOT NULL AND e.ts IS NOT NULL',
        CASE WHEN extra IS NULL THEN ''
             WHEN pg_catalog.cardinality(types) OPERATOR(pg_catalog.=) 4 THEN ', e.extra::pg_catalog.text AS extra'
             ELSE ', NULL::pg_catalog.text AS extra' END,
        query,
        CASE WHEN pg_catalog.cardinality(types) OPERATOR(pg_catalog.=) 4 THEN ', extra' ELSE '' END);
END
$$;

-- Periods: 'hour', 'day', 'week' (ISO, from Monday) and 'month', in the
-- session's TimeZone as date_trunc has them, numbered by an index (hours and
-- local days or weeks since 1970, months since year 0: 1970 is 23640), so that period
-- arithmetic is integer arithmetic and does not depend on daylight saving.
CREATE FUNCTION eventml_check_period(report text, period text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF period IS NULL THEN
        RAISE EXCEPTION '%: period must not be NULL', report USING ERRCODE = 'null_value_not_allowed';
    ELSIF period NOT IN ('hour', 'day', 'week', 'month') THEN
        RAISE EXCEPTION '%: period must be ''hour'', ''day'', ''week'' or ''month'', got %', report, quote_literal(period)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN period;
END
$$;

-- The index of the period holding t (core reports::period_index; an ERROR
-- for an infinite t).
CREATE FUNCTION eventml_period_index(period text, t timestamptz) RETURNS bigint
AS 'MODULE_PATHNAME', 'eventml_period_index' LANGUAGE C STRICT STABLE PARALLEL SAFE;

-- The start of the period of index i: date_trunc(period, t) for every t in it.
CREATE FUNCTION eventml_period_start(period text, i bigint) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT CASE
    -- i * 3600 s lies within hour i, whatever the zone's offset within its hour.
    WHEN period OPERATOR(pg_catalog.=) 'hour' THEN pg_catalog.date_trunc('hour', pg_catalog.to_timestamp((i OPERATOR(pg_catalog.*) 3600)::pg_catalog.float8))
    WHEN period OPERATOR(pg_catalog.=) 'day' THEN (pg_catalog.date '1970-01-01' OPERATOR(pg_catalog.+) i::pg_catalog.int4)::pg_catalog.timestamptz
    WHEN period OPERATOR(pg_catalog.=) 'week' THEN (pg_catalog.date '1970-01-05' OPERATOR(pg_catalog.+)
                      (i OPERATOR(pg_catalog.*) 7)::pg_catalog.int4)::pg_catalog.timestamptz
    WHEN period OPERATOR(pg_catalog.=) 'month' THEN (pg_catalog.date '1970-01-01' OPERATOR(pg_catalog.+)
                      pg_catalog.make_interval(months => (i OPERATOR(pg_catalog.-) 23640)::pg_catalog.int4))::pg_catalog.timestamptz
END
$$;

-- eventml_first_value(ts, value): the value of the earliest row with a
-- non-NULL value (ties: the first such row seen); funnel_report's breakdown.
CREATE FUNCTION eventml_first_value_trans(state internal, ts timestamptz, value text)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_first_value_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_first_value_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_first_value_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_first_value_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'eventml_first_value_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_first_value_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_first_value_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_first_value_final(state internal)
RETURNS text AS 'MODULE_PATHNAME', 'eventml_first_value_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE eventml_first_value(ts timestamptz, value text) (
    SFUNC = eventml_first_value_trans, STYPE = internal, FINALFUNC = eventml_first_value_final,
    COMBINEFUNC = eventml_first_value_combine, SERIALFUNC = eventml_first_value_serialize,
    DESERIALFUNC = eventml_first_value_deserialize, PARALLEL = SAFE
);

-- eventml_period_set(period, ts): the distinct indexes of the rows' periods,
-- ascending (bigint[]); an entity's active periods, in one pass with one group
-- per entity. The index is computed in C as the rows arrive (an SQL
-- expression per row cost as much as the scan).
CREATE FUNCTION eventml_period_set_trans(state internal, period text, ts timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_period_set_trans' LANGUAGE C CALLED ON NULL INPUT STABLE PARALLEL SAFE;
CREATE FUNCTION eventml_period_set_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_period_set_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_period_set_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'eventml_period_set_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_period_set_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_period_set_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_period_set_final(state internal)
RETURNS bigint[] AS 'MODULE_PATHNAME', 'eventml_period_set_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE eventml_period_set(period text, ts timestamptz) (
    SFUNC = eventml_period_set_trans, STYPE = internal, FINALFUNC = eventml_period_set_final,
    COMBINEFUNC = eventml_period_set_combine, SERIALFUNC = eventml_period_set_serialize,
    DESERIALFUNC = eventml_period_set_deserialize, PARALLEL = SAFE,
    -- A state's usual size (its first 64 periods and header), so that the
    -- planner does not take PostgreSQL's default of 8 kB per group for an
    -- internal state and spill a hash aggregation of 100,000 entities to disk.
    SSPACE = 600
);

-- eventml_retention_counts(cohort, returns, observed, periods, cumulative):
-- over one row per entity (its cohort period or NULL, its return periods
-- ascending, the last period observed), retention_matrix's cells as
-- bigint[cells][4]: cohort, cohort entities, period number, entities (NULL
-- after the last observed period), ordered (core reports::RetentionCounts).
CREATE FUNCTION eventml_retention_counts_trans(state internal, cohort bigint, returns bigint[], observed bigint,
                                               periods int, cumulative boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_retention_counts_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_retention_counts_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_retention_counts_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_retention_counts_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'eventml_retention_counts_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_retention_counts_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_retention_counts_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_retention_counts_final(state internal)
RETURNS bigint[] AS 'MODULE_PATHNAME', 'eventml_retention_counts_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE eventml_retention_counts(cohort bigint, returns bigint[], observed bigint, periods int, cumulative boolean) (
    SFUNC = eventml_retention_counts_trans, STYPE = internal, FINALFUNC = eventml_retention_counts_final,
    COMBINEFUNC = eventml_retention_counts_combine, SERIALFUNC = eventml_retention_counts_serialize,
    DESERIALFUNC = eventml_retention_counts_deserialize, PARALLEL = SAFE
);

-- eventml_lifecycle_counts(active, observed): over one row per entity (its
-- active periods ascending, the last period observed), lifecycle's counts as
-- bigint[periods][5]: period, new, returning, resurrecting, dormant, for every
-- period from the first active one to the last observed or active one (core
-- reports::LifecycleCounts).
CREATE FUNCTION eventml_lifecycle_counts_trans(state internal, active bigint[], observed bigint)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_lifecycle_counts_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_lifecycle_counts_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_lifecycle_counts_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_lifecycle_counts_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'eventml_lifecycle_counts_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_lifecycle_counts_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_lifecycle_counts_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_lifecycle_counts_final(state internal)
RETURNS bigint[] AS 'MODULE_PATHNAME', 'eventml_lifecycle_counts_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE eventml_lifecycle_counts(active bigint[], observed bigint) (
    SFUNC = eventml_lifecycle_counts_trans, STYPE = internal, FINALFUNC = eventml_lifecycle_counts_final,
    COMBINEFUNC = eventml_lifecycle_counts_combine, SERIALFUNC = eventml_lifecycle_counts_serialize,
    DESERIALFUNC = eventml_lifecycle_counts_deserialize, PARALLEL = SAFE
);

-- funnel_report: per breakdown and step, the entities whose funnel level
-- reaches the step, conversion from step 1 and from the step before, and the
-- median and mean time from the previous step of their funnel_times chain.
CREATE FUNCTION funnel_report(events text, steps text[], "window" interval, mode text DEFAULT NULL)
RETURNS TABLE (breakdown text, step int, step_name text, entities bigint, conversion float8,
               step_conversion float8, median_time interval, mean_time interval)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('funnel_report', events, 'breakdown');
    n int := pg_catalog.cardinality(steps);
    conditions text;
BEGIN
    IF steps IS NULL OR n OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'funnel_report: steps must name at least one event' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.format('e.event OPERATOR(pg_catalog.=) $1[%s]', i), ', ' ORDER BY i)
    INTO conditions FROM pg_catalog.generate_series(1, n) AS i;
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        WITH per_entity AS (
            SELECT @extschema@.eventml_first_value(e.ts, e.extra) AS breakdown,
                   @extschema@.funnel_times(e.ts, $2, %s%s) AS times
            FROM (%s) AS e GROUP BY e.entity),
        cells AS (
            SELECT p.breakdown, s.step,
                   pg_catalog.count(*) FILTER (WHERE pg_catalog.cardinality(p.times) OPERATOR(pg_catalog.>=) s.step) AS entities,
                   pg_catalog.percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY p.times[s.step] OPERATOR(pg_catalog.-) p.times[s.step OPERATOR(pg_catalog.-) 1])
                       FILTER (WHERE pg_catalog.cardinality(p.times) OPERATOR(pg_catalog.>=) s.step
                               AND s.step OPERATOR(pg_catalog.>) 1) AS median_time,
                   pg_catalog.avg(p.times[s.step] OPERATOR(pg_catalog.-) p.times[s.step OPERATOR(pg_catalog.-) 1])
                       FILTER (WHERE pg_catalog.cardinality(p.times) OPERATOR(pg_catalog.>=) s.step
                               AND s.step OPERATOR(pg_catalog.>) 1) AS mean_time
            FROM per_entity AS p CROSS JOIN pg_catalog.generate_series(1, $4) AS s(step)
            GROUP BY p.breakdown, s.step)
        SELECT c.breakdown, c.step, $1[c.step], c.entities,
               c.entities::pg_catalog.float8 OPERATOR(pg_catalog./)
                   NULLIF(pg_catalog.first_value(c.entities) OVER w, 0)::pg_catalog.float8,
               c.entities::pg_catalog.float8 OPERATOR(pg_catalog./)
                   NULLIF(coalesce(pg_catalog.lag(c.entities) OVER w, c.entities), 0)::pg_catalog.float8,
               c.median_time, c.mean_time
        FROM cells AS c
        WINDOW w AS (PARTITION BY c.breakdown ORDER BY c.step)
        ORDER BY c.breakdown, c.step
        $sql$, CASE WHEN mode IS NULL THEN '' ELSE '$3, ' END, conditions, source)
    USING steps, "window", mode, n;
END
$$;

-- retention_matrix: first-time cohorts (the period of each entity's first
-- start event) and, for period numbers 0 .. periods-1, the entities with a
-- return event in that period (with cumulative: in it or any later one);
-- cells after as_of are NULL.
CREATE FUNCTION retention_matrix(events text, period text, periods int, as_of timestamptz DEFAULT NULL,
                                 start_event text DEFAULT NULL, return_event text DEFAULT NULL,
                                 cumulative boolean DEFAULT false)
RETURNS TABLE (cohort timestamptz, cohort_entities bigint, period_number int, entities bigint, retention float8)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('retention_matrix', events);
BEGIN
    PERFORM @extschema@.eventml_check_period('retention_matrix', period);
    IF periods IS NULL OR periods OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'retention_matrix: periods must be at least 1, got %', coalesce(periods::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cumulative IS NULL THEN
        RAISE EXCEPTION 'retention_matrix: cumulative must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- One row per entity: its cohort, return periods and last observed
    -- period, each from its active periods when no event names it (one
    -- aggregate then serves all three).
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        WITH per_entity AS (
            SELECT %s AS cohort, %s AS returns, %s AS observed
            FROM (%s) AS e
            WHERE $3 IS NULL OR e.ts OPERATOR(pg_catalog.<=) $3
            GROUP BY e.entity),
        counted AS (
            SELECT @extschema@.eventml_retention_counts(p.cohort, p.returns, p.observed, $2, $6) AS m FROM per_entity AS p)
        SELECT @extschema@.eventml_period_start($1, c.m[i][1]), c.m[i][2], c.m[i][3]::pg_catalog.int4, c.m[i][4],
               c.m[i][4]::pg_catalog.float8 OPERATOR(pg_catalog./) c.m[i][2]::pg_catalog.float8
        FROM counted AS c CROSS JOIN LATERAL pg_catalog.generate_subscripts(c.m, 1) AS i
        ORDER BY i
        $sql$,
        CASE WHEN start_event IS NULL THEN '(@extschema@.eventml_period_set($1, e.ts))[1]'
             ELSE '@extschema@.eventml_period_index($1, pg_catalog.min(e.ts) FILTER (WHERE e.event OPERATOR(pg_catalog.=) $4))' END,
        CASE WHEN return_event IS NULL THEN '@extschema@.eventml_period_set($1, e.ts)'
             ELSE '@extschema@.eventml_period_set($1, e.ts) FILTER (WHERE e.event OPERATOR(pg_catalog.=) $5)' END,
        CASE WHEN as_of IS NULL THEN '(@extschema@.eventml_period_set($1, e.ts))[pg_catalog.cardinality(@extschema@.eventml_period_set($1, e.ts))]'
             ELSE '@extschema@.eventml_period_index($1, $3)' END,
        source)
    USING period, periods, as_of, start_event, return_event, cumulative;
END
$$;

-- lifecycle: per period, PostHog's statuses new, returning, resurrecting
-- and dormant (a positive count of entities active in the period before).
CREATE FUNCTION lifecycle(events text, period text, as_of timestamptz DEFAULT NULL)
RETURNS TABLE (period_start timestamptz, status text, entities bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('lifecycle', events);
BEGIN
    PERFORM @extschema@.eventml_check_period('lifecycle', period);
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        WITH counted AS (  -- from one row per entity: its active periods, ascending
            SELECT @extschema@.eventml_lifecycle_counts(p.active, @extschema@.eventml_period_index($1, $2)) AS m
            FROM (SELECT @extschema@.eventml_period_set($1, e.ts) AS active
                  FROM (%s) AS e
                  WHERE $2 IS NULL OR e.ts OPERATOR(pg_catalog.<=) $2
                  GROUP BY e.entity) AS p)
        SELECT @extschema@.eventml_period_start($1, c.m[i][1]), s.status, c.m[i][1 OPERATOR(pg_catalog.+) s.ord::pg_catalog.int4]
        FROM counted AS c CROSS JOIN LATERAL pg_catalog.generate_subscripts(c.m, 1) AS i
        CROSS JOIN pg_catalog.unnest(ARRAY['new', 'returning', 'resurrecting', 'dormant']) WITH ORDINALITY AS s(status, ord)
        ORDER BY i, s.ord
        $sql$, source)
    USING period, as_of;
END
$$;

-- stickiness: entities by their number of distinct active periods in [from_ts, to_ts).
CREATE FUNCTION stickiness(events text, period text DEFAULT 'day', from_ts timestamptz DEFAULT NULL,
                           to_ts timestamptz DEFAULT NULL)
RETURNS TABLE (active_periods int, entities bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('stickiness', events);
BEGIN
    PERFORM @extschema@.eventml_check_period('stickiness', period);
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        SELECT pg_catalog.cardinality(p.active)::pg_catalog.int4, pg_catalog.count(*)
        FROM (SELECT @extschema@.eventml_period_set($1, e.ts) AS active
              FROM (%s) AS e
              WHERE ($2 IS NULL OR e.ts OPERATOR(pg_catalog.>=) $2) AND ($3 IS NULL OR e.ts OPERATOR(pg_catalog.<) $3)
              GROUP BY e.entity) AS p
        GROUP BY 1 ORDER BY 1
        $sql$, source)
    USING period, from_ts, to_ts;
END
$$;

-- sessions: one row per session, numbered by session_id over the entity's
-- rows in time order (ties as that window orders them).
CREATE FUNCTION sessions(events text, gap interval, max_length interval DEFAULT NULL)
RETURNS TABLE (entity text, session int, session_start timestamptz, session_end timestamptz, event_count bigint,
               duration interval, first_event text, last_event text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('sessions', events);
BEGIN
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        SELECT s.entity::pg_catalog.text, s.session::pg_catalog.int4, pg_catalog.min(s.ts), pg_catalog.max(s.ts),
               pg_catalog.count(*), pg_catalog.max(s.ts) OPERATOR(pg_catalog.-) pg_catalog.min(s.ts),
               (pg_catalog.array_agg(s.event ORDER BY s.n))[1],
               (pg_catalog.array_agg(s.event ORDER BY s.n DESC))[1]
        FROM (SELECT e.entity, e.ts, e.event, @extschema@.session_id(e.ts, $1%s) OVER w AS session,
                     pg_catalog.row_number() OVER w AS n
              FROM (%s) AS e WINDOW w AS (PARTITION BY e.entity ORDER BY e.ts)) AS s
        GROUP BY s.entity, s.session
        ORDER BY s.entity, s.session
        $sql$, CASE WHEN max_length IS NULL THEN '' ELSE ', $2' END, source)
    USING gap, max_length;
END
$$;

-- The demo generator returns two more columns: a new function.
DROP FUNCTION eventml_demo_events(int, int);

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
