#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One line per console log of the race stress: what its cases did.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 LOG...

For each console log of a run with vma_retry_stress (make stress writes
out/ARCH-debug.log, make check out/ARCH.log), prints one line: the run's
summary line's verdict and counts as scripts/judge-log.py wrote them next
to the log (LOG without .log, .summary; with "lockdep off, as on the base
kernel" when the judge said so), the racing operations of the
stress cases, how many of its racing cases hit their race window and
the fewest hits of any of them (the case named: slow faults in flight
when an operation completed; for the cases that punch or truncate,
those of them that then read a hole or got SIGBUS; for the signal case,
the SIGUSR1s that interrupted a slow fault), and the sigkill
case's kills with a thread in D. A log without the stress's lines is an
error (exit 1).
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") usage_error "a console log expected (see --help)" ;; esac

rc=0
for f in "$@"; do
	[[ -f $f ]] || die "no log $f"
	sum=${f%.log}.summary
	# (from the verdict to the seconds: "splats N" may be followed by
	# "(+M as on base)"; and the checks that were not active)
	verdict=$( [[ -f $sum ]] && awk '{ for (i = 2; i <= NF; i++) { printf "%s%s", $i, (i < NF && $i !~ /^[0-9]+s$/ ? " " : ""); if ($i ~ /^[0-9]+s$/) break }
		if (match($0, /lockdep off, as on the base kernel/)) printf " (%s)", substr($0, RSTART, RLENGTH)
		print "" }' "$sum" || echo "(no summary)")
	line=$(awk '
		/^    # [a-z0-9_]+: [0-9.]+ ms, [0-9]+ ops/ { ops += $5 }
		# a case'"'"'s window: its "races hit" count, or where the racer
		# makes holes, its "window:" count, or for the signal case the
		# SIGUSR1s that interrupted a slow fault (both printed after it)
		/^    # [a-z0-9_]+: races hit: / { c = $2; sub(/:$/, "", c); hit[c] = $5 + 0 }
		/^    # [a-z0-9_]+: window: / { c = $2; sub(/:$/, "", c); hit[c] = $4 + 0 }
		/^    # [a-z0-9_]+: [0-9]+ SIGUSR1 handled, / { c = $2; sub(/:$/, "", c); hit[c] = $6 + 0 }
		/^    # sigkill: [0-9]+ kills, / { k = $3 " kills, " $5 " with a thread in D" }
		END {
			for (c in hit) {
				n++
				if (hit[c] > 0)
					nh++
				if (n == 1 || hit[c] < min || (hit[c] == min && c < mc)) {
					min = hit[c]; mc = c
				}
			}
			if (n == 0) exit 1
			printf "%d ops, %d of %d cases hit their window (fewest: %d, %s), sigkill %s\n", ops, nh, n, min, mc, k
		}' "$f") || { echo "$f: no race stress results" >&2; rc=1; continue; }
	printf '%s: %s; %s\n' "$f" "$verdict" "$line"
done
exit "$rc"
