#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one arch's test kernel under QEMU (TCG), save the console log and
# have scripts/judge-log.py judge it: KUnit results, the guest's KTAP, the
# regression guard and kernel splats.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The series' KUnit suite (mm/tests/vma_retry_kunit.c): it must be in every
# test kernel's results.
KUNIT_SUITE=${KUNIT_SUITE:-vma_retry}
# How many times longer the debug kernel's programs may take (--debug).
DEBUG_SLOW=4

usage() {
	cat <<EOF_USAGE
Usage: $0 [--src DIR] [--tag T] [--debug] [--kunit-module] [--no-regress-rows] [--rejudge LOG]
          [--boot-only] [--kernel F] [--initrd F] [--log F] [--baseline F]
          [--build-id HEX] [--base-splats F | --record-base F] ARCH

Boots \$VMA_RETRY_CACHE/build/ARCH[-debug][-TAG]'s kernel with the initramfs of
scripts/build-initramfs.sh under QEMU TCG, with a timeout, and saves the
console log as out/ARCH.log. Then scripts/judge-log.py judges the log, read
once (its --help; all it needs comes as its arguments): that the booted
kernel is the one built (the build ID that the guest init prints is the
GNU build ID of the vmlinux beside the image, read with readelf -n: a
stale boot image is an infrastructure failure), the KUnit output with
the kernel's kunit.py parse --json (the suite $KUNIT_SUITE must be there and
pass), the guest's KTAP (one subtest per program of selftests/tests; the
top-level plan and each program's nested plan must match the results it
reports), the regression guard (selftests/regress/README) and kernel splats
(WARNING, BUG, kernel BUG at, Oops, Internal error, Unable to handle kernel,
lockdep, KASAN, RCU stall, soft lockup, hung task, panic), and on a kernel
with lockdep that it was still on at the end (a debug kernel: but for the
splats that its base kernel's debug boot has too, see --base-splats).
Prints one summary
line, also saved as out/ARCH.summary, and the same counts as JSON in
out/ARCH.result.json:
  ARCH verdict kunit p/f/s  selftests p/f/s  regress p/f/s  splats N  Ts
("splats N (+M as on base)" when M splat lines were the base kernel's;
the reasons of a failure, and what was not checked, in parentheses last)
counting test cases: KUnit cases; the cases of the required and optional
programs (a program that failed without a failed case counts one failure, a
program without KTAP cases that passed one pass); regress cases: the same as
on the base kernel and ok = passed, the same and skip (or not ok on both
kernels) = skipped, a case that differs (changed, missing, new) = failed.
Init's own self-check and the per-program "(exit)" lines are judged but not
counted. Result files besides (judge-log.py --help): out/ARCH.junit.xml,
each counted case (failed and skipped ones marked so); out/ARCH.ktap, the
programs' KTAP as run_kselftest.sh prints it; out/ARCH.kunit.json, kunit.py's
JSON of the KUnit results.

$VARIANT_USAGE
                 (the tree's tools/testing/kunit/kunit.py parses KUnit; a
                 variant tagged base is the base kernel's run, whose KUnit
                 and regress results are not judged; with --kunit-module
                 the suite's KTAP is the one KUnit prints when the guest
                 init loads the module, which must load and unload, and the
                 suite must not have run at boot: judge-log.py --help)
  --no-regress-rows  the initramfs was built without the regress rows
                 (build-initramfs.sh --regress no): their results are not
                 expected
  --rejudge LOG  do not boot: judge LOG (a saved console log) as ARCH's run;
                 no kernel, initramfs, toolchain or QEMU is needed. TESTS=,
                 --tag and the others mean what they meant for the run of LOG.
  --boot-only    boot and save the log, judge only that the guest init
                 finished (else 3), the build ID (else 3) and that there is
                 no splat (else 1): the benchmark's boots (scripts/bench.sh
                 judges their results)
  --kernel F     boot this image (default: the build tree's); unless
                 --build-id is given, F is a build tree's image (its path
                 ends in the arch's image path of configs/arches), and the
                 vmlinux of that tree has the build ID to expect
  --initrd F     with this initramfs (default: scripts/build-initramfs.sh's,
                 \$VMA_RETRY_CACHE/build/initramfs-ARCH[-TAG].cpio)
  --log F        save the console log as F (default: OUT/ARCH[-debug][-TAG].log)
  --baseline F   the regression guard's baseline (default: the one whose key
                 is the tree's: its base commit and today's config, from
                 selftests/regress/ARCH or \$VMA_RETRY_CACHE/regress/, see
                 scripts/regress-baseline.sh; with --rejudge,
                 selftests/regress/ARCH as it is; a missing file: none)
  --build-id HEX the GNU build ID the booted kernel must have (default:
                 its vmlinux's; with --rejudge: none, nothing is compared,
                 as the build tree may have changed since the log was saved)
  --base-splats F  (--debug) judge the splats against F, the record of a
                 debug boot of the base kernel (scripts/debug-base.sh
                 --help), used when its key line is the tree's ("# debug
                 base: arch=ARCH base=COMMIT config=HASH"): a splat with
                 the same message and location as one of the base's is
                 reported, "splats N (+M as on base)", and does not fail
                 the run; lockdep off at the end does not either, where the
                 base kernel's boot ended so too and all the run's splats
                 are the base's: the summary says "lockdep off, as on the
                 base kernel". Default with --debug (not --boot-only):
                 \$VMA_RETRY_CACHE/debug-base/COMMIT-HASH/ARCH if there is
                 one; none: every splat fails the run
  --record-base F  (--debug, with --boot-only: the base kernel's boot)
                 write that record of this boot's log to F: its key line,
                 init's debug_locks and the splats' signatures; a guest init
                 that did not finish is an infrastructure failure (3, no
                 record), its splats are not a failure

Exit status: 0 pass, 1 test failure (a failed test; a required test that
skipped, ran zero cases or all of whose cases skipped; a plan that does not
match a program's results; a missing KUnit suite; missing regress results; a
splat), 3 infrastructure failure (timeout, boot failure, no or incomplete
KTAP, no KUnit output, a booted kernel whose build ID is not the vmlinux's
or that printed none); the last console lines are shown on failure. 2
before any boot: bad input, or a tree that is not on KERNEL_BASE.

Environment:
  TESTS=a,b      run only these programs of selftests/tests
  INTERACTIVE=1  no tests: a minimal command loop in the guest on your terminal
  TIMEOUT=S      QEMU timeout in seconds (default 900; --debug: 4 times
                 that, and 4 times each program's timeout, vr.slow=4)
  APPEND="..."   more kernel command line (e.g. print-fatal-signals=1)
  OUT=DIR        where logs go (default: out/ in the checkout)
  KUNIT_SUITE=S  the KUnit suite that must be in the results (default
                 $KUNIT_SUITE)
EOF_USAGE
}
rejudge='' boot_only='' opt_kernel='' opt_initrd='' opt_log='' no_regress_rows='' opt_baseline=''
build_id='' base_splats='' record_base=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--boot-only) boot_only=1; shift ;;
	--no-regress-rows) no_regress_rows=1; shift ;;
	--src | --tag | --debug | --kunit-module) variant_opt "$@"; shift "$VSHIFT" ;;
	--kernel | --initrd | --log | --baseline | --base-splats | --record-base)
		(($# >= 2)) || usage_error "$1 needs a file (see --help)"
		case $1 in
		--kernel) opt_kernel=$2 ;;
		--initrd) opt_initrd=$2 ;;
		--log) opt_log=$2 ;;
		--baseline) opt_baseline=$2 ;;
		--base-splats) base_splats=$2 ;;
		--record-base) record_base=$2 ;;
		esac
		shift 2
		;;
	--rejudge)
		(($# >= 2)) || usage_error "--rejudge needs a log file (see --help)"
		rejudge=$2
		shift 2
		;;
	--build-id)
		[[ ${2:-} =~ ^[0-9a-fA-F]+$ ]] || usage_error "--build-id needs a build ID in hex digits (see --help)"
		build_id=${2,,}
		shift 2
		;;
	-*) usage_error "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
