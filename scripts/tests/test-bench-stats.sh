#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test of the benchmark's statistics and report, a gate of make check.
# Boots nothing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--help]

Runs scripts/tests/test_bench_stats.py with Debian's python3 (numpy,
scipy, matplotlib): the statistics of scripts/bench_stats.py, which
scripts/bench-report.py uses, against hand-computed and table values,
and the report end to end:
  - the t-interval of the mean log ratio on a hand example (t(0.975, 4)
    = 2.776445 from tables, p 0.1161165), and equal values;
  - the exact signed-rank p at the tables' critical value for n = 10
    (W- = 8: p = 50/1024 < 0.05; W- = 9: 66/1024), zeros dropped, ties;
  - Benjamini-Hochberg on a hand example, and its step-up;
  - the hierarchical bootstrap (blocks, then calls from histograms): one
    bucket, pooled quantiles and P(>1 ms), a block without a kernel;
  - the A/A count under relabelling: every sign pattern against
    t_interval endpoint by endpoint (missing blocks, zero spread), a
    shift in every block standing out, the seeded sampled patterns;
  - the launch's boots split into two states by their major faults
    (the split, the counts and Fisher's p), and one state left whole;
  - a simulation of A/A runs (two kernels that do not differ): the paired
    t-interval with 10 blocks excludes 1 in 3.5-6.5% of 2000 runs, the
    signed-rank test rejects in 2.5-6.5%; the 2026-12-01 report's interval
    (each kernel's 3 boots bootstrapped apart) excludes 1 in 8-16%; the
    hierarchical bootstrap's pooled p99 ratio interval in at most 8% of
    150 runs of 10 blocks (drawing calls without blocks: about 11%);
  - bench-report.py on 6 synthetic blocks of base, base2, series and
    hold made from scripts/tests/fixtures/bench-quick.log (lognormal block
    and boot effects, the series' latencies halved): the block count and
    order seed, the primary endpoint of the plan listed first and marked,
    the series' p99 interval below 1 holding 0.5, hold's holding 1, the
    A/A line and count, the hierarchical p99 ratio, the plots; a bad
    "# primary:" line and an unknown kernel: exit 2, before any output;
    on 8 blocks with base2 1.6 times slower: the A/A tests that exclude 1
    are one group that moves together (latencies up, faults/s down: r
    near -1 counts), and each has its split by boot order;
  - the plans that run plan-full's configurations alone (plan-primary,
    plan-launch) run them with plan-full's very arguments: each of their
    command lines is a line of plan-full, and plan-primary's "# primary:"
    lines are plan-full's.
Takes about 20 s. Exit status 1 on any failure.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

/usr/bin/python3 -c 'import numpy, scipy, matplotlib' 2>/dev/null ||
	die "Debian's python3-numpy, python3-scipy and python3-matplotlib are needed (make setup)"
# The lines of FILE that match the pattern, each of which must be in plan-full.
plan_lines_in_full() {
	local file=$1 pattern=$2 line bad=0
	while IFS= read -r line; do
		grep -qxF -- "$line" "$VMA_RETRY_ROOT/selftests/bench/plan-full" || {
			echo "test-bench-stats: $file: not a line of plan-full: $line" >&2
			bad=1
		}
	done < <(grep -E -- "$pattern" "$VMA_RETRY_ROOT/selftests/bench/$file")
	return "$bad"
}
plans=0
plan_lines_in_full plan-primary '^vma_bench ' || plans=1
plan_lines_in_full plan-primary '^# primary:' || plans=1
plan_lines_in_full plan-launch '^vma_bench ' || plans=1
[[ $(grep -c '^# primary:' "$VMA_RETRY_ROOT/selftests/bench/plan-primary") == \
	"$(grep -c '^# primary:' "$VMA_RETRY_ROOT/selftests/bench/plan-full")" ]] || {
	echo "test-bench-stats: plan-primary does not name all of plan-full's primary endpoints" >&2
	plans=1
}
((plans == 0)) || { echo "test-bench-stats: FAIL" >&2; exit 1; }

/usr/bin/python3 "$VMA_RETRY_ROOT/scripts/tests/test_bench_stats.py" ||
	{ echo "test-bench-stats: FAIL" >&2; exit 1; }
echo "test-bench-stats: all checks passed" >&2
