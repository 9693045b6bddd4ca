# SPDX-License-Identifier: GPL-2.0
# vma-retry: the single entry point. `make help` lists the targets.

ARCH ?=
SHELL := /bin/bash
S := scripts
# The arches, from the one reader of configs/arches (scripts/lib.sh).
ARCHES_ALL := $(shell bash -c '. $(S)/lib.sh && all_arches' | tr '\n' ' ')

.PHONY: help setup check lint apply series series-check build initramfs run \
	kunit bisect-check regress-baseline bench stress send clean

help:
	@echo 'vma-retry: retry page faults under the per-VMA lock after I/O'
	@echo
	@echo '  make setup         install toolchains, QEMU 10 and the base tree (root, idempotent)'
	@echo '  make check         the test command: lint, apply, drift and bisect checks,'
	@echo '                     build and boot all seven arches, KUnit and kselftests'
	@echo '  make lint          shellcheck of the scripts, checkpatch --strict of patches/'
	@echo '  make apply         git am patches/ onto the base (or KERNEL_TREE=) in a worktree'
	@echo '  make series        export the applied branch back to patches/'
	@echo '  make series-check  fail if patches/ differs from that export (drift)'
	@echo '  make build ARCH=a  build the test kernel of one arch (DEBUG=1: debug variant)'
	@echo '  make run ARCH=a    build and boot it and run the tests (TESTS=x,y: only those;'
	@echo '                     INTERACTIVE=1: a command loop in the guest)'
	@echo '  make kunit ARCH=a  kunit.py run with the suite'"'"'s kunitconfig and our toolchain'
	@echo '  make bisect-check  build the touched objects at every patch on every arch'
	@echo '  make regress-baseline ARCH=a  record the base kernel'"'"'s results of the upstream'
	@echo '                     mm selftests that make check compares (selftests/regress/)'
	@echo '  make stress ARCH=a the debug kernel (lockdep, DEBUG_VM, KASAN where supported)'
	@echo '                     with every test: KUnit, vma_retry, the race stress, regress'
	@echo '  make bench ARCH=a  benchmark: base vs series vs holding the VMA lock across I/O,'
	@echo '                     tables and plots in out/bench/ (BOOTS=N, HOLD_PATCH=FILE;'
	@echo '                     BENCH_QUICK=1: one quick boot of the series test kernel;'
	@echo '                     BUILD_ONLY=1: build the kernels, boot nothing)'
	@echo '  make send          the mail from you in out/send; never sends: git am, then'
	@echo '                     git format-patch -s (your Signed-off-by last), get_maintainer,'
	@echo '                     the arch lists and configs/recipients in Cc; prints the DCO'
	@echo '                     you certify and the git send-email --dry-run command'
	@echo '                     (you: SEND_NAME= SEND_EMAIL= or git user.name/user.email;'
	@echo "                     SEND_TRAILERS='Assisted-by: ...' (one 'Key: value' a line);"
	@echo '                     SEND_IN_REPLY_TO=ID: the cover letter replies to Message-ID ID)'
	@echo '  make clean         remove out/ and the build trees (keeps ccache and the base tree)'
	@echo
	@echo "Arches: $(ARCHES_ALL)"
	@echo 'Environment: KERNEL_TREE=, KERNEL_BASE=, BASE_PKG=, VMA_RETRY_CACHE=, DEBUG=1, JOBS=, SEND_NAME=, SEND_EMAIL=, SEND_TRAILERS=, SEND_IN_REPLY_TO=, BOOTS=, HOLD_PATCH=, BENCH_QUICK=1, BUILD_ONLY=1, SKIP_BISECT=1 (make check)'

setup:
	$(S)/setup.sh

check:
	$(S)/check.sh $(if $(SKIP_BISECT),--skip-bisect)

lint:
	$(S)/lint.sh

apply:
	$(S)/apply-series.sh

series:
	$(S)/export-series.sh

series-check:
	$(S)/export-series.sh --check

# Reject a missing or unknown ARCH before any work (no apply, no download).
need-arch:
	@arches="$(ARCHES_ALL)"; \
	if [ -z "$(ARCH)" ]; then echo "error: ARCH= is required; valid: $$arches" >&2; exit 2; fi; \
	case " $$arches" in *" $(ARCH) "*) ;; *) echo "error: unknown ARCH '$(ARCH)'; valid: $$arches" >&2; exit 2 ;; esac

build: need-arch
	$(S)/apply-series.sh
	$(S)/build-kernel.sh $(if $(DEBUG),--debug) $(ARCH)

initramfs: need-arch
	$(S)/build-initramfs.sh $(ARCH)

run: need-arch
	$(S)/apply-series.sh
	$(S)/build-kernel.sh $(if $(DEBUG),--debug) $(ARCH) >/dev/null
	$(S)/build-initramfs.sh $(ARCH) >/dev/null
	TESTS=$(TESTS) INTERACTIVE=$(INTERACTIVE) $(S)/run-qemu.sh $(if $(DEBUG),--debug) $(ARCH)

kunit: need-arch
	$(S)/apply-series.sh
	$(S)/kunit.sh $(ARCH)

bisect-check:
	$(S)/bisect-check.sh

regress-baseline: need-arch
	$(S)/regress-baseline.sh $(ARCH)

stress: need-arch
	$(S)/apply-series.sh
	$(S)/build-kernel.sh --debug $(ARCH) >/dev/null
	$(S)/build-initramfs.sh $(ARCH) >/dev/null
	TESTS=$(TESTS) $(S)/run-qemu.sh --debug $(ARCH)

bench: need-arch
	$(S)/apply-series.sh
	$(S)/bench.sh $(if $(BENCH_QUICK),--quick) $(if $(BUILD_ONLY),--build-only) \
		$(if $(BOOTS),--boots $(BOOTS)) \
		$(if $(HOLD_PATCH),--hold-patch $(HOLD_PATCH)) $(ARCH)

send:
	$(S)/send.sh

clean:
	rm -rf out
	rm -rf "$${VMA_RETRY_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/vma-retry}/build"
