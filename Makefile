# aiineq -- GNU make build.  Everything is built under build/.
#
#   make            library (shared + static) and examples
#   make demo       build and run the quickstart example
#   make calibrate  the paper's MSM calibration (ARGS="--json" etc. are passed on)
#   make regime-map regime map, boundary, scenarios: build/regime_map.{csv,svg}
#   make check      every test (Check suites, export and install checks)
#   make bench      benchmarks (prints figures; never pass/fail)
#   make install    PREFIX, DESTDIR, LIBDIR, INCLUDEDIR, MANDIR, DOCDIR honoured
#
# Missing Debian build dependencies are installed by scripts/install-deps.sh
# when run as root; NO_INSTALL=1 turns that off (distribution builds).
# CC, CPPFLAGS, CFLAGS and LDFLAGS from the environment are appended to ours.

.SUFFIXES:
SHELL := /bin/bash

# ---- version: include/aiineq.h is the single source of truth ----
version_part = $(shell sed -n 's/^\#define AIINEQ_VERSION_$(1) \([0-9]*\)$$/\1/p' include/aiineq.h)
VERSION_MAJOR := $(call version_part,MAJOR)
VERSION_MINOR := $(call version_part,MINOR)
VERSION_PATCH := $(call version_part,PATCH)
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

# ---- install locations ----
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATAROOTDIR ?= $(PREFIX)/share
MANDIR ?= $(DATAROOTDIR)/man
DOCDIR ?= $(DATAROOTDIR)/doc/aiineq
DESTDIR ?=

# ---- tools and flags ----
CC ?= cc
PKG_CONFIG ?= pkg-config
B := build
LIB_PKGS := lapack openblas nlopt cminpack sleef
TEST_PKGS := check
# Deferred (=) so pkg-config runs after the dependency step has installed it.
PKG_LIB_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS))
PKG_LIB_LIBS = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS))
PKG_TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS))
PKG_TEST_LIBS = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
ifeq ($(WERROR),1)
WARN += -Werror
endif
AIQ_CFLAGS := -std=c11 -O2 -g $(WARN) -fPIC -fvisibility=hidden -ffp-contract=off
AIQ_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -Iinclude -Ilib -DAIINEQ_BUILDING
ALL_CFLAGS = $(AIQ_CPPFLAGS) $(PKG_LIB_CFLAGS) $(CPPFLAGS) $(AIQ_CFLAGS) $(CFLAGS)
# Examples and benchmarks see only the public headers, as a user's program does.
USER_CFLAGS = -Iinclude $(CPPFLAGS) $(filter-out -fvisibility=hidden,$(AIQ_CFLAGS)) $(CFLAGS)
LIBS_PRIVATE := -lm -lpthread
# OpenMP parallelises the simulation and sorts inside a solve, with the same
# bits for any thread count (docs/performance.md).  OPENMP=0 builds it serial.
OPENMP ?= 1
ifeq ($(OPENMP),1)
AIQ_CFLAGS += -fopenmp
LIBS_PRIVATE += -lgomp
else
# -fopenmp-simd keeps `#pragma omp simd` loops vectorised (lib/normal.c).
AIQ_CFLAGS += -Wno-unknown-pragmas -fopenmp-simd
endif

