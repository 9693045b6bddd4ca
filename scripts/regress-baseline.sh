#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Record the base kernel's results of the regression guard for one arch.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--if-missing | --where] ARCH

Builds the base kernel (the pinned base, or KERNEL_BASE of KERNEL_TREE,
without the series) in the same configuration as the test kernel (build tree
\$VMA_RETRY_CACHE/build/ARCH-base), boots it with only the "regress" tests
of selftests/tests, compiled from the base tree, and writes their results,
case by case, headed by the key they belong to (selftests/regress/README):
  # regress baseline: arch=ARCH base=COMMIT config=HASH
(COMMIT: the base's commit id; HASH: of the test kernel's config fragments
and the regress rows). Where:
  - the pinned base (no KERNEL_TREE): selftests/regress/ARCH, tracked:
    review the diff and commit it;
  - KERNEL_TREE's base: \$VMA_RETRY_CACHE/regress/COMMIT-HASH/ARCH, never a
    tracked file; run-qemu.sh finds it there.
The console log is out/ARCH-base.log. make check and make run then require
the patched kernel's results to be identical (scripts/run-qemu.sh).

  --if-missing  record only if the arch takes part in the guard (it has a
                committed baseline), KERNEL_TREE is set and no baseline has
                this key; with the pinned base, never record (a stale
                committed baseline is the developer's to rerun and commit):
                say so, and the guard fails. make run and make check use it.
  --where       print the file it would write, and do nothing else
EOF_USAGE
}
mode=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--if-missing | --where) mode=${1#--}; shift ;;
	-*) usage_error "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
check_tests

commit=$(base_commit_required)
rev=$(base_rev)
if [[ -n ${KERNEL_TREE:-} ]]; then
	dest=$(regress_cache_file "$commit")
else
	dest=$(regress_committed)
fi
if [[ $mode == where ]]; then
	printf '%s\n' "$dest"
	exit 0
fi
if [[ $mode == if-missing ]]; then
	if ! regress_guarded; then
		log "$A_NAME: no regression guard on this arch (no $(regress_relpath "$(regress_committed)"))"
		exit 0
	fi
	if regress_lookup "$commit"; then
		log "$A_NAME: regress baseline $(regress_relpath "$REGRESS_FILE")"
		exit 0
	fi
	if [[ -z ${KERNEL_TREE:-} ]]; then
		log "$A_NAME: $REGRESS_WHY"
		log "$A_NAME: the guard will fail: rerun make regress-baseline ARCH=$A_NAME, review and commit"
		exit 0
	fi
	log "$A_NAME: recording the base kernel's regress results for $rev ($commit) first"
fi
check_toolchain

base_worktree "$commit"
base_src=$BASE_SRC

tests=$(tests_of_kind regress | paste -sd,)
[[ -n $tests ]] || die "selftests/tests has no regress rows"
variant=(--src "$base_src" --tag base)
export TESTS=$tests
OUT=${OUT:-$VMA_RETRY_ROOT/out}
# (a failed build stops here: no stale results below are taken for new)
"$VMA_RETRY_ROOT/scripts/test-kernel.sh" --stage build "${variant[@]}" --regress yes "$A_NAME"
rc=0
"$VMA_RETRY_ROOT/scripts/test-kernel.sh" --stage boot "${variant[@]}" "$A_NAME" || rc=$?
((rc != EXIT_INFRA)) || die "$A_NAME: the base kernel's run did not complete (see above)"
results=$OUT/$A_NAME-base.regress
[[ -s $results ]] || die "$A_NAME: no regress results in the base kernel's log"
mkdir -p "$(dirname "$dest")"
{ regress_header "$commit"; cat "$results"; } >"$dest.tmp"
mv "$dest.tmp" "$dest"
log "$A_NAME: wrote $(regress_relpath "$dest") for $rev ($(wc -l <"$results") lines, $(grep -c ': not ok: ' "$results" || true) cases that fail on the base kernel too)"
