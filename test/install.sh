#!/usr/bin/env bash
# Installing, upgrading and dumping, on a throwaway cluster:
# 0. a non-superuser installs the extension (it is trusted) into a schema of their own, and
#    uses it;
# 1. for every earlier version: install it, store models in a table, ALTER EXTENSION eventml
#    UPDATE, and check that the updated extension has exactly the objects and function
#    definitions of a fresh install of the default version, and that the stored models still
#    score;
# 2. pg_dump that database and restore it into a new one: the models come back equal and
#    score the same.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_config=${PG_CONFIG:-pg_config}
bin=$($pg_config --bindir)
dir=$(test/cluster.sh start)
work=$(mktemp -d /tmp/eventml-upgrade.XXXXXX)
chmod 777 "$work"
trap 'test/cluster.sh stop "$dir"; rm -rf "$work"' EXIT
export PGHOST=$dir PGPORT=5432 PGUSER=postgres
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
default=$(sed -n "s/^default_version = '\(.*\)'/\1/p" eventml.control)
failed=0
check() {  # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; failed=1; fi
}
# The extension's objects, described, one per line; a function's line ends with the md5 of its
# definition, an aggregate's with its arguments, support functions and options, a composite
# type's with its attributes and a cast's with its function and context, so an upgrade script
# must also bring changed objects up to date (and the install script generated from src/sql/
# must define each one as the upgrade chain leaves it).
objects() {
    psql -d "$1" -At -c "SELECT pg_describe_object(d.classid, d.objid, d.objsubid) ||
                                CASE WHEN p.prokind <> 'a' THEN ' ' || md5(pg_get_functiondef(p.oid))
                                     WHEN p.prokind = 'a' THEN
                                         format(' (%s) sfunc %s stype %s final %s combine %s serial %s deserial %s'
                                                ' kind %s extra %s modify %s initval %s parallel %s',
                                                pg_get_function_arguments(p.oid), a.aggtransfn::regprocedure,
                                                a.aggtranstype::regtype, a.aggfinalfn::regprocedure,
                                                a.aggcombinefn::regprocedure, a.aggserialfn::regprocedure,
                                                a.aggdeserialfn::regprocedure, a.aggkind, a.aggfinalextra,
                                                a.aggfinalmodify, a.agginitval, p.proparallel)
                                     WHEN t.typtype = 'c' THEN
                                         ' (' || (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod),
                                                                    ', ' ORDER BY attnum)
                                                  FROM pg_attribute
                                                  WHERE attrelid = t.typrelid AND attnum > 0 AND NOT attisdropped) || ')'
                                     WHEN c.oid IS NOT NULL THEN
                                         format(' with %s, context %s, method %s', c.castfunc::regprocedure,
                                                c.castcontext, c.castmethod)
                                     ELSE '' END
                         FROM pg_depend d
                         LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
                         LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
                         LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
                         LEFT JOIN pg_cast c ON d.classid = 'pg_cast'::regclass AND c.oid = d.objid
                         WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
                           AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'eventml') ORDER BY 1"
}

psql -d postgres -c "CREATE ROLE eventml_analyst LOGIN" -c "CREATE DATABASE analytics OWNER eventml_analyst"
psql -d analytics -U eventml_analyst -c "CREATE SCHEMA \"Event Tools\"" -c "CREATE EXTENSION eventml SCHEMA \"Event Tools\""
check "a non-superuser installs eventml into their own schema" "Event Tools|eventml_analyst|false" \
    "$(psql -d analytics -At -c "SELECT n.nspname || '|' || r.rolname || '|' || r.rolsuper
                                 FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                                 JOIN pg_roles r ON r.oid = e.extowner WHERE e.extname = 'eventml'")"
