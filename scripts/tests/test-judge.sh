#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test of the console log judge (judge-log.py, through run-qemu.sh
# --rejudge), a gate of make check. Boots nothing.
# The awk programs are in single quotes on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--help]

Feeds doctored copies of scripts/tests/fixtures/x86_64.log (real lines of an
x86_64 run with TESTS=vma_retry,mremap_dontunmap,process_madv, see
scripts/tests/fixtures/README) to scripts/run-qemu.sh --rejudge (which hands them,
with what it was given, to the judge, scripts/judge-log.py), each with
--build-id of the fixture's build-id line as a boot has it, and checks the
exit status and the summary line or reason of each:
  - the log as it is: pass, with its counts (kunit 21/0/0, selftests
    12/0/0, regress 11/0/1); without its regress programs, judged as an
    arch without a baseline (arm) and TESTS unset: fail, as the second
    required program (vma_retry_stress) did not run; with vma_retry's
    block replayed as that program: pass, selftests 24/0/0, regress 0/0/0;
  - the required program: every case skipped, zero cases, its nested plan
    not matching its cases, skipped as a whole: fail (1);
  - init's top-level plan not matching its results, or missing: infra (3);
  - the booted kernel's build ID (init's build-id line) not the expected
    one, "none" or no such line: infra (3), also with --boot-only; without
    --build-id (a saved log judged again) not compared; and two boots
    through run-qemu.sh with a stand-in QEMU that prints the fixture, of a
    build tree whose vmlinux has the fixture's build ID (pass) and another
    one (infra: the stale boot image); an image outside a build tree
    without --build-id is refused;
  - no KUnit output: infra (3); the suite missing, a failed case, a KUnit
    plan that does not match: fail (1);
  - the kunit-module variant (--kunit-module), on the fixture turned into
    what its boot prints (KUnit's "1..0" at boot, the suite's KTAP when
    init loads the module, init's "ok 2 module_vma_retry_kunit"): pass with
    the same counts; without --kunit-module no KUnit results: infra (3);
    the fixture as it is (the suite built in), a load or unload that
    failed, no module loaded, the suite not run at load, a failed case at
    load: fail (1);
  - the regress results missing (TESTS unset on x86_64, which has a
    baseline; or one regress program missing), a changed case: fail (1);
    --no-regress-rows and --tag base: not expected (pass);
  - a program that timed out and was not reaped, with the hung-task splat;
    each splat pattern alone, without a Call Trace line: fail (1);
  - splats against the base kernel's debug boot (--debug --base-splats):
    the record that run-qemu.sh --record-base makes of
    scripts/tests/fixtures/powerpc-debug-base.log (a real one, fixtures/README)
    has its key, debug_locks 0 and the one warning's signature; a guest
    init that did not finish: infra (3), no record. The fixture with that
    warning's lines (its report, from "cut here" to "end trace") and
    debug_locks 0, judged as powerpc's debug run: pass, "splats 0 (+2 as
    on base)" and "lockdep off, as on the base kernel", also with every
    line of the report printed twice (a second console), and with the
    record found in the cache by its key; with one more WARNING: fail (1);
    the warning with another message (DEBUG_LOCKS_WARN_ON of another
    condition) or in another function: fail, lockdep off failing too; the
    record with another key (config) or without debug_locks 0: not used,
    or lockdep off not excused: fail (1); --record-base without --debug:
    usage (2); make stress's debug-base.sh --if-splats after a run that
    passed, or failed without splats, or with a record there: the run's
    verdict (0, 1), no result: 3, nothing recorded;
  - init's debug_locks line (a kernel with lockdep): 1 passes, 0 fails (1);
  - the result files of every judged log: LABEL.junit.xml is valid XML
    whose testcases have the summary's counts (failed: <failure> or
    <error>, skipped: <skipped>), with one failed case LABEL.run when the
    run failed without a failed case; LABEL.ktap has the log's programs'
    results and nested results, as run_kselftest.sh prints them; a failed
    KUnit, kselftest and regress case is a <failure> (the kselftest's with
    its output), a skipped one <skipped>; kunit.py parse reads the KTAP;
    make check's check.junit.xml and last line (scripts/check-junit.py) have the gates,
    an arch's cases and an error for an arch without results;
  - the benchmark's judge, scripts/bench-report.py --check, on doctored
    copies of scripts/tests/fixtures/bench-quick.log (a real quick run): as it
    is 0; a record not ok 1; a jiffies clock, no "done" line, no records,
    a record cut short: 3.
KUnit is parsed with the kunit.py of the base tree (\$VMA_RETRY_CACHE, or
KERNEL_TREE=; fetched with scripts/base-tree.sh when missing). Takes about
40 s. Exit status 1 on any failure.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

