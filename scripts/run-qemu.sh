#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one arch's test kernel under QEMU (TCG), save the console log and
# judge it: KUnit results, the guest's KTAP, and kernel splats.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--rejudge LOG] ARCH

Boots \$VMA_RETRY_CACHE/build/ARCH[-debug][-TAG]'s kernel with the initramfs of
scripts/build-initramfs.sh under QEMU TCG, with a timeout, and saves the
console log as out/ARCH.log. Then it parses the KUnit output with the kernel's
kunit.py parse, the guest's KTAP (one subtest per program of selftests/tests)
and looks for kernel splats (WARNING, BUG, Oops, lockdep, KASAN, RCU stall,
hung task, panic). Prints one summary line, also saved as out/ARCH.summary.

  --rejudge LOG  do not boot: judge LOG (a saved console log) as ARCH's run;
                 no kernel, initramfs, toolchain or QEMU is needed. TESTS=
                 and BUILD_TAG= mean what they meant for the run of LOG.

Exit status: 0 pass, 1 test failure (a failed test, a required test that
skipped, a splat), 3 infrastructure failure (timeout, boot failure, no or
incomplete KTAP); the last console lines are shown on failure.

Environment:
  TESTS=a,b      run only these programs of selftests/tests
  INTERACTIVE=1  no tests: a minimal command loop in the guest on your terminal
  TIMEOUT=S      QEMU timeout in seconds (default 900)
  KERNEL=FILE    boot this image instead of the build tree's
  APPEND="..."   more kernel command line (e.g. print-fatal-signals=1)
  DEBUG=1, BUILD_TAG=T, SRC=DIR  as for scripts/build-kernel.sh
  OUT=DIR        where logs go (default: out/ in the checkout)
  REJUDGE=1      do not boot: judge the saved OUT/ARCH.log again
