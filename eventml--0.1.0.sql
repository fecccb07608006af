-- eventml 0.1.0 install script. One section per family; docs/<family>.md
-- documents each function. SQL-language bodies qualify every name
-- (pg_catalog., @extschema@.) so a caller's search_path cannot redirect them.
\echo Use "CREATE EXTENSION eventml" to load this file. \quit

---------------------------------------------------------------------------
-- ols: ordinary and weighted least squares (docs/ols.md)
---------------------------------------------------------------------------

CREATE TYPE ols_model AS (
    coef             float8[],
    std_err          float8[],
    t_stat           float8[],
    p_value          float8[],
    r2               float8,
    adj_r2           float8,
    sigma            float8,
    f_stat           float8,
    f_p_value        float8,
    n                bigint,
    df_resid         bigint,
    log_likelihood   float8,
    aic              float8,
    bic              float8,
    condition_number float8,
    cov              float8[]
);

-- The transition state is a flat bytea that is its own serialized form, so
-- parallel workers and Citus can ship it without serialize functions.
CREATE FUNCTION ols_fit_trans(state bytea, y float8, x float8[])
RETURNS bytea AS 'MODULE_PATHNAME', 'ols_fit_trans'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION ols_fit_trans(state bytea, y float8, x float8[], weight float8)
RETURNS bytea AS 'MODULE_PATHNAME', 'ols_fit_trans_weighted'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION ols_fit_combine(state1 bytea, state2 bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'ols_fit_combine'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION ols_fit_final(state bytea)
RETURNS ols_model AS 'MODULE_PATHNAME', 'ols_fit_final'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE ols_fit(y float8, x float8[]) (
    SFUNC = ols_fit_trans,
    STYPE = bytea,
    FINALFUNC = ols_fit_final,
    COMBINEFUNC = ols_fit_combine,
    PARALLEL = SAFE
);

CREATE AGGREGATE ols_fit(y float8, x float8[], weight float8) (
    SFUNC = ols_fit_trans,
    STYPE = bytea,
    FINALFUNC = ols_fit_final,
    COMBINEFUNC = ols_fit_combine,
    PARALLEL = SAFE
);

CREATE FUNCTION ols_predict(m ols_model, x float8[])
RETURNS float8 AS 'MODULE_PATHNAME', 'ols_predict'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION summary(m ols_model, level float8 DEFAULT 0.95, names text[] DEFAULT '{}')
RETURNS TABLE (term text, coef float8, std_err float8, statistic float8,
               p_value float8, ci_low float8, ci_high float8)
AS 'MODULE_PATHNAME', 'ols_summary'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE ROWS 10;

CREATE FUNCTION jsonb(m ols_model) RETURNS jsonb
AS 'SELECT pg_catalog.to_jsonb(m)'
LANGUAGE sql STRICT IMMUTABLE PARALLEL SAFE
SET extra_float_digits = 3;  -- every float8 exactly, whatever the session says

CREATE CAST (ols_model AS jsonb) WITH FUNCTION jsonb(ols_model);

---------------------------------------------------------------------------
-- logit: logistic regression, as R's glm(family = binomial) (docs/logit.md)
---------------------------------------------------------------------------

CREATE TYPE logit_model AS (
    coef                float8[],
    std_err             float8[],
    z_stat              float8[],
    p_value             float8[],
    odds_ratio          float8[],
    log_likelihood      float8,
    null_log_likelihood float8,
    deviance            float8,
    aic                 float8,
    bic                 float8,
    pseudo_r2           float8,
    n                   bigint,
    iterations          int,
    converged           boolean,
    condition_number    float8,
    cov                 float8[]
);

-- logit_fit keeps its rows (an internal state, serialized for parallel
-- workers) and runs IRLS in its final function.
CREATE FUNCTION logit_fit_trans(state internal, y boolean, x float8[])
RETURNS internal AS 'MODULE_PATHNAME', 'logit_fit_trans'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_fit_trans(state internal, y boolean, x float8[], weight float8)
RETURNS internal AS 'MODULE_PATHNAME', 'logit_fit_trans'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_fit_trans(state internal, y boolean, x float8[], weight float8,
                                max_iter int, tolerance float8)
RETURNS internal AS 'MODULE_PATHNAME', 'logit_fit_trans'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_fit_combine(state1 internal, state2 internal)
RETURNS internal AS 'MODULE_PATHNAME', 'logit_fit_combine'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_fit_serialize(state internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'logit_fit_serialize'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_fit_deserialize(state bytea, unused internal)
RETURNS internal AS 'MODULE_PATHNAME', 'logit_fit_deserialize'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_fit_final(state internal)
RETURNS logit_model AS 'MODULE_PATHNAME', 'logit_fit_final'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE logit_fit(y boolean, x float8[]) (
    SFUNC = logit_fit_trans, STYPE = internal, FINALFUNC = logit_fit_final,
    COMBINEFUNC = logit_fit_combine, SERIALFUNC = logit_fit_serialize,
    DESERIALFUNC = logit_fit_deserialize, PARALLEL = SAFE
);

CREATE AGGREGATE logit_fit(y boolean, x float8[], weight float8) (
    SFUNC = logit_fit_trans, STYPE = internal, FINALFUNC = logit_fit_final,
    COMBINEFUNC = logit_fit_combine, SERIALFUNC = logit_fit_serialize,
    DESERIALFUNC = logit_fit_deserialize, PARALLEL = SAFE
);

CREATE AGGREGATE logit_fit(y boolean, x float8[], weight float8, max_iter int, tolerance float8) (
    SFUNC = logit_fit_trans, STYPE = internal, FINALFUNC = logit_fit_final,
    COMBINEFUNC = logit_fit_combine, SERIALFUNC = logit_fit_serialize,
    DESERIALFUNC = logit_fit_deserialize, PARALLEL = SAFE
);

-- logit_train: the same IRLS with one scan of the query per iteration. Each
-- scan is the logit_irls_step aggregate, whose flat bytea state parallel
-- workers and Citus combine like ols_fit's.
CREATE FUNCTION logit_irls_start(max_iter int, tolerance float8)
RETURNS bytea AS 'MODULE_PATHNAME', 'logit_irls_start'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_irls_step_trans(state bytea, y boolean, x float8[], weight float8, progress bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'logit_irls_step_trans'
LANGUAGE C CALLED ON NULL INPUT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_irls_step_combine(state1 bytea, state2 bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'logit_irls_step_combine'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE logit_irls_step(y boolean, x float8[], weight float8, progress bytea) (
    SFUNC = logit_irls_step_trans, STYPE = bytea,
    COMBINEFUNC = logit_irls_step_combine, PARALLEL = SAFE
);

CREATE FUNCTION logit_irls_update(progress bytea, step bytea)
RETURNS bytea AS 'MODULE_PATHNAME', 'logit_irls_update'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_irls_done(progress bytea)
RETURNS boolean AS 'MODULE_PATHNAME', 'logit_irls_done'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION logit_irls_model(progress bytea)
RETURNS logit_model AS 'MODULE_PATHNAME', 'logit_irls_model'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- query must return columns y boolean and x float8[], and weight float8 when
-- weighted. It runs with the caller's rights and search_path, once per
-- iteration; every name of ours in the body is schema-qualified.
CREATE FUNCTION logit_train(query text, weighted boolean DEFAULT false,
                            max_iter int DEFAULT 25, tolerance float8 DEFAULT 1e-8)
RETURNS logit_model LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
    progress bytea := @extschema@.logit_irls_start(max_iter, tolerance);
    step bytea;
    scan text := pg_catalog.format(
        'SELECT @extschema@.logit_irls_step(training.y, training.x, %s, $1) FROM (%s) AS training',
        CASE WHEN weighted THEN 'training.weight' ELSE '1::float8' END, query);
BEGIN
    LOOP
        EXECUTE scan INTO step USING progress;
        IF step IS NULL THEN
            RETURN NULL;  -- no rows with a positive weight
        END IF;
        progress := @extschema@.logit_irls_update(progress, step);
        EXIT WHEN @extschema@.logit_irls_done(progress);
    END LOOP;
    RETURN @extschema@.logit_irls_model(progress);
END
$$;

CREATE FUNCTION logit_predict(m logit_model, x float8[])
RETURNS float8 AS 'MODULE_PATHNAME', 'logit_predict'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION summary(m logit_model, level float8 DEFAULT 0.95, names text[] DEFAULT '{}')
RETURNS TABLE (term text, coef float8, std_err float8, statistic float8,
               p_value float8, ci_low float8, ci_high float8)
AS 'MODULE_PATHNAME', 'logit_summary'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE ROWS 10;

CREATE FUNCTION jsonb(m logit_model) RETURNS jsonb
AS 'SELECT pg_catalog.to_jsonb(m)'
LANGUAGE sql STRICT IMMUTABLE PARALLEL SAFE
SET extra_float_digits = 3;

CREATE CAST (logit_model AS jsonb) WITH FUNCTION jsonb(logit_model);

---------------------------------------------------------------------------
-- sessions: session_id and sessionize (docs/sessions.md)
---------------------------------------------------------------------------

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
    max_duration   interval
);

CREATE TYPE session_summary_ts AS (
    sessions       bigint,
    events         bigint,
    first_start    timestamp,
    first_duration interval,
    last_end       timestamp,
    total_duration interval,
    mean_duration  interval,
    max_duration   interval
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

---------------------------------------------------------------------------
-- funnels: funnel, funnel_times, retention (docs/funnels.md)
---------------------------------------------------------------------------

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