judge=$VMA_RETRY_ROOT/scripts/run-qemu.sh
# The regression baseline of the lean x86_64 kernel that printed the fixture
# (selftests/regress/x86_64 follows the test configs; this does not).
fixbase=$VMA_RETRY_ROOT/scripts/tests/fixtures/x86_64.regress
fixture=$VMA_RETRY_ROOT/scripts/tests/fixtures/x86_64.log
three=vma_retry,mremap_dontunmap,process_madv
# The build ID of the fixture's build-id line (fixtures/README); every
# judged log is given it, as run-qemu.sh gives a boot its vmlinux's.
bid=$(sed -n 's/^# vma-retry-init: kernel build-id \([0-9a-f]*\)$/\1/p' "$fixture")
[[ -n $bid ]] || die "$fixture has no build-id line"
bidopt=(--build-id "$bid")
tree=$(kernel_tree)
[[ -f $tree/tools/testing/kunit/kunit.py ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

# doctor NAME PROGRAM: tmp/NAME.log is the fixture edited by the awk PROGRAM.
doctor() {
	awk "$2" "$fixture" >"$tmp/$1.log"
	cmp -s "$fixture" "$tmp/$1.log" && { echo "test-judge: doctor $1 changed nothing" >&2; exit 1; }
	return 0
}
# expect LOG WANT-EXIT WANT-TEXT ARCH [VAR=VALUE | OPTION...]: judge LOG as
# ARCH's run (the environment and run-qemu.sh options given, TESTS=$three
# unless given) and check the exit
# status and that each part of WANT-TEXT (separated by '|') is in the
# summary line.
expect() {
	local log=$1 want=$2 text=$3 arch=$4 rc=0 sum t bad=
	shift 4
	rm -rf "$tmp/out"
	local envs=() opts=() a
	for a in "$@"; do
		if [[ $a == [A-Z]*=* ]]; then envs+=("$a"); else opts+=("$a"); fi
	done
	env -u TESTS -u KUNIT_SUITE TESTS=$three "${envs[@]}" OUT="$tmp/out" \
		"$judge" --src "$tree" "${bidopt[@]}" --baseline "$fixbase" "${opts[@]}" --rejudge "$tmp/$log.log" "$arch" \
		>"$tmp/judge.log" 2>&1 || rc=$?
	checks=$((checks + 1))
	sum=$(cat "$tmp/out/"*.summary 2>/dev/null || true)
	IFS='|' read -r -a t <<<"$text"
	for t in "${t[@]}"; do
		[[ $sum == *"$t"* ]] || bad=1
	done
	if ((rc != want)) || [[ -n $bad ]]; then
		printf 'test-judge: FAIL: %s as %s %s: exit %d (want %d), want "%s" in: %s\n' \
			"$log" "$arch" "$*" "$rc" "$want" "$text" "${sum:-no summary}" >&2
		tail -n 5 "$tmp/judge.log" >&2
		fails=$((fails + 1))
	fi
	# Every judged log: the result files agree with the summary's counts.
	if [[ -n $sum ]]; then
		checks=$((checks + 1))
		if ! results_agree "$tmp/$log.log" "$(echo "$tmp/out/"*.summary)"; then
			printf 'test-judge: FAIL: %s as %s %s: result files (above)\n' "$log" "$arch" "$*" >&2
			fails=$((fails + 1))
		fi
	fi
}

# results_agree LOG OUT/LABEL: LABEL.junit.xml is valid XML whose testcases
# have result.json's counts per kind (kunit, selftests, regress; a case with
# <failure> or <error> failed, with <skipped> skipped), its count attributes
# are its testcases', and it has the one failed case LABEL.run exactly when
# the run failed without a failed case (<error> when infra); LABEL.ktap has
# the nested results of LOG's programs in order ("# " before them), a
# "selftests: DIR: NAME" result per program with its ok/not ok, a plan of
# init's less its self-check and module loads, and only KTAP lines.
results_agree() {
	/usr/bin/python3 - "$1" "$2" <<'EOF_PY'
import json, re, sys
import xml.etree.ElementTree as ET
log, base = sys.argv[1], sys.argv[2][:-len('.summary')]
label = base.rsplit('/', 1)[-1]
bad = []
res = json.load(open(base + '.result.json'))
root = ET.parse(base + '.junit.xml').getroot()
def result(tc):
    if tc.find('failure') is not None or tc.find('error') is not None:
        return 'fail'
    return 'skip' if tc.find('skipped') is not None else 'pass'
for suite in root.iter('testsuite'):
    cases = suite.findall('testcase')
    want = {'tests': len(cases), 'skipped': sum(result(t) == 'skip' for t in cases),
            'failures': sum(t.find('failure') is not None for t in cases),
            'errors': sum(t.find('error') is not None for t in cases)}
    got = {k: int(suite.get(k, -1)) for k in want}
    if got != want:
        bad.append(f'{suite.get("name")}: attributes {got}, testcases {want}')
failed = 0
for kind in ('kunit', 'selftests', 'regress'):
    suite = root.find(f"testsuite[@name='{label}.{kind}']")
    n = {'pass': 0, 'fail': 0, 'skip': 0}
    for tc in [] if suite is None else suite.findall('testcase'):
        n[result(tc)] += 1
    failed += n['fail']
    if n != res[kind]:
        bad.append(f'{kind}: junit {n}, result.json {res[kind]}')
run = root.findall(f"testsuite[@name='{label}.run']/testcase")
want_run = res['verdict'] != 'pass' and not failed
tag = 'error' if res['verdict'] == 'infra' else 'failure'
if want_run != bool(run) or (run and (len(run) != 1 or run[0].find(tag) is None)):
    bad.append(f'verdict {res["verdict"]} with {failed} failed case(s): '
               f'{len(run)} {label}.run case(s), want {int(want_run)} with <{tag}>')
# The KTAP: against the log's lines, read here in the simplest way.
lines = open(log, errors='surrogateescape').read().split('\n')
if '# vma-retry-init: start' in lines:
    lines = lines[lines.index('# vma-retry-init: start'):]
nested = [l[4:] for l in lines if re.match(r'    (ok|not ok) [0-9]+ ', l)]
top = [re.sub(r' [0-9]+ ', ' ', l) for l in lines if re.match(r'(ok|not ok) [0-9]+ ', l)
       and 'proc_vmstat_has_vma_lock_counters' not in l]
modules = [l for l in top if re.match(r'(ok|not ok) module_', l)]
top = [l for l in top if l not in modules]
plan = [int(l[3:]) - 1 - len(modules) for l in lines if re.fullmatch(r'1\.\.[0-9]+', l)][:1]
ktap = open(base + '.ktap', errors='surrogateescape').read().split('\n')[:-1]
if ktap[:1] != ['TAP version 13']:
    bad.append(f'ktap: first line {ktap[:1]}')
if [int(l[3:]) for l in ktap if re.fullmatch(r'1\.\.[0-9]+', l)] != plan:
    bad.append(f'ktap: plan not 1..{plan}')
k_nested = [l[2:] for l in ktap if re.match(r'# (ok|not ok) [0-9]+ ', l)]
if k_nested != nested:
    bad.append(f'ktap: {len(k_nested)} nested results, the log {len(nested)}')
k_top = [re.sub(r' ([0-9]+) selftests: [^ ]+: ', ' ', l) for l in ktap
         if re.match(r'(ok|not ok) [0-9]+ ', l)]
if k_top != top or [int(re.search(r'[0-9]+', l).group()) for l in ktap
                    if re.match(r'(ok|not ok) [0-9]+ ', l)] != list(range(1, len(top) + 1)):
    bad.append(f'ktap: results {k_top}, the log {top}')
other = [l for l in ktap if not re.match(r'(#|ok |not ok |1\.\.|TAP version 13$)', l)]
if other:
    bad.append(f'ktap: not KTAP: {other[0]!r}')
for b in bad:
    print(f'test-judge: {label}: {b}', file=sys.stderr)
sys.exit(1 if bad else 0)
EOF_PY
}

# case_is KIND NAME WANT [TEXT]: in the last judged run's LABEL.junit.xml,
# the testcase NAME of the testsuite LABEL.KIND is there, once, and has
# <WANT> (failure, skipped or error; pass: none of them), whose text has
# TEXT.
case_is() {
	checks=$((checks + 1))
	/usr/bin/python3 - "$(echo "$tmp/out/"*.junit.xml)" "$@" <<'EOF_PY' && return
import sys
import xml.etree.ElementTree as ET
path, kind, name, want, text = (sys.argv[1:] + [''])[:5]
label = path.rsplit('/', 1)[-1][:-len('.junit.xml')]
cases = [tc for tc in ET.parse(path).getroot().iterfind(f"testsuite[@name='{label}.{kind}']/testcase")
         if tc.get('name') == name]
marks = [e.tag for e in cases[0] if e.tag in ('failure', 'error', 'skipped')] if cases else []
if len(cases) != 1 or marks != ([] if want == 'pass' else [want]) or \
        text not in ''.join(e.text or '' for e in cases[0]):
    print(f'{len(cases)} testcase(s) {kind} {name!r}, marked {marks}', file=sys.stderr)
    sys.exit(1)
EOF_PY
	printf 'test-judge: FAIL: junit: %s %s is not %s%s\n' "$1" "$2" "$3" "${4:+ with \"$4\"}" >&2
	fails=$((fails + 1))
}

# ktap_parses "STATUS..." : kunit.py parse --json of the last judged run's
# LABEL.ktap (the kernel's KTAP parser) reads the programs' results, with
# these statuses in order, without errors.
ktap_parses() {
	local got
	checks=$((checks + 1))
	got=$(cd "$tmp" && /usr/bin/python3 "$tree/tools/testing/kunit/kunit.py" parse \
		--json="$tmp/ktap.json" "$(echo "$tmp/out/"*.ktap)" >/dev/null 2>&1
		/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(*[c["status"] for c in d["test_cases"]], "errors", d["misc"]["errors"])' "$tmp/ktap.json") || true
	[[ $got == "$1 errors 0" ]] && return
	printf 'test-judge: FAIL: kunit.py parse of the KTAP: "%s", want "%s errors 0"\n' "$got" "$1" >&2
	fails=$((fails + 1))
}

cp "$fixture" "$tmp/asis.log"
expect asis 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1  splats 0" x86_64
case_is regress process_madvise.remote_collapse skipped
case_is selftests vma_retry.file_read_shared pass
ktap_parses "PASS PASS PASS"
checks=$((checks + 1))
grep -qx 'ok 1 selftests: mm: vma_retry' "$tmp/out/x86_64.ktap" ||
	{ echo "test-judge: FAIL: no 'ok 1 selftests: mm: vma_retry' in the KTAP" >&2; fails=$((fails + 1)); }
# make check's JUnit file and last line (scripts/check-junit.py): three
# gates, one failed, one skipped; x86_64's run as judged; arm's build failed
# (no junit file).
checks=$((checks + 1))
mkdir "$tmp/check"
cp "$tmp/out/x86_64.junit.xml" "$tmp/check/"
printf 'lint 0\njudge 1\nbisect skip\n' >"$tmp/check/gates.rc"
printf 'arm        infra  build failed\n' >"$tmp/check/arm.summary"
junit_counts() { # the file's totals and suites, the judge gate's failure, arm's error text
	/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
e = r.find("*/testcase[@classname=\"arm\"]/error")
print(*[r.get(k) for k in ("tests", "failures", "errors", "skipped")],
      *[s.get("name") for s in r], r.find("*/testcase[@name=\"judge\"]/failure") is not None,
      e.text if e is not None else "-")' "$tmp/check/check.junit.xml" 2>&1
}
if res=$("$VMA_RETRY_ROOT/scripts/check-junit.py" --out "$tmp/check" x86_64:0 arm:3 2>&1); then
	res="$res | $(junit_counts || true)"
fi
want="check: 45 passed, 2 failed, 2 skipped | 49 1 1 2 gates x86_64.kunit x86_64.selftests x86_64.regress arm.run True arm        infra  build failed"
if [[ $res != "$want" ]]; then
	printf 'test-judge: FAIL: check.junit.xml: "%s", want "%s"\n' "$res" "$want" >&2
	fails=$((fails + 1))
fi
# a run that exited non-zero after a judge that passed every case: one
# failed case more (x86_64.run), as make check's exit status says
checks=$((checks + 1))
if res=$("$VMA_RETRY_ROOT/scripts/check-junit.py" --out "$tmp/check" x86_64:1 2>&1); then
	res="$res | $(junit_counts || true)"
fi
want="check: 45 passed, 2 failed, 2 skipped | 49 1 1 2 gates x86_64.kunit x86_64.selftests x86_64.regress x86_64.run True -"
if [[ $res != "$want" ]]; then
	printf 'test-judge: FAIL: check.junit.xml, x86_64:1: "%s", want "%s"\n' "$res" "$want" >&2
	fails=$((fails + 1))
fi
# The result file has the summary's counts, as data: verdict; KUnit,
# selftests and regress pass fail skip; splats.
checks=$((checks + 1))
res=$(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["verdict"], *(d[k][f] for k in ("kunit", "selftests", "regress")
                      for f in ("pass", "fail", "skip")), d["splats"])' "$tmp/out/x86_64.result.json" 2>&1 || true)
if [[ $res != "pass 21 0 0 12 0 0 11 0 1 0" ]]; then
	printf 'test-judge: FAIL: out/x86_64.result.json of asis: %s\n' "$res" >&2
	fails=$((fails + 1))
fi
# The fixture's required program only, as on an arch without a baseline
# (TESTS unset there; --baseline names a file that does not exist).
only_required='
	/^# init: running mremap_dontunmap/ { cut = 1 }
	/^# vma-retry-init: done/ { cut = 0; sub(/pass=4/, "pass=2") }
	/^1\.\.4$/ { $0 = "1..2" }
	!cut'
doctor norgr "$only_required"
# ...with the second required program, the race stress, which the fixture
# does not have: its block is vma_retry's again, renamed (TESTS unset
# requires every required program).
with_stress='
	/^# init: running mremap_dontunmap/ { cut = 1 }
	/^# init: running vma_retry$/ { grab = 1 }
	grab { buf[++n] = $0 }
	/^ok 2 vma_retry$/ { grab = 0 }
	/^# vma-retry-init: done/ {
		for (i = 1; i <= n; i++) {
			l = buf[i]
			gsub(/vma_retry/, "vma_retry_stress", l)
			sub(/^ok 2 /, "ok 3 ", l)
			print l
		}
		cut = 0
		sub(/pass=4/, "pass=3")
	}
	/^1\.\.4$/ { $0 = "1..3" }
	!cut'
doctor norgr2 "$with_stress"
nobase=(--baseline "$tmp/no-baseline")
expect norgr 1 "required test vma_retry_stress did not run" arm TESTS= "${nobase[@]}"
expect norgr2 0 "pass   kunit 21/0/0  selftests 24/0/0  regress 0/0/0  splats 0" arm TESTS= "${nobase[@]}"

# ---- the required program ---------------------------------------------------
doctor allskip '/^    ok [0-9]+ vma_retry\./ { $0 = $0 " # SKIP no null_blk" } 1'
expect allskip 1 "selftests 0/1/12|every case skipped" x86_64
case_is selftests vma_retry.file_read_private skipped
case_is selftests vma_retry failure
doctor zero '/^    ok [0-9]+ vma_retry\./ { next } /^    1\.\.12$/ { $0 = "    1..0" } 1'
expect zero 1 "required test vma_retry ran zero cases" x86_64
doctor nested '/^    ok 7 vma_retry\./ { next } 1'
expect nested 1 "vma_retry: planned 1..12 but reported 11 case(s)" x86_64
doctor noplan '/^    1\.\.12$/ { next } 1'
expect noplan 1 "required test vma_retry printed no KTAP plan" x86_64
# A failed case: its output in the JUnit file (with a control character
# and a byte that is not UTF-8, which XML cannot hold), its program not ok
# in the KTAP.
doctor casefail '/^    ok 3 vma_retry\.file_read_shared$/ { print "    # vma_retry.c:300:file_read_shared:Expected 1 (1) == 0 (0) \033[0m \377"; $0 = "    not ok 3 vma_retry.file_read_shared" }
	/^ok 2 vma_retry$/ { $0 = "not ok 2 vma_retry" } 1'
expect casefail 1 "selftests 11/1/0|vma_retry failed" x86_64
case_is selftests vma_retry.file_read_shared failure "Expected 1 (1) == 0 (0)"
ktap_parses "FAIL PASS PASS"
doctor skipped '/^ok 2 vma_retry$/ { $0 = "ok 2 vma_retry # SKIP (required test skipped)" } 1'
expect skipped 1 "required test vma_retry skipped" x86_64

# ---- lockdep still on at the end ---------------------------------------------
doctor lockon '/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 1" } 1'
expect lockon 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1  splats 0" x86_64
doctor lockoff '/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 0" } 1'
expect lockoff 1 "lockdep was off at the end (debug_locks 0)" x86_64

# ---- init's top-level plan --------------------------------------------------
doctor topplan '/^1\.\.4$/ { $0 = "1..5" } 1'
expect topplan 3 "planned 1..5 but printed 4 result(s)" x86_64
doctor toplost '/^ok 3 mremap_dontunmap$/ { next } 1'
expect toplost 3 "planned 1..4 but printed 3 result(s)" x86_64
# The log ends in vma_retry's sixth case: the KTAP ends there too.
doctor unfinished '/^    #  RUN .*vma_retry\.file_read_vs_mmap_writer/ { exit } 1'
expect unfinished 3 "the guest init did not finish" x86_64
doctor topnone '/^1\.\.4$/ { next } 1'
expect topnone 3 "no top-level plan" x86_64

# ---- the booted kernel is the one built: its build ID ----------------------
# (the fixture as it is, with its own build ID, passed above)
other=0123456789abcdef0123456789abcdef01234567
stale="the booted kernel is not the one built: build-id $bid, vmlinux $other (a stale boot image?)"
expect asis 3 "infra  kunit 21/0/0  selftests 12/0/0  regress 11/0/1|$stale" x86_64 --build-id "$other"
case_is run run error "$stale"
expect asis 0 "pass   kunit 21/0/0" x86_64 --build-id "${bid^^}"
doctor nobid '!/^# vma-retry-init: kernel build-id /'
expect nobid 3 "infra  kunit 21/0/0|the guest init printed no build-id line" x86_64
doctor bidnone '/^# vma-retry-init: kernel build-id / { $0 = "# vma-retry-init: kernel build-id none (/sys/kernel/notes: No such file or directory)" } 1'
expect bidnone 3 "could not read the booted kernel's build ID: none (/sys/kernel/notes: No such" x86_64
# A saved log judged again: nothing to compare with (an init of before
# the build-id line, too).
bidopt=()
expect nobid 0 "pass   kunit 21/0/0" x86_64
bidopt=(--build-id "$bid")
# The benchmark's boots (--boot-only: no summary line; the reason is
# logged).
boot_only_is() { # boot_only_is LOG WANT-EXIT [TEXT] [OPTION...]
	local log=$1 want=$2 text=${3:-} rc=0
	shift 3
	OUT="$tmp/out" "$judge" --boot-only "${bidopt[@]}" "$@" --rejudge "$tmp/$log.log" x86_64 \
		>"$tmp/judge.log" 2>&1 || rc=$?
	checks=$((checks + 1))
	if ((rc != want)) || ! grep -qF -- "$text" "$tmp/judge.log"; then
		printf 'test-judge: FAIL: --boot-only %s %s: exit %d (want %d), want "%s" in:\n' \
			"$log" "$*" "$rc" "$want" "$text" >&2
		tail -n 3 "$tmp/judge.log" >&2
		fails=$((fails + 1))
	fi
}
boot_only_is asis 0 "booted and finished"
boot_only_is asis 3 "$stale" --build-id "$other"
boot_only_is nobid 3 "the guest init printed no build-id line"
# A boot through run-qemu.sh, with a stand-in QEMU that prints the
# fixture, of a build tree (in a cache of its own) whose vmlinux has the
# fixture's build ID (ld --build-id=0xHEX); then the vmlinux is another
# kernel's (a rebuild whose new kernel did not reach the image): infra.
cache=$tmp/cache
mkdir -p "$cache/build/x86_64/arch/x86/boot" "$cache/src" "$tmp/bin"
# (the base tree, whose base commit run-qemu.sh looks up in the cache)
ln -sfn "$tree" "$cache/src/${tree##*/}"
: >"$cache/build/x86_64/arch/x86/boot/bzImage"
: >"$cache/build/initramfs-x86_64.cpio"
echo 'int main(void) { return 0; }' >"$tmp/vmlinux.c"
printf '#!/bin/sh\nexec cat "%s"\n' "$fixture" >"$tmp/bin/qemu-system-x86_64"
chmod +x "$tmp/bin/qemu-system-x86_64"
fake_boot() { # fake_boot VMLINUX-BUILD-ID WANT-EXIT TEXT [OPTION...]
	local id=$1 want=$2 text=$3 rc=0 sum
	shift 3
	gcc -Wl,--build-id="0x$id" -o "$cache/build/x86_64/vmlinux" "$tmp/vmlinux.c"
	rm -rf "$tmp/out"
	env -u TESTS -u KUNIT_SUITE -u APPEND -u INTERACTIVE TESTS=$three PATH="$tmp/bin:$PATH" \
		VMA_RETRY_CACHE="$cache" OUT="$tmp/out" TIMEOUT=60 \
		"$judge" --src "$tree" --baseline "$fixbase" "$@" x86_64 >"$tmp/judge.log" 2>&1 || rc=$?
	checks=$((checks + 1))
	sum=$(cat "$tmp/out/"*.summary 2>/dev/null || true)
	if ((rc != want)) || ! grep -qF -- "$text" <<<"$sum
$(cat "$tmp/judge.log")"; then
		printf 'test-judge: FAIL: a boot of a vmlinux with build-id %s %s: exit %d (want %d), want "%s" in: %s\n' \
			"$id" "$*" "$rc" "$want" "$text" "${sum:-no summary}" >&2
		tail -n 3 "$tmp/judge.log" >&2
		fails=$((fails + 1))
	fi
}
fake_boot "$bid" 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1"
fake_boot "$other" 3 "the booted kernel is not the one built: build-id $bid, vmlinux $other (a stale boot image?)"
fake_boot "$other" 2 "--kernel $tmp/vmlinux.c is not a build tree's arch/x86/boot/bzImage: give its vmlinux's build ID (--build-id HEX)" --kernel "$tmp/vmlinux.c"

# ---- KUnit ------------------------------------------------------------------
doctor nokunit '/^# vma-retry-init: start/ { init = 1 } !init && /^\[ *[0-9.]+\]  *(KTAP|1\.\.|ok |not ok |#)/ { next } 1'
expect nokunit 3 "no KUnit results in the console log" x86_64
case_is run run error "no KUnit results"
doctor nosuite '!init && /Subtest: vma_retry$|\] ok 1 vma_retry$/ { sub(/vma_retry$/, "other_suite") } /^# vma-retry-init: start/ { init = 1 } 1'
expect nosuite 1 "KUnit: suite vma_retry not in the results" x86_64
doctor kufail '/\]     ok 9 vrt_vma_retry_releases/ { sub(/ ok 9/, " not ok 9") } 1'
expect kufail 1 "KUnit: 1 failed" x86_64
case_is kunit vrt_vma_retry_releases_lock_again_returns_plain_retry failure
doctor kuskip '/\]     ok 9 vrt_vma_retry_releases/ { $0 = $0 " # SKIP doctored" } 1'
expect kuskip 0 "pass   kunit 20/0/1" x86_64
case_is kunit vrt_vma_retry_releases_lock_again_returns_plain_retry skipped
doctor kuplan '/\]     ok 9 vrt_vma_retry_releases/ { next } 1'
expect kuplan 1 "KTAP error(s)" x86_64

# ---- the kunit-module variant ----------------------------------------------
# What its boot prints, from the fixture: at boot KUnit has no suite
# ("KTAP version 1", "1..0", lib/kunit/executor.c); the suite's KTAP comes
# after init's self-check, when init loads the module (its lines moved
# there, 4 s later), then init's result of the load and unload, "ok 2
# module_vma_retry_kunit"; the programs are numbered after it.
# MODPROG: what replaces the suite's lines and init's result (KUNIT: the
# suite's lines; unset: as they would be; none: nothing, and the programs
# are numbered as they were).
as_module='
	!init && /\] KTAP version 1$/ { kunit = 1 }
	kunit { l = $0; sub(/^\[    1\./, "[    5.", l); buf[++n] = l
		if ($0 ~ /\] ok 1 vma_retry$/) {
			kunit = 0
			print "[    1.150891] KTAP version 1"
			print "[    1.150956] 1..0"
		}
		next }
	/^# vma-retry-init: start/ { init = 1 }
	BEGIN { mods = ENVIRON["MODPROG"] != "none" }
	init && /^1\.\.4$/ { $0 = "1.." (4 + mods) }
	init && /^(ok|not ok) [2-9] / { $2 = $2 + mods }
	{ print }
	/^ok 1 proc_vmstat_has_vma_lock_counters$/ {
		prog = ENVIRON["MODPROG"]
		if (prog == "") {
			print "# init: loading /modules/vma_retry_kunit.ko"
			for (i = 1; i <= n; i++) print buf[i]
			print "# init: unloading vma_retry_kunit"
			print "ok 2 module_vma_retry_kunit"
		} else if (prog != "none") {
			m = split(prog, p, "\n")
			for (i = 1; i <= m; i++)
				if (p[i] == "KUNIT") { for (k = 1; k <= n; k++) print buf[k] }
				else print p[i]
		}
	}'
MODPROG='' doctor module "$as_module"
expect module 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1  splats 0" x86_64 --kunit-module
case_is kunit vrt_vma_retry_releases_lock_again_returns_plain_retry pass
ktap_parses "PASS PASS PASS"
# The built-in variant's judge reads KUnit at boot only: nothing there.
expect module 3 "no KUnit results in the console log" x86_64
# The suite built in (the fixture as it is): it ran at boot, no module.
expect asis 1 "KUnit: suite vma_retry ran at boot: built in, not a module|loaded no module" x86_64 --kunit-module
MODPROG='# init: loading /modules/vma_retry_kunit.ko
# init: finit_module /modules/vma_retry_kunit.ko: Exec format error
not ok 2 module_vma_retry_kunit' doctor modload "$as_module"
expect modload 1 "could not load or unload vma_retry_kunit|no results after init loaded the module" x86_64 --kunit-module
MODPROG='# init: loading /modules/vma_retry_kunit.ko
KUNIT
# init: unloading vma_retry_kunit
# init: delete_module vma_retry_kunit: Resource temporarily unavailable
not ok 2 module_vma_retry_kunit' doctor modunload "$as_module"
expect modunload 1 "kunit 21/0/0|could not load or unload vma_retry_kunit" x86_64 --kunit-module
# No module in the initramfs: init loaded none (its plan one less).
MODPROG=none doctor modnone "$as_module"
expect modnone 1 "loaded no module|no results after init loaded the module" x86_64 --kunit-module
# Loaded, but KUnit did not run the suite (kunit.autorun=0, say).
MODPROG='# init: loading /modules/vma_retry_kunit.ko
# init: unloading vma_retry_kunit
ok 2 module_vma_retry_kunit' doctor modnorun "$as_module"
expect modnorun 1 "kunit 0/0/0|no results after init loaded the module" x86_64 --kunit-module
MODPROG='' doctor modkufail "$as_module"
sed -i 's/^\(\[    5\.[0-9]*\]\)     ok 9 vrt_vma_retry_releases/\1     not ok 9 vrt_vma_retry_releases/' "$tmp/modkufail.log"
expect modkufail 1 "kunit 20/1/0|KUnit: 1 failed" x86_64 --kunit-module
case_is kunit vrt_vma_retry_releases_lock_again_returns_plain_retry failure

# ---- the regression guard ---------------------------------------------------
# (every case of x86_64's baseline is then missing: a failure each)
n_base=$(grep -vc ': (exit) ' "$fixbase")
expect norgr2 1 "regress 0/$n_base/0|regress: no results in the console log" x86_64 TESTS=
doctor rgmissing '/^# init: running process_madv/ { cut = 1 } /^# vma-retry-init: done/ { cut = 0 } /^1\.\.4$/ { $0 = "1..3" } !cut'
expect rgmissing 1 "regress 5/7/0" x86_64
doctor rgchanged '/^    ok 1 mremap_dontunmap_simple$/ { $0 = "    not ok 1 mremap_dontunmap_simple" } 1'
expect rgchanged 1 "regress 10/1/1" x86_64
case_is regress mremap_dontunmap_simple failure
# an XFAIL is ok: the program says the case may pass or fail
doctor rgxfail '/^    ok 1 mremap_dontunmap_simple$/ { $0 = "    ok 1 # XFAIL mremap_dontunmap_simple" } 1'
expect rgxfail 0 "regress 11/0/1" x86_64
expect norgr2 0 "pass   kunit 21/0/0  selftests 24/0/0  regress 0/0/0" x86_64 TESTS= --no-regress-rows
expect nokunit 0 "pass   kunit 0/0/0  selftests 12/0/0  regress 0/0/0" x86_64 --tag base

# ---- a hung program: init gave up on it, the kernel reported it ------------
doctor hung '
	/^    #  RUN  .*vma_retry\.sigkill_during_io_faults/ { cut = 1 }
	/^# init: vma_retry took/ {
		cut = 0
		print "[  45.120000] INFO: task vma_retry:147 blocked for more than 30 seconds."
		print "[  45.120100]       Not tainted 7.3.0-rc7+ #1"
		print "[  45.120200] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."
		print "[  45.120300] task:vma_retry       state:D stack:0     pid:147   tgid:147   ppid:1"
		print "    # init: /tests/vma_retry timed out after 240 s, killed"
		print "    # init: /tests/vma_retry still there 10 s after SIGKILL (stuck in D state?), left behind"
		print "# init: vma_retry: timeout, and not reaped after SIGKILL"
	}
	/^ok 2 vma_retry$/ { $0 = "not ok 2 vma_retry" }
	!cut'
