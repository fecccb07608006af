-- eventml 0.1.0 -> 0.2.0: the path family (docs/paths.md), the demo data
-- generator and model export (docs/tutorials/). A fresh install
-- of 0.2.0 runs eventml--0.1.0.sql and then this script.
\echo Use "ALTER EXTENSION eventml UPDATE TO '0.2.0'" to load this file. \quit

---------------------------------------------------------------------------
-- paths: path_agg, path_match, path_count, path_next, Sankey helpers
---------------------------------------------------------------------------

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

---------------------------------------------------------------------------
-- demo data: eventml_demo_events (docs/tutorials/README.md)
---------------------------------------------------------------------------

-- A uniform number in [0, 1) for (seed, purpose, key): a hash, so the same
-- arguments give the same table on every machine and in parallel workers.
CREATE FUNCTION eventml_demo_uniform(seed int, purpose int, key bigint) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT (pg_catalog.hashint8extended(key, seed::pg_catalog.int8 OPERATOR(pg_catalog.*) 1024 OPERATOR(pg_catalog.+) purpose)
        OPERATOR(pg_catalog.&) 4503599627370495)::pg_catalog.float8 OPERATOR(pg_catalog./) 4503599627370496
$$;

-- An app's events for `users` users who sign up during the first 60 days of
-- 2026: a first session of 5 to 30 minutes (one event a minute) with
-- signup, signup_completed, push_enabled and favorite_team_set; return
-- sessions in days 1-7 and, for retained users, in days 8-35; in every
-- session view and search, with drop-off to add_to_cart and purchase.
-- The planted truth (docs/tutorials/README.md):
--   return sessions in days 1-7 = round(1.5 + 0.10 * first_session_minutes
--       + 1.0 * push_enabled + 2.0 * favorite_team_set + 0.8 * signup_completed + U(-1.5, 1.5))
--   P(retained: active after day 7) = logistic(-3 + 0.10 * first_session_minutes
--       + 1.0 * push_enabled + 0.5 * favorite_team_set)
CREATE FUNCTION eventml_demo_events(users int, seed int DEFAULT 1)
RETURNS TABLE (user_id int, ts timestamptz, event text)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
WITH person AS (
    SELECT u, signup_at, minutes, push, team, completed,
           round(1.5 + 0.10 * minutes + 1.0 * push::int + 2.0 * team::int + 0.8 * completed::int
                 + 3 * (@extschema@.eventml_demo_uniform(seed, 6, u) - 0.5))::int AS week_returns,
           CASE WHEN @extschema@.eventml_demo_uniform(seed, 7, u)
                     < 1 / (1 + exp(-(-3 + 0.10 * minutes + 1.0 * push::int + 0.5 * team::int)))
                THEN 1 + floor(4 * @extschema@.eventml_demo_uniform(seed, 8, u))::int ELSE 0 END
               AS later_returns
    FROM generate_series(1, users) u,
         LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00'
                         + round(60 * 86400 * @extschema@.eventml_demo_uniform(seed, 1, u))
                           * interval '1 second' AS signup_at,
                         5 + floor(26 * @extschema@.eventml_demo_uniform(seed, 2, u))::int AS minutes,
                         @extschema@.eventml_demo_uniform(seed, 3, u) < 0.4 AS push,
                         @extschema@.eventml_demo_uniform(seed, 4, u) < 0.3 AS team,
                         @extschema@.eventml_demo_uniform(seed, 5, u) < 0.75 AS completed) p
),
session AS (
    -- s = 0: the first session, at sign-up.
    SELECT u, 0 AS s, signup_at AS start, minutes, push, team, completed FROM person
    UNION ALL
    -- Return sessions spread over days 1-7, then days 8-35, each 2 to 11 minutes.
    SELECT u, k, signup_at + (86400 * (1 + 6.0 * (k - 1) / week_returns)
                              + 7200 * @extschema@.eventml_demo_uniform(seed, 9, u::bigint * 1024 + k))
                             * interval '1 second',
           2 + floor(10 * @extschema@.eventml_demo_uniform(seed, 10, u::bigint * 1024 + k))::int,
           false, false, false
    FROM person, generate_series(1, week_returns) k
    UNION ALL
    SELECT u, 100 + k, signup_at + (86400 * (8 + 27.0 * (k - 1) / later_returns)
                                    + 7200 * @extschema@.eventml_demo_uniform(seed, 9, u::bigint * 1024 + 100 + k))
                                   * interval '1 second',
           2 + floor(10 * @extschema@.eventml_demo_uniform(seed, 10, u::bigint * 1024 + 100 + k))::int,
           false, false, false
    FROM person, generate_series(1, later_returns) k
),
funnel_depth AS (
    -- How far the session's shopping gets: 1 view, 2 search, 3 add_to_cart, 4 purchase.
    SELECT *, 1 + (d < 0.6)::int + (d < 0.25)::int + (d < 0.10)::int AS depth
    FROM session, LATERAL (SELECT @extschema@.eventml_demo_uniform(seed, 11, u::bigint * 1024 + s) AS d) r
)
SELECT u, start + j * interval '1 minute'
          + round(50 * @extschema@.eventml_demo_uniform(seed, 12, (u::bigint * 1024 + s) * 64 + j)) * interval '1 second',
       CASE WHEN s = 0 AND j = 0 THEN 'signup'
            WHEN s = 0 AND j = 1 AND completed THEN 'signup_completed'
            WHEN s = 0 AND j = 2 AND push THEN 'push_enabled'
            WHEN s = 0 AND j = 3 AND team THEN 'favorite_team_set'
            WHEN depth = 4 AND j = minutes - 1 THEN 'purchase'
            WHEN depth >= 3 AND j = minutes - 2 THEN 'add_to_cart'
            WHEN depth >= 2 AND j = minutes - 3 THEN 'search'
            ELSE 'view' END
