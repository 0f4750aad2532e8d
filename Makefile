# clustermatch: build, test, install.
#   make            build ./clustermatch
#   make check      unit, golden CLI and acceptance tests (installs Debian deps as root)
#   make demo       rank the bundled example profiles
#   make SANITIZE=address,undefined check    the same under ASan+UBSan
#   make BLAS=openblas                       link OpenBLAS for GSL's cblas calls
#   make install PREFIX=/usr/local DESTDIR=
#   make data       regenerate data/partners/zones-*.yaml from data/sources/ (needs node + npm)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/clustermatch
PLUGINDIR ?= $(PREFIX)/lib/clustermatch
MANDIR  ?= $(PREFIX)/share/man
VERSION := 0.1.0

CC      ?= cc
PKG_CONFIG ?= pkg-config
PKGS    := yaml-0.1 gsl jansson libutf8proc xlsxwriter libmicrohttpd
# The binary links all but libxlsxwriter: the xlsx writer is a plugin loaded on first use
# (src/xlsx_plugin.c), so no other run pays for libxlsxwriter, libcrypto, minizip and zlib.
BIN_PKGS := $(filter-out xlsxwriter,$(PKGS))
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
CFLAGS  ?=
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Iinclude -DCM_VERSION='"$(VERSION)"' -DCM_DATADIR='"$(DATADIR)"' -DCM_PLUGINDIR='"$(PLUGINDIR)"'
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(BIN_PKGS) 2>/dev/null)
XLSX_LIBS  = $(shell $(PKG_CONFIG) --libs xlsxwriter 2>/dev/null)
# The helpers the plugin calls back into, exported from the binary (and the unit tests).
EXPORT_LDFLAGS = -Wl,--export-dynamic-symbol=cmx_* -Wl,--export-dynamic-symbol=cm_ioerror
LDLIBS  = $(PKG_LIBS) -lm -pthread

ifeq ($(BLAS),openblas)
LDLIBS := $(filter-out -lgslcblas,$(LDLIBS)) -lopenblas
BUILD  ?= build/openblas
endif

ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
BUILD   ?= build/san
endif
BUILD   ?= build

BIN     := $(BUILD)/clustermatch
SRCS    := $(filter-out src/export_xlsx.c,$(wildcard src/*.c))
PLUGIN  := $(BUILD)/clustermatch-xlsx.so
OBJS    := $(SRCS:src/%.c=$(BUILD)/%.o)
LIBOBJS := $(filter-out $(BUILD)/main.o $(BUILD)/cmd_%.o,$(OBJS))
# The compiled dataset (include/compiled.h): data/ loaded, checked and written as one file
# that rank, batch, explain, list, validate and serve read instead of the YAML.
COMPILED  := data/.clustermatch.cmd
DATA_SRCS := $(wildcard data/*.yaml data/partners/*.yaml)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps check unit cli demo clean install uninstall valgrind data

all: deps clustermatch $(PLUGIN) $(COMPILED)

deps:
	@sh tools/deps.sh build

# ./clustermatch always points at the last default build, so the README commands work.
clustermatch: $(BIN)
	@if [ "$(BUILD)" = build ]; then ln -sf $(BIN) clustermatch; fi

$(BUILD)/%.o: src/%.c $(wildcard include/*.h src/*.h) | $(BUILD)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# The scoring model's image (include/score.h) carries a hash of its source, so a compiled
# data file made by another build of score.c is rebuilt from the data, never used.
MODEL_HASH := $(shell cat src/score.c include/score.h 2>/dev/null | cksum | cut -d' ' -f1)
$(BUILD)/score.o: CFLAGS += -DCM_MODEL_HASH=$(MODEL_HASH)u

# serve_assets.c builds the files of web/ into the binary (.incbin).
$(BUILD)/serve_assets.o: $(wildcard web/*)

$(BIN): $(OBJS)
	$(CC) $(LDFLAGS) $(EXPORT_LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# The xlsx writer as a plugin beside the binary (see src/xlsx_plugin.c).
$(BUILD)/pic/export_xlsx.o: src/export_xlsx.c $(wildcard include/*.h src/*.h) | $(BUILD)
	@mkdir -p $(BUILD)/pic
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -fPIC -c $< -o $@

$(PLUGIN): $(BUILD)/pic/export_xlsx.o
	$(CC) -shared $(LDFLAGS) -o $@ $< $(XLSX_LIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

$(COMPILED): $(BIN) $(DATA_SRCS)
	$(BIN) -q --data data data compile

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) tests/unit/testhelp.h | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit $(LDFLAGS) $(EXPORT_LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

unit: $(UNIT_BINS) $(PLUGIN)
	@fail=0; for t in $(UNIT_BINS); do CLUSTERMATCH_PLUGIN_DIR=$(abspath $(BUILD)) $$t || fail=1; done; exit $$fail

check:
	@sh tools/deps.sh check
	$(MAKE) --no-print-directory $(BIN) $(PLUGIN) $(UNIT_BINS)
	@# Always by the binary under test (a SANITIZE build and the default one share data/).
	$(BIN) -q --data data data compile
	@CM_BIN=$(abspath $(BIN)) CM_BUILD=$(abspath $(BUILD)) CM_SANITIZE=$(SANITIZE) sh tests/run.sh

# The zone partner files are generated from the vendored sources and committed, so neither
# the build nor the tests need node; this target rebuilds them (npm ci installs the pinned
# packages of tools/zones/package-lock.json).
data:
	cd tools/zones && npm ci --no-audit --no-fund && node build.mjs

demo: all
	./clustermatch rank --format table profiles/examples/bw-packaging.yaml
	./clustermatch rank --format table --explain --top 3 profiles/examples/dk-biotech.yaml
	./clustermatch batch profiles/escp-4i --out shortlists
	@echo "demo: shortlists for the nine ESCP-4i partnerships are in shortlists/"


valgrind:
	@sh tools/deps.sh valgrind
	$(MAKE) --no-print-directory $(BIN)
	@CM_BIN=$(abspath $(BIN)) sh tests/valgrind.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PLUGINDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/clustermatch
	install -m 644 $(PLUGIN) $(DESTDIR)$(PLUGINDIR)/clustermatch-xlsx.so
	cp -R --preserve=timestamps data/. $(DESTDIR)$(DATADIR)/
	install -m 644 docs/clustermatch.1 $(DESTDIR)$(MANDIR)/man1/clustermatch.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/clustermatch $(DESTDIR)$(MANDIR)/man1/clustermatch.1
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(PLUGINDIR)/clustermatch-xlsx.so
	-rmdir $(DESTDIR)$(PLUGINDIR) 2>/dev/null

clean:
	rm -rf build clustermatch

# Further targets (bench, fuzz, eval) live in mk/*.mk, one file per concern.
-include $(wildcard mk/*.mk)