expect hung 1 "selftests 7/1/0|splats 1|planned 1..12 but reported 7|vma_retry failed" x86_64

# ---- splats -----------------------------------------------------------------
# Each pattern as a kernel line, without a Call Trace line: all in one log
# they must make as many splat lines; each alone must fail the run (on the
# base kernel's run, which does not parse KUnit: the same splat rule, faster).
splats=(
	"WARNING: CPU: 1 PID: 147 at mm/memory.c:6301 handle_mm_fault+0x2d1/0x2e0"
	"kernel BUG at mm/filemap.c:1520!"
	"Kernel BUG [#1]"
	"Kernel bug detected[#1]:"
	"Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"
	"Internal error: Oops - BUG: 00000000f2000800 [#1] PREEMPT SMP"
	"Krnl PSW : 0704c00180000000 000000000049a8d2 (filemap_fault+0x2a/0x610)"
	"BUG: unable to handle page fault for address: 0000000000001000"
	"Unable to handle kernel paging request at virtual address 0000000000001000"
	"general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] SMP"
	"Kernel panic - not syncing: Fatal exception"
	"INFO: task vma_retry:147 blocked for more than 30 seconds."
	"INFO: task vma_retry:147 blocked in I/O wait for more than 30 seconds."
	"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
	"INFO: rcu_sched detected stalls on CPUs/tasks:"
	"watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [vma_retry:147]"
	"Watchdog detected hard LOCKUP on cpu 1"
	"WARNING: possible recursive locking detected"
	"WARNING: possible circular locking dependency detected"
	"possible recursive locking detected"
	"BUG: KASAN: slab-use-after-free in vma_start_read+0x4c/0x110"
	"UBSAN: array-index-out-of-bounds in mm/memory.c:123:4"
	"Call Trace:"
)
insert='/^# init: running mremap_dontunmap/ { n = split(ENVIRON["SPLAT"], l, "\n"); for (i = 1; i <= n; i++) print "[    8.000000] " l[i] } 1'
SPLAT=$(printf '%s\n' "${splats[@]}") doctor splats "$insert"
expect splats 1 "kunit 21/0/0|splats ${#splats[@]} " x86_64
case_is run run failure "splats ${#splats[@]} "
for i in "${!splats[@]}"; do
	SPLAT=${splats[i]} doctor "splat$i" "$insert"
	awk '/^# vma-retry-init: start/ { init = 1 } init' "$tmp/splat$i.log" >"$tmp/splat$i.base.log"
	expect "splat$i.base" 1 "splats 1 " x86_64 --tag base
