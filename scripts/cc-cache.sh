#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The compiler command of our kernel builds (CC= and HOSTCC=): the compiler
# through ccache, except for a source that embeds another file with .incbin.
set -euo pipefail

usage() {
	cat <<EOF_USAGE
Usage: $0 COMPILER [ARGS...]

Runs "ccache COMPILER ARGS...", or "COMPILER ARGS..." without ccache when
the source file among ARGS (the .c or .S file that exists) contains
".incbin". build-kernel.sh and kunit.sh pass it as CC and HOSTCC.

Why: ccache in depend mode (lib.sh's ccache_env) hashes the files the
compiler's -MMD output lists, and .incbin's file is not among them. A hit
then returns the object of an older build: arm's zImage wraps the kernel
with arch/arm/boot/compressed/piggy.S, whose text never changes, so every
zImage booted the first kernel built in its configuration (the vDSO
wrappers, x86's piggy.S and kernel/configs.c embed files the same way).
A file embedded from a header the source includes is not detected.
EOF_USAGE
}
case ${1:-} in
-h | --help) usage; exit 0 ;;
'') echo "$0: a compiler expected (see --help)" >&2; exit 2 ;;
esac
for a in "$@"; do
	case $a in
	*.c | *.S)
		if [[ -f $a ]] && grep -q '\.incbin' "$a"; then
			exec "$@"
		fi
		;;
	esac
done
exec ccache "$@"
