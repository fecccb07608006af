-- eventml: the reports, tables a BI tool charts (src/pg/reports.cpp, docs/reports.md):
-- funnel_report, funnel_trends, funnel_drivers, retention_matrix, lifecycle, stickiness, sessions.
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.
--
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
    DESERIALFUNC = eventml_first_value_deserialize, PARALLEL = SAFE,
    SSPACE = 64  -- a time and a short value (see eventml_period_set's SSPACE)
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

-- A funnel's step conditions over the events query as SQL text, for steps
-- bound as $1: e.event = $1[1], ..., e.event = $1[n].
CREATE FUNCTION eventml_step_conditions(n int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.string_agg(pg_catalog.format('e.event OPERATOR(pg_catalog.=) $1[%s]', i), ', ' ORDER BY i)
    FROM pg_catalog.generate_series(1, n) AS i
$$;

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
CREATE FUNCTION sessions(events text, gap interval, max_length interval DEFAULT NULL)
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