done

# ---- splats against the base kernel's debug boot (--base-splats) ------------
# The record of a real debug boot of the base kernel on powerpc
# (fixtures/README): one lockdep warning at 0.017 s; its init was of
# before the debug_locks line, which today's prints: 0, as lockdep is off
# after that warning (DEBUG_LOCKS_WARN_ON calls debug_locks_off()).
pfixture=$VMA_RETRY_ROOT/scripts/tests/fixtures/powerpc-debug-base.log
pbid=$(sed -n 's/^# vma-retry-init: kernel build-id \([0-9a-f]*\)$/\1/p' "$pfixture")
base_sig='WARNING: at lockdep_hardirqs_on_prepare | DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())'
base_key=$(load_arch powerpc && debug_base_header "$(regress_base_commit)")
[[ $base_key == *' base='?*' config='?* ]] || die "no key of powerpc's debug base record: $base_key"
awk '/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 0" } 1' "$pfixture" >"$tmp/pbase.log"
awk '/^# vma-retry-init: done / { exit } 1' "$pfixture" >"$tmp/pbase-unfinished.log"
cp "$pfixture" "$tmp/pbase-asis.log"
# record_is LOG WANT-EXIT WANT-RECORD [OPTION...]: run-qemu.sh --record-base
# of LOG, as the base kernel's debug boot of powerpc; the record's lines.
record_is() {
	local log=$1 want=$2 rec=$3 rc=0
	shift 3
	rm -f "$tmp/$log.rec"
	OUT="$tmp/out" "$judge" --debug --tag base --src "$tree" --build-id "$pbid" --boot-only "$@" \
		--record-base "$tmp/$log.rec" --rejudge "$tmp/$log.log" powerpc >"$tmp/judge.log" 2>&1 || rc=$?
	checks=$((checks + 1))
	if ((rc != want)) || [[ $(cat "$tmp/$log.rec" 2>/dev/null) != "$rec" ]]; then
		printf 'test-judge: FAIL: --record-base of %s: exit %d (want %d), record:\n%s\nwant:\n%s\n' \
			"$log" "$rc" "$want" "$(cat "$tmp/$log.rec" 2>&1)" "$rec" >&2
		tail -n 3 "$tmp/judge.log" >&2
		fails=$((fails + 1))
	fi
}
record_is pbase 0 "$base_key
debug_locks 0
splat $base_sig"
record_is pbase-asis 0 "$base_key
splat $base_sig"
record_is pbase-unfinished 3 ""
# (an option of the debug kernel's judge)
checks=$((checks + 1))
rc=0
"$judge" --record-base "$tmp/x.rec" --boot-only --rejudge "$tmp/pbase.log" powerpc >"$tmp/judge.log" 2>&1 || rc=$?
if ((rc != 2)) || [[ -e $tmp/x.rec ]]; then
	echo "test-judge: FAIL: --record-base without --debug: exit $rc (want 2)" >&2
	fails=$((fails + 1))