check_tests

# The record of the base kernel's debug boot: given, or the cache's.
if [[ -n $base_splats || -n $record_base ]]; then
	[[ -n $V_DEBUG ]] || usage_error "--base-splats and --record-base are for a debug kernel (--debug)"
	[[ -z $base_splats || -z $record_base ]] || usage_error "--base-splats and --record-base together (see --help)"
	[[ -z $record_base || -n $boot_only ]] || usage_error "--record-base needs --boot-only (see --help)"
	[[ -z $base_splats || -f $base_splats ]] || usage_error "--base-splats: no file $base_splats"
fi
base_key=''
if [[ -n $V_DEBUG && -z ${INTERACTIVE:-} ]]; then
	commit=$(regress_base_commit)
	if [[ -n $commit ]]; then
		base_key=$(debug_base_header "$commit")
		if [[ -z $base_splats && -z $record_base && -z $boot_only && -f $(debug_base_file "$commit") ]]; then
			base_splats=$(debug_base_file "$commit")
		fi
	elif [[ -n $base_splats || -n $record_base ]]; then
		usage_error "base revision '$(base_rev)' not found in $(kernel_tree), the key of --base-splats or --record-base (set KERNEL_BASE=)"
	fi
fi

SRC=$V_SRC
label=$(variant_label)
OUT=${OUT:-$VMA_RETRY_ROOT/out}
mkdir -p "$OUT"
# (the judge runs kunit.py, which changes to the kernel tree: absolute paths)
OUT=$(cd "$OUT" && pwd)
logf=${opt_log:-$OUT/$label.log}
result=$OUT/$label.result.json
# (a --boot-only run judges and counts nothing: it leaves the judged run's
# result alone, as make check's bench gate boots x86_64 after its run)
[[ -n $boot_only ]] || rm -f "$result"
# The guard compares with the baseline of the base this tree is on, in
# today's config, or with none (the judge then fails a run with regress rows).
baseline=${opt_baseline:-$(regress_committed)}
if [[ -z $opt_baseline && -z $rejudge && -z $boot_only && $V_TAG != base ]] && regress_guarded; then
	commit=$(regress_base_commit)
	[[ -n $commit ]] || usage_error "base revision '$(base_rev)' not found in $(kernel_tree) (set KERNEL_BASE=)"
	git -C "$SRC" merge-base --is-ancestor "$commit" HEAD 2>/dev/null ||
		usage_error "$SRC is not on the base $(base_rev) ($commit) of $(kernel_tree): make apply"
	if regress_lookup "$commit"; then
		baseline=$REGRESS_FILE
		log "$label: regress baseline $(regress_relpath "$baseline")"
	else
		# (the judge names where it would be; a file there has another key)
		baseline=$(regress_cache_file "$commit")
		[[ ! -e $baseline ]] || baseline=$OUT/$label.no-baseline
		rm -f "$OUT/$label.no-baseline"
		[[ -n $no_regress_rows ]] || log "$label: regress: $REGRESS_WHY"
	fi
