-- eventml: logit_fit, logit_train and their model: logistic regression (src/core/logit.*, docs/logit.md).
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.

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
