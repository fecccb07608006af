-- eventml 0.4.0 -> 0.5.0: funnels and paths beyond ClickHouse.
--   - funnel_excluding and funnel_times_excluding (PostHog's exclusion
--     steps), and funnel_report's exclusions argument;
--   - funnel mode 'unordered' (PostHog's any-order funnel; a change in the
--     library only);
--   - funnel_trends (PostHog's conversion trends), with its helper
--     eventml_funnel_starts;
--   - path_match_events (ClickHouse's sequenceMatchEvents);
--   - path_match and path_count with a time limit on the whole match (within);
--   - patterns accept numbers with a leading '+', as ClickHouse's parser does
--     (a change in the library only);
--   - the sessions report runs on one aggregate per entity,
--     eventml_session_list, instead of a window over every row; rows at the
--     same time keep the order the query returns them in;
--   - eventml_first_value declares its state size (SSPACE), so that the
--     planner does not plan to spill funnel_report's hash aggregation.
-- The path and funnel states gained fields (a library change: states are
-- only ever shipped between the processes of one query).
\echo Use "ALTER EXTENSION eventml UPDATE TO '0.5.0'" to load this file. \quit

CREATE FUNCTION path_match_trans(state internal, pattern text, ts timestamptz, within interval, conds boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_match_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_trans(state internal, pattern text, ts timestamp, within interval, conds boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_match_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_events_final(state internal)
RETURNS timestamptz[] AS 'MODULE_PATHNAME', 'path_match_events_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_events_final_ts(state internal)
RETURNS timestamp[] AS 'MODULE_PATHNAME', 'path_match_events_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE path_match(pattern text, ts timestamptz, within interval, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_match(pattern text, ts timestamp, within interval, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_count(pattern text, ts timestamptz, within interval, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_count_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_count(pattern text, ts timestamp, within interval, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_count_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_match_events(pattern text, ts timestamptz, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_events_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_match_events(pattern text, ts timestamp, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_events_final_ts, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);

-- The sessions report (as in src/sql/reports.sql).
-- eventml_session_list(ts, event, gap, max_length): an entity's sessions, as
-- session_id splits its rows in time order (ties in the order the rows
-- arrive), in one pass with one group per entity: the arrays of their
-- start and end times, event counts and first and last event names. A NULL
-- max_length means none. (src/core/sessions, src/pg/sessions.cpp)
CREATE TYPE eventml_session_list AS (
    starts       timestamptz[],
    ends         timestamptz[],
    event_counts bigint[],
    first_events text[],
    last_events  text[]
);
CREATE FUNCTION eventml_session_list_trans(state internal, ts timestamptz, event text, gap interval, max_length interval)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_session_list_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_session_list_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_session_list_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_session_list_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'eventml_session_list_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_session_list_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'eventml_session_list_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION eventml_session_list_final(state internal)
RETURNS eventml_session_list AS 'MODULE_PATHNAME', 'eventml_session_list_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE eventml_session_list(ts timestamptz, event text, gap interval, max_length interval) (
    SFUNC = eventml_session_list_trans, STYPE = internal, FINALFUNC = eventml_session_list_final,
    COMBINEFUNC = eventml_session_list_combine, SERIALFUNC = eventml_session_list_serialize,
    DESERIALFUNC = eventml_session_list_deserialize, PARALLEL = SAFE,
    SSPACE = 600  -- some 30 events of 16 bytes and their names (see eventml_period_set's SSPACE)
);

-- sessions: one row per session, numbered by session_id over the entity's
-- rows in time order (ties in the order the query returns them). The rows
-- come out by entity and session because the entities are sorted before
-- their sessions are unnested in order (a nested loop keeps its outer
-- order); sorting every session row again cost a third of the report.
CREATE OR REPLACE FUNCTION sessions(events text, gap interval, max_length interval DEFAULT NULL)
RETURNS TABLE (entity text, session int, session_start timestamptz, session_end timestamptz, event_count bigint,
               duration interval, first_event text, last_event text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('sessions', events);
BEGIN
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        SELECT p.entity::pg_catalog.text, s.session::pg_catalog.int4, s.session_start, s.session_end, s.event_count,
               s.session_end OPERATOR(pg_catalog.-) s.session_start, s.first_event, s.last_event
        FROM (SELECT e.entity, @extschema@.eventml_session_list(e.ts, e.event, $1, $2) AS list
              FROM (%s) AS e GROUP BY e.entity ORDER BY e.entity) AS p,
             LATERAL ROWS FROM (pg_catalog.unnest((p.list).starts), pg_catalog.unnest((p.list).ends),
                                pg_catalog.unnest((p.list).event_counts), pg_catalog.unnest((p.list).first_events),
                                pg_catalog.unnest((p.list).last_events))
                 WITH ORDINALITY AS s(session_start, session_end, event_count, first_event, last_event, session)
        $sql$, source)
    USING gap, max_length;
END
$$;

-- An internal helper of funnel_report (nothing else depends on it): recreated
-- with its SSPACE, which ALTER AGGREGATE cannot set.
DROP AGGREGATE eventml_first_value(timestamptz, text);
CREATE AGGREGATE eventml_first_value(ts timestamptz, value text) (
    SFUNC = eventml_first_value_trans, STYPE = internal, FINALFUNC = eventml_first_value_final,
    COMBINEFUNC = eventml_first_value_combine, SERIALFUNC = eventml_first_value_serialize,
    DESERIALFUNC = eventml_first_value_deserialize, PARALLEL = SAFE,
    SSPACE = 64  -- a time and a short value (see eventml_period_set's SSPACE)
);

-- Funnel exclusions (as in src/sql/funnel.sql).
CREATE FUNCTION funnel_trans(state internal, ts timestamptz, "window" interval, mode text, exclusion boolean,
                             steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_trans(state internal, ts timestamptz, "window" interval, mode text, exclusion boolean,
                             from_step int, to_step int, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_trans(state internal, ts timestamp, "window" interval, mode text, exclusion boolean,
                             steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_trans(state internal, ts timestamp, "window" interval, mode text, exclusion boolean,
                             from_step int, to_step int, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
-- funnel_excluding / funnel_times_excluding: funnel and funnel_times with
-- an exclusion condition (PostHog's exclusion steps), for the whole funnel
-- or between from_step and to_step; -1 (NULL times) for an entity the
-- exclusion leaves out. mode '' is no mode.
CREATE AGGREGATE funnel_excluding(ts timestamptz, "window" interval, mode text, exclusion boolean,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_excluding(ts timestamptz, "window" interval, mode text, exclusion boolean, from_step int, to_step int,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_excluding(ts timestamp, "window" interval, mode text, exclusion boolean,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_excluding(ts timestamp, "window" interval, mode text, exclusion boolean, from_step int, to_step int,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times_excluding(ts timestamptz, "window" interval, mode text, exclusion boolean,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times_excluding(ts timestamptz, "window" interval, mode text, exclusion boolean, from_step int, to_step int,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times_excluding(ts timestamp, "window" interval, mode text, exclusion boolean,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final_ts, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times_excluding(ts timestamp, "window" interval, mode text, exclusion boolean, from_step int, to_step int,
    VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final_ts, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);

-- funnel_report gains exclusions (a new argument: the old function is replaced).
DROP FUNCTION funnel_report(text, text[], interval, text);
-- funnel_report: per breakdown and step, the entities whose funnel level
-- reaches the step, conversion from step 1 and from the step before, and the
-- median and mean time from the previous step of their funnel_times chain.
-- With exclusions, an event named there leaves an entity out as
-- funnel_times_excluding does, for the whole funnel.
CREATE FUNCTION funnel_report(events text, steps text[], "window" interval, mode text DEFAULT NULL,
                              exclusions text[] DEFAULT NULL)
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
    IF exclusions IS NOT NULL AND n OPERATOR(pg_catalog.<) 2 THEN
        RAISE EXCEPTION 'funnel_report: exclusions need a funnel of at least 2 steps, got 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.format('e.event OPERATOR(pg_catalog.=) $1[%s]', i), ', ' ORDER BY i)
    INTO conditions FROM pg_catalog.generate_series(1, n) AS i;
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        WITH per_entity AS (
            SELECT @extschema@.eventml_first_value(e.ts, e.extra) AS breakdown,
                   @extschema@.%s(e.ts, $2, %s%s) AS times
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
        $sql$, CASE WHEN exclusions IS NULL THEN 'funnel_times' ELSE 'funnel_times_excluding' END,
        CASE WHEN exclusions IS NOT NULL THEN 'coalesce($3, ''''), e.event OPERATOR(pg_catalog.=) ANY ($5), '
             WHEN mode IS NOT NULL THEN '$3, ' ELSE '' END,
        conditions, source)
    USING steps, "window", mode, n, exclusions;
END
$$;

-- funnel_trends (as in src/sql/reports.sql).
-- eventml_funnel_starts(ts, window, mode, VARIADIC steps): funnel_trends'
-- per-entity part, on funnel's state: its step-1 events in time order and
-- whether the chain each starts reaches the last step (core
-- funnel::FunnelState::starts; src/pg/funnel.cpp).
CREATE TYPE eventml_funnel_starts AS (starts timestamptz[], converted boolean[]);
CREATE FUNCTION eventml_funnel_starts_final(state internal)
RETURNS eventml_funnel_starts AS 'MODULE_PATHNAME', 'funnel_starts_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE eventml_funnel_starts(ts timestamptz, "window" interval, mode text, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = eventml_funnel_starts_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE,
    SSPACE = 600  -- some 30 events of 16 bytes (see eventml_period_set's SSPACE)
);

-- funnel_trends: per period of entry, the entities with a step-1 event in it
-- and those of them for which a chain started in it converts; every period
-- from the first entry to the last, zeros included.
CREATE FUNCTION funnel_trends(events text, steps text[], "window" interval, period text, mode text DEFAULT NULL)
RETURNS TABLE (period_start timestamptz, entered bigint, converted bigint, conversion float8)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('funnel_trends', events);
    n int := pg_catalog.cardinality(steps);
    conditions text;
BEGIN
    IF steps IS NULL OR n OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'funnel_trends: steps must name at least one event' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM @extschema@.eventml_check_period('funnel_trends', period);
    SELECT pg_catalog.string_agg(pg_catalog.format('e.event OPERATOR(pg_catalog.=) $1[%s]', i), ', ' ORDER BY i)
    INTO conditions FROM pg_catalog.generate_series(1, n) AS i;
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        WITH entries AS (
            SELECT @extschema@.eventml_period_index($3, s.t) AS p, pg_catalog.bool_or(s.converted) AS converted
            FROM (SELECT e.entity, @extschema@.eventml_funnel_starts(e.ts, $2, coalesce($4, ''), %s) AS f
                  FROM (%s) AS e GROUP BY e.entity) AS g,
                 LATERAL ROWS FROM (pg_catalog.unnest((g.f).starts), pg_catalog.unnest((g.f).converted)) AS s(t, converted)
            GROUP BY g.entity, 1),
        counted AS (
            SELECT x.p, pg_catalog.count(*) AS entered, pg_catalog.count(*) FILTER (WHERE x.converted) AS converted
            FROM entries AS x GROUP BY x.p)
        SELECT @extschema@.eventml_period_start($3, r.p), coalesce(c.entered, 0), coalesce(c.converted, 0),
               c.converted::pg_catalog.float8 OPERATOR(pg_catalog./) NULLIF(c.entered, 0)::pg_catalog.float8
        FROM (SELECT pg_catalog.generate_series(pg_catalog.min(x.p), pg_catalog.max(x.p)) FROM counted AS x) AS r(p)
        LEFT JOIN counted AS c ON c.p OPERATOR(pg_catalog.=) r.p
        ORDER BY r.p
        $sql$, conditions, source)
    USING steps, "window", period, mode;
END
$$;
