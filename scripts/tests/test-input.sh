#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad input is rejected first: a clear error and the usage exit status
# before any work; and configs/arches is the only place of an arch's facts.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0

Checks, without building or booting anything (make check runs it as the
gate "input"):
  - make run/build/bench/stress ARCH=vax, and make run without ARCH, exit 2
    within a second, naming the valid arches, having applied nothing;
  - so do, within a second, naming the valid values, and having done
    nothing (no stage's log line; the cache and out/ given cannot be
    created, so that were one let through it fails at once): an unknown or
    empty TESTS name (TESTS=vma_rety make run ARCH=x86_64), DEBUG,
    INTERACTIVE, BENCH_QUICK, BUILD_ONLY, SKIP_BISECT other than 1, JOBS
    and BOOTS that are not positive numbers, a HOLD_PATCH that is no file,
    make check with an unknown ARCH or ARCHES or with both, a KERNEL_TREE
    that is no directory, no git work tree, no kernel tree or without
    KERNEL_BASE, and KERNEL_BASE without KERNEL_TREE; build-initramfs.sh
    and run-qemu.sh refuse an unknown TESTS name themselves;
  - make check ARCH=a gets past the input check and says it checks arch
    a only; make bisect-check ARCH=a runs bisect-check.sh with ARCHES=a;
  - the scripts reject an unknown arch, an unknown option and a bad value
    (bench.sh --boots 0, --seed -1, --plan nope, --kernels series,hold;
    BENCH_SEED=1e3, BENCH_PLAN=../plan-full; run-qemu.sh and judge-log.py
    --build-id that is not hex) with exit 2; every script's --help prints
    its usage;
  - in a scratch copy of configs/ and scripts/: a new arch row is picked up
    by every reader of the table (make help, load_arch, the packages
    setup.sh --print-packages lists, the lists in the Cc's of a send.sh run
    with a throwaway identity) with no other file touched
    but its config fragment; a section without its fragment, with a
    debug fragment that does not exist, a misspelt or repeated field or
    without a QEMU package is an error naming the arch;
  - in the scratch copy, a regress row for x86_64 and arm64 only
    (regress:x86_64,arm64) is no row of riscv and leaves riscv's regress
    config hash as it was, changes x86_64's, and is x86_64's with its kind
    bare; TESTS= naming it on riscv exits 2; a misspelt arch or kind, or
    an empty list, exits 3.
Exit status: 0 all hold, 1 one does not (each is printed).
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

CHECKS_NAME=test-input
# shellcheck source=scripts/tests/lib-checks.sh
. "$(dirname "$0")/lib-checks.sh"

# expect CODE PATTERN DESCRIPTION COMMAND...: COMMAND exits CODE, within a
# second, its stderr matches PATTERN and has no stage's log line ([  Ns]).
expect() {
	local code=$1 pat=$2 what=$3 rc=0 t0 err
	shift 3
	t0=$(date +%s%N)
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	local ms=$((($(date +%s%N) - t0) / 1000000))
	if ((rc != code)); then
		bad "$what: exit $rc, not $code: $err"
	elif ! grep -qE -- "$pat" <<<"$err"; then
		bad "$what: no '$pat' in: $err"
	elif grep -qE '^\[ *[0-9]+s\] ' <<<"$err"; then
		bad "$what: a stage ran (its log line): $err"
	elif ((ms > 1000)); then
		bad "$what: took $ms ms"
	else
		ok "$what (exit $rc, $ms ms)"
	fi
}

# The commands below set the variables each check is about: none may come
# from the caller (make check ARCH=a runs this with ARCHES=a).
unset ARCH ARCHES TESTS DEBUG INTERACTIVE JOBS BOOTS TIMEOUT HOLD_PATCH BENCH_QUICK \
	BUILD_ONLY SKIP_BISECT FORCE DRY_RUN KERNEL_TREE KERNEL_BASE BENCH_SEED BENCH_PLAN
