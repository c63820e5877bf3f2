# SPDX-License-Identifier: MIT
# alignrisk - build, demo and tests. `make demo` and `make test` are the two commands.
# Dependencies come from pkg-config; `make deps` (run first by every build target)
# installs what is missing. One build folder per configuration: build/, build-san/ and
# build-fuzz/ (clang + libFuzzer, `make fuzz`).

PKGS     := tree-sitter libxml-2.0 libcjson
CC       ?= cc
CFLAGS   ?= -O2 -g
WERROR   ?= 1
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla -Wpointer-arith \
            -Wno-missing-field-initializers
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
VENDOR_CFLAGS ?= -O2 -g -w
B        ?= build
Q        := $(if $(V),,@)

# Deferred (=): evaluated after `deps` has had a chance to install the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka)
SYS_TSPY   = $(shell pkg-config --exists tree-sitter-python 2>/dev/null && echo yes)
TSPY_DIR   := third_party/tree-sitter-python/src
SYS_TSTOML = $(shell pkg-config --exists tree-sitter-toml 2>/dev/null && echo yes)
TSTOML_DIR := third_party/tree-sitter-toml/src

ALL_CFLAGS = $(CFLAGS) $(EXTRA_CFLAGS) -std=c11 -D_POSIX_C_SOURCE=200809L -D_GNU_SOURCE \
             -Iinclude $(WARN) $(if $(filter 1,$(WERROR)),-Werror) $(PKG_CFLAGS) -pthread

LIB_SRCS  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(B)/%.o)
TS_OBJS    = $(if $(SYS_TSPY),,$(B)/ts/python_parser.o $(B)/ts/python_scanner.o) \
             $(if $(SYS_TSTOML),,$(B)/ts/toml_parser.o $(B)/ts/toml_scanner.o)
TS_LIBS    = $(if $(SYS_TSPY),$(shell pkg-config --libs tree-sitter-python)) \
             $(if $(SYS_TSTOML),$(shell pkg-config --libs tree-sitter-toml))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
# Fuzzing (tests/fuzz/): one harness per reader plus the per-file pipeline. Each harness
# links two ways: with libFuzzer into build-fuzz/fuzz_<target> (`make fuzz`), and with
# tests/fuzz/replay.c into $(B)/fuzz/replay_<target>, which replays the corpora and
# regression inputs in the plain and sanitizer builds (`make fuzz-replay`, `make test`).
FUZZ_TARGETS := cobertura coverage_json lcov history pyproject extract
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJS    := $(FUZZ_TARGETS:%=$(B)/fuzz/obj/fuzz_%.o) $(B)/fuzz/obj/replay.o
DEPFILES  := $(LIB_OBJS:.o=.d) $(B)/main.d $(UNIT_BINS:=.d) $(FUZZ_OBJS:.o=.d)

.PHONY: all deps demo test unit golden golden-update san check check-deps bench install clean \
        fuzz fuzz-deps fuzz-replay memcheck
all: $(B)/alignrisk

deps:
	$(Q)scripts/deps.sh

$(B)/%.o: src/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/ts/python_%.o: | deps
	@mkdir -p $(@D)
	$(Q)$(CC) $(VENDOR_CFLAGS) $(EXTRA_CFLAGS) -I$(TSPY_DIR) -c $(TSPY_DIR)/$*.c -o $@

$(B)/ts/toml_%.o: | deps
	@mkdir -p $(@D)
	$(Q)$(CC) $(VENDOR_CFLAGS) $(EXTRA_CFLAGS) -I$(TSTOML_DIR) -c $(TSTOML_DIR)/$*.c -o $@