fi
if [[ -n $rejudge ]]; then
	[[ -f $rejudge ]] || die "--rejudge: no log file $rejudge"
	logf=$(realpath "$rejudge")
else
	check_toolchain
	kernel=${opt_kernel:-$(build_dir "$label")/$A_IMAGE}
	initrd=${opt_initrd:-$(initramfs_base).cpio}
	[[ -f $kernel ]] || die "$label: no kernel image $kernel (make build ARCH=$A_NAME)"
	[[ -f $initrd ]] || die "$label: no initramfs $initrd (make initramfs ARCH=$A_NAME)"
	# The kernel that was built: the GNU build ID of the vmlinux beside
	# the image (for powerpc the image is that vmlinux), which the guest
	# init must print (judge-log.py --build-id; an interactive boot is not
	# judged).
	if [[ -z $build_id && -z ${INTERACTIVE:-} ]]; then
		[[ $kernel == */"$A_IMAGE" ]] ||
			usage_error "--kernel $kernel is not a build tree's $A_IMAGE: give its vmlinux's build ID (--build-id HEX)"
		vmlinux=${kernel%"$A_IMAGE"}vmlinux
		[[ -f $vmlinux ]] || die "$label: no $vmlinux, whose build ID the booted kernel must have"
		build_id=$(readelf -n "$vmlinux" | awk '$1 == "Build" && $2 == "ID:" && !n++ { print $3 }') || true
		[[ -n $build_id ]] || die "$label: $vmlinux has no GNU build ID (readelf -n)"
		log "$label: the booted kernel must be $vmlinux (build-id $build_id)"
	fi

	append="panic=-1 null_blk.nr_devices=0"
	[[ -n $A_CONSOLE ]] && append="console=$A_CONSOLE $append"
	[[ -n $A_KERNEL_ARGS ]] && append+=" $A_KERNEL_ARGS"
	[[ -n ${TESTS:-} ]] && append+=" vr.tests=$TESTS"
	# The debug kernels run several times slower under TCG (KASAN, lockdep):
	# each program gets DEBUG_SLOW times its timeout, and QEMU as much.
	[[ -n $V_DEBUG ]] && append+=" vr.slow=$DEBUG_SLOW"
	[[ -n ${INTERACTIVE:-} ]] && append+=" vr.shell=1"
	[[ -n ${APPEND:-} ]] && append+=" $APPEND"
	# shellcheck disable=SC2206
	qemu=("$A_QEMU" $A_QEMU_ARGS -smp 2 -m 1G -nographic -no-reboot
		-kernel "$kernel" -initrd "$initrd" -append "$append")

	if [[ -n ${INTERACTIVE:-} ]]; then
		log "$label: interactive guest; type 'poweroff' to leave"
		exec "${qemu[@]}"
	fi
