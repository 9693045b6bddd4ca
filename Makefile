# SPDX-License-Identifier: GPL-2.0
# vma-retry: the single entry point. `make help` lists the targets.

ARCH ?=
SHELL := /bin/bash
S := scripts
# The arches, from the one reader of configs/arches (scripts/lib.sh).
ARCHES_ALL := $(shell bash -c '. $(S)/lib.sh && all_arches' | tr '\n' ' ')

.PHONY: help setup check lint apply series series-check build initramfs run \
	kunit kunit-module bisect-check regress-baseline debug-base bench stress send clean input \
	need-arch

help:
	@echo 'vma-retry: retry page faults under the per-VMA lock after I/O'
	@echo
	@echo '  make setup         install toolchains, QEMU 10 and the base tree (root, idempotent)'
	@echo '  make check         the test command: lint, the harness'"'"'s own tests, apply,'
	@echo '                     drift and bisect checks, build and boot all seven arches,'
	@echo '                     KUnit and kselftests (ARCH=a: that arch alone, gates included)'
	@echo '  make lint          shellcheck of the scripts, checkpatch --strict of patches/'
	@echo '  make apply         git am patches/ onto the base (or KERNEL_TREE=) in a worktree'
	@echo '                     (refuses, exit 2, to move a tree or branch holding your work)'
	@echo '  make series        export the applied branch back to patches/'
	@echo '  make series-check  fail if patches/ differs from that export (drift)'
	@echo '  make build ARCH=a  build the test kernel of one arch'
	@echo '  make run ARCH=a    build and boot it and run the tests'
	@echo '  make kunit ARCH=a  kunit.py run with the suite'"'"'s kunitconfig and our toolchain'
	@echo '  make kunit-module ARCH=a  make run with the KUnit suite built as a module,'
	@echo '                     which the guest init loads and unloads (on demand: not in'
	@echo '                     make check, Documentation/testing.txt)'
	@echo '  make bisect-check  build the touched objects at every patch on every arch (or ARCH=/ARCHES=)'
	@echo '  make regress-baseline ARCH=a  record the base kernel'"'"'s results of the upstream'
	@echo '                     mm selftests that make check compares (selftests/regress/;'
	@echo '                     KERNEL_TREE=: its base'"'"'s, into the cache; make run and check'
	@echo '                     record those on demand)'
	@echo '  make stress ARCH=a the debug kernel (lockdep, DEBUG_VM, KASAN where supported)'
	@echo '                     with every test: KUnit, vma_retry, the race stress, regress;'
	@echo '                     a run with splats is judged again against a debug boot of'
	@echo '                     the base kernel (recorded then, into the cache): its splats'
	@echo '                     are reported, not failed (scripts/debug-base.sh --help)'
	@echo '  make debug-base ARCH=a  record that debug boot of the base kernel now'
	@echo '  make bench ARCH=a  benchmark: base vs series vs holding the VMA lock across I/O,'
	@echo '                     tables and plots in out/bench/'
	@echo '  make send          the mail from you in out/send; never sends: git am, then'
	@echo '                     git format-patch -s (your Signed-off-by last), get_maintainer,'
	@echo '                     the arch lists and configs/recipients in Cc; prints the DCO'
	@echo '                     you certify and the git send-email --dry-run command'
	@echo '  make clean         remove out/ and the build trees (keeps ccache and the base tree)'
	@echo
	@echo "Arches: $(ARCHES_ALL)"
	@echo
	@echo 'Variables (make VAR=value or the environment; a bad value is refused, exit 2,'
	@echo 'before any work: scripts/check-input.sh):'
	@echo '  ARCH=a             the arch of build/run/kunit/stress/bench/regress-baseline;'
	@echo '                     make check, make bisect-check: that arch alone'
	@echo '  ARCHES="a b"       make check, make bisect-check: only these arches (not with ARCH)'
	@echo '  TESTS=x,y          make run/stress/kunit-module: only these programs of selftests/tests'
	@echo '  DEBUG=1            make build/run/kunit-module: the debug kernel (configs/debug.config)'
	@echo '  INTERACTIVE=1      make run: no tests, a command loop in the guest'
	@echo '  JOBS=N             parallel jobs of kernel builds (default: nproc)'
	@echo '  SKIP_BISECT=1      make check: skip the bisect check (reported as skipped)'
	@echo '  BOOTS=N            make bench: blocks, each one boot of base, base2 (the A/A'
	@echo '                     control), series and hold in a random order (default 10)'
	@echo '  BENCH_SEED=N       make bench: the seed of the block order (default: random)'
	@echo '  BENCH_PLAN=NAME    make bench: selftests/bench/plan-NAME (default full)'
	@echo '  HOLD_PATCH=FILE    make bench: your hold-the-lock patch instead of the emulation'
	@echo '  BENCH_QUICK=1      make bench: one quick boot of the series test kernel'
	@echo '  BUILD_ONLY=1       make bench: build the kernels, boot nothing'
	@echo '  KERNEL_TREE=DIR    your kernel git tree instead of the pinned Debian base'
	@echo '  KERNEL_BASE=REV    the revision of KERNEL_TREE the series applies to (default v7.3-rc7)'
	@echo '  BASE_PKG= BASE_PKG_VERSION= BASE_PKG_SUITE=  another Debian linux-source package as base'
	@echo '  VMA_RETRY_CACHE=DIR  base tree, applied tree, builds, ccache (default ~/.cache/vma-retry)'
	@echo '  VMA_RETRY_PATCHES=DIR  make apply/series: the series in DIR instead of patches/'
	@echo '  SEND_NAME= SEND_EMAIL=  make send: your identity, if not git'"'"'s user.name/user.email'
	@echo "  SEND_TRAILERS='Assisted-by: ...'  make send: trailers before your Signed-off-by"
	@echo '                     (one "Key: value" a line)'
	@echo '  SEND_IN_REPLY_TO=ID  make send: the cover letter replies to Message-ID ID'
	@echo '  FORCE=1 DRY_RUN=1  make bisect-check: repeat a passed check; only print the plan'
	@echo '  TIMEOUT=S          make run: the QEMU timeout in seconds (default 900, debug 3600)'

