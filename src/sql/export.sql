-- eventml: model export as SQL and Python, model_sql and model_python (docs/tutorials/4-models-in-production.md).
-- The current SQL of the family: the install script of the current version
-- is built from src/sql/*.sql (Makefile); upgrade scripts are written by hand.

-- The linear predictor of coefficients over named inputs, for `language`
-- 'sql' (names quoted as identifiers) or 'python' (names must be Python
-- identifiers). A NULL name is the constant 1 (the intercept); aliased (NULL)
-- coefficients are left out, as the predict functions do.
CREATE FUNCTION eventml_linear_text(coef float8[], names text[], language text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 3
AS $$
DECLARE
    terms text[] := '{}';
    c float8;
    name text;
    value text;
BEGIN
    IF coef IS NULL THEN
        RAISE EXCEPTION 'model export: the model has no coefficients' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF array_ndims(coef) > 1 OR array_ndims(names) > 1 THEN
        RAISE EXCEPTION 'model export: % must be a one-dimensional array, got % dimensions',
            CASE WHEN array_ndims(coef) > 1 THEN 'the model''s coef' ELSE 'names' END,
            greatest(array_ndims(coef), array_ndims(names)) USING ERRCODE = 'array_subscript_error';
    END IF;
    IF cardinality(names) IS DISTINCT FROM cardinality(coef) THEN
        RAISE EXCEPTION 'model export: names has length %, but the model''s coef has length %',
            coalesce(cardinality(names), 0), cardinality(coef) USING ERRCODE = 'array_subscript_error';
    END IF;
    FOR c, name IN SELECT u.c, u.name FROM unnest(coef, names) WITH ORDINALITY AS u(c, name, i) ORDER BY u.i LOOP
        CONTINUE WHEN c IS NULL;
        value := CASE WHEN c NOT IN ('NaN', 'Infinity', '-Infinity') THEN c::text
                      WHEN language = 'sql' THEN format('%L::pg_catalog.float8', c)
                      ELSE format('float(%L)', c) END;
        IF name IS NULL THEN
            terms := terms || value;
        ELSIF language = 'sql' THEN
            terms := terms || format('%s * %I', value, name);
        ELSIF name ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN
            terms := terms || format('%s * %s', value, name);
        ELSE
            RAISE EXCEPTION 'model export: % is not a Python identifier', quote_literal(name)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
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
