# mk/packaging.mk -- included by the root Makefile: Debian packages and the
# ABI guard.
#
#   make deb          dpkg-buildpackage -us -uc -b (offline) in build/deb/, then
#                     lintian; the packages are build/deb/*.deb
#   make deb-test     make deb, install the packages with dpkg -i, build a C
#                     program with pkg-config and import the Python binding
#                     against the installed files, then remove the packages
#                     (KEEP=1 leaves them installed)
#   make abi-check    compare the library's ABI with the stored baseline
#                     (abi/libaiineq.so.0.abi, abidiff); fails on any
#                     incompatible change
#   make abi-baseline regenerate the baseline (only when a release is cut;
#                     see docs/abi.md)
#
# Their tools are Debian packages installed here, by the targets' own
# dependency steps (scripts/install-deps.sh PKG...), not by `make deps`.

.PHONY: deb deb-deps deb-test abi-check abi-baseline abi-deps

DEB_TOOLS := debhelper dpkg-dev lintian dh-python
ABI_TOOLS := abigail-tools
ABI_BASELINE := abi/libaiineq.so.$(VERSION_MAJOR).abi
ABI_DUMP := $(B)/abi/libaiineq.so.$(VERSION_MAJOR).abi

deb-deps:
	NO_INSTALL=$(NO_INSTALL) bash scripts/install-deps.sh $(DEB_TOOLS)

deb: deb-deps | $(DEPS_STAMP)
	bash scripts/build-deb.sh

deb-test: deb
	KEEP=$(KEEP) bash scripts/deb-test.sh build/deb

abi-deps:
	NO_INSTALL=$(NO_INSTALL) bash scripts/install-deps.sh $(ABI_TOOLS)

# abidw reads the DWARF of the library as built by the ordinary rules (-g);
# --headers-dir with --drop-private-types keeps the layout of the opaque
# handle structs (defined in lib/) out of the ABI: only what include/ shows.
$(ABI_DUMP): $(SHLIB) $(HEADERS) | abi-deps
	@mkdir -p $(@D)
	abidw --headers-dir include --drop-private-types --no-corpus-path --drop-undefined-syms \
	  --out-file $@ $(SHLIB)

abi-check: $(ABI_DUMP)
	bash scripts/abi-check.sh $(ABI_BASELINE) $(ABI_DUMP) lib/libaiineq.map $(VERSION)

abi-baseline: $(ABI_DUMP)
	@mkdir -p $(dir $(ABI_BASELINE))
	cp $(ABI_DUMP) $(ABI_BASELINE)
	echo $(VERSION) > $(dir $(ABI_BASELINE))BASELINE_VERSION
	bash scripts/abi-check.sh --constants > $(dir $(ABI_BASELINE))constants.txt
	@echo "abi-baseline: wrote $(ABI_BASELINE) from $(SHLIB) ($(VERSION)); commit it"
