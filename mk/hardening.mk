# mk/hardening.mk -- included by the root Makefile: fault injection, fuzz
# corpus replay, sanitizers, valgrind, libFuzzer and coverage.
#
#   make check-fault     allocation fault-injection sweeps (part of make check;
#                        those tagged "slow" only in check-fault-all, .ci/run)
#   make check-fuzz      replay fuzz/corpus through every harness (part of make check)
#   make check-asan      every Check suite, the fault sweeps, the corpus replay and
#                        the Python suite with ASan+UBSan (build/asan)
#   make check-valgrind  the same under valgrind (memcheck, leaks are errors)
#   make fuzz            libFuzzer (clang) on every harness, FUZZ_TIME seconds each
#   make coverage        line and branch coverage of lib/ (gcovr) into build/cov
#
# The sanitizer and coverage builds are the ordinary rules re-run by a
# sub-make with B=build/<variant> and extra CFLAGS/LDFLAGS, so they never mix
# with the normal build.

.PHONY: check-fault check-fault-all check-fuzz check-asan check-valgrind check-tsan fuzz coverage

TEST_ENV = OPENBLAS_NUM_THREADS=1

# ---- allocation fault injection: lib/alloc.c rebuilt with the hook ----
FAULT_SRC := $(sort $(wildcard tests/fault/fault_*.c))
FAULT_OBJ := $(FAULT_SRC:tests/fault/%.c=$(B)/fault/obj/%.o)
FAULT_LIB_OBJ = $(B)/fault/obj/alloc.o $(filter-out $(B)/obj/lib/alloc.o,$(LIB_OBJ))
FAULT_RUNNER := $(B)/fault/runner

$(B)/fault/suites.inc: $(FAULT_SRC)
	@mkdir -p $(@D)
	@for t in $(FAULT_SRC); do n=$${t#tests/fault/}; echo "AIQ_SUITE($${n%.c})"; done > $@

$(B)/fault/obj/alloc.o: lib/alloc.c lib/fault.h lib/internal.h $(HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DAIQ_FAULT_INJECTION -c $< -o $@

$(B)/fault/obj/%.o: tests/fault/%.c tests/fault/faultutil.h tests/testutil.h lib/fault.h \
                    $(HEADERS) $(wildcard lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PKG_TEST_CFLAGS) -DAIQ_FAULT_INJECTION -Itests -c $< -o $@

$(B)/fault/obj/runner.o: tests/runner.c $(B)/fault/suites.inc | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PKG_TEST_CFLAGS) -I$(B)/fault -c $< -o $@

$(FAULT_RUNNER): $(B)/fault/obj/runner.o $(FAULT_OBJ) $(FAULT_LIB_OBJ)
	$(CC) -o $@ $^ $(LDFLAGS) $(PKG_TEST_LIBS) $(PKG_LIB_LIBS) $(LIBS_PRIVATE)

# Sweeps tagged "slow" (tcase_set_tags) take seconds each: make check skips
# them and says so; check-fault-all (run by .ci/run) and check-asan run them.
check-fault: $(FAULT_RUNNER)
	$(TEST_ENV) CK_EXCLUDE_TAGS=slow $(FAULT_RUNNER)
	@echo "check-fault: sweeps tagged 'slow' are left to make check-fault-all (.ci/run)"

check-fault-all: $(FAULT_RUNNER)
	$(TEST_ENV) $(FAULT_RUNNER)

# ---- fuzz harnesses: corpus replay with the ordinary compiler ----
# fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput; fuzz/replay.c is a main()
# that feeds it every file of fuzz/corpus/NAME/ (no libFuzzer needed).
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:fuzz/fuzz_%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(B)/fuzz/replay_%)

