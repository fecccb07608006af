-- eventml 0.4.0 -> 0.5.0: funnels and paths beyond ClickHouse.
--   - funnel_excluding and funnel_times_excluding (PostHog's exclusion
--     steps), and funnel_report's exclusions argument (the funnel reports'
--     step conditions now come from one helper, eventml_step_conditions);
--   - funnel mode 'unordered' (PostHog's any-order funnel; a change in the
--     library only);
--   - funnel_trends (PostHog's conversion trends), with its helper
--     eventml_funnel_starts;
--   - funnel_drivers (funnel correlation with odds ratios, intervals, Fisher's
--     exact test and Benjamini-Hochberg q-values), with eventml_two_by_two;
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

-- A funnel's step conditions over the events query as SQL text, for steps
-- bound as $1: e.event = $1[1], ..., e.event = $1[n].
CREATE FUNCTION eventml_step_conditions(n int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.string_agg(pg_catalog.format('e.event OPERATOR(pg_catalog.=) $1[%s]', i), ', ' ORDER BY i)
    FROM pg_catalog.generate_series(1, n) AS i
$$;

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
    conditions := @extschema@.eventml_step_conditions(n);
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
    conditions := @extschema@.eventml_step_conditions(n);
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

-- funnel_drivers (as in src/sql/reports.sql).
-- eventml_two_by_two(a, b, c, d): a 2x2 table's Wald odds ratio with its
-- 95 % interval and Fisher's exact two-sided p-value (core two_by_two).
CREATE FUNCTION eventml_two_by_two(a bigint, b bigint, c bigint, d bigint, OUT odds_ratio float8, OUT ci_low float8,
                                   OUT ci_high float8, OUT p_value float8)
AS 'MODULE_PATHNAME', 'eventml_two_by_two' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- eventml_bh_adjust(p): Benjamini-Hochberg adjusted p-values (R's
-- p.adjust(p, "BH")), in p's order.
CREATE FUNCTION eventml_bh_adjust(p float8[]) RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.array_agg(y.q ORDER BY y.i)
    FROM (SELECT x.i, LEAST(1, pg_catalog.min(x.v OPERATOR(pg_catalog.*) x.m OPERATOR(pg_catalog./) x.r)
                                   OVER (ORDER BY x.r DESC ROWS UNBOUNDED PRECEDING)) AS q
          FROM (SELECT u.i, u.v, pg_catalog.row_number() OVER (ORDER BY u.v, u.i) AS r,
                       pg_catalog.count(*) OVER () AS m
                FROM pg_catalog.unnest(p) WITH ORDINALITY AS u(v, i)) AS x) AS y
$$;

-- funnel_drivers: for each event other than the steps, among the entities
-- that reached step 1, how many that converted (reached the last step) and
-- how many that did not had done it (before the chain reached the last
-- step, for those that converted; at any time, for the others); the 2x2
-- table's statistics, and Benjamini-Hochberg q-values across the events
-- that at least min_entities entities did.
CREATE FUNCTION funnel_drivers(events text, steps text[], "window" interval, mode text DEFAULT NULL,
                               min_entities int DEFAULT 25)
RETURNS TABLE (event text, converted_with bigint, converted_without bigint, not_converted_with bigint,
               not_converted_without bigint, odds_ratio float8, ci_low float8, ci_high float8, p_value float8,
               q_value float8)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    source text := @extschema@.eventml_events_sql('funnel_drivers', events);
    n int := pg_catalog.cardinality(steps);
    conditions text;
BEGIN
    IF steps IS NULL OR n OPERATOR(pg_catalog.<) 2 THEN
        RAISE EXCEPTION 'funnel_drivers: steps must name at least two events, got %', coalesce(n, 0)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF min_entities IS NULL OR min_entities OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'funnel_drivers: min_entities must be at least 1, got %', min_entities
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    conditions := @extschema@.eventml_step_conditions(n);
    RETURN QUERY EXECUTE pg_catalog.format($sql$
        WITH marked AS MATERIALIZED (
            SELECT e.entity, e.ts, e.event,
                   @extschema@.funnel_times(e.ts, $2, %s%s) OVER (PARTITION BY e.entity) AS t
            FROM (%s) AS e),
        entered AS (
            SELECT pg_catalog.count(*) FILTER (WHERE x.converted) AS converted,
                   pg_catalog.count(*) FILTER (WHERE NOT x.converted) AS dropped
            FROM (SELECT pg_catalog.bool_or(pg_catalog.cardinality(m.t) OPERATOR(pg_catalog.=) $4) AS converted
                  FROM marked AS m WHERE pg_catalog.cardinality(m.t) OPERATOR(pg_catalog.>=) 1 GROUP BY m.entity) AS x),
        done AS (
            SELECT d.event, pg_catalog.count(*) FILTER (WHERE d.converted) AS converted_with,
                   pg_catalog.count(*) FILTER (WHERE NOT d.converted) AS dropped_with
            FROM (SELECT m.entity, m.event, pg_catalog.cardinality(m.t) OPERATOR(pg_catalog.=) $4 AS converted
                  FROM marked AS m
                  WHERE pg_catalog.cardinality(m.t) OPERATOR(pg_catalog.>=) 1 AND m.event IS NOT NULL
                    AND m.event OPERATOR(pg_catalog.<>) ALL ($1)
                    AND (pg_catalog.cardinality(m.t) OPERATOR(pg_catalog.<) $4 OR m.ts OPERATOR(pg_catalog.<) m.t[$4])
                  GROUP BY m.entity, m.event, 3) AS d
            GROUP BY d.event
            HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>=) $5),
        tested AS (
            SELECT d.event, d.converted_with, g.converted OPERATOR(pg_catalog.-) d.converted_with AS converted_without,
                   d.dropped_with, g.dropped OPERATOR(pg_catalog.-) d.dropped_with AS dropped_without,
                   @extschema@.eventml_two_by_two(d.converted_with, g.converted OPERATOR(pg_catalog.-) d.converted_with,
                                                  d.dropped_with, g.dropped OPERATOR(pg_catalog.-) d.dropped_with) AS s
            FROM done AS d CROSS JOIN entered AS g),
        listed AS (
            SELECT pg_catalog.array_agg(t.event ORDER BY (t.s).p_value, t.event) AS events,
                   pg_catalog.array_agg((t.s).p_value ORDER BY (t.s).p_value, t.event) AS p
            FROM tested AS t),
        adjusted AS (
            SELECT u.event, u.q, u.r
            FROM listed AS l,
                 ROWS FROM (pg_catalog.unnest(l.events), pg_catalog.unnest(@extschema@.eventml_bh_adjust(l.p)))
                     WITH ORDINALITY AS u(event, q, r))
        SELECT t.event, t.converted_with, t.converted_without, t.dropped_with, t.dropped_without,
               (t.s).odds_ratio, (t.s).ci_low, (t.s).ci_high, (t.s).p_value, a.q
        FROM tested AS t JOIN adjusted AS a ON a.event OPERATOR(pg_catalog.=) t.event
        ORDER BY a.r
        $sql$, CASE WHEN mode IS NULL THEN '' ELSE '$3, ' END, conditions, source)
    USING steps, "window", mode, n, min_entities;
END
$$;
