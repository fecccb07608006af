-- eventml: session_id and sessionize (src/core/sessions.*, docs/sessions.md).
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.

-- session_id(ts, gap [, max_length]) OVER (PARTITION BY entity ORDER BY ts)
CREATE FUNCTION session_id(ts timestamptz, gap interval)
RETURNS bigint AS 'MODULE_PATHNAME', 'session_id'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION session_id(ts timestamptz, gap interval, max_length interval)
RETURNS bigint AS 'MODULE_PATHNAME', 'session_id'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION session_id(ts timestamp, gap interval)
RETURNS bigint AS 'MODULE_PATHNAME', 'session_id'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION session_id(ts timestamp, gap interval, max_length interval)
RETURNS bigint AS 'MODULE_PATHNAME', 'session_id'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

CREATE TYPE session_summary AS (
    sessions       bigint,
    events         bigint,
    first_start    timestamptz,
    first_duration interval,
    last_end       timestamptz,
    total_duration interval,
    mean_duration  interval,
    max_duration   interval,
    bounces        bigint
);

CREATE TYPE session_summary_ts AS (
    sessions       bigint,
    events         bigint,
    first_start    timestamp,
    first_duration interval,
    last_end       timestamp,
    total_duration interval,
    mean_duration  interval,
    max_duration   interval,
    bounces        bigint
);

-- sessionize keeps the entity's event times (an internal state, serialized
-- for parallel workers) and sorts them in its final function: no ORDER BY.
CREATE FUNCTION sessionize_trans(state internal, ts timestamptz, gap interval)
RETURNS internal AS 'MODULE_PATHNAME', 'sessionize_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sessionize_trans(state internal, ts timestamptz, gap interval, max_length interval)
RETURNS internal AS 'MODULE_PATHNAME', 'sessionize_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sessionize_trans(state internal, ts timestamp, gap interval)
RETURNS internal AS 'MODULE_PATHNAME', 'sessionize_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sessionize_trans(state internal, ts timestamp, gap interval, max_length interval)
RETURNS internal AS 'MODULE_PATHNAME', 'sessionize_trans' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION sessionize_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'sessionize_combine' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sessionize_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'sessionize_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sessionize_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'sessionize_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION sessionize_final(state internal)
RETURNS session_summary AS 'MODULE_PATHNAME', 'sessionize_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sessionize_final_ts(state internal)
RETURNS session_summary_ts AS 'MODULE_PATHNAME', 'sessionize_final' LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE sessionize(ts timestamptz, gap interval) (
    SFUNC = sessionize_trans, STYPE = internal, FINALFUNC = sessionize_final,
    COMBINEFUNC = sessionize_combine, SERIALFUNC = sessionize_serialize,
    DESERIALFUNC = sessionize_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE sessionize(ts timestamptz, gap interval, max_length interval) (
    SFUNC = sessionize_trans, STYPE = internal, FINALFUNC = sessionize_final,
    COMBINEFUNC = sessionize_combine, SERIALFUNC = sessionize_serialize,
    DESERIALFUNC = sessionize_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE sessionize(ts timestamp, gap interval) (
    SFUNC = sessionize_trans, STYPE = internal, FINALFUNC = sessionize_final_ts,
    COMBINEFUNC = sessionize_combine, SERIALFUNC = sessionize_serialize,
    DESERIALFUNC = sessionize_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE sessionize(ts timestamp, gap interval, max_length interval) (
    SFUNC = sessionize_trans, STYPE = internal, FINALFUNC = sessionize_final_ts,
    COMBINEFUNC = sessionize_combine, SERIALFUNC = sessionize_serialize,
    DESERIALFUNC = sessionize_deserialize, PARALLEL = SAFE
);