setup: input
	$(S)/setup.sh

# make check ARCH=a: that arch alone, as ARCHES=a (and ARCH, which make
# exports, emptied: check.sh refuses both).
check: input
	$(if $(ARCH),ARCH= ARCHES=$(ARCH)) $(S)/check.sh $(if $(SKIP_BISECT),--skip-bisect)

lint: input
	$(S)/lint.sh

apply: input
	$(S)/apply-series.sh

series: input
	$(S)/export-series.sh

series-check: input
	$(S)/export-series.sh --check

# Bad variables are refused before any work (no apply, no build, no
# download): the one check, scripts/check-input.sh; need-arch also wants ARCH.
input:
	@ARCH='$(ARCH)' $(S)/check-input.sh

need-arch:
	@ARCH='$(ARCH)' $(S)/check-input.sh --need-arch

build: need-arch
	$(S)/apply-series.sh
	$(S)/build-kernel.sh $(if $(DEBUG),--debug) $(ARCH)

initramfs: need-arch
	$(S)/build-initramfs.sh $(ARCH)

run: need-arch
	$(S)/apply-series.sh
	$(S)/regress-baseline.sh --if-missing $(ARCH)
	TESTS=$(TESTS) INTERACTIVE=$(INTERACTIVE) $(S)/test-kernel.sh $(if $(DEBUG),--debug) $(ARCH)

kunit: need-arch
	$(S)/apply-series.sh
	$(S)/kunit.sh $(ARCH)

# make run with the suite as a module (configs/kunit-module.config): on
# demand, as it is one more full kernel build per arch.
kunit-module: need-arch
	$(S)/apply-series.sh
	$(S)/regress-baseline.sh --if-missing $(ARCH)
	TESTS=$(TESTS) $(S)/test-kernel.sh --kunit-module $(if $(DEBUG),--debug) $(ARCH)

bisect-check: input
	$(if $(ARCH),ARCH= ARCHES=$(ARCH)) $(S)/bisect-check.sh

regress-baseline: need-arch
	$(S)/regress-baseline.sh $(ARCH)

# A debug run that failed with splats: judged again against the base
# kernel's debug boot, recorded on demand (scripts/debug-base.sh --help).
stress: need-arch
	$(S)/apply-series.sh
	$(S)/regress-baseline.sh --if-missing $(ARCH)
	TESTS=$(TESTS) $(S)/test-kernel.sh --debug $(ARCH) || \
		TESTS=$(TESTS) $(S)/debug-base.sh --if-splats $(ARCH)

debug-base: need-arch
	$(S)/debug-base.sh $(ARCH)

bench: need-arch
	$(S)/apply-series.sh
	$(S)/bench.sh $(if $(BENCH_QUICK),--quick) $(if $(BUILD_ONLY),--build-only) \
		$(if $(BOOTS),--boots $(BOOTS)) $(if $(BENCH_SEED),--seed $(BENCH_SEED)) \
		$(if $(BENCH_PLAN),--plan $(BENCH_PLAN)) \
		$(if $(HOLD_PATCH),--hold-patch $(HOLD_PATCH)) $(ARCH)

send:
	$(S)/send.sh

clean:
	rm -rf out
	rm -rf "$${VMA_RETRY_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/vma-retry}/build"
