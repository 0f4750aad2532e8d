# bench.mk: `make bench` (included by the Makefile; never part of `make check`).
#   make bench                 the full table (about 8 minutes on 2 cores)
#   make bench BENCH_QUICK=1   the 1k batch only, a smaller kernel, fewer runs (1-2 minutes)
# The tools live in bench/ and are built into $(BUILD)/bench; bench/run.sh runs them and
# prints the table. docs/performance.md explains every line.

BENCH_BUILD := $(BUILD)/bench
BENCH_TOOLS := $(BENCH_BUILD)/serveload $(BENCH_BUILD)/timeit $(BENCH_BUILD)/parseonly $(BENCH_BUILD)/gen \
               $(BENCH_BUILD)/kernel-gsl $(BENCH_BUILD)/kernel-openblas
# The kernel twice: GSL's own CBLAS, and OpenBLAS in its place (as `make BLAS=openblas`).
BENCH_GSL_LIBS      = $(PKG_LIBS) -lm
BENCH_OPENBLAS_LIBS = $(filter-out -lgslcblas,$(PKG_LIBS)) -lm -lopenblas

.PHONY: bench bench-tools

bench:
	@sh tools/deps.sh bench
	$(MAKE) --no-print-directory $(BIN) bench-tools
	$(MAKE) --no-print-directory BLAS=openblas build/openblas/clustermatch
	@BIN=$(abspath $(BIN)) BIN_OPENBLAS=$(abspath build/openblas/clustermatch) \
	  BENCH_BUILD=$(abspath $(BENCH_BUILD)) BENCH_QUICK=$(BENCH_QUICK) sh bench/run.sh
	@BIN=$(abspath $(BIN)) BENCH_BUILD=$(abspath $(BENCH_BUILD)) BENCH_QUICK=$(BENCH_QUICK) sh bench/serve.sh

# The load test of `clustermatch serve` alone (also the last part of `make bench`).
.PHONY: bench-serve
bench-serve:
	$(MAKE) --no-print-directory $(BIN) $(BENCH_BUILD)/serveload
	@BIN=$(abspath $(BIN)) BENCH_BUILD=$(abspath $(BENCH_BUILD)) BENCH_QUICK=$(BENCH_QUICK) sh bench/serve.sh

bench-tools: $(BENCH_TOOLS)

$(BENCH_BUILD):
	mkdir -p $@

$(BENCH_BUILD)/timeit: bench/timeit.c | $(BENCH_BUILD)
	$(CC) $(CFLAGS) -o $@ $<

$(BENCH_BUILD)/serveload: bench/serveload.c | $(BENCH_BUILD)
	$(CC) $(CFLAGS) -o $@ $< -pthread

$(BENCH_BUILD)/parseonly: bench/parseonly.c | $(BENCH_BUILD)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< -lyaml

$(BENCH_BUILD)/gen: bench/gen.c $(LIBOBJS) | $(BENCH_BUILD)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(BENCH_GSL_LIBS)

$(BENCH_BUILD)/kernel-gsl: bench/kernel.c $(LIBOBJS) | $(BENCH_BUILD)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(BENCH_GSL_LIBS)

$(BENCH_BUILD)/kernel-openblas: bench/kernel.c $(LIBOBJS) | $(BENCH_BUILD)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(BENCH_OPENBLAS_LIBS)

# Beyond the table: how cost grows with partners and sectors, and sharding a batch across
# processes with GNU parallel (or xargs -P) with a check that the merge equals one run.
.PHONY: bench-scaling bench-shard
bench-scaling:
	@sh tools/deps.sh bench
	$(MAKE) --no-print-directory $(BIN) bench-tools
	$(MAKE) --no-print-directory BLAS=openblas build/openblas/clustermatch
	@BIN=$(abspath $(BIN)) BIN_OPENBLAS=$(abspath build/openblas/clustermatch) \
	  BENCH_BUILD=$(abspath $(BENCH_BUILD)) sh bench/scaling.sh

bench-shard:
	@sh tools/deps.sh bench
	$(MAKE) --no-print-directory $(BIN) bench-tools
	@BIN=$(abspath $(BIN)) BENCH_BUILD=$(abspath $(BENCH_BUILD)) sh bench/shard.sh

# Start-up and a single rank with hyperfine; BIN_BEFORE=path compares with another build.
.PHONY: bench-startup
bench-startup:
	@sh tools/deps.sh bench
	$(MAKE) --no-print-directory $(BIN) $(PLUGIN)
	@BIN=$(abspath $(BIN)) BIN_BEFORE=$(BIN_BEFORE) sh bench/startup.sh

# batch --out on disk against the same batch to stdout; BIN_BEFORE=path adds another build.
.PHONY: bench-batchout
bench-batchout:
	@sh tools/deps.sh bench
	$(MAKE) --no-print-directory $(BIN) $(BENCH_BUILD)/timeit $(BENCH_BUILD)/gen
	@BIN=$(abspath $(BIN)) BIN_BEFORE=$(BIN_BEFORE) BENCH_BUILD=$(abspath $(BENCH_BUILD)) sh bench/batchout.sh

# The scaling grid of issue #14 (partners 2.7k, 27k, 270k x profiles 1k, 10k, 100k).
.PHONY: bench-grid
bench-grid:
	@sh tools/deps.sh bench
	$(MAKE) --no-print-directory $(BIN) $(BENCH_BUILD)/timeit $(BENCH_BUILD)/gen
	@BIN=$(abspath $(BIN)) BENCH_BUILD=$(abspath $(BENCH_BUILD)) sh bench/grid.sh