FROM funnel_depth, generate_series(0, minutes - 1) j
$$;

---------------------------------------------------------------------------
-- models: export as SQL and Python (docs/tutorials/4-models-in-production.md)
---------------------------------------------------------------------------

-- The linear predictor of coefficients over named inputs, for `language`
-- 'sql' (names quoted as identifiers) or 'python' (names must be Python
-- identifiers). A NULL name is the constant 1 (the intercept); aliased (NULL)
-- coefficients are left out, as the predict functions do.
CREATE FUNCTION eventml_linear_text(coef float8[], names text[], language text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    terms text[] := '{}';
    term text;
BEGIN
    IF coef IS NULL THEN
        RAISE EXCEPTION 'model export: the model has no coefficients' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cardinality(names) IS DISTINCT FROM cardinality(coef) THEN
        RAISE EXCEPTION 'model export: names has % elements, but the model has % coefficients',
            coalesce(cardinality(names), 0), cardinality(coef) USING ERRCODE = 'array_subscript_error';
    END IF;
    FOR i IN 1 .. cardinality(coef) LOOP
        CONTINUE WHEN coef[i] IS NULL;
        IF names[i] IS NULL THEN
            term := coef[i]::text;
        ELSIF language = 'sql' THEN
            term := format('%s * %I', coef[i], names[i]);
        ELSIF names[i] ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN
            term := format('%s * %s', coef[i], names[i]);
        ELSE
            RAISE EXCEPTION 'model export: % is not a Python identifier', quote_literal(names[i])
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        terms := terms || term;
    END LOOP;
    RETURN CASE WHEN cardinality(terms) = 0 THEN '0' ELSE array_to_string(terms, ' + ') END;
END $$;

-- model_sql(m, names): a SQL expression that computes the model's
-- prediction from columns named names (NULL for the intercept).
CREATE FUNCTION model_sql(m ols_model, names text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT @extschema@.eventml_linear_text(m.coef, names, 'sql') $$;
CREATE FUNCTION model_sql(m logit_model, names text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '1 / (1 + exp(-(' OPERATOR(pg_catalog.||) @extschema@.eventml_linear_text(m.coef, names, 'sql')
             OPERATOR(pg_catalog.||) ')))' $$;

-- A Python function definition: def function_name(names...): return <body
-- of the linear predictor z>.
CREATE FUNCTION eventml_python_function(function_name text, names text[], linear text, logistic boolean)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF function_name IS NULL OR function_name !~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN
        RAISE EXCEPTION 'model export: % is not a Python identifier', coalesce(quote_literal(function_name), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN format(E'def %s(%s):\n', function_name, array_to_string(names, ', '))
        || CASE WHEN logistic
                THEN format(E'    import math\n    z = %s\n', linear)
                     || E'    if z >= 0:\n        return 1.0 / (1.0 + math.exp(-z))\n'
                     || E'    return math.exp(z) / (1.0 + math.exp(z))\n'
                ELSE format(E'    return %s\n', linear) END;
END $$;

-- model_python(m, names [, function_name]): a self-contained Python function
-- that computes the model's prediction (the logit one without overflow).
CREATE FUNCTION model_python(m ols_model, names text[], function_name text DEFAULT 'predict') RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT @extschema@.eventml_python_function(function_name, names,
                                           @extschema@.eventml_linear_text(m.coef, names, 'python'), false)
$$;
CREATE FUNCTION model_python(m logit_model, names text[], function_name text DEFAULT 'predict') RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT @extschema@.eventml_python_function(function_name, names,
                                           @extschema@.eventml_linear_text(m.coef, names, 'python'), true)
$$;
