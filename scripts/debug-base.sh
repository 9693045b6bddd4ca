#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Record the splats of one debug boot of the base kernel, for make stress.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--if-splats | --where] ARCH

Some base kernels warn by themselves in their debug build (powerpc's
v7.3-rc7: one lockdep warning at boot, after which lockdep is off;
Documentation/results/2026-12-05-make-stress.txt, (c)), and make stress
would fail on every run. This records what the base kernel's debug boot
prints, so that the judge (scripts/judge-log.py --base-splats) reports
those splats instead of failing on them, and fails on any other.

Builds the base kernel (the pinned base, or KERNEL_BASE of KERNEL_TREE,
without the series: the worktree \$VMA_RETRY_CACHE/src/base) as the debug
kernel (build-kernel.sh --debug --tag base: build/ARCH-debug-base), boots it
with an initramfs of today's guest init that runs no program
(build/initramfs-ARCH-debug-base.cpio; run-qemu.sh --debug --boot-only
--tag base, APPEND=vr.tests=none: what the kernel prints by itself; the
log is out/ARCH-debug-base.log) and writes the record of that boot
(run-qemu.sh --record-base) to
  \$VMA_RETRY_CACHE/debug-base/COMMIT-HASH/ARCH
never a tracked file. It is text: its key line
  # debug base: arch=ARCH base=COMMIT config=HASH
(COMMIT: the base's commit id; HASH: of configs/common.config,
configs/ARCH.config, the arch's test and debug fragments of configs/arches
and configs/debug.config, comments dropped), then "debug_locks N" as the
guest init printed it (0: lockdep off at the end) and one "splat SIGNATURE"
per report: its first line without time stamp, addresses, offsets and
numbers, with a warning's message, e.g.
  splat WARNING: at lockdep_hardirqs_on_prepare | DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())
A guest init that did not finish writes no record (exit 3).

run-qemu.sh --debug judges a run against the record of its own key when
there is one (its --help, --base-splats).

  --if-splats  make stress's second step, after a debug run that failed:
               only if that run (out/ARCH-debug.result.json) failed with
               splats and no record of today's key was there when it was
               judged, record it, then judge the run's saved log again with
               it (run-qemu.sh --debug --rejudge out/ARCH-debug.log; TESTS=
               as for the run) and exit with that verdict; else exit with
               the run's (0 pass, 1 fail, 3 infra or no result). An arch
               whose debug run had no splats pays nothing.
  --where      print the file it would write, and do nothing else
EOF_USAGE
}
mode=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--if-splats | --where) mode=${1#--}; shift ;;
	-*) usage_error "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
check_tests

commit=$(base_commit_required)
rev=$(base_rev)
dest=$(debug_base_file "$commit")
OUT=${OUT:-$VMA_RETRY_ROOT/out}
S=$VMA_RETRY_ROOT/scripts

if [[ $mode == where ]]; then
	printf '%s\n' "$dest"
	exit 0
fi
if [[ $mode == if-splats ]]; then
	result=$OUT/$A_NAME-debug.result.json
	[[ -f $result ]] || die "$A_NAME: no $result: the debug run did not get to its judge (see above)"
	read -r verdict splats < <(/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["verdict"], d["splats"])' "$result") || die "$A_NAME: $result is not a judge's result"
	case $verdict in pass) status=0 ;; fail) status=1 ;; *) status=3 ;; esac
	if [[ $verdict != fail ]] || ((splats == 0)); then
		log "$A_NAME: the debug run's verdict is $verdict with $splats splat line(s): nothing to compare with the base kernel"
		exit "$status"
	fi
	if [[ -f $dest ]]; then
		log "$A_NAME: the debug run was judged against the base kernel's record $dest already"
		exit "$status"
	fi
	log "$A_NAME: the debug run had $splats splat line(s): recording the base kernel's debug boot for $rev ($commit)"
	"$0" "$A_NAME" || {
		log "$A_NAME: no record of the base kernel's debug boot (above): the run's verdict stands"
		exit "$status"
	}
	exec "$S/run-qemu.sh" --debug --base-splats "$dest" --rejudge "$OUT/$A_NAME-debug.log" "$A_NAME"
fi
check_toolchain

base_worktree "$commit"
base_src=$BASE_SRC

# The initramfs: today's guest init (it prints debug_locks) and one regress
# program, the base tree having no other; vr.tests=none runs none of them.
initrd=$VMA_RETRY_CACHE/build/initramfs-$A_NAME-debug-base.cpio
one=$(tests_of_kind regress | head -n 1)
[[ -n $one ]] || die "selftests/tests has no regress rows"
stage "$A_NAME-debug-base: kernel" "$S/build-kernel.sh" --debug --src "$base_src" --tag base "$A_NAME" >/dev/null
stage "$A_NAME-debug-base: initramfs" env TESTS="$one" "$S/build-initramfs.sh" --src "$base_src" \
	--tag debug-base --regress yes --out "$initrd" "$A_NAME" >/dev/null
mkdir -p "$(dirname "$dest")"
rm -f "$dest.tmp"
env -u TESTS APPEND="vr.tests=none${APPEND:+ $APPEND}" OUT="$OUT" "$S/run-qemu.sh" --debug --boot-only \
	--src "$base_src" --tag base --initrd "$initrd" --record-base "$dest.tmp" "$A_NAME" ||
	die "$A_NAME: the base kernel's debug boot did not complete (see above): no record"
mv "$dest.tmp" "$dest"
log "$A_NAME: wrote $dest for $rev ($commit): $(grep -c '^splat ' "$dest" || true) splat report(s), $(grep '^debug_locks ' "$dest" || echo 'no debug_locks line')"