fi
# The x86_64 fixture as powerpc's debug run, with the base's warning in
# its boot (its report's lines as the base kernel printed them).
export PREPORT
PREPORT=$(sed -n '/\[ cut here \]/,/---\[ end trace /p' "$pfixture")
with_report='NR == 1 { print; print ENVIRON["PREPORT"]; next } 1'
doctor pbasesplat "$with_report"'
	/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 0" }'
pdebug=(--debug --base-splats "$tmp/pbase.rec")
gap="lockdep off, as on the base kernel"
expect pbasesplat 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1  splats 0 (+2 as on base)|$gap" \
	powerpc "${pdebug[@]}"
checks=$((checks + 1))
grep -qF "2 splat line(s) as on the base kernel ($tmp/pbase.rec): $base_sig" "$tmp/judge.log" ||
	{ echo "test-judge: FAIL: the base's splat not reported on stderr" >&2; fails=$((fails + 1)); }
checks=$((checks + 1))
res=$(/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["verdict"], d["splats"], d["splats_as_on_base"], d["not_active"])' "$tmp/out/powerpc-debug.result.json" 2>&1 || true)
if [[ $res != "pass 0 2 ['$gap: its checks were not active']" ]]; then
	echo "test-judge: FAIL: powerpc-debug.result.json: $res" >&2
	fails=$((fails + 1))