check "... and uses it there" "true|2|{b,c}|2" \
    "$(psql -d analytics -U eventml_analyst -At -c "SET search_path = public" -c "
        SELECT \"Event Tools\".path_match('(?1)(?2)', ts, e = 'a', e = 'b') || '|' ||
               (\"Event Tools\".ols_fit(y, ARRAY[1, x])).n || '|' ||
               \"Event Tools\".path_to(ARRAY['b', 'c', 'd'], 'c')::text || '|' ||
               (SELECT count(*) FROM \"Event Tools\".summary(\"Event Tools\".ols_fit(y, ARRAY[1, x])))
        FROM (VALUES (timestamptz '2026-01-01', 'a', 1.0, 2.0), ('2026-01-02', 'b', 2.0, 3.5)) v(ts, e, x, y)")"

# Every version before the default one, from the install and upgrade scripts' names.
previous=$(ls eventml--*.sql | sed 's/^eventml--//; s/\.sql$//' | tr -- '-' '\n' | grep -v '^$' | sort -uV | grep -vx "$default")
psql -d postgres -c "CREATE DATABASE fresh" -c "CREATE DATABASE restored"
# A fresh install of the default version runs its own script, the one make generated from
# src/sql/ (and installed), not the chain of upgrades.
check "a fresh install of $default runs eventml--$default.sql, as generated from src/sql/" "same" \
    "$(cmp -s "eventml--$default.sql" "$($pg_config --sharedir)/extension/eventml--$default.sql" && echo same || echo differs)"
psql -d fresh -c "CREATE EXTENSION eventml"
objects fresh >"$work/fresh.txt"
score_check='SELECT count(*) FILTER (WHERE s.linear IS DISTINCT FROM ols_predict(m.linear, ARRAY[1, d.x1, d.x2])
                                   OR s.logistic IS DISTINCT FROM logit_predict(m.logistic, ARRAY[1, d.x1, d.x2]))
             FROM scores s JOIN d USING (i), models m'
for version in $previous; do
    db=upgraded_${version//./_}
    psql -d postgres -c "CREATE DATABASE $db"
    psql -d "$db" -c "CREATE EXTENSION eventml VERSION '$version'"
    psql -d "$db" -f - <<'SQL'
CREATE TABLE d AS
SELECT i, (i % 7)::float8 AS x1, ((i * 13) % 11)::float8 / 3 AS x2, ((i * 31) % 17) > 8 AS y
FROM generate_series(1, 500) i;
CREATE TABLE models (name text PRIMARY KEY, linear ols_model, logistic logit_model);
INSERT INTO models SELECT 'v1', ols_fit(x2 + 0.5 * x1, ARRAY[1, x1, x2]), logit_fit(y, ARRAY[1, x1, x2]) FROM d;
CREATE TABLE scores AS
SELECT i, ols_predict(linear, ARRAY[1, x1, x2]) AS linear, logit_predict(logistic, ARRAY[1, x1, x2]) AS logistic
FROM d, models;
SQL
    check "installed $version" "$version" "$(psql -d "$db" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'eventml'")"
    psql -d "$db" -c "ALTER EXTENSION eventml UPDATE"
    check "ALTER EXTENSION eventml UPDATE from $version reaches $default" "$default" \
        "$(psql -d "$db" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'eventml'")"
    objects "$db" >"$work/$db.txt"
    if diff "$work/fresh.txt" "$work/$db.txt" >"$work/objects.diff"; then
        echo "ok   updated from $version, the extension has the $(wc -l <"$work/fresh.txt") objects (and function definitions) of a fresh install"
    else
        echo "FAIL updated from $version, the extension differs from a fresh install:"; cat "$work/objects.diff"; failed=1
    fi
    check "models stored under $version score the same after the update" "0" "$(psql -d "$db" -At -c "$score_check")"
    # The newest functions: paths (0.2.0) and exact model export (0.3.0).
    check "the updated extension's newest functions work" "true|true" \
        "$(psql -d "$db" -At -c "SET extra_float_digits = 0" -c "
            SELECT path_match('(?1)(?2)', ts, e = 'a', e = 'b') || '|' ||
                   (SELECT model_sql(('{0.1234567890123456789}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                      NULL, NULL, NULL, NULL, NULL, NULL)::ols_model, ARRAY[NULL])
                    = '0.12345678901234568')
            FROM (VALUES (timestamptz '2026-01-01', 'a'), ('2026-01-02', 'b')) v(ts, e)")"
done
upgraded=$db

"$bin/pg_dump" -Fc -d "$upgraded" -f "$work/upgraded.dump"
"$bin/pg_restore" -d restored "$work/upgraded.dump"
check "restored extension version" "$default" \
    "$(psql -d restored -At -c "SELECT extversion FROM pg_extension WHERE extname = 'eventml'")"
check "restored models score the same" "0" "$(psql -d restored -At -c "$score_check")"
psql -d "$upgraded" -At -c "SELECT linear::text, logistic::text FROM models" >"$work/before.txt"
psql -d restored -At -c "SELECT linear::text, logistic::text FROM models" >"$work/after.txt"
if cmp -s "$work/before.txt" "$work/after.txt"; then
    echo "ok   restored models are equal, field by field, to the dumped ones"
else
    echo "FAIL restored models differ"; diff "$work/before.txt" "$work/after.txt" | head; failed=1
fi
exit $failed
