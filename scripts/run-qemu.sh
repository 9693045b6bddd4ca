#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one arch's test kernel under QEMU (TCG), save the console log and
# judge it: KUnit results, the guest's KTAP, and kernel splats.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The series' KUnit suite (mm/tests/vma_retry_kunit.c): it must be in every
# test kernel's results.
KUNIT_SUITE=${KUNIT_SUITE:-vma_retry}
# The guest init's own check (selftests/init.c): judged, not a test case.
SELFCHECK=proc_vmstat_has_vma_lock_counters

usage() {
	cat <<EOF_USAGE
Usage: $0 [--rejudge LOG] [--boot-only] [--kernel F] [--initrd F] [--log F] ARCH

Boots \$VMA_RETRY_CACHE/build/ARCH[-debug][-TAG]'s kernel with the initramfs of
scripts/build-initramfs.sh under QEMU TCG, with a timeout, and saves the
console log as out/ARCH.log. Then it judges the log: the KUnit output with
the kernel's kunit.py parse --json (the suite $KUNIT_SUITE must be there and
pass), the guest's KTAP (one subtest per program of selftests/tests; the
top-level plan and each program's nested plan must match the results it
reports), the regression guard (selftests/regress/README) and kernel splats
(WARNING, BUG, kernel BUG at, Oops, Internal error, Unable to handle kernel,
lockdep, KASAN, RCU stall, soft lockup, hung task, panic). Prints one summary
line, also saved as out/ARCH.summary, and the same counts as JSON in
out/ARCH.result.json (what make check adds up):
  ARCH verdict kunit p/f/s  selftests p/f/s  regress p/f/s  splats N  Ts
counting test cases: KUnit cases; the cases of the required and optional
programs (a program that failed without a failed case counts one failure, a
program without KTAP cases that passed one pass); regress cases: the same as
on the base kernel and ok = passed, the same and skip (or not ok on both
kernels) = skipped, a case that differs (changed, missing, new) = failed.
Init's own self-check and the per-program "(exit)" lines are judged but not
counted.

  --rejudge LOG  do not boot: judge LOG (a saved console log) as ARCH's run;
                 no kernel, initramfs, toolchain or QEMU is needed. TESTS=
                 and BUILD_TAG= mean what they meant for the run of LOG.
  --boot-only    boot and save the log, judge only that the guest init
                 finished (else 3) and that there is no splat (else 1): the
                 benchmark's boots (scripts/bench.sh judges their results)
  --kernel F     boot this image (default: the build tree's)
  --initrd F     with this initramfs (default: scripts/build-initramfs.sh's,
                 \$VMA_RETRY_CACHE/build/initramfs-ARCH[-TAG].cpio)
  --log F        save the console log as F (default: OUT/ARCH[-debug][-TAG].log)

Exit status: 0 pass, 1 test failure (a failed test; a required test that
skipped, ran zero cases or all of whose cases skipped; a plan that does not
match a program's results; a missing KUnit suite; missing regress results; a
splat), 3 infrastructure failure (timeout, boot failure, no or incomplete
KTAP, no KUnit output); the last console lines are shown on failure.

Environment:
  TESTS=a,b      run only these programs of selftests/tests
  INTERACTIVE=1  no tests: a minimal command loop in the guest on your terminal
  TIMEOUT=S      QEMU timeout in seconds (default 900)
  KERNEL=FILE    boot this image instead of the build tree's
  APPEND="..."   more kernel command line (e.g. print-fatal-signals=1)
  DEBUG=1, BUILD_TAG=T, SRC=DIR  as for scripts/build-kernel.sh (SRC's
                 tools/testing/kunit/kunit.py parses KUnit)
  OUT=DIR        where logs go (default: out/ in the checkout)
  REJUDGE=1      do not boot: judge the saved OUT/ARCH.log again
  REGRESS=0      the initramfs was built without the regress rows (as for
                 scripts/build-initramfs.sh): their results are not expected
  KUNIT_SUITE=S  the KUnit suite that must be in the results (default
                 $KUNIT_SUITE)
EOF_USAGE
}
rejudge='' boot_only='' opt_kernel='' opt_initrd='' opt_log=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--boot-only) boot_only=1; shift ;;
	--kernel | --initrd | --log)
		(($# >= 2)) || usage_error "$1 needs a file (see --help)"
		case $1 in
		--kernel) opt_kernel=$2 ;;
		--initrd) opt_initrd=$2 ;;
		--log) opt_log=$2 ;;
		esac
		shift 2
		;;
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