R=$VMA_RETRY_ROOT
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Bad input: make refuses it before any work (scripts/check-input.sh).
# mk VAR=VALUE... TARGET...: make with a cache and an out/ that cannot be
# created, so that a command let through fails at its first step (no
# download, no build, no make check within make check).
mk() { env VMA_RETRY_CACHE=/dev/null/cache OUT=/dev/null/out make -s -C "$R" "$@"; }
for t in run build bench stress kunit kunit-module; do
	expect 2 "unknown ARCH 'vax'; valid: $(all_arches | paste -sd' ')" "make $t ARCH=vax" mk "$t" ARCH=vax
done
expect 2 "ARCH= is required" "make run without ARCH" mk run
expect 2 "unknown ARCH 'vax'" "build-kernel.sh vax" "$R/scripts/build-kernel.sh" vax
expect 2 "unknown ARCH 'vax'" "run-qemu.sh vax" "$R/scripts/run-qemu.sh" vax
expect 2 "unknown option" "build-initramfs.sh --bogus" "$R/scripts/build-initramfs.sh" --bogus x86_64
expect 2 "unrecognized arguments: --bogus" "judge-log.py --bogus" "$R/scripts/judge-log.py" \
	--arch x86_64 --label x86_64 --log /dev/null --out /nonexistent --bogus
expect 2 "positive number" "bench.sh --boots 0" "$R/scripts/bench.sh" --boots 0 x86_64
expect 2 "--build-id needs a build ID in hex digits" "run-qemu.sh --build-id xyz" \
	env VMA_RETRY_CACHE=/dev/null/cache OUT=/dev/null/out "$R/scripts/run-qemu.sh" --build-id xyz x86_64
expect 2 "not a build ID \\(hex digits\\): 'xyz'" "judge-log.py --build-id xyz" "$R/scripts/judge-log.py" \
	--arch x86_64 --label x86_64 --log /dev/null --out /nonexistent --build-id xyz
expect 2 "no file" "bench.sh --hold-patch missing" "$R/scripts/bench.sh" --hold-patch /nonexistent x86_64

valid_tests="valid \\(selftests/tests\\): $(test_rows | cut -d'|' -f1 | awk '!seen[$0]++' | paste -sd' ')"
expect 2 "unknown test 'vma_rety'; $valid_tests" "TESTS=vma_rety make run ARCH=x86_64" \
	mk TESTS=vma_rety run ARCH=x86_64
expect 2 "unknown test 'nosuch'" "TESTS=vma_retry,nosuch make stress" mk TESTS=vma_retry,nosuch stress ARCH=arm64
expect 2 "an empty name" "TESTS=, make run" mk TESTS=, run ARCH=x86_64
for v in DEBUG=0 DEBUG=yes INTERACTIVE=2; do
	expect 2 "${v%=*}='${v#*=}': it is 1 or empty" "$v make run" mk "$v" run ARCH=x86_64
done
expect 2 "BENCH_QUICK='0': it is 1 or empty" "BENCH_QUICK=0 make bench" mk BENCH_QUICK=0 bench ARCH=x86_64
expect 2 "BUILD_ONLY='no': it is 1 or empty" "BUILD_ONLY=no make bench" mk BUILD_ONLY=no bench ARCH=x86_64
expect 2 "SKIP_BISECT='yes': it is 1 or empty" "SKIP_BISECT=yes make check" mk SKIP_BISECT=yes check
expect 2 "JOBS='0': it is a positive number" "JOBS=0 make build" mk JOBS=0 build ARCH=x86_64
expect 2 "BOOTS='x': it is a positive number" "BOOTS=x make bench" mk BOOTS=x bench ARCH=x86_64
expect 2 "HOLD_PATCH=/nonexistent: no such readable file" "HOLD_PATCH=/nonexistent make bench" \
	mk HOLD_PATCH=/nonexistent bench ARCH=x86_64
expect 2 "BENCH_SEED='1e3': a number of at most 9 digits" "BENCH_SEED=1e3 make bench" \
	mk BENCH_SEED=1e3 bench ARCH=x86_64
