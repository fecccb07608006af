-- eventml: ols_fit and its model: ordinary and weighted least squares (src/core/ols.*, docs/ols.md).
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.

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
