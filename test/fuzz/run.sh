#!/usr/bin/env bash
# Builds every libFuzzer target in test/fuzz (clang, with AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs each for a bounded time, starting from
# its corpus in test/fuzz/corpus/<name>/ (kept read-only; new inputs go to the
# build directory). A crash, sanitizer report or failed check fails the run.
# A target marked "// server: yes" talks to a throwaway cluster with the
# installed eventml (libpq); the run also fails if that server crashed.
# Each core source the targets name is compiled once (ols.cpp alone takes
# over a minute under the sanitizers), and builds and runs go two at a time.
# Usage: test/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}/fuzz
seconds=${2:-20}
pg_config=${PG_CONFIG:-pg_config}
mkdir -p "$build/core"
flags=(-std=c++17 -O1 -g -fno-sanitize-recover=all -Isrc/core -isystem /usr/include/eigen3
       -I"$($pg_config --includedir)")

# A pool of two background jobs; drain fails if any job failed.
running=0
failed=0
spawn() {
    "$@" &
    running=$((running + 1))
    if [ "$running" -ge 2 ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
}
drain() {
    while [ "$running" -gt 0 ]; do
        wait -n || failed=1
        running=$((running - 1))
    done
    [ "$failed" -eq 0 ]
}

targets=(test/fuzz/*_fuzzer.cpp)
name_of() { basename "$1" _fuzzer.cpp; }
# Each target names the core files it needs on a "// sources:" line.
sources_of() { sed -n 's|^// sources: ||p' "$1" | tr ' ' '\n'; }

# Library code gets coverage but no libFuzzer main (fuzzer-no-link).
for source in $(for target in "${targets[@]}"; do sources_of "$target"; done | sort -u); do
    spawn clang++ "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "src/core/$source" \
        -o "$build/core/${source%.cpp}.o"
done
for target in "${targets[@]}"; do
    spawn clang++ "${flags[@]}" -fsanitize=fuzzer,address,undefined -c "$target" -o "$build/$(name_of "$target").o"
done
drain || { echo "fuzz: building the targets failed"; exit 1; }
server=
trap '[ -z "$server" ] || test/cluster.sh stop "$server"' EXIT
for target in "${targets[@]}"; do
    name=$(name_of "$target")
    libs=()
    if grep -q '^// server: yes' "$target"; then
        libs=(-lpq)
        if [ -z "$server" ]; then
            server=$(test/cluster.sh start)
            export PGHOST=$server PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
            "$($pg_config --bindir)/psql" -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION eventml"
        fi
    fi
    clang++ -fsanitize=fuzzer,address,undefined "$build/$name.o" \
        $(sources_of "$target" | sed "s|^\(.*\)\.cpp$|$build/core/\1.o|") "${libs[@]}" -o "$build/$name"
done

fuzz() {  # fuzz NAME: runs one target; on a finding prints the end of its log
    local name=$1 options=()
    [ -f "test/fuzz/$name.dict" ] && options=(-dict="test/fuzz/$name.dict")
    mkdir -p "$build/$name-corpus"
    "$build/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/$name-" "${options[@]}" \
        "$build/$name-corpus" "test/fuzz/corpus/$name" 2>"$build/$name.log" ||
        { echo "== fuzz: $name FAILED"; tail -40 "$build/$name.log"; return 1; }
}
for target in "${targets[@]}"; do spawn fuzz "$(name_of "$target")"; done
status=0
drain || status=1
for target in "${targets[@]}"; do
    name=$(name_of "$target")
    echo "== fuzz: $name (${seconds}s) $(grep -E "^stat::number_of_executed_units|^stat::new_units_added" \
        "$build/$name.log" | tr -s ' \n' ' ')"
done
if [ -n "$server" ]; then
    stopping=$server
    server=
    test/cluster.sh stop "$stopping" || status=1
fi
exit $status
