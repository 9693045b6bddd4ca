#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the static guest init and test programs for one arch into an initramfs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 ARCH

Compiles selftests/init.c and every test of selftests/tests (TESTS=a,b: only
those) whose sources exist in the kernel tree (TEST_SRC, default SRC, default
\$VMA_RETRY_CACHE/src/applied) as
static binaries with ARCH's guest compiler (configs/arches), and packs them
into \$VMA_RETRY_CACHE/build/initramfs-ARCH.cpio with the kernel's
gen_init_cpio. Prints the cpio path. A required test whose sources are missing
is an error.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; esac
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
check_toolchain

SRC=${SRC:-$VMA_RETRY_CACHE/src/applied}
TEST_SRC=${TEST_SRC:-$SRC}
[[ -f $TEST_SRC/Makefile ]] || die "no kernel tree at $TEST_SRC: run 'make apply' (or set SRC=)"
sysroot=
if [[ $A_TOOLCHAIN == llvm ]]; then
	sysroot=$("$VMA_RETRY_ROOT/scripts/loong64-sysroot.sh")
fi
# shellcheck disable=SC2206
cc=(${A_USER_TARGET//@SYSROOT@/$sysroot})
command -v "${cc[0]}" >/dev/null || die "$A_NAME: guest compiler '${cc[0]}' not found: install $A_PACKAGES (make setup)"
cflags=(-static -O2 -g0 -Wall -D_GNU_SOURCE -pthread)
[[ -f $SRC/usr/gen_init_cpio.c ]] || die "no kernel tree at $SRC"

work=$VMA_RETRY_CACHE/build/initramfs-$A_NAME
rm -rf "$work"
mkdir -p "$work/tests"
"${cc[@]}" "${cflags[@]}" -o "$work/init" "$VMA_RETRY_ROOT/selftests/init.c"
# A no-op except for LoongArch binaries linked by lld 19 (see its --help).
fix_irelative=("$VMA_RETRY_ROOT/scripts/fix-irelative.py")
"${fix_irelative[@]}" "$work/init" >/dev/null

: >"$work/tests/list"
spec=$work/cpio.spec
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /tmp 1777 0 0"
	echo "dir /tests 0755 0 0"
	echo "file /init $work/init 0755 0 0"
} >"$spec"
while IFS='|' read -r name timeout req sources args; do
	name=$(echo "$name" | xargs)
	[[ -z $name || $name == \#* ]] && continue
	if [[ -n ${TESTS:-} && ",$TESTS," != *",$name,"* ]]; then
		continue
	fi
	timeout=$(echo "$timeout" | xargs)
	req=$(echo "$req" | xargs)
	read -r -a srcs <<<"$sources"
	missing=
	for s in "${srcs[@]}"; do
		[[ -f $TEST_SRC/$s ]] || missing+=" $s"
	done
	if [[ -n $missing ]]; then
		[[ $req == required ]] && die "$A_NAME: required test $name: missing in $TEST_SRC:$missing"
		log "$A_NAME: skipping optional test $name (missing:$missing)"
		continue
	fi
	main_dir=$(dirname "$TEST_SRC/${srcs[0]}")
	"${cc[@]}" "${cflags[@]}" -I "$TEST_SRC/tools/testing/selftests" -I "$main_dir" \
		-o "$work/tests/$name" "${srcs[@]/#/$TEST_SRC/}" -lrt -lm ||
		die "$A_NAME: compiling test $name failed"
	"${fix_irelative[@]}" "$work/tests/$name" >/dev/null
	echo "$name $timeout $req $(echo "$args" | xargs)" >>"$work/tests/list"
	echo "file /tests/$name $work/tests/$name 0755 0 0" >>"$spec"
done < <(grep -v '^#' "$VMA_RETRY_ROOT/selftests/tests")
echo "file /tests/list $work/tests/list 0644 0 0" >>"$spec"

gen=$VMA_RETRY_CACHE/build/gen_init_cpio
if [[ ! -x $gen || $gen -ot $SRC/usr/gen_init_cpio.c ]]; then
	gcc -O2 -o "$gen" "$SRC/usr/gen_init_cpio.c"
fi
out=$VMA_RETRY_CACHE/build/initramfs-$A_NAME.cpio
"$gen" "$spec" >"$out"
printf '%s\n' "$out"
