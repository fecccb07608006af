-- eventml: path_agg, path_match, path_count, path_next and the Sankey helpers (src/core/paths.*, docs/paths.md).
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.

-- Every path aggregate keeps its group's rows in one internal state (only
-- the rows where a condition holds, for path_match/path_count), serialized
-- for parallel workers, and orders them in its final function: no ORDER BY
-- needed.
CREATE FUNCTION path_agg_trans(state internal, ts timestamptz, event text)
RETURNS internal AS 'MODULE_PATHNAME', 'path_agg_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_agg_trans(state internal, ts timestamptz, event text, collapse_repeats boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'path_agg_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_agg_trans(state internal, ts timestamptz, event text, collapse_repeats boolean, keep int)
RETURNS internal AS 'MODULE_PATHNAME', 'path_agg_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_agg_trans(state internal, ts timestamp, event text)
RETURNS internal AS 'MODULE_PATHNAME', 'path_agg_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_agg_trans(state internal, ts timestamp, event text, collapse_repeats boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'path_agg_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_agg_trans(state internal, ts timestamp, event text, collapse_repeats boolean, keep int)
RETURNS internal AS 'MODULE_PATHNAME', 'path_agg_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_trans(state internal, pattern text, ts timestamptz, conds boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_match_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_trans(state internal, pattern text, ts timestamp, conds boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_match_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_trans(state internal, pattern text, ts timestamptz, within interval, conds boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_match_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_trans(state internal, pattern text, ts timestamp, within interval, conds boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_match_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_next_trans(state internal, direction text, base text, ts timestamptz, event text,
                                base_cond boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'path_next_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_next_trans(state internal, direction text, base text, ts timestamptz, event text,
                                base_cond boolean, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_next_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_next_trans(state internal, direction text, base text, ts timestamp, event text,
                                base_cond boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'path_next_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_next_trans(state internal, direction text, base text, ts timestamp, event text,
                                base_cond boolean, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'path_next_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'path_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'path_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'path_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_agg_final(state internal)
RETURNS text[] AS 'MODULE_PATHNAME', 'path_agg_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_final(state internal)
RETURNS boolean AS 'MODULE_PATHNAME', 'path_match_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_count_final(state internal)
RETURNS bigint AS 'MODULE_PATHNAME', 'path_count_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_events_final(state internal)
RETURNS timestamptz[] AS 'MODULE_PATHNAME', 'path_match_events_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_match_events_final_ts(state internal)
RETURNS timestamp[] AS 'MODULE_PATHNAME', 'path_match_events_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_next_final(state internal)
RETURNS text AS 'MODULE_PATHNAME', 'path_next_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE path_agg(ts timestamptz, event text) (
    SFUNC = path_agg_trans, STYPE = internal, FINALFUNC = path_agg_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_agg(ts timestamptz, event text, collapse_repeats boolean) (
    SFUNC = path_agg_trans, STYPE = internal, FINALFUNC = path_agg_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_agg(ts timestamptz, event text, collapse_repeats boolean, keep int) (
    SFUNC = path_agg_trans, STYPE = internal, FINALFUNC = path_agg_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_agg(ts timestamp, event text) (
    SFUNC = path_agg_trans, STYPE = internal, FINALFUNC = path_agg_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_agg(ts timestamp, event text, collapse_repeats boolean) (
    SFUNC = path_agg_trans, STYPE = internal, FINALFUNC = path_agg_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_agg(ts timestamp, event text, collapse_repeats boolean, keep int) (
    SFUNC = path_agg_trans, STYPE = internal, FINALFUNC = path_agg_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE path_match(pattern text, ts timestamptz, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_match(pattern text, ts timestamp, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_count(pattern text, ts timestamptz, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_count_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_count(pattern text, ts timestamp, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_count_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
-- With a time limit on the whole match: its first and last (?N) events at
-- most `within` apart.
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
-- The times of the events the pattern's (?N) steps matched (ClickHouse's
-- sequenceMatchEvents), in the type of ts.
CREATE AGGREGATE path_match_events(pattern text, ts timestamptz, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_events_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_match_events(pattern text, ts timestamp, VARIADIC conds boolean[]) (
    SFUNC = path_match_trans, STYPE = internal, FINALFUNC = path_match_events_final_ts, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);

CREATE AGGREGATE path_next(direction text, base text, ts timestamptz, event text, base_cond boolean) (
    SFUNC = path_next_trans, STYPE = internal, FINALFUNC = path_next_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_next(direction text, base text, ts timestamptz, event text, base_cond boolean,
                           VARIADIC steps boolean[]) (
    SFUNC = path_next_trans, STYPE = internal, FINALFUNC = path_next_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_next(direction text, base text, ts timestamp, event text, base_cond boolean) (
    SFUNC = path_next_trans, STYPE = internal, FINALFUNC = path_next_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE path_next(direction text, base text, ts timestamp, event text, base_cond boolean,
                           VARIADIC steps boolean[]) (
    SFUNC = path_next_trans, STYPE = internal, FINALFUNC = path_next_final, COMBINEFUNC = path_combine,
    SERIALFUNC = path_serialize, DESERIALFUNC = path_deserialize, PARALLEL = SAFE);

-- Sankey helpers over path_agg's arrays. Plain SQL (inlinable), every
-- function and operator qualified so a caller's search_path cannot redirect
-- them (coalesce and greatest are keywords, not functions).

-- The path from the first occurrence of event (at most max_events events),
-- or NULL when event never occurs.
CREATE FUNCTION path_from(path text[], event text, max_events int DEFAULT NULL)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT path[s.pos : s.pos OPERATOR(pg_catalog.+)
                    coalesce(max_events, pg_catalog.cardinality(path)) OPERATOR(pg_catalog.-) 1]
FROM (SELECT pg_catalog.array_position(path, event) AS pos) s
$$;

-- The path up to the first occurrence of event (its last max_events events),
-- or NULL when event never occurs.
CREATE FUNCTION path_to(path text[], event text, max_events int DEFAULT NULL)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT path[greatest(1, s.pos OPERATOR(pg_catalog.-) coalesce(max_events, s.pos)
                                   OPERATOR(pg_catalog.+) 1) : s.pos]
FROM (SELECT pg_catalog.array_position(path, event) AS pos) s
$$;

-- The edges of a path, one row per step: (1, first, second), (2, second,
-- third), ...; count them GROUP BY step, from_event, to_event for a Sankey
-- diagram.
CREATE FUNCTION path_edges(path text[], OUT step int, OUT from_event text, OUT to_event text)
RETURNS SETOF record LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT i OPERATOR(pg_catalog.-) pg_catalog.array_lower(path, 1) OPERATOR(pg_catalog.+) 1, path[i],
       path[i OPERATOR(pg_catalog.+) 1]
FROM pg_catalog.generate_series(pg_catalog.array_lower(path, 1),
                                pg_catalog.array_upper(path, 1) OPERATOR(pg_catalog.-) 1) AS i
$$;
