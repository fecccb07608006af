-- eventml: funnel, funnel_times, funnel_excluding, funnel_times_excluding and retention
-- (src/core/funnel.*, docs/funnels.md).
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.

-- funnel keeps the entity's matching events (an internal state, serialized
-- for parallel workers) and runs ClickHouse's windowFunnel pass in its final
-- function: no ORDER BY needed.
CREATE FUNCTION funnel_trans(state internal, ts timestamptz, "window" interval, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_trans(state internal, ts timestamptz, "window" interval, mode text, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_trans(state internal, ts timestamp, "window" interval, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_trans(state internal, ts timestamp, "window" interval, mode text, steps boolean[])
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
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
CREATE FUNCTION funnel_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'funnel_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'funnel_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(state internal)
RETURNS int AS 'MODULE_PATHNAME', 'funnel_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_times_final(state internal)
RETURNS timestamptz[] AS 'MODULE_PATHNAME', 'funnel_times_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_times_final_ts(state internal)
RETURNS timestamp[] AS 'MODULE_PATHNAME', 'funnel_times_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE funnel(ts timestamptz, "window" interval, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel(ts timestamptz, "window" interval, mode text, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel(ts timestamp, "window" interval, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel(ts timestamp, "window" interval, mode text, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times(ts timestamptz, "window" interval, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times(ts timestamptz, "window" interval, mode text, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times(ts timestamp, "window" interval, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final_ts, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE funnel_times(ts timestamp, "window" interval, mode text, VARIADIC steps boolean[]) (
    SFUNC = funnel_trans, STYPE = internal, FINALFUNC = funnel_times_final_ts, COMBINEFUNC = funnel_combine,
    SERIALFUNC = funnel_serialize, DESERIALFUNC = funnel_deserialize, PARALLEL = SAFE);

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

-- The state is one bigint (which conditions held, and how many there are):
-- its own serialized form, combined by OR after validation.
CREATE FUNCTION retention_trans(state bigint, conds boolean[])
RETURNS bigint AS 'MODULE_PATHNAME', 'retention_trans'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION retention_combine(state1 bigint, state2 bigint)
RETURNS bigint AS 'MODULE_PATHNAME', 'retention_combine'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION retention_final(state bigint)
RETURNS boolean[] AS 'MODULE_PATHNAME', 'retention_final'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE retention(VARIADIC conds boolean[]) (
    SFUNC = retention_trans,
    STYPE = bigint,
    FINALFUNC = retention_final,
    COMBINEFUNC = retention_combine,
    PARALLEL = SAFE
);
