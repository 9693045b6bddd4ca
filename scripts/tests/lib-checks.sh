# SPDX-License-Identifier: GPL-2.0
# How the harness's own tests report their checks. Source it after
# scripts/lib.sh, with CHECKS_NAME set to the test's name.
# shellcheck shell=bash

fails=0
bad() { printf '%s: FAIL: %s\n' "$CHECKS_NAME" "$*" >&2; fails=$((fails + 1)); }
ok() { printf '%s: ok: %s\n' "$CHECKS_NAME" "$*" >&2; }
holds() { # DESCRIPTION COMMAND...: COMMAND succeeds
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "not so: $what"; fi
}
# The end of a test: exit 1 if a check failed.
checks_done() {
	((fails == 0)) || { echo "$CHECKS_NAME: $fails check(s) failed" >&2; exit 1; }
}
