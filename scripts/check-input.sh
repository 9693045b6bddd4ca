#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Reject bad make variables before any work (every make target that works
# runs this first).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--need-arch]

Checks the variables of make (from the command line or the environment)
and exits 2, naming the valid values, at the first bad one; does nothing
else (no apply, no build, no download). \`make help\` says what each means.
  ARCH          an arch of configs/arches (required with --need-arch)
  ARCHES        arches of configs/arches, blank-separated; not with ARCH
  TESTS         names of selftests/tests, comma-separated
  ${INPUT_FLAGS[*]}
                1 or empty
  JOBS BOOTS TIMEOUT
                a positive number
  HOLD_PATCH    a readable file
  BENCH_SEED    a number of at most 9 digits
  BENCH_PLAN    a plan of the benchmark, selftests/bench/plan-NAME
  KERNEL_TREE   the top of a git work tree with a Makefile and mm/, holding
                KERNEL_BASE (default v7.3-rc7); KERNEL_BASE only with it
Exit status: 0 all good, 2 a bad value.
EOF_USAGE
}
case ${1:-} in
-h | --help) usage; exit 0 ;;
--need-arch | "") check_input "$@" ;;
*) usage_error "unexpected argument '$1' (see --help)" ;;
esac
