# eval.mk: `make eval` (included by the Makefile; tests/sh/t801-eval.sh runs it in `make check`).
#   make eval                  per group of profiles (single-sector, multi-sector, partnership,
#                              few-matches): nDCG@10, condensed nDCG@10, P@5, judged-negative
#                              partners in the top 10 and MRR, for clustermatch and the baselines
#   make eval EVAL_ARGS=-v     the same with the figures per profile
#   make eval EVAL_ARGS=--accept   also check issue #13's acceptance thresholds (exit 1 if missed)
#   make eval EVAL_ARGS='--show ms-aerospace'   one profile's top 10 per method
#   make eval EVAL_ARGS='--ablation --components'   each component off in turn, and how
#                              each component separates judged from unjudged partners
#   make eval EVAL_ARGS=--check    load and check profiles and judgments, rank nothing
# The program is tests/eval/eval.c, linked with the library objects; the profiles are in
# tests/eval/profiles/ and profiles/escp-4i/, the judgments (written from the ECCP briefing,
# the 2018 zone catalogue and issue #12) in tests/eval/judgments*.yaml. docs/quality.md
# explains it.

EVAL_BIN := $(BUILD)/tests/eval
EVAL_INPUTS := --data data --profiles tests/eval/profiles --profiles profiles/escp-4i \
	$(foreach j,$(sort $(wildcard tests/eval/judgments*.yaml)),--judgments $(j))

.PHONY: eval

$(EVAL_BIN): tests/eval/eval.c $(LIBOBJS) $(wildcard include/*.h) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ tests/eval/eval.c $(LIBOBJS) $(LDLIBS)

eval: $(EVAL_BIN)
	$(EVAL_BIN) $(EVAL_INPUTS) $(EVAL_ARGS)