expect 2 "BENCH_PLAN='../plan-full': valid: $(bench_plans)" "BENCH_PLAN=../plan-full make bench" \
	mk BENCH_PLAN=../plan-full bench ARCH=x86_64
expect 2 "--seed needs a number" "bench.sh --seed -1" "$R/scripts/bench.sh" --seed -1 x86_64
expect 2 "--plan: no selftests/bench/plan-nope" "bench.sh --plan nope" "$R/scripts/bench.sh" --plan nope x86_64
expect 2 "--kernels needs base" "bench.sh --kernels series,hold" "$R/scripts/bench.sh" --kernels series,hold x86_64
expect 2 "unknown ARCH 'vax'; valid: $(all_arches | paste -sd' ')" "make check ARCH=vax" mk check ARCH=vax
expect 2 "unknown ARCHES 'vax'" "make check ARCHES=\"arm vax\"" mk check ARCHES="arm vax"
expect 2 "ARCH= and ARCHES= together" "make check ARCH=arm ARCHES=x86_64" mk check ARCH=arm ARCHES=x86_64
mkdir -p "$tmp/notgit/mm" "$tmp/notkernel" "$tmp/kernel/mm"
touch "$tmp/notgit/Makefile" "$tmp/kernel/Makefile" "$tmp/kernel/mm/memory.c"
git init -q "$tmp/notkernel"
git init -q "$tmp/kernel"
git -C "$tmp/kernel" add -A
GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@kernel.test GIT_COMMITTER_NAME=t \
	GIT_COMMITTER_EMAIL=t@kernel.test git -C "$tmp/kernel" commit -q -m base
expect 2 "KERNEL_TREE=$tmp/none: no such directory" "KERNEL_TREE that does not exist" \
	mk KERNEL_TREE="$tmp/none" apply
expect 2 "is not the top of a git work tree" "KERNEL_TREE that is not a git work tree" \
	mk KERNEL_TREE="$tmp/notgit" run ARCH=x86_64
expect 2 "is not a kernel source tree" "KERNEL_TREE that is not a kernel tree" \
	mk KERNEL_TREE="$tmp/notkernel" build ARCH=x86_64
expect 2 "has no revision 'v7.3-rc7'" "KERNEL_TREE without v7.3-rc7 (no KERNEL_BASE)" \
	mk KERNEL_TREE="$tmp/kernel" apply
expect 2 "has no revision 'nosuch'" "KERNEL_TREE without KERNEL_BASE=nosuch" \
	mk KERNEL_TREE="$tmp/kernel" KERNEL_BASE=nosuch check
expect 2 "KERNEL_BASE=v7.3 is a revision of KERNEL_TREE=, which is not set" "KERNEL_BASE without KERNEL_TREE" \
	mk KERNEL_BASE=v7.3 run ARCH=x86_64
expect 2 "unknown test 'vma_rety'" "build-initramfs.sh with TESTS=vma_rety" \
	env VMA_RETRY_CACHE=/dev/null/cache OUT=/dev/null/out TESTS=vma_rety "$R/scripts/build-initramfs.sh" x86_64
expect 2 "unknown test 'vma_rety'" "run-qemu.sh with TESTS=vma_rety" \
	env VMA_RETRY_CACHE=/dev/null/cache OUT=/dev/null/out TESTS=vma_rety "$R/scripts/run-qemu.sh" x86_64
# (check.sh stops at once: out/ cannot be created)
holds "make check ARCH=arm64 checks arm64 alone and says so" \
	grep -q "checking arm64 only" <<<"$(mk check ARCH=arm64 2>&1 || true)"
holds "make bisect-check ARCH=arm64 too" \
	grep -q "^ARCH= ARCHES=arm64 .*scripts/bisect-check.sh" <<<"$(make -n -C "$R" bisect-check ARCH=arm64)"