$(B)/libalignrisk.a: $(LIB_OBJS) $(TS_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/alignrisk: $(B)/main.o $(B)/libalignrisk.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -pthread -o $@ $^ $(TS_LIBS) $(PKG_LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libalignrisk.a | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -o $@ $< $(B)/libalignrisk.a \
	  $(TS_LIBS) $(PKG_LIBS) $(CMOCKA_LIBS)

$(B)/fuzz/obj/%.o: tests/fuzz/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -MMD -MP -c $< -o $@

$(B)/fuzz/replay_%: $(B)/fuzz/obj/fuzz_%.o $(B)/fuzz/obj/replay.o $(B)/libalignrisk.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -pthread -o $@ $^ $(TS_LIBS) $(PKG_LIBS) -lm

# Only meaningful with B=build-fuzz, where everything is compiled with fuzzer-no-link.
$(B)/fuzz_%: $(B)/fuzz/obj/fuzz_%.o $(B)/libalignrisk.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -fsanitize=fuzzer -pthread -o $@ $^ $(TS_LIBS) $(PKG_LIBS) -lm

# Kept: make would delete them as intermediates of the pattern rules above.
.SECONDARY: $(FUZZ_OBJS)

-include $(DEPFILES)

# The main job: the ranked work list of the sample codebase, run from inside it.
demo: $(B)/alignrisk
	$(Q)cd samples/stability-checkpoint && ../../$(B)/alignrisk; rc=$$?; \
	  [ $$rc -le 1 ] || exit $$rc

# Every test: unit and end-to-end, in the plain build and under ASan+UBSan.
test: deps
	$(Q)$(MAKE) --no-print-directory B=build all $(addprefix build/tests/,$(notdir $(UNIT_BINS))) \
	  $(FUZZ_TARGETS:%=build/fuzz/replay_%)
	$(Q)$(MAKE) --no-print-directory B=build-san CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN_FLAGS)" \
	  all $(addprefix build-san/tests/,$(notdir $(UNIT_BINS))) $(FUZZ_TARGETS:%=build-san/fuzz/replay_%)
	$(Q)tests/run_all.sh build build-san

unit: all $(UNIT_BINS)
	$(Q)tests/run_unit.sh $(B)

golden: all
	$(Q)tests/run_golden.sh $(B)/alignrisk

golden-update: all
	$(Q)UPDATE=1 tests/run_golden.sh $(B)/alignrisk

san:
	$(Q)$(MAKE) --no-print-directory B=build-san CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN_FLAGS)" unit golden

check: test

# libFuzzer: every harness for FUZZ_SECONDS (default 60) each, new inputs kept in
# build-fuzz/corpus/<target>, crashes in build-fuzz/crashes/<target>/, a summary line per
# target (executions, coverage edges, seconds). Fails when any harness found a crash.
fuzz: fuzz-deps
	$(Q)$(MAKE) --no-print-directory B=build-fuzz CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
	$(Q)tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-deps: deps
	$(Q)tests/fuzz/deps.sh $(FUZZ_CC)

# Every corpus and regression input through every harness, in the sanitizer build.
fuzz-replay: deps
	$(Q)$(MAKE) --no-print-directory B=build-san CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN_FLAGS)" \
	  $(FUZZ_TARGETS:%=build-san/fuzz/replay_%)
	$(Q)tests/fuzz/replay.sh build-san

# valgrind memcheck over the demo, the golden suite and the scenarios: zero errors, zero
# definite or indirect leaks. Slow (minutes), so not part of `make test`.
memcheck: all
	$(Q)tests/memcheck.sh $(B)/alignrisk

# Benchmarks: alignrisk beside a reference in the same run; ratios, never asserts.
bench: all
	$(Q)bench/run.sh

# Stages talk only through model.h: no stage header may include another stage's header.
check-deps:
	$(Q)! grep -nE '#include "alignrisk/(scan|parse|extract|resolve|align|coverage|history|score|report)\.h"' \
	  src/scan.c src/parse.c src/extract*.c src/resolve.c src/align.c src/coverage.c \
	  src/history.c src/score.c src/report*.c 2>/dev/null | \
	  awk -F: '{ f=$$1; sub(/^src\//,"",f); sub(/\.c$$/,"",f); sub(/_.*/,"",f); \
	    if ($$0 !~ "alignrisk/" f "\\.h") print }' | grep . && echo "check-deps: ok"

# `make install` (PREFIX=/usr/local, DESTDIR for packaging): the binary the pre-commit hook
# and CI jobs run as `alignrisk`.
PREFIX   ?= /usr/local
install: $(B)/alignrisk
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(B)/alignrisk $(DESTDIR)$(PREFIX)/bin/alignrisk

clean:
	rm -rf build build-san build-fuzz