SRC=${SRC:-$APPLIED_TREE}
label=$A_NAME${DEBUG:+-debug}${BUILD_TAG:+-$BUILD_TAG}
OUT=${OUT:-$VMA_RETRY_ROOT/out}
mkdir -p "$OUT"
# kunit.py changes to the kernel tree: it is given absolute paths.
OUT=$(cd "$OUT" && pwd)
logf=${opt_log:-$OUT/$label.log}
summary=$OUT/$label.summary
result=$OUT/$label.result.json
# (a --boot-only run judges and counts nothing: it leaves the judged run's
# result alone, as make check's bench gate boots x86_64 after its run)
[[ -n $boot_only ]] || rm -f "$result"
if [[ -n ${REJUDGE:-} && -z $rejudge ]]; then
	[[ -f $logf ]] || die "REJUDGE=1: no $logf"
	rejudge=$logf
fi
if [[ -n $rejudge ]]; then
	[[ -f $rejudge ]] || die "--rejudge: no log file $rejudge"
	logf=$(realpath "$rejudge")
else
	check_toolchain
	kernel=${opt_kernel:-${KERNEL:-$(build_dir "$label")/$A_IMAGE}}
	initrd=${opt_initrd:-$VMA_RETRY_CACHE/build/initramfs-$A_NAME${BUILD_TAG:+-$BUILD_TAG}.cpio}
	[[ -f $kernel ]] || die "$label: no kernel image $kernel (make build ARCH=$A_NAME)"
	[[ -f $initrd ]] || die "$label: no initramfs $initrd (make initramfs ARCH=$A_NAME)"

	append="panic=-1 null_blk.nr_devices=0"
	[[ -n $A_CONSOLE ]] && append="console=$A_CONSOLE $append"
	[[ -n $A_KERNEL_ARGS ]] && append+=" $A_KERNEL_ARGS"
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
# --- kernel splats ------------------------------------------------------------
# Anywhere in the log, with or without a Call Trace line: warnings, BUG()
# ("kernel BUG at", riscv's "Kernel BUG", "Kernel bug detected"), oopses
# (arm's and arm64's "Internal error:", s390's "Krnl PSW"), bad kernel
# accesses, panics, lockdep, KASAN and UBSAN, RCU stalls, soft and hard
# lockups, hung tasks (also "blocked in I/O wait for more than"), and any
# stack dump.
splat_re='WARNING:|BUG:|kernel BUG at|Kernel BUG|Kernel bug detected|Oops|Internal error:|Krnl PSW'
splat_re+='|Kernel panic|Unable to handle kernel|general protection fault'
splat_re+='|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage'
splat_re+='|KASAN:|UBSAN:|rcu: INFO:|self-detected stall|detected stalls on CPUs|soft lockup|hard LOCKUP'
splat_re+='|INFO: task .* blocked.* for more than|blocked for more than|Call Trace:|Call trace:'
splats=$(grep -E -c "$splat_re" "$logf" || true)
if ((splats)); then
	fail test "$splats kernel splat line(s): $(grep -E -m1 "$splat_re" "$logf")"
fi
if [[ -n $boot_only ]]; then
	grep -q '^# vma-retry-init: done' "$logf" || fail infra "the guest init did not finish"
	if [[ $verdict != pass ]]; then
		tail -n 30 "$logf" >&2
		log "$label: ${reasons[*]} (log: $logf)"
		[[ $verdict == infra ]] && exit "$EXIT_INFRA"
		exit "$EXIT_TESTFAIL"
	fi
	log "$label: booted and finished in ${secs} s (log: $logf)"
	exit "$EXIT_PASS"
