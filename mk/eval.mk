# eval.mk: `make eval` (included by the Makefile; tests/sh/t801-eval.sh runs it in `make check`).
#   make eval                  the table: nDCG@10, P@5, MRR and top-10 coverage per method
#   make eval EVAL_ARGS=-v     the same with the figures per profile
#   make eval EVAL_ARGS='--show footwear'   one profile's top 10 per method
#   make eval EVAL_ARGS='--ablation --components'   each component off in turn, and how
#                              each component separates judged from unjudged partners
# The program is tests/eval/eval.c, linked with the library objects; the profiles and the
# judgments (built from the ECCP briefing) are in tests/eval/. docs/quality.md explains it.

EVAL_BIN := $(BUILD)/tests/eval

.PHONY: eval

$(EVAL_BIN): tests/eval/eval.c $(LIBOBJS) $(wildcard include/*.h) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ tests/eval/eval.c $(LIBOBJS) $(LDLIBS)

eval: $(EVAL_BIN)
	$(EVAL_BIN) --data data --profiles tests/eval/profiles --judgments tests/eval/judgments.yaml $(EVAL_ARGS)