fi
# The base's report on two consoles, each line twice with its time stamp
# (a boot console not yet gone: powerpc's debug boots of the series on
# 2026-12-07): one report, as on the base kernel.
PREPORT=$(sed p <<<"$PREPORT") doctor pbaseecho "$with_report"'
	/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 0" }'
expect pbaseecho 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1  splats 0 (+2 as on base)|$gap" \
	powerpc "${pdebug[@]}"
# The same record found by run-qemu.sh where debug-base.sh writes it, in a
# cache of its own (with the base tree, whose commit is in the key).
dcache=$tmp/dcache
mkdir -p "$dcache/src"
ln -sfn "$tree" "$dcache/src/${tree##*/}"
drec=$(load_arch powerpc && VMA_RETRY_CACHE=$dcache debug_base_file "$(regress_base_commit)")
[[ $drec == "$dcache/debug-base/"* ]] || die "debug_base_file: $drec"
mkdir -p "$(dirname "$drec")"
cp "$tmp/pbase.rec" "$drec"
expect pbasesplat 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1  splats 0 (+2 as on base)|$gap" \
	powerpc --debug VMA_RETRY_CACHE="$dcache"
# ...and in that cache without it: every splat fails, as before.
rm "$drec"
expect pbasesplat 1 "splats 2  |lockdep was off at the end" powerpc --debug VMA_RETRY_CACHE="$dcache"
# make stress's second step (debug-base.sh --if-splats) on the result of a
# debug run: no splats, or a record there when the run was judged: the
# run's verdict stands, and nothing is built or booted.
if_splats() { # if_splats WANT-EXIT TEXT [RESULT-JSON]
	local rc=0
	rm -rf "$tmp/ifs" && mkdir "$tmp/ifs"
	[[ -z ${3:-} ]] || printf '%s\n' "$3" >"$tmp/ifs/powerpc-debug.result.json"
	env -u TESTS VMA_RETRY_CACHE="$dcache" OUT="$tmp/ifs" "$VMA_RETRY_ROOT/scripts/debug-base.sh" \
		--if-splats powerpc >"$tmp/judge.log" 2>&1 || rc=$?
	checks=$((checks + 1))
	if ((rc != $1)) || ! grep -qF -- "$2" "$tmp/judge.log"; then
		printf 'test-judge: FAIL: debug-base.sh --if-splats on %s: exit %d (want %d), want "%s"\n' \
			"${3:-no result}" "$rc" "$1" "$2" >&2
		tail -n 3 "$tmp/judge.log" >&2
		fails=$((fails + 1))
	fi
}
if_splats 0 "verdict is pass with 0 splat line(s): nothing to compare" '{"verdict":"pass","splats":0}'
if_splats 1 "verdict is fail with 0 splat line(s): nothing to compare" '{"verdict":"fail","splats":0}'
if_splats 3 "no $tmp/ifs/powerpc-debug.result.json: the debug run did not get to its judge"
cp "$tmp/pbase.rec" "$drec"
if_splats 1 "judged against the base kernel's record $drec already" '{"verdict":"fail","splats":3}'
rm "$drec"
# The base's warning and one more splat: that one fails the run, and
# lockdep off is not excused.
doctor pbaseplus "$with_report"'
	/^# init: running mremap_dontunmap/ { print "[    8.000000] WARNING: CPU: 1 PID: 147 at mm/memory.c:6301 handle_mm_fault+0x2d1/0x2e0" }
	/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 0" }'