# Every script says how it is used (and does nothing else).
says_usage() { local out; out=$("$1" --help 2>&1) && grep -q "^[Uu]sage:" <<<"$out"; }
for f in "$R"/scripts/*.sh "$R"/scripts/*.py "$R"/scripts/tests/*.sh; do
	# (libraries, sourced or imported: lib.sh, lib-checks.sh, bench_log.py)
	[[ $f == */lib.sh || $f == */lib-checks.sh || $f == */bench_log.py ]] && continue
	holds "${f#"$R/"} --help" says_usage "$f"
done

# A new arch in a scratch copy: one section and its fragment.
cp -a "$R/configs" "$R/scripts" "$R/Makefile" "$tmp/"
{
	echo
	awk '/^\[/ { in_a = ($0 == "[arm64]") } in_a && NF' "$R/configs/arches" |
		sed -e 's/^\[arm64\]$/[dummy]/' -e 's/linux-arm-kernel@lists.infradead.org/dummy@lists.kernel.test/' \
			-e 's/qemu-system-arm$/qemu-system-dummy/' -e 's/gcc-aarch64-linux-gnu /gcc-dummy-linux-gnu /'
} >>"$tmp/configs/arches"
in_tmp() { VMA_RETRY_CACHE=$tmp/cache bash -c ". '$tmp/scripts/lib.sh'; $1"; }
expect 3 "dummy has no config fragment configs/dummy.config" "a section without its fragment" \
	in_tmp 'load_arch dummy'
cp "$tmp/configs/arm64.config" "$tmp/configs/dummy.config"
holds "a section with its fragment loads" in_tmp 'load_arch dummy'
help_text=$(make -s -C "$tmp" help)
holds "make help lists it" grep -q ' dummy' <<<"$help_text"
# What make setup installs and make send Cc's, computed as those scripts do.
pk=$(in_tmp 'arch_values A_QEMU_PKG')
holds "its QEMU package is read" grep -qx qemu-system-dummy <<<"$pk"
# What make setup would install, and whom make send Cc's, from the scratch copy.
pkgs=$("$tmp/scripts/setup.sh" --print-packages)
holds "setup.sh would install its QEMU package" grep -qx qemu-system-dummy <<<"$pkgs"
holds "setup.sh would install its toolchain" grep -qx gcc-dummy-linux-gnu <<<"$pkgs"
cp -a "$R/patches" "$tmp/"
mkdir "$tmp/Documentation" && cp "$R/Documentation/cover-letter.txt" "$tmp/Documentation/"
SEND_NAME="Input Tester" SEND_EMAIL=input@kernel.test "$tmp/scripts/send.sh" -o "$tmp/send" \
	>"$tmp/send.log" 2>&1 || true
holds "send.sh Cc's its list" grep -qx dummy@lists.kernel.test "$tmp/send/cc.txt"
# (edits of the dummy section, the last of the scratch table)
edit_dummy() { sed -i "/^\[dummy\]$/,\$ $1" "$tmp/configs/arches"; }
edit_dummy 's/^debug .*/debug         kasan nosuch/'
expect 3 "dummy: no config fragment configs/nosuch.config" "a debug fragment that does not exist" \
	in_tmp 'load_arch dummy'
edit_dummy 's/^debug .*/tset          distro-mm/'
expect 3 "dummy: unknown field 'tset'" "a misspelt field" in_tmp 'load_arch dummy'
edit_dummy 's/^tset .*/list          twice@lists.kernel.test/'
expect 3 "dummy: field list given twice" "a field given twice" in_tmp 'load_arch dummy'
edit_dummy '{ /^list          twice/d; /^qemu_package /d; }'
expect 3 "dummy: no qemu_package" "a section without a QEMU package" in_tmp 'load_arch dummy'
# A row for some arches (kind KIND:ARCH,...): on the others it does not
# exist, and an arch's regress hash covers its own rows only, so adding
# one re-keys no other arch's baseline; a misspelt arch or kind is an
# error, not a row that vanishes.
mkdir -p "$tmp/selftests"
cp "$R/selftests/tests" "$tmp/selftests/"
hashes() { # ROOT: "arch hash" of riscv and x86_64
	VMA_RETRY_CACHE=$tmp/cache bash -c ". '$1/scripts/lib.sh'
		for a in riscv x86_64; do load_arch \$a; echo \$a \$(regress_config_hash); done"
}
h_before=$(hashes "$R")
echo 'scratch | 60 | regress:x86_64,arm64 | tools/testing/selftests/mm/scratch.c |' >>"$tmp/selftests/tests"
h_after=$(hashes "$tmp")
holds "a row for x86_64 and arm64 keeps riscv's regress hash" \
	test "$(grep riscv <<<"$h_after")" == "$(grep riscv <<<"$h_before")"