# ---- sources ----
LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
# examples/*_mpi.c need an MPI compiler: built by make check-mpi (mk/hardening.mk).
EXAMPLE_SRC := $(filter-out examples/%_mpi.c,$(sort $(wildcard examples/*.c)))
EXAMPLES := $(EXAMPLE_SRC:examples/%.c=$(B)/examples/%)
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_OBJ := $(TEST_SRC:%.c=$(B)/obj/%.o)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCHES := $(BENCH_SRC:bench/%.c=$(B)/bench/%)
HEADERS := $(sort $(wildcard include/*.h))
PYTHON ?= /usr/bin/python3
CXX ?= g++

SONAME := libaiineq.so.$(VERSION_MAJOR)
SHLIB := $(B)/lib/libaiineq.so.$(VERSION)
STLIB := $(B)/lib/libaiineq.a
DEPS_STAMP := $(B)/.deps-ok

.PHONY: calibrate regime-map
.PHONY: all lib examples demo check check-c check-exports check-install bench \
        install uninstall clean deps man symbols check-docs check-headers check-python
.DELETE_ON_ERROR:

all: lib examples
lib: $(SHLIB) $(STLIB)
examples: $(EXAMPLES)

# ---- dependencies (Debian packages) ----
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@mkdir -p $(@D)
	NO_INSTALL=$(NO_INSTALL) bash scripts/install-deps.sh
	@touch $@

# ---- library ----
$(B)/obj/lib/%.o: lib/%.c $(HEADERS) $(wildcard lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# SLEEF's AVX2 and AVX-512 kernels (lib/vmath_avx*.c) are the only files
# compiled for those instruction sets; lib/vmath.c calls them only when CPUID
# reports them.  On other architectures the files compile to nothing.
ifneq ($(filter x86_64-%,$(shell $(CC) -dumpmachine)),)
$(B)/obj/lib/vmath_avx2.o: ALL_CFLAGS += -mavx2 -mfma
$(B)/obj/lib/vmath_avx512.o: ALL_CFLAGS += -mavx512f -mfma
endif

$(SHLIB): $(LIB_OBJ) lib/libaiineq.map
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=lib/libaiineq.map \
	  -Wl,-z,defs $(LDFLAGS) -o $@ $(LIB_OBJ) $(PKG_LIB_LIBS) $(LIBS_PRIVATE)
	ln -sf $(@F) $(B)/lib/$(SONAME)
	ln -sf $(SONAME) $(B)/lib/libaiineq.so

$(STLIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# ---- examples: linked against the shared library, found through rpath ----
$(B)/examples/%: examples/%.c $(SHLIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $< -o $@ -L$(B)/lib -laiineq -Wl,-rpath,'$$ORIGIN/../lib' \
	  $(LDFLAGS) -lm

demo: $(B)/examples/quickstart
	$(B)/examples/quickstart

# The paper's calibration and regime map (examples/calibrate.c, regime_map.c).
calibrate: $(B)/examples/calibrate
	$(B)/examples/calibrate $(ARGS)
regime-map: $(B)/examples/regime_map
	cd $(B) && examples/regime_map $(ARGS)

# ---- tests: one Check runner collects every tests/test_NAME.c suite ----
# Each test file defines `Suite *aiq_suite_NAME(void)`; the list is generated.
$(B)/tests/suites.inc: $(TEST_SRC)
	@mkdir -p $(@D)
	@for t in $(TEST_SRC); do n=$${t#tests/test_}; echo "AIQ_SUITE($${n%.c})"; done > $@

$(B)/obj/tests/%.o: tests/%.c tests/testutil.h $(HEADERS) $(wildcard lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PKG_TEST_CFLAGS) -I$(B)/tests -c $< -o $@

$(B)/obj/tests/runner.o: $(B)/tests/suites.inc

$(B)/tests/runner: $(B)/obj/tests/runner.o $(TEST_OBJ) $(STLIB)
	$(CC) -o $@ $^ $(LDFLAGS) $(PKG_TEST_LIBS) $(PKG_LIB_LIBS) $(LIBS_PRIVATE)

# Run from the tests directory's parent so tests find ../shared/data.
# DEB_BUILD_OPTIONS=nocheck (Debian policy) turns every test off.
ifneq ($(filter nocheck,$(DEB_BUILD_OPTIONS)),)
check:
	@echo "check: skipped (DEB_BUILD_OPTIONS=nocheck)"
else
check: check-exports check-install check-headers check-docs check-python check-c check-fault check-fuzz
endif

AIQ_SHARED_DIR ?= $(abspath ../shared)
export AIQ_SHARED_DIR
check-c: $(B)/tests/runner
	$(B)/tests/runner

check-exports: $(SHLIB)
	bash tests/check_exports.sh $(SHLIB)

# The man pages are built here first, so that the sub-make of the install
# check never regenerates them while check-docs does (make -j).
check-install: lib $(B)/man/aiineq.3
	bash tests/check_install.sh "$(MAKE)"

# ---- Python binding (ctypes): tests against the library just built ----
check-python: $(SHLIB)
	AIINEQ_LIBRARY=$(abspath $(B)/lib/$(SONAME)) PYTHONDONTWRITEBYTECODE=1 \
	  $(PYTHON) python/tests/run.py

# ---- man pages: generated from docs/api.md (scripts/apidoc.py) ----
man: $(B)/man/aiineq.3
$(B)/man/aiineq.3: docs/api.md scripts/apidoc.py CHANGELOG.md $(SHLIB)
	$(PYTHON) scripts/apidoc.py man $(@D) --lib $(SHLIB)

# Every exported function has a docs/api.md section and a clean man page.
check-docs: $(B)/man/aiineq.3
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) scripts/test_apidoc.py >/dev/null
	$(PYTHON) scripts/apidoc.py check --lib $(SHLIB) --man $(B)/man

# docs/symbols.md: the release that introduced each function.
symbols: $(SHLIB)
	$(PYTHON) scripts/apidoc.py symbols --lib $(SHLIB)

# ---- every public header compiles on its own as C11 and as C++11 ----
HDR_NAMES := $(HEADERS:include/%.h=%)
HDR_TESTS := $(HDR_NAMES:%=$(B)/hdrtest/%.c.o) $(HDR_NAMES:%=$(B)/hdrtest/%.cc.o)
check-headers: $(HDR_TESTS)
	@echo "check-headers: ok ($(words $(HDR_NAMES)) headers, each alone as C11 and C++11)"
.PRECIOUS: $(B)/hdrtest/%.c $(B)/hdrtest/%.cc
$(B)/hdrtest/%.c: include/%.h
	@mkdir -p $(@D)
	@printf '#include <%s.h>\n#include <%s.h>\nint aiq_hdrtest(void);\nint aiq_hdrtest(void) { return 0; }\n' $* $* > $@
$(B)/hdrtest/%.cc: $(B)/hdrtest/%.c
	cp $< $@
$(B)/hdrtest/%.c.o: $(B)/hdrtest/%.c $(HEADERS)
	$(CC) -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -Iinclude $(CPPFLAGS) -c $< -o $@
$(B)/hdrtest/%.cc.o: $(B)/hdrtest/%.cc $(HEADERS)
	$(CXX) -std=c++11 -O2 -Wall -Wextra -pedantic -Werror -Iinclude $(CPPFLAGS) -c $< -o $@

# ---- benchmarks ----
$(B)/bench/%: bench/%.c $(STLIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(STLIB) $(LDFLAGS) $(PKG_LIB_LIBS) $(LIBS_PRIVATE)

# Single-threaded figures: OpenBLAS's worker threads would otherwise spin.
bench: $(BENCHES)
	@for b in $(BENCHES); do echo "== $$b"; OPENBLAS_NUM_THREADS=1 $$b || exit 1; done

# ---- install ----
$(B)/aiineq.pc: pkgconfig/aiineq.pc.in include/aiineq.h
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@LIB_PKGS@|$(LIB_PKGS)|g' -e 's|@LIBS_PRIVATE@|$(LIBS_PRIVATE)|g' $< > $@

install: lib $(B)/aiineq.pc man
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(DOCDIR)
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libaiineq.so
	install -m 644 $(STLIB) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(B)/aiineq.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 644 README.md CHANGELOG.md LICENSE $(wildcard docs/*.md) $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(B)/man/*.3 $(DESTDIR)$(MANDIR)/man3/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(notdir $(HEADERS)))
	rm -f $(DESTDIR)$(LIBDIR)/libaiineq.so* $(DESTDIR)$(LIBDIR)/libaiineq.a
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/aiineq.pc
	rm -f $(DESTDIR)$(MANDIR)/man3/aiineq.3 $(DESTDIR)$(MANDIR)/man3/aiineq_*.3
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf $(B)

include mk/hardening.mk
include mk/packaging.mk
