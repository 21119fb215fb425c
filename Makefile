# accord - build, test, demo, bench, eval, fuzz.
#
#   make demo    install what is missing, build, ingest the demo corpus, show it
#   make test    the whole test suite (unit, command line, browser)
#   make test-dates  the demo's gold checks on the clock under faked dates
#   make bench   throughput and memory at several corpus sizes
#   make eval    quality on the datasets in ../shared/data
#   make fuzz    every fuzz target for FUZZ_SECONDS each (fuzz-long: FUZZ_LONG_SECONDS)
#
# SAN=1 builds into build-san with AddressSanitizer and UBSan.

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build-san
OPT = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build
OPT = -O2 -g
endif

CC ?= cc
CXX ?= c++
PKGS = sqlite3 libutf8proc jansson libmicrohttpd libxxhash zlib libxml-2.0
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
         -Iinclude -Isrc $(PKG_CFLAGS) $(OPT) -MMD -MP
CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc $(OPT) -MMD -MP
LDLIBS = $(PKG_LIBS) -lstemmer -lcld2 -lstdc++ -lm -lpthread
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

LIB_SRC := $(shell find src -name '*.c' ! -path 'src/cli/*' | sort)
LIB_CXX := $(shell find src -name '*.cc' | sort)
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
# The web UI (web/) goes into the server as C arrays, generated at build time.
WEB_FILES := $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg))
LIB_OBJ += $(BUILD)/gen/web_assets.o

ACCORD := $(BUILD)/accord
DEMO_DB ?= accord.db
export ACCORD

.PHONY: print-ldlibs all deps browser-deps test unit-test cli-test test-dates browser-test demo bench eval fuzz \
        fuzz-build fuzz-long \
        clean format compdb check-format

all: $(ACCORD) $(BUILD)/unit-tests

deps:
	@sh scripts/install-deps.sh

browser-deps:
	@sh scripts/install-deps.sh --browser

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DACCORD_VERSION='"$(VERSION)"' -c $< -o $@

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/gen/web_assets.c: $(WEB_FILES) src/serve/embed-web.sh
	@mkdir -p $(dir $@)
	sh src/serve/embed-web.sh $@ $(WEB_FILES)

$(BUILD)/gen/web_assets.o: $(BUILD)/gen/web_assets.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libaccord.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(ACCORD): $(CLI_OBJ) $(BUILD)/libaccord.a
	$(CC) $(OPT) -o $@ $(CLI_OBJ) $(BUILD)/libaccord.a $(LDLIBS)

$(BUILD)/unit-tests: $(TEST_OBJ) $(BUILD)/libaccord.a
	$(CC) $(OPT) -o $@ $(TEST_OBJ) $(BUILD)/libaccord.a $(LDLIBS)

# The whole suite. Browser tests need chromium and playwright-core, installed
# by the set-up script; SAN builds skip them (they test the page, not memory).
test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit-test cli-test
ifneq ($(SAN),1)
	@$(MAKE) --no-print-directory browser-test
endif

unit-test: $(BUILD)/unit-tests
	cd tests/unit && ../../$(BUILD)/unit-tests

cli-test: $(ACCORD)
	sh tests/cli/run.sh $(ACCORD)

# The demo's gold checks unpinned, under faked dates after the events.
test-dates: $(ACCORD) $(BUILD)/unit-tests
	sh scripts/test-dates.sh $(BUILD)

browser-test: $(ACCORD)
	@if [ -f tests/browser/run.sh ]; then $(MAKE) --no-print-directory browser-deps && sh tests/browser/run.sh $(ACCORD); fi

demo: deps
	@$(MAKE) --no-print-directory $(ACCORD)
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(ACCORD) --db $(DEMO_DB) ingest data/demo
	@echo
	$(ACCORD) --db $(DEMO_DB) articles
	@echo
	$(ACCORD) --db $(DEMO_DB) stories
	@echo
	$(ACCORD) --db $(DEMO_DB) storylines

bench: deps
	@$(MAKE) --no-print-directory $(ACCORD)
	sh bench/run.sh $(ACCORD)

eval: deps
	@$(MAKE) --no-print-directory $(ACCORD)
	sh eval/run.sh $(ACCORD)

# Fuzzing: every fuzz/fuzz_*.c is a libFuzzer target built with clang. A
# target fuzz_NAME starts from its seed corpus fuzz/corpus/NAME (real
# documents; sources and licences in fuzz/corpus/README.md) with the
# dictionary fuzz/dict/NAME.dict; what it finds goes to
# build-fuzz/corpus-fuzz_NAME, a crash to build-fuzz/crash-*. `make fuzz`
# runs each for FUZZ_SECONDS; `make fuzz-long` for FUZZ_LONG_SECONDS and
# prints the coverage each reached (libFuzzer's closing cov:/ft: line).
# Inputs may reach FUZZ_MAX_LEN from the start (-len_control=0): real pages
# are tens of KB, and bugs of long inputs hide from a slowly growing limit.
FUZZ_SECONDS ?= 20
FUZZ_LONG_SECONDS ?= 600
FUZZ_MAX_LEN ?= 131072
FUZZ_BUILD = build-fuzz
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
# FUZZ_RUN SECONDS: runs every target in turn, stops at the first crash.
define FUZZ_RUN
	@set -e; for t in $(FUZZ_TARGETS); do n=$${t#fuzz_}; \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$t; \
	  echo "fuzz: $$t for $(1)s from fuzz/corpus/$$n"; \
	  if ! $(FUZZ_BUILD)/$$t -max_total_time=$(1) -max_len=$(FUZZ_MAX_LEN) -len_control=0 -dict=fuzz/dict/$$n.dict \
	      -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus-$$t fuzz/corpus/$$n \
	      > $(FUZZ_BUILD)/$$t.log 2>&1; then \
	    tail -40 $(FUZZ_BUILD)/$$t.log; echo "fuzz: $$t FAILED (log: $(FUZZ_BUILD)/$$t.log)"; exit 1; \
	  fi; \
	  echo "fuzz: $$t: $$(grep -E '(DONE|INITED) +cov:' $(FUZZ_BUILD)/$$t.log | tail -1 | tr -s ' \t' ' ')"; \
	  echo "fuzz: $$t: $$(grep -E '^stat::(number_of_executed_units|peak_rss_mb)' $(FUZZ_BUILD)/$$t.log | tr '\n' ' ')"; \
	done
endef

fuzz-build: deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CXX=clang++ OPT="$(FUZZ_FLAGS)" $(FUZZ_BUILD)/libaccord.a
	@set -e; for t in $(FUZZ_TARGETS); do \
	  clang $(FUZZ_FLAGS) -fsanitize=fuzzer -std=c17 -D_GNU_SOURCE -Iinclude -Isrc $(PKG_CFLAGS) \
	    fuzz/$$t.c $(FUZZ_BUILD)/libaccord.a $(LDLIBS) -o $(FUZZ_BUILD)/$$t; \
	done

fuzz: fuzz-build
	$(call FUZZ_RUN,$(FUZZ_SECONDS))

fuzz-long: fuzz-build
	$(call FUZZ_RUN,$(FUZZ_LONG_SECONDS))

# The link line, for the bench and eval programs built outside this Makefile.
print-ldlibs:
	@echo $(LDLIBS)

compdb:
	@command -v bear >/dev/null || { echo "bear is not installed (apt-get install bear)"; exit 1; }
	$(MAKE) clean && bear -- $(MAKE) all

format:
	clang-format -i $$(find src include tests fuzz -name '*.[ch]')

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
