# eventml: PGXS build of the extension, plus the two commands of the README.
#   make demo   install what is missing, build, install, run the demo
#   make test   install what is missing, build, install, run every test
#               (unit tests, fuzzers for a bounded time, pg_regress serial and parallel,
#               every SQL example of the docs)
EXTENSION  = eventml
MODULE_big = eventml
DATA       = $(wildcard eventml--*.sql)
OBJS       = $(patsubst %.cpp,%.o,$(wildcard src/core/*.cpp src/pg/*.cpp))

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PG_CPPFLAGS = -Isrc/core -Isrc/pg -isystem /usr/include/eigen3
# -O3 (after PostgreSQL's -O2) vectorizes the QR block folds: ~20% fewer cycles per row.
# -MMD -MP: header dependencies in a .d beside each object (PGXS's autodepend
# names them by basename, and src/core/ols.cpp and src/pg/ols.cpp share one).
PG_CXXFLAGS = -O3 -std=c++17 -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-register -Werror \
              -MMD -MP
SHLIB_LINK = -lstdc++

# Debian builds PostgreSQL --with-llvm, and PGXS would then also compile every
# source to LLVM bitcode with clang for JIT inlining, but its bitcode rule
# drops the C++ flags. Our functions gain nothing from JIT inlining (they are
# opaque calls into C++), so no bitcode is built.
override with_llvm = no

# setup (shared helpers) first, then one test per family.
REGRESS = setup $(filter-out setup,$(basename $(notdir $(wildcard sql/*.sql))))

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

-include $(OBJS:.o=.d)
EXTRA_CLEAN = $(OBJS:.o=.d)

BUILD_DIR ?= build

FUZZ_SECONDS ?= 20

.PHONY: deps unit unit-sanitize fuzz regress regress-valgrind sqlsmith docs-test install-test cancel-test figures demo test compare-clickhouse
deps:
	test/install-deps.sh

unit:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD_DIR) -j2
	cd $(BUILD_DIR) && ctest --output-on-failure

# The unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
unit-sanitize:
	cmake -S . -B $(BUILD_DIR)-sanitize -DCMAKE_BUILD_TYPE=Debug -DEVENTML_SANITIZE=ON >/dev/null
	cmake --build $(BUILD_DIR)-sanitize -j2
	cd $(BUILD_DIR)-sanitize && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure

# libFuzzer targets (test/fuzz), FUZZ_SECONDS each; model_input runs against
# a throwaway server with the installed extension.
fuzz:
	PG_CONFIG=$(PG_CONFIG) test/fuzz/run.sh $(BUILD_DIR) $(FUZZ_SECONDS)

# pg_regress against a throwaway cluster, serial and with forced parallel plans.
regress:
	PG_CONFIG=$(PG_CONFIG) test/regress.sh $(REGRESS)

# Every SQL example in README.md and docs/, run and compared with its page.
docs-test:
	PG_CONFIG=$(PG_CONFIG) test/docs.sh

# A non-superuser install into any schema, ALTER EXTENSION UPDATE from the
# previous version, and models surviving pg_dump/restore.
install-test:
	PG_CONFIG=$(PG_CONFIG) test/install.sh

# The whole suite once more, the server under Valgrind; errors in eventml fail it.
regress-valgrind:
	PG_CONFIG=$(PG_CONFIG) test/regress-valgrind.sh $(REGRESS)

# Random SQL (SQLsmith) against eventml and sample data: no server crash.
SQLSMITH_QUERIES ?= 6000
sqlsmith:
	PG_CONFIG=$(PG_CONFIG) test/sqlsmith.sh $(SQLSMITH_QUERIES)

# pg_cancel_backend stops eventml's long loops within a second.
cancel-test:
	PG_CONFIG=$(PG_CONFIG) test/cancel.sh

# The pictures in docs/figures/, from the demo data.
figures: all install
	PG_CONFIG=$(PG_CONFIG) docs/figures/make.sh

demo: deps
	$(MAKE) all install
	PG_CONFIG=$(PG_CONFIG) demo/run.sh

# funnel and retention against a real ClickHouse (installs Debian's
# clickhouse-server; not part of make test).
compare-clickhouse: all install
	PG_CONFIG=$(PG_CONFIG) test/clickhouse/compare.sh

test: deps
	$(MAKE) all install
	$(MAKE) unit
	$(MAKE) unit-sanitize
	$(MAKE) fuzz
	$(MAKE) regress
	$(MAKE) regress-valgrind
	$(MAKE) sqlsmith
	$(MAKE) install-test
	$(MAKE) cancel-test
	$(MAKE) docs-test
