#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test command of the README and of .ci/run (make check).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--skip-bisect]

Runs lint (shellcheck, checkpatch --strict of patches/), the test
of the log judge (scripts/tests/test-judge.sh: run-qemu.sh --rejudge on doctored
small logs), the test of bad input and of the arch table
(scripts/tests/test-input.sh), the test of the refusals to lose a user's work
(scripts/tests/test-refuse.sh, on scratch repositories), the test of make send
(scripts/tests/send-check.sh: refusals, sign-off and trailers, recipients,
In-Reply-To, into a temporary
directory), the test of the regression guard's keying
(scripts/tests/regress-key.sh), the test of the benchmark's statistics and
report (scripts/tests/test-bench-stats.sh: hand and table values, an A/A
simulation, the report on synthetic blocks), the test of vma_bench
--breakdown's trace parser on a hand-made trace
(scripts/tests/test-bench-breakdown.sh): input alone, then the others
side by side and beside make apply; then the drift check (patches/ =
export of the applied branch), the
bisect check (--skip-bisect, make check SKIP_BISECT=1, skips it: it is then
reported as skipped, in the table and the count), then for every arch of
configs/arches, or only those of ARCHES="a b" (make check ARCH=a: ARCHES=a,
that arch alone, the bisect check too): build the kernel, build the
initramfs, boot under QEMU and judge KUnit, kselftests and splats (an arch's
boot runs while the next arch builds, one boot at a time); then, when
x86_64 is one of them, the quick benchmark on x86_64 (scripts/bench.sh
--quick, the gate bench).
Prints a per-arch table and, last, one line "N passed, N failed, N skipped"
counting test cases: on every arch the KUnit cases, the cases of the
required and optional programs and the regress cases, as run-qemu.sh counts
them (its --help; a regress case that skipped on both kernels is skipped,
init's self-check and the "(exit)" lines are not cases), one failure for an
arch that failed without a failed case, and the lint, judge, input, refuse,
send, regress-key, benchstats, breakdown, drift, ci (scripts/tests/test-ci.sh: the CI matrices), bisect and
bench gates (one case each; a skipped gate is counted as skipped). The
same cases, in JUnit: out/check.junit.xml; both are made by
scripts/check-junit.py (its --help), the one place cases are counted.
Bad variables (scripts/check-input.sh) are refused first, exit 2.
Exit status: 0 pass, 1 test failure, 2 bad input, 3 infrastructure failure.
EOF_USAGE
}
skip_bisect=''
case ${1:-} in
-h | --help) usage; exit 0 ;;
--skip-bisect) skip_bisect=1 ;;
"") ;;
*) usage_error "unexpected argument '$1'" ;;
esac
(($# <= 1)) || usage_error "one option at most (see --help)"
"$VMA_RETRY_ROOT/scripts/check-input.sh"
read -r -a arches <<<"${ARCHES:-$(all_arches | tr '\n' ' ')}"
if [[ -n ${ARCHES:-} ]]; then
	log "checking ${arches[*]} only (ARCHES=): the gates, the bisect check on these arches, and their builds and boots"
else
	log "checking all arches: ${arches[*]}"
fi

OUT=${OUT:-$VMA_RETRY_ROOT/out}
export OUT
mkdir -p "$OUT"
rm -f "$OUT"/*.summary "$OUT"/*.result.json
worst=0
gate_result() { # gate_result NAME RC: record a gate (one test case)
	printf '%s %s\n' "$1" "$2" >>"$OUT/gates.rc"   # (for scripts/check-junit.py)
	if (($2 != 0)); then
		note $EXIT_TESTFAIL
		printf '%-10s %-6s\n' "$1" fail >>"$OUT/gates.summary"
	fi
	return "$2"
}
gate() { # gate NAME CMD...: a check that counts as one test case
	local name=$1 rc=0
	shift
	stage "$name" "$@" || rc=$?
	gate_result "$name" "$rc"
}
# gate_bg NAME CMD...: a gate that runs in the background; gates_wait
# counts it. (The self-contained gates: they read this checkout and the
# base tree, write only into their own temporary directories, and use one
# CPU each, while the series is applied beside them.)
bg_names=() bg_pids=()
gate_bg() {
	local name=$1
	shift
	stage "$name" "$@" &
	bg_names+=("$name") bg_pids+=($!)
}
gates_wait() {
	local i rc
	for i in "${!bg_pids[@]}"; do
		rc=0
		wait "${bg_pids[i]}" || rc=$?
		gate_result "${bg_names[i]}" "$rc" || true
	done
	bg_names=() bg_pids=()
}
note() { # note CODE: keep the worst exit status (infra > test failure)
	local c=$1
	if ((c == EXIT_INFRA || (c != 0 && worst != EXIT_INFRA))); then
		worst=$c
	fi
}

rm -f "$OUT/gates.summary"
rm -f "$OUT/gates.rc" "$OUT"/*.junit.xml "$OUT"/*.ktap
# (input first and alone: it times how fast bad input is refused, and
# beside the others judge-log.py --bogus once took 1.75 s instead of 0.2 s)
gate input "$VMA_RETRY_ROOT/scripts/tests/test-input.sh" || true
gate_bg lint "$VMA_RETRY_ROOT/scripts/lint.sh"
gate_bg judge "$VMA_RETRY_ROOT/scripts/tests/test-judge.sh"
gate_bg refuse "$VMA_RETRY_ROOT/scripts/tests/test-refuse.sh"
gate_bg send "$VMA_RETRY_ROOT/scripts/tests/send-check.sh"
gate_bg regress-key "$VMA_RETRY_ROOT/scripts/tests/regress-key.sh"
gate_bg benchstats "$VMA_RETRY_ROOT/scripts/tests/test-bench-stats.sh"
gate_bg breakdown "$VMA_RETRY_ROOT/scripts/tests/test-bench-breakdown.sh"
apply_rc=0
stage "apply the series" "$VMA_RETRY_ROOT/scripts/apply-series.sh" || apply_rc=$?
gates_wait
((apply_rc == 0)) || { note $EXIT_INFRA; exit "$worst"; }
gate drift "$VMA_RETRY_ROOT/scripts/export-series.sh" --check || true
gate ci "$VMA_RETRY_ROOT/scripts/tests/test-ci.sh" || true

# The bisect walk goes first: it builds in the arches' own build trees, so a
# cold run prepares each tree once, and the full builds below pick up where
# the walk left off (scripts/bisect-check.sh).
if [[ -n $skip_bisect ]]; then
	log "bisect check skipped (--skip-bisect, SKIP_BISECT=1): counted as skipped"
	printf '%-10s %-6s SKIP_BISECT=1\n' bisect skip >>"$OUT/gates.summary"
	printf 'bisect skip\n' >>"$OUT/gates.rc"
else
	gate bisect "$VMA_RETRY_ROOT/scripts/bisect-check.sh" || true
fi

declare -A result
# The regression guard's baselines of KERNEL_TREE's base: recorded on
# demand (a base kernel build and boot per arch, once), before any boot.
for a in "${arches[@]}"; do
	stage "$a: regress baseline" "$VMA_RETRY_ROOT/scripts/regress-baseline.sh" --if-missing "$a" || note $EXIT_INFRA
done
# An arch's boot runs in the background while the next arch's kernel and
# initramfs build: a TCG guest keeps about one of the two CPUs busy (the
# x86_64 base kernel's regress boot: 46 s of CPU in 46 s), and the build
# takes what the guest leaves. The builds run at nice 19: at the same
# priority the guest's vCPUs lost the CPU while holding locks, and arm64's
# boot took 356 s instead of 127 s (uffd-unit-tests 274 s; 66 s beside a
# nice 19 build, 48 s alone on the base kernel; 2026-12-02). At most one
# boot at a time; the next waits for it.
boot_pid='' boot_arch=''
wait_boot() {
	[[ -n $boot_pid ]] || return 0
	local rc=0
	wait "$boot_pid" || rc=$?
	result[$boot_arch]=$rc
	note "$rc"
	boot_pid=''
}
for a in "${arches[@]}"; do
	rc=0
	nice -n 19 "$VMA_RETRY_ROOT/scripts/test-kernel.sh" --stage build "$a" || rc=$?
	wait_boot
	if ((rc == 0)); then
		stage "$a: boot and test" "$VMA_RETRY_ROOT/scripts/test-kernel.sh" --stage boot "$a" &
		boot_pid=$! boot_arch=$a
	else
		printf '%-10s %-6s build failed\n' "$a" infra >"$OUT/$a.summary"
		result[$a]=$EXIT_INFRA
		note $EXIT_INFRA
	fi
done
wait_boot

# The benchmark cannot rot: every initramfs above has vma_bench compiled
# for its arch, and the quick plan runs on the x86_64 series kernel just
# built (a crash, a failed or missing record or a coarse clock fails the
# gate, a timing never does).
if [[ " ${arches[*]} " == *" x86_64 "* ]]; then
	gate bench "$VMA_RETRY_ROOT/scripts/bench.sh" --quick x86_64 || true
fi

echo
echo "arch       result kunit p/f/s  selftests p/f/s  regress p/f/s  splats  boot"
[[ -f $OUT/gates.summary ]] && cat "$OUT/gates.summary"
junit_args=()
for a in "${arches[@]}"; do
	cat "$OUT/$a.summary"
	# a run that passed but left no result: infrastructure
	if [[ ! -f $OUT/$a.result.json ]] && ((result[$a] == 0)); then
		result[$a]=$EXIT_INFRA
		note $EXIT_INFRA
	fi
	junit_args+=("$a:${result[$a]}")
done
echo
# The count of cases and out/check.junit.xml, from one script (its --help).
"$VMA_RETRY_ROOT/scripts/check-junit.py" --out "$OUT" "${junit_args[@]}" || {
	echo "check: the cases could not be counted (scripts/check-junit.py failed)"
	note $EXIT_INFRA
}
exit "$worst"