EOF_USAGE
}
rejudge=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--rejudge)
		(($# >= 2)) || usage_error "--rejudge needs a log file (see --help)"
		rejudge=$2
		shift 2
		;;
	-*) usage_error "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"

SRC=${SRC:-$VMA_RETRY_CACHE/src/applied}
label=$A_NAME${DEBUG:+-debug}${BUILD_TAG:+-$BUILD_TAG}
OUT=${OUT:-$VMA_RETRY_ROOT/out}
mkdir -p "$OUT"
# kunit.py changes to the kernel tree: it is given absolute paths.
OUT=$(cd "$OUT" && pwd)
logf=$OUT/$label.log
summary=$OUT/$label.summary
if [[ -n ${REJUDGE:-} && -z $rejudge ]]; then
	[[ -f $logf ]] || die "REJUDGE=1: no $logf"
	rejudge=$logf
fi
if [[ -n $rejudge ]]; then
	[[ -f $rejudge ]] || die "--rejudge: no log file $rejudge"
	logf=$(realpath "$rejudge")
else
	check_toolchain
	kernel=${KERNEL:-$(build_dir "$label")/$A_IMAGE}
	initrd=$VMA_RETRY_CACHE/build/initramfs-$A_NAME.cpio
	[[ -f $kernel ]] || die "$label: no kernel image $kernel (make build ARCH=$A_NAME)"
	[[ -f $initrd ]] || die "$label: no initramfs $initrd (make initramfs ARCH=$A_NAME)"

	append="panic=-1 null_blk.nr_devices=0"
	[[ -n $A_CONSOLE ]] && append="console=$A_CONSOLE $append"
	[[ -n ${TESTS:-} ]] && append+=" vr.tests=$TESTS"
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

timeout=${TIMEOUT:-900}
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

verdict=pass
reasons=()
fail() { # fail LEVEL REASON: LEVEL is test or infra
	reasons+=("$2")
	if [[ $1 == infra ]]; then
		verdict=infra
	elif [[ $verdict == pass ]]; then
		verdict=fail
	fi
}

if ((rc == 124 || rc == 137)); then
	fail infra "timeout after ${timeout} s"
elif ((rc)); then
	fail infra "QEMU exited with status $rc"
fi

# --- KUnit: the part of the log before our init starts ----------------------
ku_pass=0 ku_fail=0 ku_skip=0
if [[ -f $SRC/mm/tests/.kunitconfig ]]; then
	sed '/# vma-retry-init: start/,$d' "$logf" >"$OUT/$label.kunit.log"
	kout=$(python3 "$SRC/tools/testing/kunit/kunit.py" parse "$OUT/$label.kunit.log" 2>&1 || true)
	printf '%s\n' "$kout" >"$OUT/$label.kunit.txt"
	line=$(grep -o 'Testing complete\. .*' <<<"$kout" | tail -1 || true)
	# "Testing complete. Ran 15 tests: passed: 14, skipped: 1" (counts that
	# are zero are left out).
	num() { grep -io "$1: [0-9]*" <<<"$line" | grep -o '[0-9]*$' || echo 0; }
	if [[ -z $line ]] || grep -q 'Ran 0 tests' <<<"$line"; then
		fail infra "no KUnit results in the console log"
	else
		ku_pass=$(num passed)
		ku_fail=$(($(num failed) + $(num crashed) + $(num errors)))
		ku_skip=$(num skipped)
		((ku_fail == 0)) || fail test "KUnit: $ku_fail failed"
		((ku_pass > 0)) || fail test "KUnit: no test case passed"
	fi
fi

# --- the guest's KTAP ---------------------------------------------------------
st_pass=0 st_fail=0 st_skip=0
if ! grep -q '^# vma-retry-init: start' "$logf"; then
	fail infra "the guest init never started (boot failure)"
elif ! grep -q '^# vma-retry-init: done' "$logf"; then
	fail infra "incomplete KTAP: the guest init did not finish"
fi
required=" $(tests_of_kind required | paste -sd' ') "
regress=" $(tests_of_kind regress | paste -sd' ') "
# What the guest init printed.
ktap=$(sed -n '/^# vma-retry-init: start/,/^# vma-retry-init: done/p' "$logf")
# One line per program: "status name skip nested-pass nested-fail nested-skip".
# A program's own KTAP cases (indented by init) are what gets counted; a
# program that failed without failing a case (crash, timeout) counts one.
ran=" "
while read -r status name skip np nf ns; do
	ran+="$name "
	[[ $regress == *" $name "* ]] && continue # judged below
	if [[ $status == ok && $skip == 1 ]]; then
		st_skip=$((st_skip + (ns > 0 ? ns : 1)))
		[[ $required == *" $name "* ]] && fail test "required test $name skipped"
	elif [[ $status == ok ]]; then
		st_pass=$((st_pass + (np > 0 ? np : 1)))
		st_skip=$((st_skip + ns))
		((nf == 0)) || fail test "$name: $nf case(s) failed"
		st_fail=$((st_fail + nf))
	else
		st_pass=$((st_pass + np))
		st_skip=$((st_skip + ns))
		st_fail=$((st_fail + (nf > 0 ? nf : 1)))
		fail test "$name failed"
	fi
done < <(printf '%s\n' "$ktap" | awk '
	/^    (ok|not ok) [0-9]+ / {
		if ($0 ~ /# SKIP/) ns++; else if ($1 == "ok") np++; else nf++
		next
	}
	/^(ok|not ok) [0-9]+ / {
		st = ($1 == "ok") ? "ok" : "notok"
		name = (st == "ok") ? $3 : $4
		print st, name, ($0 ~ /# SKIP/) ? 1 : 0, np + 0, nf + 0, ns + 0
		np = nf = ns = 0
	}')
if [[ -z ${TESTS:-} && $verdict != infra ]]; then
	for r in $required; do
		[[ $ran == *" $r "* ]] || fail test "required test $r did not run"
	done
fi

# --- the regression guard: upstream tests, case by case as on the base kernel --
# One line per case, "program: ok|not ok|skip: description", and one per
# program, "program: (exit) ok|not ok|skip".
rg_same=0 rg_diff=0
baseline=$VMA_RETRY_ROOT/selftests/regress/$A_NAME
# With TESTS=, only the programs asked for are judged, on both sides.
asked=
[[ -n ${TESTS:-} ]] && asked=" ${TESTS//,/ } "
printf '%s\n' "$ktap" | awk -v progs="$regress" -v asked="$asked" '
	/^    (ok|not ok) [0-9]+ / {
		st = ($1 == "ok") ? "ok" : "not ok"
		d = $0
		sub(/^    (ok|not ok) [0-9]+ */, "", d)
		# "ok 3 desc # SKIP reason" or "ok 3 # SKIP desc"
		if (d ~ /# SKIP/) {
			st = "skip"
			r = d
			sub(/ *# SKIP.*/, "", d)
			sub(/.*# SKIP */, "", r)
			if (d == "") d = r
		}
		buf[n++] = st ": " d
		next
	}
	/^(ok|not ok) [0-9]+ / {
		name = ($1 == "ok") ? $3 : $4
		st = ($1 == "ok") ? (($0 ~ /# SKIP/) ? "skip" : "ok") : "not ok"
		if (index(progs, " " name " ") && (asked == "" || index(asked, " " name " "))) {
			for (i = 0; i < n; i++) print name ": " buf[i]
			print name ": (exit) " st
		}
		n = 0
	}' >"$OUT/$label.regress"
# BUILD_TAG=base is the base kernel recording its baseline: nothing to judge.
if [[ -s $OUT/$label.regress && ${BUILD_TAG:-} != base ]]; then
	if [[ ! -f $baseline ]]; then
		fail test "regress: no baseline $baseline (make regress-baseline ARCH=$A_NAME)"
	else
		want=$baseline
		if [[ -n $asked ]]; then
			want=$OUT/$label.regress.want
			awk -v asked="$asked" '{ p = $0; sub(/: .*/, "", p) } index(asked, " " p " ")' \
				"$baseline" >"$want"
		fi
		# Each line of either file counts once: the same, or different.
		rg_same=$(comm -12 <(sort "$want") <(sort "$OUT/$label.regress") | wc -l)
		rg_diff=$(comm -3 <(sort "$want") <(sort "$OUT/$label.regress") | wc -l)
		if ((rg_diff)); then
			fail test "regress: $rg_diff line(s) differ from the base kernel's results"
			diff -u "$want" "$OUT/$label.regress" >&2 || true
		fi
	fi
fi

# --- kernel splats ------------------------------------------------------------
splat_re='WARNING:|BUG:|Oops|Kernel panic|Unable to handle kernel|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN:|UBSAN:|rcu: INFO:|self-detected stall|blocked for more than|general protection fault|Call Trace:|Call trace:'
splats=$(grep -E -c "$splat_re" "$logf" || true)
if ((splats)); then
	fail test "$splats kernel splat line(s): $(grep -E -m1 "$splat_re" "$logf")"
fi

printf -v line '%-10s %-6s kunit %d/%d/%d  selftests %d/%d/%d  regress %d/%d  splats %d  %ds%s' \
	"$label" "$verdict" "$ku_pass" "$ku_fail" "$ku_skip" "$st_pass" "$st_fail" "$st_skip" "$rg_same" "$rg_diff" \
	"$splats" "$secs" "${reasons:+  (${reasons[*]})}"
printf '%s\n' "$line" | tee "$summary"
if [[ $verdict != pass ]]; then
	# The output of each failed case of the required and optional programs
	# (the harness prints why between "RUN" and "not ok"), at most 40 lines.
	printf '%s\n' "$ktap" | awk -v skip="$regress" '
		/^    #  RUN / { n = 0; on = 1 }
		on { buf[n++] = $0 }
		/^    ok [0-9]+ / { on = 0 }
		/^    not ok [0-9]+ / {
			on = 0
			split($0, f, " ")
			split(f[4], pc, ".")
			if (index(skip, " " pc[1] " ")) next
			printf "--- failed case %s ---\n", f[4]
			for (i = (n > 40 ? n - 40 : 0); i < n; i++) print buf[i]
		}' >&2
	printf -- '--- last console lines of %s (%s) ---\n' "$label" "$logf" >&2
	tail -n 25 "$logf" >&2
fi
case $verdict in
pass) exit "$EXIT_PASS" ;;
fail) exit "$EXIT_TESTFAIL" ;;
*) exit "$EXIT_INFRA" ;;
esac