fi

# --- KUnit: the part of the log before our init starts ----------------------
# Parsed by the tree's kunit.py into JSON; the cases are its leaf test cases.
# The series' suite must be there: no KUnit output at all is an incomplete
# run (infra), a missing suite, a parse error (a plan that does not match
# the cases), a failed case or a failing kunit.py exit status a test failure.
# Only the base kernel's run of the regression guard has no suite to judge.
ku_pass=0 ku_fail=0 ku_skip=0
if [[ ${BUILD_TAG:-} == base ]]; then
	log "$label: KUnit not judged: the base kernel has no $KUNIT_SUITE suite (BUILD_TAG=base)"
elif [[ ! -f $SRC/tools/testing/kunit/kunit.py ]]; then
	fail infra "no $SRC/tools/testing/kunit/kunit.py to parse the KUnit results with (SRC=)"
else
	sed '/# vma-retry-init: start/,$d' "$logf" >"$OUT/$label.kunit.log"
	rm -f "$OUT/$label.kunit.json"
	krc=0
	PYTHONDONTWRITEBYTECODE=1 python3 "$SRC/tools/testing/kunit/kunit.py" parse \
		--json="$OUT/$label.kunit.json" "$OUT/$label.kunit.log" >"$OUT/$label.kunit.txt" 2>&1 || krc=$?
	# "cases passed failed skipped KTAP-errors cases-of-the-suite"; a
	# missing or malformed JSON file: "unreadable".
	ku=$(python3 - "$OUT/$label.kunit.json" "$KUNIT_SUITE" <<'EOF_PY'
import json, sys
with open(sys.argv[1]) as f:
    top = json.load(f)
def leaves(g):
    for c in g["test_cases"]:
        yield c["status"]
    for s in g["sub_groups"]:
        yield from leaves(s)
st = list(leaves(top))
suite = [s for s in top["sub_groups"] if s["name"] == sys.argv[2]]
print(len(st), st.count("PASS"), len(st) - st.count("PASS") - st.count("SKIP"),
      st.count("SKIP"), top["misc"]["errors"], sum(len(list(leaves(s))) for s in suite))
EOF_PY
) || ku=unreadable
	if [[ $ku == unreadable ]]; then
		fail infra "kunit.py parse wrote no readable JSON (exit $krc, see $OUT/$label.kunit.txt)"
	else
		read -r ku_n ku_pass ku_fail ku_skip ku_err ku_suite <<<"$ku"
		if ((ku_n == 0)); then
			fail infra "no KUnit results in the console log"
		else
			((ku_suite > 0)) || fail test "KUnit: suite $KUNIT_SUITE not in the results"
			((ku_fail == 0)) || fail test "KUnit: $ku_fail failed"
			((ku_err == 0)) || fail test "KUnit: $ku_err KTAP error(s) (see $OUT/$label.kunit.txt)"
			((ku_pass > 0)) || fail test "KUnit: no test case passed"
			((krc == 0)) || fail test "KUnit: kunit.py parse exited $krc"
		fi
	fi
fi

# --- the guest's KTAP ---------------------------------------------------------
st_pass=0 st_fail=0 st_skip=0
init_done=
if ! grep -q '^# vma-retry-init: start' "$logf"; then
	fail infra "the guest init never started (boot failure)"
elif ! grep -q '^# vma-retry-init: done' "$logf"; then
	fail infra "incomplete KTAP: the guest init did not finish"
else
	init_done=1