$(B)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzzutil.h $(STLIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ifuzz fuzz/replay.c $< -o $@ $(STLIB) $(LDFLAGS) $(PKG_LIB_LIBS) \
	  $(LIBS_PRIVATE)

# Every harness must have a non-empty corpus: nothing is skipped silently.
check-fuzz: $(FUZZ_REPLAY)
	@for n in $(FUZZ_NAMES); do \
	  $(TEST_ENV) $(FUZZ_WRAP) $(B)/fuzz/replay_$$n fuzz/corpus/$$n || exit 1; \
	done

# ---- sanitizers ----
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_ENV := CK_FORK=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The Python suite loads the sanitized shared library into an ordinary
# interpreter, so the runtimes are preloaded; leak detection is off there
# (CPython keeps memory until exit by design; the C suites check leaks).
SAN_PRELOAD = $(shell $(CC) -print-file-name=libasan.so) $(shell $(CC) -print-file-name=libubsan.so)

# CK_FORK=no keeps every test in one process, so LeakSanitizer sees them all.
check-asan: | $(DEPS_STAMP)
	$(MAKE) --no-print-directory B=$(B)/asan CFLAGS='$(CFLAGS) $(SAN_FLAGS)' \
	  LDFLAGS='$(LDFLAGS) $(SAN_FLAGS)' $(B)/asan/tests/runner $(B)/asan/fault/runner \
	  $(FUZZ_NAMES:%=$(B)/asan/fuzz/replay_%) $(B)/asan/lib/libaiineq.so.$(VERSION)
	$(TEST_ENV) $(SAN_ENV) $(B)/asan/tests/runner
	$(TEST_ENV) $(SAN_ENV) $(B)/asan/fault/runner
	$(MAKE) --no-print-directory B=$(B)/asan FUZZ_WRAP='$(SAN_ENV)' check-fuzz
	$(TEST_ENV) $(SAN_ENV) ASAN_OPTIONS=detect_leaks=0 LD_PRELOAD='$(SAN_PRELOAD)' \
	  AIINEQ_LIBRARY=$(abspath $(B)/asan/lib/$(SONAME)) PYTHONDONTWRITEBYTECODE=1 \
	  $(PYTHON) python/tests/run.py
	@echo "check-asan: ok (ASan + UBSan, no errors, no leaks)"

# ---- valgrind (memcheck): any error or definite/possible leak fails ----
# AIQ_TEST_SMALL=1 lets slow tests use smaller sizes (see tests/testutil.h).
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --suppressions=tests/valgrind.supp \
            --errors-for-leak-kinds=definite,possible --show-leak-kinds=definite,possible
VALGRIND_ENV := CK_FORK=no AIQ_TEST_SMALL=1

check-valgrind: $(B)/tests/runner $(FAULT_RUNNER) $(FUZZ_REPLAY)
	$(TEST_ENV) $(VALGRIND_ENV) $(VALGRIND) $(B)/tests/runner
	$(TEST_ENV) $(VALGRIND_ENV) CK_EXCLUDE_TAGS=slow $(VALGRIND) $(FAULT_RUNNER)
	$(MAKE) --no-print-directory FUZZ_WRAP='$(VALGRIND_ENV) $(VALGRIND)' check-fuzz
	@echo "check-valgrind: ok (no memcheck errors, no leaks)"

# ---- libFuzzer (clang from Debian): bounded runs from the committed corpus ----
FUZZ_TIME ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_B := $(B)/libfuzzer

fuzz:
	NO_INSTALL=$(NO_INSTALL) bash scripts/install-deps.sh clang libclang-rt-14-dev
	$(MAKE) --no-print-directory B=$(FUZZ_B) CC=clang OPENMP=0 \
	  CFLAGS='$(CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN)' $(FUZZ_B)/lib/libaiineq.a
	@for n in $(FUZZ_NAMES); do \
	  echo "== fuzz_$$n for $(FUZZ_TIME) s"; \
	  clang $(AIQ_CPPFLAGS) -Ifuzz -std=c11 -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) \
	    fuzz/fuzz_$$n.c -o $(FUZZ_B)/fuzz_$$n $(FUZZ_B)/lib/libaiineq.a \
	    $(PKG_LIB_LIBS) $(LIBS_PRIVATE) || exit 1; \
	  mkdir -p $(FUZZ_B)/corpus/$$n; \
	  $(TEST_ENV) $(FUZZ_B)/fuzz_$$n -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_B)/ $(FUZZ_B)/corpus/$$n fuzz/corpus/$$n || exit 1; \
	done

# ---- coverage of lib/ (gcovr): every suite, the fault sweeps, the corpus ----
COV_B := $(B)/cov
GCOVR_GOALS := --fail-under-line $(or $(COV_LINE_GOAL),0) --fail-under-branch $(or $(COV_BRANCH_GOAL),0)

