#!/usr/bin/env bash
# The pg_regress suite once against a server running under Valgrind memcheck, every backend
# traced: the first test (setup) alone, then the others side by side (each works in its own
# schema), which halves the wall time on two cores. PostgreSQL is not built for Valgrind, so it reports things of its own
# (uninitialised padding written to disk, shared-invalidation messages read while any
# function, ours included, opens a relation, ...); the run fails on any error with an eventml
# frame among the first six of its stack (eventml's code, or what it called directly), and
# prints them. (AddressSanitizer cannot be preloaded into Debian's
# postgres: it deadlocks in bindtextdomain at start-up.) Usage: test/regress-valgrind.sh TEST...
set -euo pipefail
cd "$(dirname "$0")/.."
pg_config=${PG_CONFIG:-pg_config}
bindir=$($pg_config --bindir)
command -v valgrind >/dev/null || test/install-deps.sh
dir=$(mktemp -d /tmp/eventml-valgrind.XXXXXX)
as_server_user() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
stop() {
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
as_server_user "$bindir/initdb" -D "$dir/data" -A trust -U postgres --no-sync --locale=C --encoding=UTF8 >/dev/null
as_server_user valgrind --quiet --trace-children=yes --track-origins=no --leak-check=no --num-callers=30 \
    --error-limit=no --log-file="$dir/valgrind.%p.log" \
    "$bindir/postgres" -D "$dir/data" -k "$dir" -c listen_addresses= -p 5432 -c fsync=off \
    -c max_parallel_workers_per_gather=0 >"$dir/server.log" 2>&1 &
for _ in $(seq 1 120); do "$bindir/pg_isready" -q -h "$dir" -p 5432 && break; sleep 1; done
export PGHOST=$dir PGPORT=5432 PGUSER=postgres
mkdir -p results/valgrind
status=0
{ echo "test: $1"; shift; [ $# -eq 0 ] || echo "test: $*"; } >"$dir/schedule"
"$($pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress" --inputdir=. --outputdir=results/valgrind \
    --bindir="$bindir" --dbname=eventml_regress --load-extension=eventml --schedule="$dir/schedule" ||
    { head -100 results/valgrind/regression.diffs 2>/dev/null; status=1; }
as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
# Valgrind error blocks start with "==PID== <message>" after a blank "==PID== " line.
python3 - "$dir" <<'PY' || status=1
import glob, os, re, sys
# A frame in eventml: its library, its namespace, or one of its source files.
sources = "|".join(re.escape(os.path.basename(f)) for f in glob.glob("src/*/*.cpp") + glob.glob("src/*/*.hpp"))
ours_frame = re.compile(r"eventml|\((?:%s):\d+\)" % sources)
frame = re.compile(r"^\s*(?:at|by) 0x")
ours, beneath = [], 0
def judge(block):
    global beneath
    frames = [b for b in block if frame.match(b)]
    if any(ours_frame.search(f) for f in frames[:6]):
        ours.append("\n".join(block))
    elif any(ours_frame.search(f) for f in frames):
        beneath += 1  # PostgreSQL's own, deep below an eventml call
for path in glob.glob(sys.argv[1] + "/valgrind.*.log"):
    block = []
    for line in open(path, errors="replace"):
        text = re.sub(r"^==\d+== ?", "", line.rstrip("\n"))
        if text == "":
            judge(block)
            block = []
        else:
            block.append(text)
    judge(block)
if beneath:
    print(f"valgrind: {beneath} reports of PostgreSQL's own code deep beneath an eventml call, not counted")
if ours:
    print(f"valgrind: {len(ours)} errors in eventml:")
    print("\n\n".join(ours[:10]))
    sys.exit(1)
print(f"valgrind: no errors in eventml ({len(glob.glob(sys.argv[1] + '/valgrind.*.log'))} processes traced)")
PY
grep -q "terminated by signal" "$dir/server.log" && { echo "the server crashed"; status=1; }
exit $status