fi
required=" $(tests_of_kind required | paste -sd' ') "
regress=" $(tests_of_kind regress | paste -sd' ') "
# What the guest init printed.
ktap=$(sed -n '/^# vma-retry-init: start/,/^# vma-retry-init: done/p' "$logf")
# Init's top-level plan ("1..N", one per program plus its self-check) must
# match the number of results it printed.
if [[ -n $init_done ]]; then
	top_plan=$(printf '%s\n' "$ktap" | sed -n -E 's/^1\.\.([0-9]+).*/\1/p' | head -1)
	top_results=$(printf '%s\n' "$ktap" | grep -c -E '^(ok|not ok) [0-9]+ ' || true)
	if [[ -z $top_plan ]]; then
		fail infra "incomplete KTAP: no top-level plan from the guest init"
	elif ((top_plan != top_results)); then
		fail infra "incomplete KTAP: the guest init planned 1..$top_plan but printed $top_results result(s)"
	fi
	grep -q -E "^(ok|not ok) [0-9]+ $SELFCHECK\$" <<<"$ktap" ||
		fail test "the guest self-check $SELFCHECK did not report"
fi
# One line per program: "status name skip nested-pass nested-fail nested-skip
# nested-plan" (plan -1: none). A program's own KTAP cases (indented by init)
# are what gets counted; a program that failed without failing a case
# (crash, timeout, zero cases, all skipped, a plan that does not match)
# counts one failure.
ran=" "
while read -r status name skip np nf ns plan; do
	ran+="$name "
	[[ $regress == *" $name "* ]] && continue # judged below
	if [[ $name == "$SELFCHECK" ]]; then
		[[ $status == ok && $skip == 0 ]] || fail test "the guest self-check $name failed"
		continue
	fi
	n=$((np + nf + ns))
	why=()
	((plan < 0 || plan == n)) || why+=("$name: planned 1..$plan but reported $n case(s)")
	if [[ $required == *" $name "* ]]; then
		if [[ $status == ok && $skip == 1 ]]; then
			why+=("required test $name skipped")
		elif ((n == 0)); then
			why+=("required test $name ran zero cases")
		elif ((np + nf == 0)); then
			why+=("required test $name: every case skipped")
		elif ((plan < 0)); then
			why+=("required test $name printed no KTAP plan")
		fi
	fi
	st_skip=$((st_skip + ns))
	st_fail=$((st_fail + nf))
	st_pass=$((st_pass + np))
	if [[ $status == ok && $skip == 1 ]]; then
		# Skipped without KTAP cases: one skipped case (a required one
		# counts as the failure below instead).
		((ns > 0 || ${#why[@]})) || st_skip=$((st_skip + 1))
	elif [[ $status == ok ]]; then
		# A program without KTAP cases is one case: its exit status.
		((n > 0 || ${#why[@]})) || st_pass=$((st_pass + 1))
		((nf == 0)) || fail test "$name: $nf case(s) failed"
	else
		why+=("$name failed")
	fi
	for w in "${why[@]}"; do
		fail test "$w"
	done
	((${#why[@]} == 0 || nf > 0)) || st_fail=$((st_fail + 1))
done < <(printf '%s\n' "$ktap" | awk '
	/^    1\.\.[0-9]+/ {
		if (plan < 0) { plan = substr($1, 4) + 0 }
		next
	}
	/^    (ok|not ok) [0-9]+ / {
		if ($0 ~ /# SKIP/) ns++; else if ($1 == "ok") np++; else nf++
		next
	}
	/^(ok|not ok) [0-9]+ / {
		st = ($1 == "ok") ? "ok" : "notok"
		name = (st == "ok") ? $3 : $4
		print st, name, ($0 ~ /# SKIP/) ? 1 : 0, np + 0, nf + 0, ns + 0, plan
		np = nf = ns = 0
		plan = -1
	}
	BEGIN { plan = -1 }')
if [[ -z ${TESTS:-} && $verdict != infra ]]; then
	for r in $required; do
		[[ $ran == *" $r "* ]] || fail test "required test $r did not run"
	done
fi

# --- the regression guard: upstream tests, case by case as on the base kernel --
# One line per case, "program: ok|not ok|skip: description", and one per
# program, "program: (exit) ok|not ok|skip".
rg_pass=0 rg_fail=0 rg_skip=0
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
# Results are expected on an arch with a baseline whenever the run includes
# regress rows (all rows, or TESTS= naming one); missing ones fail. Not
# judged: the base kernel recording its baseline (BUILD_TAG=base), and an
# initramfs built without the rows (REGRESS=0, said here).
expect=
if [[ -f $baseline && ${BUILD_TAG:-} != base ]]; then
	for r in $regress; do
		[[ -z $asked || $asked == *" $r "* ]] && expect=1
	done
	if [[ -n $expect && ${REGRESS:-} == 0 ]]; then
		log "$label: regress: not judged (REGRESS=0: the initramfs has no regress rows)"
		expect=
	fi
fi
if [[ (-n $expect || -s $OUT/$label.regress) && ${BUILD_TAG:-} != base ]]; then
	if [[ ! -f $baseline ]]; then
		fail test "regress: no baseline $baseline (make regress-baseline ARCH=$A_NAME)"
	else
		want=$baseline
		if [[ -n $asked ]]; then
			want=$OUT/$label.regress.want
			awk -v asked="$asked" '{ p = $0; sub(/: .*/, "", p) } index(asked, " " p " ")' \
				"$baseline" >"$want"
		fi
		# The verdict: every line of either file, "(exit)" lines too,
		# must be in the other (as many times).
		# The lines in only one of them (the second file's after a tab).
		differ=$(comm -3 <(sort "$want") <(sort "$OUT/$label.regress"))
		rg_lines=$(grep -c . <<<"$differ" || true)
		# The counts are of cases: the same as on the base kernel and ok
		# = passed, the same and skip or not ok (on both kernels) =
		# skipped, a case (description) whose lines differ = failed
		# (changed, missing or new; a description that a program repeats
		# counts as often as it is repeated).
		read -r rg_pass rg_skip < <(comm -12 <(sort "$want") <(sort "$OUT/$label.regress") |
			awk '/^[^:]*: ok: / { p++; next } /^[^:]*: (skip|not ok): / { s++ } END { print p + 0, s + 0 }')
		rg_fail=$(awk -F'\t' '
			!NF { next }
			{ side = (NF > 1) ? 2 : 1; l = $NF }
			l ~ /^[^:]*: \(exit\) / { next }
			{ k = l; sub(/: (ok|not ok|skip): /, ": ", k); c[k, side]++; keys[k] = 1 }
			END { for (k in keys) n += (c[k, 1] > c[k, 2]) ? c[k, 1] : c[k, 2]; print n + 0 }' <<<"$differ")
		if [[ ! -s $OUT/$label.regress ]]; then
			fail test "regress: no results in the console log, but $baseline expects them"
		elif ((rg_lines)); then
			fail test "regress: $rg_lines line(s) differ from the base kernel's results"
			diff -u "$want" "$OUT/$label.regress" >&2 || true
		fi
	fi
fi


printf -v line '%-10s %-6s kunit %d/%d/%d  selftests %d/%d/%d  regress %d/%d/%d  splats %d  %ds%s' \
	"$label" "$verdict" "$ku_pass" "$ku_fail" "$ku_skip" "$st_pass" "$st_fail" "$st_skip" "$rg_pass" "$rg_fail" "$rg_skip" \
	"$splats" "$secs" "${reasons:+  (${reasons[*]})}"
printf '%s\n' "$line" | tee "$summary"
# The same counts as data, for check.sh (the summary line is for people).
printf '{"arch":"%s","verdict":"%s","kunit":{"pass":%d,"fail":%d,"skip":%d},"selftests":{"pass":%d,"fail":%d,"skip":%d},"regress":{"pass":%d,"fail":%d,"skip":%d},"splats":%d,"seconds":%d}\n' \
	"$label" "$verdict" "$ku_pass" "$ku_fail" "$ku_skip" "$st_pass" "$st_fail" "$st_skip" "$rg_pass" "$rg_fail" "$rg_skip" \
	"$splats" "$secs" >"$result"
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