holds "...and changes x86_64's" test "$(grep x86_64 <<<"$h_after")" != "$(grep x86_64 <<<"$h_before")"
holds "...is not a row of riscv" test -z "$(in_tmp 'load_arch riscv; test_rows' | grep '^scratch|')"
holds "...is a regress row of x86_64, its kind bare" \
	grep -qx 'scratch|60|regress|tools/testing/selftests/mm/scratch.c|' <<<"$(in_tmp 'load_arch x86_64; test_rows')"
expect 2 "test 'scratch' does not run on riscv, only on: x86_64 arm64" "TESTS= naming it on riscv" \
	in_tmp 'load_arch riscv; TESTS=scratch check_tests'
holds "...and on arm64 is fine" in_tmp 'load_arch arm64; TESTS=scratch check_tests'
sed -i 's/regress:x86_64,arm64 /regress:x86-64,arm64 /' "$tmp/selftests/tests"
expect 3 "scratch: unknown arch x86-64 in regress:x86-64,arm64" "a misspelt arch in a row" \
	in_tmp 'load_arch arm64; check_tests'
sed -i 's/regress:x86-64,arm64 /regres /' "$tmp/selftests/tests"
expect 3 "scratch: unknown kind regres" "a misspelt kind" in_tmp 'check_tests'
sed -i 's/regres /regress: /' "$tmp/selftests/tests"
expect 3 "scratch: kind regress: names no arch" "an empty arch list" in_tmp 'check_tests'
# One name, a row per arch list (arguments that differ by arch): each arch
# has the one row of its list; an arch on two rows is an error.
sed -i 's/| regress: |/| regress:x86_64 |/' "$tmp/selftests/tests"
echo 'scratch | 60 | regress:riscv,arm64 | tools/testing/selftests/mm/scratch.c | -T x' >>"$tmp/selftests/tests"
holds "a name with rows on x86_64 and on riscv,arm64 is fine" in_tmp 'load_arch riscv; TESTS=scratch check_tests'
holds "...and riscv has the second row alone" \
	test "$(in_tmp 'load_arch riscv; test_rows' | grep '^scratch|')" == 'scratch|60|regress|tools/testing/selftests/mm/scratch.c|-T x'
holds "...and x86_64 the first alone" \
	test "$(in_tmp 'load_arch x86_64; test_rows' | grep '^scratch|')" == 'scratch|60|regress|tools/testing/selftests/mm/scratch.c|'
sed -i 's/| regress:riscv,arm64 |/| regress:riscv,x86_64 |/' "$tmp/selftests/tests"
expect 3 "scratch: two rows on x86_64" "a name with two rows on one arch" in_tmp 'check_tests'
# Other readers of the table would not see the scratch row's changes.
others=$(grep -l 'configs/arches' "$R"/scripts/*.sh "$R"/scripts/tests/*.sh "$R"/scripts/*.py "$R/Makefile" 2>/dev/null |
	grep -v -e '/lib.sh$' -e '/test-input.sh$' | xargs -r grep -lE "awk[^|]*configs/arches|< *\"?\\\$ARCH_TABLE" || true)
holds "lib.sh is the one reader of configs/arches (others: ${others:-none})" test -z "$others"

checks_done
echo "test-input: all checks hold" >&2
