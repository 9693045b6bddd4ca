#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the static guest init and test programs for one arch into an initramfs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--src DIR] [--tag T] [--kunit-module] [--test-src DIR] [--regress yes|no] [--bench] [--out FILE] ARCH

Compiles selftests/init.c and every test of selftests/tests (TESTS=a,b: only
those) whose sources exist in the kernel tree of the tests (--test-src,
default --src; a source named project:PATH is PATH in this repository,
compiled against that tree) as static binaries with ARCH's guest compiler
(configs/arches), and packs them into
\$VMA_RETRY_CACHE/build/initramfs-ARCH[-T].cpio (or --out FILE) with the
kernel's gen_init_cpio. Prints the cpio path. A required test whose sources
are missing is an error. The tests compile against the UAPI headers of that
tree (headers_install into \$VMA_RETRY_CACHE/build/headers-ARCH), as
kselftest does.

$VARIANT_USAGE
  (the initramfs is the same for the debug kernel: --debug changes nothing,
  but with --kunit-module, whose initramfs also has the modules of the
  variant's kernel, built before it, in /modules, and their load order in
  /modules/list (its modules.order), for the guest init to load; a kernel
  without modules is an error)
  --test-src DIR the tree whose tests are compiled (default: --src)
  --regress yes|no  include the "regress" tests (upstream mm selftests
                 compared with the base kernel's results, see
                 selftests/regress/README) or not; default: when the arch
                 has a baseline in selftests/regress/

Every initramfs also has the benchmark program, selftests/bench/vma_bench.c,
compiled the same way, as /tests/vma_bench, and the benchmark plans
selftests/bench/plan-* as /bench/* (the guest init runs one with
vr.list=/bench/NAME). --bench: only those, none of selftests/tests, and
the launch workload's empty ext4 image /bench/launch.ext4 (the initramfs
of scripts/bench.sh).
EOF_USAGE
}
bench_only='' out='' test_src='' regress=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--bench) bench_only=1; shift ;;
	--out) out=${2:?--out needs a file}; shift 2 ;;
	--test-src) test_src=${2:?--test-src needs a directory}; shift 2 ;;
	--regress)
		case ${2:-} in yes) regress=1 ;; no) regress=0 ;; *) usage_error "--regress needs yes or no" ;; esac
		shift 2
		;;
	--src | --tag | --debug | --kunit-module) variant_opt "$@"; shift "$VSHIFT" ;;
	-*) usage_error "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
check_tests # (a name it does not know would be dropped: nothing tested)
check_toolchain

SRC=$V_SRC
TEST_SRC=${test_src:-$SRC}
[[ -f $TEST_SRC/Makefile ]] || die "no kernel tree at $TEST_SRC: run 'make apply' (or give --src)"
guest_cc
[[ -f $SRC/usr/gen_init_cpio.c ]] || die "no kernel tree at $SRC"

# --kunit-module: the modules its kernel built, in load order (modules.order
# names each one's object, .o); checked before any work.
kos=()
if [[ -n $V_KUNIT_MODULE ]]; then
	kbuild=$(build_dir "$(variant_label)")
	while read -r m; do
		kos+=("$kbuild/${m%.*}.ko")
		[[ -f ${kos[-1]} ]] || die "$A_NAME: ${kos[-1]}, in $kbuild/modules.order, was not built"
	done < <(cat "$kbuild/modules.order" 2>/dev/null)
	((${#kos[@]})) ||
		die "$A_NAME: the kernel in $kbuild built no modules: build it first (build-kernel.sh --kunit-module $A_NAME)"
fi
work=$(initramfs_base)
out=${out:-$work.cpio}
rm -rf "$work"
mkdir -p "$work/tests"
hdr=$VMA_RETRY_CACHE/build/headers-$A_NAME
guest_headers "$TEST_SRC" "$hdr"
if [[ -z $regress ]]; then
	[[ -f $VMA_RETRY_ROOT/selftests/regress/$A_NAME ]] && regress=1 || regress=0
fi
"${GUEST_CC[@]}" -o "$work/init" "$VMA_RETRY_ROOT/selftests/init.c"
# A no-op except for LoongArch binaries linked by lld 19 (see its --help);
# it needs the symbol table, which is stripped after it where lib.sh's
# load_arch names a strip (A_GUEST_STRIP).
fix_irelative=("$VMA_RETRY_ROOT/scripts/fix-irelative.py")
finish_guest() {
	"${fix_irelative[@]}" "$1" >/dev/null || return
	[[ -z $A_GUEST_STRIP ]] || "$A_GUEST_STRIP" --strip-all "$1"
}
finish_guest "$work/init" || die "$A_NAME: fix-irelative.py or strip failed on init"

# compile_guest NAME SOURCE... makes /tests/NAME (lib.sh has the recipe),
# in the background: up to nproc compiles at a time; compiled_all waits for
# them and fails naming the first program that did not compile.
pids=() names=() jobs=$(nproc)
compile_guest() {
	local name=$1
	shift
	guest_test_flags "$TEST_SRC" "$hdr" "$1"
	if ((${#pids[@]} >= jobs)); then
		wait "${pids[0]}" || die "$A_NAME: compiling ${names[0]} failed (see above)"
		pids=("${pids[@]:1}") names=("${names[@]:1}")
	fi
	{
		if ! "${GUEST_CC[@]}" "${GUEST_TEST_FLAGS[@]}" -o "$work/tests/$name" "$@" -lrt -lm \
			2>"$work/$name.log"; then
			cat "$work/$name.log" >&2
			exit 1
		fi
		finish_guest "$work/tests/$name"
	} &
	pids+=($!) names+=("$name")
	echo "file /tests/$name $work/tests/$name 0755 0 0" >>"$spec"
}
compiled_all() {
	local i
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || die "$A_NAME: compiling ${names[i]} failed (see above)"
	done
	pids=() names=()
}

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
	if [[ -n ${TESTS:-} && ",$TESTS," != *",$name,"* ]]; then
		continue
	fi
	[[ $req == regress && $regress == 0 ]] && continue
	read -r -a srcs <<<"$sources"
	mapfile -t srcs < <(program_sources "$TEST_SRC" "${srcs[@]}")
	paths=() missing=
	for s in "${srcs[@]}"; do
		paths+=("$(source_path "$TEST_SRC" "$s")")
		[[ -f ${paths[-1]} ]] || missing+=" $s"
	done
	if [[ -n $missing ]]; then
		[[ $req == required ]] && die "$A_NAME: required test $name: missing (tree $TEST_SRC):$missing"
		log "$A_NAME: skipping optional test $name (missing:$missing)"
		continue
	fi
	compile_guest "$name" "${paths[@]}"
	echo "$name $timeout $req $args" >>"$work/tests/list"
done < <([[ -n $bench_only ]] || test_rows)
echo "file /tests/list $work/tests/list 0644 0 0" >>"$spec"
# --kunit-module: the kernel's modules (the KUnit suite's), which the guest
# init loads before the programs.
if ((${#kos[@]})); then
	echo "dir /modules 0755 0 0" >>"$spec"
	for ko in "${kos[@]}"; do
		echo "file /modules/${ko##*/} $ko 0644 0 0" >>"$spec"
		echo "${ko##*/}"
	done >"$work/modules.list"
	echo "file /modules/list $work/modules.list 0644 0 0" >>"$spec"