coverage:
	NO_INSTALL=$(NO_INSTALL) bash scripts/install-deps.sh gcovr
	@if [ -d $(COV_B) ]; then find $(COV_B) -name '*.gcda' -delete; fi
	$(MAKE) --no-print-directory B=$(COV_B) CFLAGS='$(CFLAGS) -O0 --coverage' \
	  LDFLAGS='$(LDFLAGS) --coverage' $(COV_B)/tests/runner $(COV_B)/fault/runner \
	  $(FUZZ_NAMES:%=$(COV_B)/fuzz/replay_%)
	$(TEST_ENV) CK_FORK=no $(COV_B)/tests/runner
	$(TEST_ENV) CK_FORK=no $(COV_B)/fault/runner
	$(MAKE) --no-print-directory B=$(COV_B) check-fuzz
	gcovr --root . --filter 'lib/' --object-directory $(COV_B) --exclude-unreachable-branches \
	  --print-summary --txt $(COV_B)/coverage.txt --html-details $(COV_B)/coverage.html \
	  $(GCOVR_GOALS)
	@echo "coverage: per-file table in $(COV_B)/coverage.txt, annotated source in $(COV_B)/coverage.html"

# ---- ThreadSanitizer: independent handles in several threads ----
# Runs the `threads` suite (tests/test_threads.c) of a build with
# -fsanitize=thread in build/tsan; any data race fails.  Debian's libgomp is
# not instrumented, so TSan cannot see its barriers and reports races that
# are not there: this build is serial inside a solve (OPENMP=0) and checks
# handles used from several caller threads; thread-count independence of
# the OpenMP code is checked by the `parallel` suite.
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer

check-tsan: | $(DEPS_STAMP)
	$(MAKE) --no-print-directory B=$(B)/tsan OPENMP=0 CFLAGS='$(CFLAGS) $(TSAN_FLAGS)' \
	  LDFLAGS='$(LDFLAGS) $(TSAN_FLAGS)' $(B)/tsan/tests/runner
	$(TEST_ENV) CK_FORK=no CK_RUN_SUITE=threads TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	  $(B)/tsan/tests/runner
	@echo "check-tsan: ok (no data race)"

# ---- MPI: the regime map split across ranks equals the serial map ----
# Open MPI from Debian (libopenmpi-dev, openmpi-bin), installed here when
# missing.  As root mpirun needs --allow-run-as-root; --oversubscribe lets
# two ranks share fewer cores.  docs/mpi.md covers batch schedulers.
MPICC ?= mpicc
MPIRUN ?= mpirun
MPI_NP ?= 2
MPIRUN_FLAGS ?= --allow-run-as-root --oversubscribe
MPI_ENV := OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
MPI_ARGS ?= --nx 5 --ny 3 --workers 20000

.PHONY: check-mpi
$(B)/examples/regime_map_mpi: examples/regime_map_mpi.c $(SHLIB) $(HEADERS)
	@mkdir -p $(@D)
	$(MPICC) $(USER_CFLAGS) $< -o $@ -L$(B)/lib -laiineq -Wl,-rpath,'$$ORIGIN/../lib' \
	  $(LDFLAGS) -lm

check-mpi: $(SHLIB)
	NO_INSTALL=$(NO_INSTALL) bash scripts/install-deps.sh libopenmpi-dev openmpi-bin
	$(MAKE) --no-print-directory $(B)/examples/regime_map_mpi
	$(TEST_ENV) $(MPI_ENV) $(MPIRUN) $(MPIRUN_FLAGS) -np 1 $(B)/examples/regime_map_mpi \
	  --serial $(MPI_ARGS) > $(B)/regime_map_serial.txt
	$(TEST_ENV) $(MPI_ENV) $(MPIRUN) $(MPIRUN_FLAGS) -np $(MPI_NP) $(B)/examples/regime_map_mpi \
	  $(MPI_ARGS) > $(B)/regime_map_mpi.txt
	@test -s $(B)/regime_map_serial.txt || { echo "check-mpi: empty serial map" >&2; exit 1; }
	cmp $(B)/regime_map_serial.txt $(B)/regime_map_mpi.txt
	@echo "check-mpi: ok ($$(wc -l < $(B)/regime_map_mpi.txt) grid points, $(MPI_NP) ranks, identical to the serial map)"
