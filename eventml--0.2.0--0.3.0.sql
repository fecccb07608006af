-- eventml 0.2.0 -> 0.3.0: model export that survives any model and any
-- session.
--   - NaN and ±Infinity coefficients print as float8 literals (SQL
--     'NaN'::pg_catalog.float8, Python float('NaN')), not as bare words
--     that parse as column or variable names;
--   - every coefficient prints exactly whatever the session's
--     extra_float_digits (0 rounded them to 15 digits);
--   - coefficients pair with names by position, whatever the arrays' lower
--     bounds, and a multi-dimensional coef is an error (as in the predict
--     functions) instead of exporting as 0.
-- Found by the model-input fuzzer (test/fuzz/model_input_fuzzer.cpp).
\echo Use "ALTER EXTENSION eventml UPDATE TO '0.3.0'" to load this file. \quit

CREATE OR REPLACE FUNCTION eventml_linear_text(coef float8[], names text[], language text) RETURNS text
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