expect pbaseplus 1 "splats 1 (+2 as on base)|1 kernel splat line(s): [    8.000000] WARNING: CPU: 1 PID: 147 at mm/memory.c|lockdep was off at the end" \
	powerpc "${pdebug[@]}"
# Another lockdep warning: in the same function with another message, or
# in another function with the same message.
PREPORT=${PREPORT/'DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())'/'DEBUG_LOCKS_WARN_ON(current->hardirq_chain_key != current->curr_chain_key)'} \
	doctor potherwarn "$with_report"'
	/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 0" }'
! cmp -s "$tmp/pbasesplat.log" "$tmp/potherwarn.log" || die "test-judge: potherwarn: the report not changed"
expect potherwarn 1 "splats 2  |lockdep was off at the end" powerpc "${pdebug[@]}"
PREPORT=${PREPORT/'WARNING: at lockdep_hardirqs_on_prepare'/'WARNING: at lockdep_hardirqs_off'} \
	doctor potherfunc "$with_report"'
	/^# vma-retry-init: done / { print "# vma-retry-init: debug_locks 0" }'
! cmp -s "$tmp/pbasesplat.log" "$tmp/potherfunc.log" || die "test-judge: potherfunc: the report not changed"
expect potherfunc 1 "splats 2  |lockdep was off at the end" powerpc "${pdebug[@]}"
# A record of another key (another debug config): not used.
sed '1s/ config=[0-9a-f]*$/ config=0123456789abcdef/' "$tmp/pbase.rec" >"$tmp/pother.rec"
expect pbasesplat 1 "splats 2  |lockdep was off at the end" powerpc --debug --base-splats "$tmp/pother.rec"
checks=$((checks + 1))
grep -qF "the base record $tmp/pother.rec is not used" "$tmp/judge.log" ||
	{ echo "test-judge: FAIL: a record of another key: not said" >&2; fails=$((fails + 1)); }
