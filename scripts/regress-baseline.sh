#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Record the base kernel's results of the regression guard for one arch.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 ARCH

Builds the base kernel (the pinned base, or KERNEL_TREE's base, without the
series) in the same configuration as the test kernel (build tree
\$VMA_RETRY_CACHE/build/ARCH-base), boots it with only the "regress" tests
of selftests/tests, compiled from the base tree, and writes their results,
case by case, to selftests/regress/ARCH (the console log is
out/ARCH-base.log). make check then requires the patched kernel's results
to be identical (scripts/run-qemu.sh).
Review the diff and commit it: a baseline is a recorded fact about the base
kernel, so rerun this when the base, the configs or the test list change.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; esac
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
check_toolchain

base_src=$VMA_RETRY_CACHE/src/base
repo=$(kernel_tree)
rev=$(base_rev)
is_worktree_of "$base_src" "$repo" || new_worktree "$base_src" "$repo" "$rev"
tree_guard "$base_src"
git -C "$base_src" checkout -q --detach "$rev"

tests=$(tests_of_kind regress | paste -sd,)
[[ -n $tests ]] || die "selftests/tests has no regress rows"
variant=(--src "$base_src" --tag base)
export TESTS=$tests
OUT=${OUT:-$VMA_RETRY_ROOT/out}
stage "$A_NAME: base kernel" "$VMA_RETRY_ROOT/scripts/build-kernel.sh" "${variant[@]}" "$A_NAME" >/dev/null
stage "$A_NAME: base initramfs" "$VMA_RETRY_ROOT/scripts/build-initramfs.sh" "${variant[@]}" \
	--regress yes "$A_NAME" >/dev/null
rc=0
"$VMA_RETRY_ROOT/scripts/run-qemu.sh" "${variant[@]}" "$A_NAME" || rc=$?
((rc != EXIT_INFRA)) || die "$A_NAME: the base kernel's run did not complete (see above)"
results=$OUT/$A_NAME-base.regress
[[ -s $results ]] || die "$A_NAME: no regress results in the base kernel's log"
mkdir -p "$VMA_RETRY_ROOT/selftests/regress"
cp "$results" "$VMA_RETRY_ROOT/selftests/regress/$A_NAME"
log "$A_NAME: wrote selftests/regress/$A_NAME ($(wc -l <"$results") lines, $(grep -c ': not ok: ' "$results" || true) cases that fail on the base kernel too)"