fi
# empty_ext4 SIZE PATH: at PATH in the initramfs, an empty ext4 file system
# of SIZE made by the host's mke2fs and cut after its last 64 KiB that are
# not all zeroes: the guest programs write only those onto their new
# null_blk device, which reads as zeroes elsewhere (selftests/ext4_image.h).
empty_ext4() {
	local mke2fs img=$work/${2##*/}
	mke2fs=$(PATH=$PATH:/usr/sbin:/sbin command -v mke2fs) ||
		die "no mke2fs: install e2fsprogs (make setup does)"
	# (its "Creating regular file" to stderr: stdout is the cpio's path)
	"$mke2fs" -q -F -t ext4 -b 4096 "$img" "$1" >&2
	python3 -c 'import sys
p = sys.argv[1]
d = open(p, "rb").read()
b = 65536
end = max([i + b for i in range(0, len(d), b) if d[i:i + b].strip(b"\0")] or [0])
open(p, "r+b").truncate(end)' "$img"
	echo "file $2 $img 0644 0 0" >>"$spec"
}
# For the ext4 cases of the race stress (its row in selftests/tests passes
# --ext4-image /tests/empty.ext4), as large as its null_blk devices (DEV_MB
# in selftests/vma_retry_stress.c).
# 16 MiB would be 16 MiB of initramfs; this is about 1.2 MiB.
[[ -n $bench_only ]] || empty_ext4 16M /tests/empty.ext4
# The benchmark program and its plans.
compile_guest vma_bench "$VMA_RETRY_ROOT/selftests/bench/vma_bench.c"
compiled_all
echo "dir /bench 0755 0 0" >>"$spec"
for plan in "$VMA_RETRY_ROOT"/selftests/bench/plan-*; do
	echo "file /bench/${plan##*/plan-} $plan 0644 0 0" >>"$spec"
done
# For the benchmark's launch workload (plan-launch passes --ext4-image
# /bench/launch.ext4): room for its 32 MiB file; vma_bench sizes its device
# from the superblock. About 4.2 MiB of initramfs (the journal's first
# block is 4 MiB in), so only in the benchmark's (--bench): the test
# initramfs never runs a plan.
[[ -z $bench_only ]] || empty_ext4 64M /bench/launch.ext4

gen=$VMA_RETRY_CACHE/build/gen_init_cpio
if [[ ! -x $gen || $gen -ot $SRC/usr/gen_init_cpio.c ]]; then
	gcc -O2 -o "$gen" "$SRC/usr/gen_init_cpio.c"
fi
"$gen" "$spec" >"$out"
printf '%s\n' "$out"
