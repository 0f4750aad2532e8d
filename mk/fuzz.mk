# fuzz.mk: `make fuzz` (included by the Makefile; never part of `make check`).
#   make fuzz                      build the libFuzzer targets, run each FUZZ_SECONDS (60)
#   make fuzz FUZZ_SECONDS=300     longer
#   make fuzz-build                only build them
# Targets (tests/fuzz/): fuzz_profile (profile parser + validator, cm_profile_load_mem),
# fuzz_partners (a data/partners file checked as `data check` does, cm_partners_check_mem)
# fuzz_vocab (one of the vocabulary files, loaded with the shipped others), fuzz_rank (a
# profile ranked and explained against the shipped data, small --top), fuzz_weights (a
# weights file), fuzz_compiled (a compiled dataset file, include/compiled.h; seeded with
# the compiled image of tests/fixtures/tiny) and fuzz_model (a scoring model image for the
# shipped data, include/score.h; seeded with the real one, then a profile ranked with it).
# Built with clang -fsanitize=fuzzer,address,undefined (`sh tools/deps.sh fuzz` installs
# clang and libclang-rt-14-dev). The corpora live in build/fuzz/corpus/<target>: seeded by
# tests/fuzz/seeds.sh from files already in the repository, and grown by every run. Crashes,
# leaks and timeouts are written to build/fuzz/artifacts/ and make the run fail; each one
# found so far is a golden case in tests/cli/ (docs/bad-input.md lists them).

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_ARGS    ?=
FUZZ_BUILD   := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CSTD) $(filter-out -Werror,$(WARN)) -g -O1 -Iinclude -DCM_VERSION='"$(VERSION)"' \
                -DCM_DATADIR='"$(DATADIR)"' $(FUZZ_SAN)
# The library: every module but main and the subcommands, as for the unit tests.
FUZZ_SRCS    := $(filter-out src/main.c src/cmd_%.c,$(SRCS))
FUZZ_OBJS    := $(FUZZ_SRCS:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_TARGETS := profile partners vocab rank weights compiled model
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz fuzz-build
.SECONDARY: $(FUZZ_OBJS)

fuzz-build:
	@sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

$(FUZZ_BUILD)/obj:
	mkdir -p $@

$(FUZZ_BUILD)/obj/score.o: FUZZ_CFLAGS += -DCM_MODEL_HASH=$(MODEL_HASH)u
$(FUZZ_BUILD)/obj/%.o: src/%.c $(wildcard include/*.h) | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

# Each target runs FUZZ_SECONDS on its corpus; the last lines of its log (executions,
# cov and ft) are printed, and any crash, leak or timeout fails the target.
fuzz: fuzz-build $(BIN)
	@CM_BIN=$(abspath $(BIN)) sh tests/fuzz/seeds.sh $(FUZZ_BUILD)/corpus
	@mkdir -p $(FUZZ_BUILD)/artifacts
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  CLUSTERMATCH_DATA=$(abspath data) $(FUZZ_BUILD)/fuzz_$$t $(FUZZ_BUILD)/corpus/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -dict=tests/fuzz/yaml.dict -artifact_prefix=$(abspath $(FUZZ_BUILD)/artifacts)/$$t- \
	    $(FUZZ_ARGS) >$(FUZZ_BUILD)/$$t.log 2>&1 || { fail=1; echo "fuzz_$$t: FAILED, see $(FUZZ_BUILD)/$$t.log"; }; \
	  grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|^==[0-9]+==ERROR|SUMMARY' $(FUZZ_BUILD)/$$t.log | sed "s/^/  /"; \
	done; exit $$fail