fi

slow=1
[[ -z $V_DEBUG ]] || slow=$DEBUG_SLOW
timeout=${TIMEOUT:-$((900 * slow))}
t0=$SECONDS
rc=0
if [[ -n $rejudge ]]; then
	log "$label: judging the saved $logf"
else
	log "$label: booting under ${A_QEMU} (timeout ${timeout} s)"
	: >"$logf"
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$logf" 2>&1 &
	qpid=$!
	# Not every machine resets on reboot (-no-reboot then exits QEMU):
	# once the guest init has finished, or the kernel panicked, give QEMU
	# a few seconds and then stop it.
	while kill -0 "$qpid" 2>/dev/null; do
		if grep -qE '^# vma-retry-init: done|Kernel panic - not syncing' "$logf"; then
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				kill -0 "$qpid" 2>/dev/null || break
				sleep 1
			done
			kill -0 "$qpid" 2>/dev/null && pkill -P "$qpid" 2>/dev/null
			break
		fi
		sleep 1
	done
	wait "$qpid" || rc=$?
	# Stopped by us after the end of the run: not a QEMU failure.
	if ((rc == 143 || rc == 124)) && grep -qE '^# vma-retry-init: done|Kernel panic - not syncing' "$logf"; then
		rc=0
	fi
	tr -d '\r' <"$logf" >"$logf.tmp" && mv "$logf.tmp" "$logf"
fi
secs=$((SECONDS - t0))

# --- the judge: scripts/judge-log.py reads the log once and gives every -------
# verdict, count and output (see --help); it exits with the run's status.
judge=("$VMA_RETRY_ROOT/scripts/judge-log.py" --arch="$A_NAME" --label="$label" --log="$logf"
	--out="$OUT" --seconds="$secs" --qemu-status="$rc" --timeout="$timeout" --t0="$_vr_t0")
[[ -z $build_id ]] || judge+=(--build-id="$build_id")
[[ -z $record_base ]] || judge+=(--record-base="$record_base" --base-key="$base_key")
if [[ -n $base_splats ]]; then
	log "$label: splats judged against the base kernel's debug boot, $base_splats"
	judge+=(--base-splats="$base_splats" --base-key="$base_key")
fi
[[ -z $boot_only ]] || exec "${judge[@]}" --boot-only
judge+=(--baseline="$baseline"
	--required="$(tests_of_kind required | paste -sd' ')"
	--regress="$(tests_of_kind regress | paste -sd' ')"
	--tests="${TESTS:-}" --build-tag="$V_TAG"
	--kunit-py="$SRC/tools/testing/kunit/kunit.py" --kunit-suite="$KUNIT_SUITE")
if [[ -n $no_regress_rows ]]; then
	judge+=(--no-regress-rows)
fi
[[ -z $V_KUNIT_MODULE ]] || judge+=(--kunit-module)
# Each program's directory under tools/testing/selftests (its main
# source's; vma-retry for one elsewhere, this repo's), for the
# "selftests: DIR: NAME" lines of out/ARCH.ktap.
judge+=(--collections="$(test_rows | awk -F'|' '{ split($4, s, " "); d = s[1]; sub(/\/[^\/]*$/, "", d)
	if (!sub(/^tools\/testing\/selftests\//, "", d)) d = "vma-retry"; print $1 ":" d }' | paste -sd' ')")
exec "${judge[@]}"
