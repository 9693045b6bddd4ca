#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Lint: shellcheck of the scripts, checkpatch --strict of every patch.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h | --help)
	cat <<EOF_USAGE
Usage: $0 [--help]

1. shellcheck on scripts/*.sh, scripts/tests/*.sh and .ci/run.
2. the base tree's scripts/checkpatch.pl --strict on every patch of
   patches/series: each must report 0 errors, 0 warnings and 0 checks, or
   every remaining item must be justified in patches/README by a line
     checkpatch: <patch file>: <TYPE>: <one-line reason>
   The patches carry no Signed-off-by (only the human who sends them
   certifies the DCO: make send adds the sender's), so checkpatch's
   MISSING_SIGN_OFF is not reported.
3. no Signed-off-by, Acked-by, Reviewed-by or Tested-by trailers (nobody
   gave them; Suggested-by credits the originators of the idea).
4. checkpatch --strict of the benchmark's hold patch (selftests/bench/):
   0 errors, 0 warnings, 0 checks; of its guest program: 0 errors.
Exit status 1 on any finding.
EOF_USAGE
	exit 0 ;;
"") ;;
*) usage_error "unexpected argument '$1'" ;;
esac

rc=0
cd "$VMA_RETRY_ROOT"
command -v shellcheck >/dev/null || die "shellcheck not found: install shellcheck (make setup)"
if ! shellcheck -x scripts/*.sh scripts/tests/*.sh .ci/run; then
	echo "lint: shellcheck found problems" >&2
	rc=1
fi

mapfile -t patches < <(series_patches)
if ((${#patches[@]})); then
	tree=$(kernel_tree)
	[[ -x $tree/scripts/checkpatch.pl ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh"
	for p in "${patches[@]}"; do
		pf=patches/$p
		[[ -f $pf ]] || { echo "lint: $p is in patches/series but not in patches/" >&2; rc=1; continue; }
		out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --terse --show-types \
			--ignore MISSING_SIGN_OFF "$VMA_RETRY_ROOT/$pf" 2>&1) || true
		while IFS= read -r line; do
			[[ $line =~ :[[:space:]](ERROR|WARNING|CHECK):([A-Z_]+): ]] || continue
			type=${BASH_REMATCH[2]}
			if ! grep -q "^checkpatch: $p: $type: ." patches/README 2>/dev/null; then
				echo "lint: checkpatch: $line" >&2
				rc=1
			fi
		done <<<"$out"
		if grep -Eiq '^(Signed-off|Acked|Reviewed|Tested)-by:' "$pf"; then
			echo "lint: $p carries a Signed-off/Acked/Reviewed/Tested-by trailer" >&2
			rc=1
		fi
	done
	log "checkpatch --strict: ${#patches[@]} patch(es) checked"
fi

# The benchmark's kernel patch (not part of the series) and guest program
# follow the kernel's rules too.
bench_hold=selftests/bench/hold-vma-lock-across-io.patch
tree=$(kernel_tree)
[[ -x $tree/scripts/checkpatch.pl ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh"
if ! out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --terse "$VMA_RETRY_ROOT/$bench_hold" 2>&1); then
	printf 'lint: checkpatch: %s\n' "$out" >&2
	rc=1
fi
# (user space: volatile loads and long format strings are its idiom, so
# only errors count)
if out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --terse --no-tree -f \
	"$VMA_RETRY_ROOT/selftests/bench/vma_bench.c" 2>&1 | grep ': ERROR:'); then
	printf 'lint: checkpatch: %s\n' "$out" >&2
	rc=1
fi
exit "$rc"