# A record whose boot did not say lockdep was off: the splat is the base's,
# lockdep off is not excused.
expect pbasesplat 1 "splats 0 (+2 as on base)|lockdep was off at the end" powerpc --debug --base-splats "$tmp/pbase-asis.rec"

# ---- the benchmark's judge (bench-report.py --check, the gate bench) -------
# A real quick run's log (scripts/tests/fixtures/README), doctored.
bfixture=$VMA_RETRY_ROOT/scripts/tests/fixtures/bench-quick.log
bexpect() { # bexpect NAME WANT-EXIT AWK-PROGRAM: judge the doctored log
	local name=$1 want=$2 rc=0
	mkdir -p "$tmp/bench-$name"
	awk "$3" "$bfixture" >"$tmp/bench-$name/series-1.log"
	[[ $3 == 1 ]] || ! cmp -s "$bfixture" "$tmp/bench-$name/series-1.log" ||
		{ echo "test-judge: bench doctor $name changed nothing" >&2; exit 1; }
	printf 'series\t1\tseries-1.log\n' >"$tmp/bench-$name/manifest.tsv"
	/usr/bin/python3 "$VMA_RETRY_ROOT/scripts/bench-report.py" --check \
		--manifest "$tmp/bench-$name/manifest.tsv" >"$tmp/judge.log" 2>&1 || rc=$?
	checks=$((checks + 1))
	if ((rc != want)); then
		printf 'test-judge: FAIL: bench log %s: exit %d (want %d)\n' "$name" "$rc" "$want" >&2
		tail -n 5 "$tmp/judge.log" >&2
		fails=$((fails + 1))
	fi
}
bexpect asis 0 1
bexpect notok 1 '/# VMA_BENCH .*"rate":0,/ { sub(/"ok":true/, "\"ok\":false,\"error\":\"doctored\"") } 1'
bexpect jiffies 3 '/# VMA_BENCH / { sub(/"source":"[^"]*","res_ns":[0-9]+/, "\"source\":\"jiffies\",\"res_ns\":4000000") } 1'
bexpect unfinished 3 '!/^# vma-retry-init: done/'
bexpect norecords 3 '!/# VMA_BENCH /'
bexpect garbled 3 '/# VMA_BENCH / { sub(/"ok":true/, "\"ok\":tr") } 1'

if ((fails)); then
	echo "test-judge: $fails of $checks checks failed" >&2
	exit 1
fi
log "test-judge: $checks checks passed"
