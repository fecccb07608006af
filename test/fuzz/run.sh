#!/usr/bin/env bash
# Builds every libFuzzer target in test/fuzz (clang, with AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs each for a bounded time, starting from
# its corpus in test/fuzz/corpus/<name>/ (kept read-only; new inputs go to the
# build directory). A crash, sanitizer report or failed check fails the run.
# A target marked "// server: yes" talks to a throwaway cluster with the
# installed eventml (libpq); the run also fails if that server crashed.
# Usage: test/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}/fuzz
seconds=${2:-20}
pg_config=${PG_CONFIG:-pg_config}
mkdir -p "$build"
server=
trap '[ -z "$server" ] || test/cluster.sh stop "$server"' EXIT
for source in test/fuzz/*_fuzzer.cpp; do
    name=$(basename "$source" _fuzzer.cpp)
    # Each target names the core files it needs on a "// sources:" line.
    core=$(sed -n 's|^// sources: ||p' "$source" | tr ' ' '\n' | sed 's|^|src/core/|')
    libs=()
    if grep -q '^// server: yes' "$source"; then
        libs=(-I"$($pg_config --includedir)" -lpq)
        if [ -z "$server" ]; then
            server=$(test/cluster.sh start)
            export PGHOST=$server PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
            "$($pg_config --bindir)/psql" -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION eventml"
        fi
    fi
    options=()
    [ -f "test/fuzz/$name.dict" ] && options=(-dict="test/fuzz/$name.dict")
    echo "== fuzz: $name (${seconds}s)"
    clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -Isrc/core -isystem /usr/include/eigen3 "$source" $core "${libs[@]}" -o "$build/$name"
    mkdir -p "$build/$name-corpus"
    "$build/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/$name-" "${options[@]}" \
        "$build/$name-corpus" "test/fuzz/corpus/$name" 2>"$build/$name.log" ||
        { tail -40 "$build/$name.log"; exit 1; }
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$build/$name.log" | tr '\n' ' '
    echo
done
if [ -n "$server" ]; then
    stopping=$server
    server=
    test/cluster.sh stop "$stopping"
fi
