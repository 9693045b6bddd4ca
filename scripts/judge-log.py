#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the console log of one test boot (scripts/run-qemu.sh's judge).

Usage: judge-log.py --arch ARCH --label LABEL --log FILE --out DIR
                    [--boot-only] [--seconds S] [--qemu-status RC]
                    [--timeout S] [--t0 EPOCH] [--baseline FILE]
                    [--required "a b"] [--regress "x y"] [--tests a,b]
                    [--build-tag TAG] [--no-regress-rows]
                    [--kunit-py FILE] [--kunit-suite S] [--kunit-module]
                    [--collections "a:DIR b:DIR"] [--build-id HEX]
                    [--base-splats FILE --base-key LINE]
                    [--record-base FILE --base-key LINE]

Reads the console log once, into one structure: the kernel's part before
the guest init starts (KUnit), the splat lines anywhere, and the guest
init's KTAP (from '# vma-retry-init: start' to '# vma-retry-init: done'):
its top-level plan and results, one per program of selftests/tests plus
init's self-check, each with the program's own nested KTAP (plan, cases:
ok, not ok or skip, description, and what a failed case printed). Every
verdict and count comes from that structure; scripts/run-qemu.sh --help
says what they are.

Writes, in --out: LABEL.summary (the summary line, also on stdout),
LABEL.result.json (the same counts, for make check), LABEL.regress (the
regression guard's results, "program: ok|not ok|skip: description" and
"program: (exit) ok|not ok|skip"; with --tests, LABEL.regress.want, the
baseline's lines of those programs), LABEL.kunit.log (the log before the
guest init), LABEL.kunit.json and LABEL.kunit.txt (kunit.py parse --json's
output), LABEL.junit.xml (every counted case, with failures and skips
marked: write_junit()) and LABEL.ktap (the programs' KTAP as
run_kselftest.sh prints it: write_ktap()). On stderr: the diff of the
regress results against the baseline, when they differ, and on a failure
the output of each failed case of the required and optional programs and
the last console lines.

--build-id HEX: the GNU build ID of the vmlinux that was meant to boot.
The guest init prints the running kernel's right after its start line
("# vma-retry-init: kernel build-id HEX", or "... none (why)"); a
different one, "none" or no such line is an infrastructure failure: the
booted kernel is not proven to be the one built (a stale boot image), so
its results prove nothing. Without --build-id (a saved log judged again)
nothing is compared.

A kernel with lockdep: the guest init prints, before its done line,
debug_locks of /proc/lockdep_stats ("# vma-retry-init: debug_locks N");
0 fails the run (lockdep switched itself off, at a report that may not
match a splat pattern, and checked nothing after it).

--base-splats FILE --base-key LINE: FILE is the record of a debug boot of
the base kernel (scripts/debug-base.sh), used only when its first line is
LINE ("# debug base: arch=A base=COMMIT config=HASH"; else it is said and
not used). A kernel line identical, time stamp included, to one of the
REPORT_LINES lines before it is the same record on a second console and
is counted once. A splat is a report: its splat lines (SPLAT_RE) grouped, a
"Call Trace:" joining the report of the splat line before it (up to its
"---[ end trace" line, within REPORT_LINES lines), its signature the
normalized first line (time stamp, addresses, +0x offsets and numbers
such as CPU, pid and source line dropped), with a warning's message
between its "cut here" line and its WARNING line; a Call Trace without a
report line before it is named by its first frame. The lines of a report
whose signature is in FILE are reported ("splats N (+M as on base)",
stderr) and do not fail the run; any other splat fails it. debug_locks 0
does not fail the run when FILE says the base kernel also ended with
debug_locks 0 and every splat of the run is one of the base's (there is
at least one): the summary then says "lockdep off, as on the base kernel".

--record-base FILE --base-key LINE: write the record of this log (a boot
of the base debug kernel) to FILE: LINE, "debug_locks N" (as init printed
it; no line when it printed none), and "splat SIGNATURE" for each report.
The guest init must have finished (else 3, nothing written); the splats
do not fail it (exit 0).

--kunit-module: the run of the kunit-module kernel variant, whose KUnit
suite is a module that the guest init loads and unloads before the
programs (selftests/init.c), one top-level result "ok N module_NAME" each
(not counted, as init's self-check). KUnit then prints the suite's KTAP
when the module loads, after init's start line ("KTAP version 1", "1..1",
the suite; at boot it printed "1..0": no suite built in): the KUnit part
is then the kernel's lines (those with a printk time stamp) after init's
start line, counted as the built-in suite's are. It fails the run when
init loaded no module, when a load or unload failed, when the suite ran at
boot (built in) and when it did not run at load. Without it, a module
that init reports not ok fails the run too.

--boot-only judges only that the guest init finished (else 3), the build
ID (as above) and that there is no splat (else 1), and writes nothing.

Exit status: 0 pass, 1 test failure, 3 infrastructure failure (also when
the log cannot be read), 2 usage.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

EXIT_PASS, EXIT_TESTFAIL, EXIT_USAGE, EXIT_INFRA = 0, 1, 2, 3

# The guest init's own check (selftests/init.c): judged, not a test case.
SELFCHECK = 'proc_vmstat_has_vma_lock_counters'
INIT_START = '# vma-retry-init: start'
INIT_DONE = '# vma-retry-init: done'
# The running kernel's build ID, as init prints it after INIT_START.
BUILD_ID = '# vma-retry-init: kernel build-id '
# Whether lockdep was still on at the end (a kernel with lockdep only).
DEBUG_LOCKS = '# vma-retry-init: debug_locks '

# Kernel splats, anywhere in the log, with or without a Call Trace line:
# warnings, BUG() ("kernel BUG at", riscv's "Kernel BUG", "Kernel bug
# detected"), oopses (arm's and arm64's "Internal error:", s390's "Krnl
# PSW"), bad kernel accesses, panics, lockdep, KASAN and UBSAN, RCU stalls,
# soft and hard lockups, hung tasks (also "blocked in I/O wait for more
# than"), and any stack dump.
SPLAT_RE = re.compile(
    'WARNING:|BUG:|kernel BUG at|Kernel BUG|Kernel bug detected|Oops'
    '|Internal error:|Krnl PSW'
    '|Kernel panic|Unable to handle kernel|general protection fault'
    '|possible circular locking|possible recursive locking'
    '|inconsistent lock state|suspicious RCU usage'
    '|KASAN:|UBSAN:|rcu: INFO:|self-detected stall|detected stalls on CPUs'
    '|soft lockup|hard LOCKUP'
    '|INFO: task .* blocked.* for more than|blocked for more than'
    '|Call Trace:|Call trace:')

# One report of a splat: "------------[ cut here ]------------" before a
# warning (its message between that and the WARNING line), "---[ end trace
# ...]---" after it; a Call Trace up to REPORT_LINES lines after the splat
# line that began a report belongs to that report.
CUT_HERE = '------------[ cut here ]------------'
END_TRACE_RE = re.compile(r'---\[ end trace [0-9a-f]+ \]---')
TRACE_RE = re.compile(r'Call [Tt]race:')
REPORT_LINES = 100
WARN_MESSAGE_LINES = 4
# What a signature drops (signature()): printk's caller id, +0x offsets,
# the task after a warning's "CPU#N:" and the old warning's "CPU: N PID: N",
# addresses (8 or more hex digits, bracketed or not), then every number.
CALLER_RE = re.compile(r'\[ *[TC][0-9]+\] ')
NORMALIZE = (
    (re.compile(r'\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+'), ''),
    (re.compile(r', CPU#[0-9]+: .*$'), ''),
    (re.compile(r'CPU: [0-9]+ PID: [0-9]+ '), ''),
    (re.compile(r'\[<?(0x)?[0-9a-fA-F]{8,}>?\] ?'), ''),
    (re.compile(r'(?<![0-9A-Za-z_])(0x)?[0-9a-fA-F]{8,}(?![0-9A-Za-z_])'), 'ADDR'),
    (re.compile(r'(?<![0-9A-Za-z_])[0-9]+'), 'N'),
)
# The record of a base kernel's debug boot (--base-splats, --record-base).
RECORD_KEY = '# debug base: '

# The KTAP lines, as init prints them: its own results unindented, the
# programs' (their plan, their cases, the harness's "#  RUN") indented by
# four spaces. A result needs a blank after its number.
TOP_PLAN_RE = re.compile(r'1\.\.([0-9]+)')
TOP_RESULT_RE = re.compile(r'(ok|not ok) [0-9]+ ')
CASE_PLAN_RE = re.compile(r'    1\.\.([0-9]+)')
CASE_RESULT_RE = re.compile(r'    (ok|not ok) [0-9]+ ')
CASE_RUN = '    #  RUN '
SELFCHECK_RE = re.compile(r'(ok|not ok) [0-9]+ ' + SELFCHECK)
# Init's result of loading and unloading a module (a kunit-module kernel's
# initramfs): judged, not a test case.
MODULE_PREFIX = 'module_'
# A kernel line: its printk time stamp (CONFIG_PRINTK_TIME, every test
# kernel) first.
KERNEL_LINE_RE = re.compile(r'\[ *[0-9]+\.[0-9]+\] ')
# What a failed case's output is cut to.
FAILED_CASE_LINES = 40


def without_stamp(line):
    """A kernel line without its printk time stamp; another line as it is."""
    m = KERNEL_LINE_RE.match(line)
    return line[m.end():] if m else line


def signature(line):
    """A splat line without what differs from boot to boot and build to
    build: the time stamp, addresses, offsets, CPU, pid and line numbers."""
    s = without_stamp(line)
    m = CALLER_RE.match(s)
    s = s[m.end():] if m else s
    for pattern, repl in NORMALIZE:
        s = pattern.sub(repl, s)
    return ' '.join(s.split())


def field(line, i):
    """The i-th blank-separated field of a line (from 0, as awk splits)."""
    f = line.replace('\t', ' ').split(' ')
    f = [x for x in f if x]
    return f[i] if i < len(f) else ''


def split_lines(data):
    """The lines of a file's bytes, each with its newline (the last one
    may have none), as the text tools read them: only newlines split."""
    raw = data.split(b'\n')
    return [r + b'\n' for r in raw[:-1]] + ([raw[-1]] if raw[-1] else [])


def text(raw_line):
    return raw_line.rstrip(b'\n').decode('utf-8', 'surrogateescape')


class Case:
    """A nested KTAP result of a program."""

    def __init__(self, line, output):
        self.status = 'ok' if line.startswith('    ok') else 'not ok'
        self.skip = '# SKIP' in line
        # "ok 3 desc # SKIP reason" or "ok 3 # SKIP desc"
        desc = re.sub(r'^    (ok|not ok) [0-9]+ *', '', line, count=1)
        self.reason = ''
        if self.skip:
            self.reason = reason = re.sub(r'.*# SKIP *', '', desc, count=1)
            desc = re.sub(r' *# SKIP.*', '', desc, count=1) or reason
        self.desc = desc
        self.name = field(line, 2 if self.status == 'ok' else 3)
        # What the harness printed between "#  RUN" and this result (not
        # ok only); without a "#  RUN" before it, what the last one did.
        self.output = output

    def result(self):
        """ok, not ok or skip, as the regression guard writes it."""
        return 'skip' if self.skip else self.status


class Program:
    """A top-level KTAP result of the guest init with its nested KTAP."""

    def __init__(self, line, plan, cases, lines):
        self.line = line
        self.status = 'ok' if line.startswith('ok') else 'not ok'
        self.skip = '# SKIP' in line
        self.name = field(line, 2 if self.status == 'ok' else 3)
        self.plan = plan            # None: no nested plan
        self.cases = cases
        # init's comments and the program's output (indented) from the
        # previous result to this one, for LABEL.ktap
        self.lines = lines
        self.passed = sum(1 for c in cases if not c.skip and c.status == 'ok')
        self.failed = sum(1 for c in cases if not c.skip and c.status != 'ok')
        self.skipped = sum(1 for c in cases if c.skip)

    def result(self):
        return 'skip' if self.status == 'ok' and self.skip else self.status

    def is_module(self):
        """Init's result of loading a module, not a program's."""
        return self.name.startswith(MODULE_PREFIX)


class Log:
    """One console log, read once, line by line."""

    def __init__(self, path):
        with open(path, 'rb') as f:
            data = f.read()
        # (the raw lines are kept for the KUnit part and the last lines)
        self.raw = split_lines(data)
        self.kunit_end = None       # the first line of the guest init
        self.started = self.done = False
        self.build_id = None        # what init printed after BUILD_ID
        self.debug_locks = None     # and after DEBUG_LOCKS
        self.kernel_after = []      # the kernel's raw lines after init's start
        self.splats = []
        # The splat lines by report: [signature, lines] (_report_line).
        self.reports = []
        self._cut = None            # a warning's message lines after "cut here"
        self._open = None           # the report a Call Trace may join
        self._trace = None          # a Call Trace alone, named by its next line
        # Init's KTAP.
        self.top_plan = None        # its "1..N", the digits
        self.top_results = 0
        self.selfcheck_reported = False
        self.programs = []
        self.unfinished = []        # cases after the last program's result
        self.unfinished_lines = []  # and the lines, as Program.lines
        self._in_ktap = False
        self._plan = None
        self._run_on, self._run_buf = False, []
        recent = collections.deque(maxlen=REPORT_LINES)
        for n, line in enumerate(text(r) for r in self.raw):
            # A kernel line identical, time stamp included, to one just
            # before is the same printk record on a second console (a boot
            # console not yet gone): one splat, not two.
            echo = bool(KERNEL_LINE_RE.match(line)) and line in recent
            recent.append(line)
            if self.kunit_end is None and INIT_START in line:
                self.kunit_end = n
            elif self.kunit_end is not None and KERNEL_LINE_RE.match(line):
                self.kernel_after.append(self.raw[n])
            if self.build_id is None and line.startswith(BUILD_ID):
                self.build_id = line[len(BUILD_ID):].strip()
            if line.startswith(DEBUG_LOCKS):
                self.debug_locks = line[len(DEBUG_LOCKS):].strip()
            if not echo and SPLAT_RE.search(line):
                self.splats.append(line)
            if not echo:
                self._report_line(n, line)
            if self._ktap_range(line):
                self._ktap_line(line)
        if self.kunit_end is None:
            self.kunit_end = len(self.raw)
        for r in self.reports:
            r[0] = r[0] or 'Call Trace:'

    def _report_line(self, n, line):
        """Group the splat lines into reports, each with its signature."""
        body = without_stamp(line)
        if self._trace is not None:
            self._trace[0] = 'Call Trace: ' + signature(body)
            self._trace = None
        if SPLAT_RE.search(line):
            if TRACE_RE.search(body) and self._open and n - self._open[0] <= REPORT_LINES:
                self._open[1][1].append(line)
            elif TRACE_RE.match(body.strip()):
                self._trace = [None, [line]]
                self.reports.append(self._trace)
                self._open = None
            else:
                sig = signature(body)
                if self._cut:
                    sig += ' | ' + ' | '.join(signature(m) for m in self._cut)
                self.reports.append([sig, [line]])
                self._open = (n, self.reports[-1])
            self._cut = None
        elif CUT_HERE in body:
            self._cut, self._open = [], None
        elif END_TRACE_RE.search(body):
            self._open = None
        elif self._cut is not None:
            self._cut.append(body)
            if len(self._cut) > WARN_MESSAGE_LINES:
                self._cut = None

    def _ktap_range(self, line):
        """Is the line init's KTAP: from a start line to the next done
        line, both included?"""
        starts, ends = line.startswith(INIT_START), line.startswith(INIT_DONE)
        self.started |= starts
        self.done |= ends
        if self._in_ktap:
            self._in_ktap = not ends
            return True
        self._in_ktap = starts
        return starts

    def _ktap_line(self, line):
        if line.startswith(('#', '    ')):
            self.unfinished_lines.append(line)
        if line.startswith(CASE_RUN):
            self._run_on, self._run_buf = True, []
        if self._run_on:
            self._run_buf.append(line)
        m = TOP_PLAN_RE.match(line)
        if m and self.top_plan is None:
            self.top_plan = m.group(1)
        m = CASE_PLAN_RE.match(line)
        if m:
            if self._plan is None:
                self._plan = int(m.group(1))
        elif CASE_RESULT_RE.match(line):
            self._run_on = False
            out = None if line.startswith('    ok') else self._run_buf[-FAILED_CASE_LINES:]
            self.unfinished.append(Case(line, out))
        elif TOP_RESULT_RE.match(line):
            self.top_results += 1
            self.selfcheck_reported |= bool(SELFCHECK_RE.fullmatch(line))
            self.programs.append(Program(line, self._plan, self.unfinished,
                                         self.unfinished_lines))
            self._plan, self.unfinished, self.unfinished_lines = None, [], []

    def tail(self, n):
        """The last n lines as bytes, as tail -n prints them."""
        return b''.join(self.raw[-n:]) if n else b''

    def cases(self):
        for p in self.programs:
            yield from p.cases
        yield from self.unfinished


KINDS = ('kunit', 'selftests', 'regress')
# One counted test case. group: the KUnit suite (and parameterised case),
# or the program; message: why it failed or skipped; output: what a failed
# case printed.
TestCase = collections.namedtuple('TestCase', 'kind group name result message output')


class Judge:
    """The verdict, its reasons and the counts."""

    def __init__(self, args):
        self.args = args
        self.verdict = 'pass'
        self.reasons = []
        # What the run did not check, said in the summary without failing it.
        self.notes = []
        self.own_splats = self.base_splats = 0
        self.counts = {k: {'pass': 0, 'fail': 0, 'skip': 0}
                       for k in KINDS}
        self.cases = []

    def case(self, kind, group, name, result, message='', output=()):
        """Count one test case (kind: kunit, selftests or regress; result:
        pass, fail or skip) and keep it for LABEL.junit.xml: every count
        is a case there."""
        self.counts[kind][result] += 1
        self.cases.append(TestCase(kind, group, name, result, message, list(output)))

    def fail(self, level, reason):
        """level: test or infra"""
        self.reasons.append(reason)
        if level == 'infra':
            self.verdict = 'infra'
        elif self.verdict == 'pass':
            self.verdict = 'fail'

    def log(self, msg):
        """As lib.sh's log: the seconds since --t0, on stderr."""
        out_text(sys.stderr, '[%4ds] %s\n' % (int(time.time()) - self.args.t0, msg))

    def status(self):
        return {'pass': EXIT_PASS, 'fail': EXIT_TESTFAIL}.get(self.verdict, EXIT_INFRA)


def out_bytes(stream, data):
    stream.flush()
    stream.buffer.write(data)
    stream.buffer.flush()


def out_text(stream, s):
    out_bytes(stream, s.encode('utf-8', 'surrogateescape'))


def write_lines(path, lines):
    with open(path, 'wb') as f:
        f.write(''.join(line + '\n' for line in lines).encode('utf-8', 'surrogateescape'))


def read_lines(path):
    with open(path, 'rb') as f:
        return [text(r) for r in split_lines(f.read())]


def judge_qemu(j, log):
    """QEMU's exit status and the splats: the verdicts of every boot."""
    a = j.args
    if a.qemu_status in (124, 137):
        j.fail('infra', f'timeout after {a.timeout} s')
    elif a.qemu_status:
        j.fail('infra', f'QEMU exited with status {a.qemu_status}')
    if not a.record_base:
        judge_splats(j, log, read_base_record(j))


def read_base_record(j):
    """--base-splats: (its signatures, its debug_locks or None), or None
    when not given or not for this key (said on stderr)."""
    a = j.args
    if not a.base_splats:
        return None
    try:
        lines = read_lines(a.base_splats)
    except OSError as e:
        j.fail('infra', f'--base-splats {a.base_splats}: {e.strerror}')
        return None
    if lines[:1] != [a.base_key]:
        j.log(f'{a.label}: the base record {a.base_splats} is not used: its key is '
              f'"{lines[0] if lines else "(empty)"}", not "{a.base_key}"')
        return None
    sigs, locks = set(), None
    for line in lines[1:]:
        what, _, rest = line.partition(' ')
        if what == 'splat':
            sigs.add(rest)
        elif what == 'debug_locks':
            locks = rest
        elif not line.startswith('#'):
            j.fail('infra', f'--base-splats {a.base_splats}: not a record line: {line!r}')
            return None
    return sigs, locks


def judge_splats(j, log, base):
    """The splats: each fails the run, but those of a report that the base
    kernel's debug boot had too (--base-splats); lockdep off at the end
    fails it, but where the base kernel ended so too and the run's only
    splats are the base's."""
    a = j.args
    sigs, base_locks = base or (set(), None)
    own = [line for sig, lines in log.reports if sig not in sigs for line in lines]
    same = [(sig, lines) for sig, lines in log.reports if sig in sigs]
    j.own_splats, j.base_splats = len(own), sum(len(lines) for _, lines in same)
    for sig, lines in same:
        j.log(f'{a.label}: {len(lines)} splat line(s) as on the base kernel '
              f'({a.base_splats}): {sig}')
    if own:
        j.fail('test', f'{len(own)} kernel splat line(s): {own[0]}')
    if log.debug_locks in (None, '1'):
        return
    if base_locks == '0' and same and not own:
        j.notes.append('lockdep off, as on the base kernel: its checks were not active')
        j.log(f'{a.label}: lockdep was off at the end (debug_locks {log.debug_locks}), '
              f'as on the base kernel, after its splat: no lockdep checks in this run')
    else:
        j.fail('test', f'lockdep was off at the end (debug_locks '
               f'{log.debug_locks}): the tests ran without its checks')


def record_base(j, log):
    """--record-base: the record of a debug boot of the base kernel."""
    a = j.args
    if not log.done:
        j.fail('infra', 'the guest init did not finish')
    if j.verdict != 'pass':
        out_bytes(sys.stderr, log.tail(30))
        j.log(f'{a.label}: {" ".join(j.reasons)} (log: {a.log}): no record written')
        return
    lines = [a.base_key]
    if log.debug_locks is not None:
        lines.append(f'debug_locks {log.debug_locks}')
    for sig in dict.fromkeys(sig for sig, _ in log.reports):
        lines.append(f'splat {sig}')
        j.log(f'{a.label}: the base kernel\'s splat: {sig}')
    write_lines(a.record_base, lines)
    j.log(f'{a.label}: wrote {a.record_base}: {len(log.reports)} report(s), '
          f'debug_locks {log.debug_locks if log.debug_locks is not None else "not printed"}')


def judge_build_id(j, log):
    """The booted kernel is the one built: init printed the build ID of
    the vmlinux that was meant to boot (--build-id). A boot whose init did
    not start is judge_init()'s (or boot_only()'s) failure alone."""
    want = j.args.build_id
    if not want or not log.started:
        return
    if log.build_id is None:
        j.fail('infra', f'the guest init printed no build-id line: the booted kernel is not '
               f'proven to be the one built (vmlinux build-id {want}; an initramfs of an '
               f'older init?)')
    elif log.build_id.startswith('none'):
        j.fail('infra', f'the guest init could not read the booted kernel\'s build ID: '
               f'{log.build_id} (vmlinux build-id {want})')
    elif log.build_id.lower() != want:
        j.fail('infra', f'the booted kernel is not the one built: build-id {log.build_id}, '
               f'vmlinux {want} (a stale boot image?)')


def kunit_leaves(group, path=()):
    """The leaf test cases of kunit.py's JSON: (the names of the groups
    above it, the case)."""
    for c in group['test_cases']:
        yield path, c
    for s in group['sub_groups']:
        yield from kunit_leaves(s, path + (s['name'],))


def judge_kunit(j, log):
    """The part of the log before the guest init, parsed by the tree's
    kunit.py into JSON; the cases are its leaf test cases. The suite must
    be there: no KUnit output at all is an incomplete run (infra), a
    missing suite, a parse error (a plan that does not match the cases), a
    failed case or a failing kunit.py exit status a test failure. Only the
    base kernel's run of the regression guard has no suite to judge."""
    a = j.args
    base = os.path.join(a.out, a.label)
    if a.build_tag == 'base':
        j.log(f'{a.label}: KUnit not judged: the base kernel has no '
              f'{a.kunit_suite} suite (--tag base)')
        return
    if not os.path.isfile(a.kunit_py):
        j.fail('infra', f'no {a.kunit_py} to parse the KUnit results with (--src)')
        return
    boot = log.raw[:log.kunit_end]
    if a.kunit_module:
        # The suite's KTAP comes when init loads the module: the kernel's
        # lines after init's start. At boot, KUnit had no suite to run.
        subtest = re.compile(r'.*# Subtest: ' + re.escape(a.kunit_suite) + r'\s*$')
        if any(subtest.match(text(r)) for r in boot):
            j.fail('test', f'KUnit: suite {a.kunit_suite} ran at boot: built in, not a module')
        boot = log.kernel_after
    with open(base + '.kunit.log', 'wb') as f:
        f.write(b''.join(boot))
    if os.path.lexists(base + '.kunit.json'):
        os.remove(base + '.kunit.json')
    with open(base + '.kunit.txt', 'wb') as f:
        krc = subprocess.run(
            [sys.executable, a.kunit_py, 'parse', '--json=' + base + '.kunit.json',
             base + '.kunit.log'], stdout=f, stderr=subprocess.STDOUT, check=False,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE='1')).returncode
    if krc < 0:
        krc = 128 - krc             # killed by a signal: as the shell says it
    try:
        with open(base + '.kunit.json', encoding='utf-8') as f:
            top = json.load(f)
        leaves = list(kunit_leaves(top))
        st = [c['status'] for _, c in leaves]
        errors = top['misc']['errors']
        in_suite = sum(len(list(kunit_leaves(s))) for s in top['sub_groups']
                       if s['name'] == a.kunit_suite)
    except Exception:       # pylint: disable=broad-except
        j.fail('infra', f'kunit.py parse wrote no readable JSON (exit {krc}, '
               f'see {base}.kunit.txt)')
        return
    for path, c in leaves:
        result = {'PASS': 'pass', 'SKIP': 'skip'}.get(c['status'], 'fail')
        # (kunit.py names a case it found missing '')
        j.case('kunit', '.'.join(path), c['name'] or '(missing: see the .kunit.txt)', result,
               '' if result == 'pass' else f"{c['status']} (see {a.label}.kunit.txt)")
    k = j.counts['kunit']
    if not st and a.kunit_module:
        j.fail('test', 'KUnit: no results after init loaded the module')
        return
    if not st:
        j.fail('infra', 'no KUnit results in the console log')
        return
    if not in_suite:
        j.fail('test', f'KUnit: suite {a.kunit_suite} not in the results')
    if k['fail']:
        j.fail('test', f'KUnit: {k["fail"]} failed')
    if errors:
        j.fail('test', f'KUnit: {errors} KTAP error(s) (see {base}.kunit.txt)')
    if not k['pass']:
        j.fail('test', 'KUnit: no test case passed')
    if krc:
        j.fail('test', f'KUnit: kunit.py parse exited {krc}')


def judge_init(j, log):
    """Init started and finished; its top-level plan ("1..N", one per
    program plus its self-check) matches the results it printed."""
    if not log.started:
        j.fail('infra', 'the guest init never started (boot failure)')
        return
    if not log.done:
        j.fail('infra', 'incomplete KTAP: the guest init did not finish')
        return
    if log.top_plan is None:
        j.fail('infra', 'incomplete KTAP: no top-level plan from the guest init')
    elif int(log.top_plan) != log.top_results:
        j.fail('infra', f'incomplete KTAP: the guest init planned 1..{log.top_plan} '
               f'but printed {log.top_results} result(s)')
    if not log.selfcheck_reported:
        j.fail('test', f'the guest self-check {SELFCHECK} did not report')
    modules = [p for p in log.programs if p.is_module()]
    if j.args.kunit_module and not modules:
        j.fail('test', 'the guest init loaded no module (--kunit-module: an initramfs '
               'without /modules/list?)')
    for p in modules:
        if p.result() != 'ok':
            j.fail('test', f'the guest init could not load or unload '
                   f'{p.name[len(MODULE_PREFIX):]} (its "# init:" lines say why)')


def judge_selftests(j, log):
    """The required and optional programs. A program's own KTAP cases are
    what gets counted; a program that failed without failing a case
    (crash, timeout, zero cases, all skipped, a plan that does not match)
    counts one failure."""
    a = j.args
    for p in log.programs:
        if p.name in a.regress:
            continue                # the regression guard's
        if p.name == SELFCHECK:
            if p.result() != 'ok':
                j.fail('test', f'the guest self-check {p.name} failed')
            continue
        if p.is_module():
            continue                # judge_init's
        n = len(p.cases)
        why = []
        if p.plan is not None and p.plan != n:
            why.append(f'{p.name}: planned 1..{p.plan} but reported {n} case(s)')
        if p.name in a.required:
            if p.result() == 'skip':
                why.append(f'required test {p.name} skipped')
            elif n == 0:
                why.append(f'required test {p.name} ran zero cases')
            elif p.passed + p.failed == 0:
                why.append(f'required test {p.name}: every case skipped')
            elif p.plan is None:
                why.append(f'required test {p.name} printed no KTAP plan')
        for c in p.cases:
            if c.skip:
                j.case('selftests', p.name, c.name, 'skip', c.reason)
            elif c.status == 'ok':
                j.case('selftests', p.name, c.name, 'pass')
            else:
                j.case('selftests', p.name, c.name, 'fail', 'not ok', c.output or ())
        if p.result() == 'skip':
            # Skipped without KTAP cases: one skipped case (a required one
            # counts as the failure below instead).
            if not (p.skipped or why):
                j.case('selftests', p.name, p.name, 'skip', p.line)
        elif p.status == 'ok':
            # A program without KTAP cases is one case: its exit status.
            if not (n or why):
                j.case('selftests', p.name, p.name, 'pass')
            if p.failed:
                j.fail('test', f'{p.name}: {p.failed} case(s) failed')
        else:
            why.append(f'{p.name} failed')
        for w in why:
            j.fail('test', w)
        if why and not p.failed:
            j.case('selftests', p.name, p.name, 'fail', '; '.join(why),
                   [x for x in p.lines if x.startswith('# init: ')])
    if not a.tests_given and j.verdict != 'infra':
        ran = {p.name for p in log.programs}
        for r in a.required:
            if r not in ran:
                j.fail('test', f'required test {r} did not run')


def regress_lines(a, log):
    """The regression guard's results: one line per case and one per
    program, of the regress programs asked for (--tests)."""
    lines = []
    for p in log.programs:
        if p.name in a.regress and (not a.tests_given or p.name in a.tests):
            lines += [f'{p.name}: {c.result()}: {c.desc}' for c in p.cases]
            lines.append(f'{p.name}: (exit) {p.result()}')
    return lines


REGRESS_CASE_RE = re.compile(r'([^:]*): (ok|skip|not ok): (.*)', re.S)
XFAIL_RE = re.compile(r'^([^:]*: ok: )# XFAIL ', re.S)


def regress_cases(j, want, got):
    """Count the cases of the results got against the baseline's want (as
    j.case()) and return how many lines differ. The same as on the base
    kernel and ok = passed, the same and skip or not ok (on both kernels) =
    skipped, a case (description) whose lines differ = failed (changed,
    missing or new; a description that a program repeats counts as often
    as it is repeated). The "(exit)" lines count as lines only. An XFAIL
    is ok: the program declares that the case may pass or fail (cow's
    vmsplice() cases on hugetlb, a known upstream leak that shows or not
    from run to run), so "ok: # XFAIL desc" and "ok: desc" are the same."""
    want, got = ([XFAIL_RE.sub(r'\1', x) for x in lines] for lines in (want, got))
    w, g = collections.Counter(want), collections.Counter(got)
    same = w & g
    for line, c in same.items():
        m = REGRESS_CASE_RE.fullmatch(line)
        if not m:
            continue
        prog, res, desc = m.groups()
        for _ in range(c):
            if res == 'ok':
                j.case('regress', prog, desc, 'pass')
            else:
                j.case('regress', prog, desc, 'skip', f'{res} on the base kernel too')
    # The lines in only one of them, by side (as comm -3 prints them: the
    # second side's after a tab).
    differ = [line for line, c in (w - g).items() for _ in range(c)]
    differ += ['\t' + line for line, c in (g - w).items() for _ in range(c)]
    lines = sum(1 for d in differ if d)
    per = collections.Counter()
    both = collections.defaultdict(lambda: ([], []))    # the lines, by side
    for d in differ:
        if not d:
            continue
        f = d.split('\t')
        side, line = (2 if len(f) > 1 else 1), f[-1]
        if re.match(r'[^:]*: \(exit\) ', line):
            continue
        k = re.sub(r': (ok|not ok|skip): ', ': ', line, count=1)
        per[k, side] += 1
        both[k][side - 1].append(line)
    for k, (base, now) in both.items():
        prog, _, desc = k.partition(': ')
        for _ in range(max(per[k, 1], per[k, 2])):
            j.case('regress', prog, desc, 'fail',
                   'differs from the base kernel: ' + ' | '.join(
                       [f'base: {x}' for x in base] + [f'now: {x}' for x in now]))
    return lines


def judge_regress(j, log):
    """The regression guard: upstream tests, case by case as on the base
    kernel (selftests/regress/README)."""
    a = j.args
    base = os.path.join(a.out, a.label)
    got = regress_lines(a, log)
    write_lines(base + '.regress', got)
    if a.build_tag == 'base':
        return
    # Results are expected on an arch with a baseline whenever the run
    # includes regress rows (all rows, or --tests naming one); missing ones
    # fail. Not judged: the base kernel recording its baseline (--tag
    # base), and an initramfs built without the rows (--no-regress-rows,
    # said here).
    has_baseline = os.path.isfile(a.baseline)
    expect = has_baseline and any(not a.tests_given or r in a.tests for r in a.regress)
    if expect and a.no_regress_rows:
        j.log(f'{a.label}: regress: not judged (--no-regress-rows: the initramfs has no regress rows)')
        expect = False
    if not (expect or got):
        return
    if not has_baseline:
        j.fail('test', f'regress: no baseline {a.baseline} '
               f'(make regress-baseline ARCH={a.arch})')
        return
    want_file = a.baseline
    # (its first line, "# regress baseline: ...", names its key)
    want = [line for line in read_lines(a.baseline) if not line.startswith('#')]
    if a.tests_given:
        # With --tests, only the programs asked for, on both sides.
        want = [line for line in want if line.split(': ', 1)[0] in a.tests]
        want_file = base + '.regress.want'
        write_lines(want_file, want)
    lines = regress_cases(j, want, got)
    if not got:
        j.fail('test', f'regress: no results in the console log, but {a.baseline} expects them')
    elif lines:
        j.fail('test', f"regress: {lines} line(s) differ from the base kernel's results")
        sys.stdout.flush()
        sys.stderr.flush()
        subprocess.run(['diff', '-u', want_file, base + '.regress'], stdout=sys.stderr,
                       check=False)


def report(j, log):
    """The summary line (stdout and LABEL.summary), the result file and,
    on a failure, the failed cases' output and the last console lines."""
    a = j.args
    base = os.path.join(a.out, a.label)
    c = j.counts
    counts = [c[k][f] for k in ('kunit', 'selftests', 'regress')
              for f in ('pass', 'fail', 'skip')]
    line = ('%-10s %-6s kunit %d/%d/%d  selftests %d/%d/%d  regress %d/%d/%d'
            '  splats %d') % (a.label, j.verdict, *counts, j.own_splats)
    if j.base_splats:
        line += f' (+{j.base_splats} as on base)'
    line += f'  {a.seconds}s'
    tail = ' '.join(r for r in j.reasons if r)
    if j.notes:
        tail += ('; ' if tail else '') + '; '.join(j.notes)
    if tail:
        line += '  (' + tail + ')'
    out_text(sys.stdout, line + '\n')
    write_lines(base + '.summary', [line])
    # The same counts as data, for check.sh (the summary line is for people).
    with open(base + '.result.json', 'w', encoding='utf-8') as f:
        f.write(json.dumps({'arch': a.label, 'verdict': j.verdict, **c,
                            'splats': j.own_splats, 'splats_as_on_base': j.base_splats,
                            'not_active': j.notes, 'seconds': a.seconds},
                           separators=(',', ':')) + '\n')
    write_junit(j, line, base + '.junit.xml')
    write_ktap(a, log, base + '.ktap')
    if j.verdict == 'pass':
        return
    # The output of each failed case of the required and optional programs
    # (the harness prints why between "RUN" and "not ok"), and of a
    # program's that did not finish; not the regress programs' (their diff
    # against the baseline is printed instead).
    own = [c for p in log.programs if p.name not in a.regress for c in p.cases]
    for case in own + list(log.unfinished):
        if case.output is not None:
            out_text(sys.stderr, f'--- failed case {case.name} ---\n'
                     + ''.join(line + '\n' for line in case.output))
    out_text(sys.stderr, f'--- last console lines of {a.label} ({a.log}) ---\n')
    out_bytes(sys.stderr, log.tail(25))


def write_ktap(a, log, path):
    """LABEL.ktap: the programs' KTAP as the kernel's run_kselftest.sh
    prints it (tools/testing/selftests/kselftest/runner.sh): "TAP version
    13", the plan, per program "# selftests: DIR: NAME", its own output
    with "# " before each line and its result "ok N selftests: DIR: NAME"
    (init's directive, "# SKIP...", kept), then the totals. Init's own lines ("# init:
    ...") stay as they are, but "# init: running NAME" becomes the
    "# selftests: DIR: NAME" line; the kernel's lines, init's self-check
    and its module loads (not kselftests) are left out. A run that did not
    finish ends where the log does."""
    def title(name):
        return f'selftests: {a.collections.get(name, "vma-retry")}: {name}'

    def body(lines):
        for line in lines:
            if line.startswith('    '):
                out.append('# ' + line[4:])
            elif line.startswith('# init: running '):
                out.append('# ' + title(line[len('# init: running '):]))
            elif line.startswith('# init: '):
                out.append(line)

    out = ['TAP version 13']
    if log.top_plan is not None:
        modules = sum(1 for p in log.programs if p.is_module())
        out.append(f'1..{max(int(log.top_plan) - 1 - modules, 0)}')
    n = collections.Counter()
    for p in log.programs:
        body(p.lines)
        if p.name == SELFCHECK or p.is_module():
            continue
        n[p.result()] += 1
        directive = p.line.find(' # ')
        out.append(f'{p.status} {sum(n.values())} {title(p.name)}'
                   + (p.line[directive:] if directive >= 0 else ''))
    body(log.unfinished_lines)
    if log.done:
        out.append(f"# Totals: pass:{n['ok']} fail:{n['not ok']} xfail:0 xpass:0 "
                   f"skip:{n['skip']} error:0")
    write_lines(path, out)


# What XML 1.0 cannot hold (control characters, undecodable bytes).
XML_BAD_RE = re.compile('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')


def xml_text(s):
    return XML_BAD_RE.sub(lambda m: '\\x%02x' % (ord(m.group()) & 0xff), s)


def write_junit(j, summary, path):
    """LABEL.junit.xml: every counted case (Judge.case) as a testcase, in
    one testsuite per kind (LABEL.kunit, LABEL.selftests, LABEL.regress;
    classname LABEL.KIND.GROUP): a failed case has a <failure>, a skipped
    one <skipped>, each with why. A run that failed without a failed case
    (a splat, a boot failure, a missing program...) has one more case,
    LABEL.run, failed (<error> for an infrastructure failure) with the
    reasons: the testcases count what make check counts."""
    a = j.args
    root = ET.Element('testsuites', name='vma-retry ' + a.label)
    suites = {}
    for kind in KINDS:
        suites[kind] = ET.SubElement(root, 'testsuite', name=f'{a.label}.{kind}')
        props = ET.SubElement(suites[kind], 'properties')
        ET.SubElement(props, 'property', name='summary', value=xml_text(summary))
    for c in j.cases:
        tc = ET.SubElement(suites[c.kind], 'testcase', name=xml_text(c.name),
                           classname=xml_text('.'.join(filter(None, (a.label, c.kind, c.group)))))
        if c.result == 'fail':
            ET.SubElement(tc, 'failure', message=xml_text(c.message)).text = \
                xml_text(''.join(line + '\n' for line in c.output))
        elif c.result == 'skip':
            ET.SubElement(tc, 'skipped', message=xml_text(c.message))
    if j.verdict != 'pass' and not any(c.result == 'fail' for c in j.cases):
        suites['run'] = ET.SubElement(root, 'testsuite', name=f'{a.label}.run')
        tc = ET.SubElement(suites['run'], 'testcase', name='run', classname=a.label)
        ET.SubElement(tc, 'error' if j.verdict == 'infra' else 'failure',
                      message=xml_text(' '.join(j.reasons))).text = xml_text(summary + '\n')
    total = collections.Counter()
    for suite in suites.values():
        cases = suite.findall('testcase')
        n = {'tests': len(cases)}
        for what, tag in (('failures', 'failure'), ('errors', 'error'), ('skipped', 'skipped')):
            n[what] = sum(1 for tc in cases if tc.find(tag) is not None)
        suite.attrib.update({k: str(v) for k, v in n.items()})
        total.update(n)
    root.attrib.update({k: str(total[k]) for k in ('tests', 'failures', 'errors', 'skipped')})
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding='utf-8', xml_declaration=True)


def boot_only(j, log):
    """--boot-only: the guest init finished (else infra) without a splat."""
    a = j.args
    if not log.done:
        j.fail('infra', 'the guest init did not finish')
    if j.verdict == 'pass':
        j.log(f'{a.label}: booted and finished in {a.seconds} s (log: {a.log})')
    else:
        out_bytes(sys.stderr, log.tail(30))
        j.log(f'{a.label}: {" ".join(j.reasons)} (log: {a.log})')


def names(s):
    return s.split()


def collections_arg(s):
    """"a:DIR b:DIR" as {a: DIR, b: DIR}"""
    pairs = [w.split(':', 1) for w in s.split()]
    if any(len(p) != 2 for p in pairs):
        raise argparse.ArgumentTypeError(f'not "NAME:DIR ...": {s!r}')
    return dict(pairs)


def build_id_arg(s):
    """A GNU build ID: hex digits, in lower case."""
    if not re.fullmatch('[0-9a-fA-F]+', s):
        raise argparse.ArgumentTypeError(f'not a build ID (hex digits): {s!r}')
    return s.lower()


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Judge a test boot's console log: KUnit, the guest's "
        'KTAP, the regression guard and kernel splats (run-qemu.sh --help).',
        epilog='Exit status: 0 pass, 1 test failure, 2 usage, 3 '
        'infrastructure failure.')
    ap.add_argument('--arch', required=True, help='the arch of configs/arches')
    ap.add_argument('--label', required=True,
                    help='ARCH[-debug][-TAG]: the name of the outputs and of the summary line')
    ap.add_argument('--log', required=True, metavar='FILE', help='the console log')
    ap.add_argument('--out', required=True, metavar='DIR', help='where the outputs go')
    ap.add_argument('--boot-only', action='store_true',
                    help='judge only that init finished and that there is no splat')
    ap.add_argument('--seconds', type=int, default=0, metavar='S',
                    help='how long the boot took (for the summary line)')
    ap.add_argument('--qemu-status', type=int, default=0, metavar='RC',
                    help="QEMU's exit status under timeout(1) (124, 137: timed out)")
    ap.add_argument('--timeout', default='', metavar='S', help="the boot's timeout (messages)")
    ap.add_argument('--t0', type=int, default=int(time.time()), metavar='EPOCH',
                    help="the start of the log lines' elapsed seconds (lib.sh's _vr_t0)")
    ap.add_argument('--baseline', default='', metavar='FILE',
                    help="the regression guard's baseline (selftests/regress/ARCH; may be missing)")
    ap.add_argument('--required', type=names, default=[], metavar='"a b"',
                    help='the required programs (selftests/tests)')
    ap.add_argument('--regress', type=names, default=[], metavar='"x y"',
                    help='the regress programs (selftests/tests)')
    ap.add_argument('--tests', default='', metavar='a,b',
                    help='the programs the run was limited to (TESTS=)')
    ap.add_argument('--build-tag', default='', metavar='TAG',
                    help='--tag of the run; base: KUnit and regress not judged')
    ap.add_argument('--no-regress-rows', action='store_true',
                    help='the initramfs has no regress rows (--regress no): their results are not expected')
    ap.add_argument('--kunit-py', default='', metavar='FILE',
                    help="the kernel tree's tools/testing/kunit/kunit.py")
    ap.add_argument('--collections', type=collections_arg, default={}, metavar='"a:DIR b:DIR"',
                    help="each program's directory under tools/testing/selftests "
                    '(the "selftests: DIR: NAME" of LABEL.ktap)')
    ap.add_argument('--kunit-suite', default='vma_retry', metavar='S',
                    help='the KUnit suite that must be in the results (vma_retry)')
    ap.add_argument('--kunit-module', action='store_true',
                    help='the suite is a module that the guest init loads and unloads: its '
                    'KTAP comes then, after the start of init; init must have loaded a '
                    'module, and the suite must not have run at boot')
    ap.add_argument('--build-id', type=build_id_arg, default=None, metavar='HEX',
                    help="the GNU build ID of the vmlinux meant to boot: the guest init's "
                    'must be the same (else infra); default: not compared')
    ap.add_argument('--base-splats', default='', metavar='FILE',
                    help="the record of the base kernel's debug boot (scripts/debug-base.sh): "
                    'its splats do not fail the run (see the top of this file)')
    ap.add_argument('--record-base', default='', metavar='FILE',
                    help="write this log's record (a debug boot of the base kernel) to FILE")
    ap.add_argument('--base-key', default='', metavar='LINE',
                    help='the key line of the record: "# debug base: arch=A base=COMMIT config=HASH"')
    args = ap.parse_args(argv)
    if (args.base_splats or args.record_base) and not args.base_key.startswith(RECORD_KEY):
        ap.error(f'--base-splats and --record-base need --base-key "{RECORD_KEY}..."')
    if args.base_splats and args.record_base:
        ap.error('--base-splats and --record-base together')
    # kunit.py changes to the kernel tree: it is given absolute paths.
    args.out = os.path.abspath(args.out)
    # (a TESTS= of commas only still limits the run: to nothing)
    args.tests_given, args.tests = args.tests != '', args.tests.replace(',', ' ').split()
    return args


def main(argv):
    args = parse_args(argv)
    j = Judge(args)
    try:
        log = Log(args.log)
    except OSError as e:
        print(f'error: {args.log}: {e.strerror}', file=sys.stderr)
        return EXIT_INFRA
    judge_qemu(j, log)
    judge_build_id(j, log)
    if args.record_base:
        record_base(j, log)
        return j.status()
    if args.boot_only:
        boot_only(j, log)
        return j.status()
    os.makedirs(args.out, exist_ok=True)
    for ext in ('.junit.xml', '.ktap'):
        if os.path.lexists(os.path.join(args.out, args.label + ext)):
            os.remove(os.path.join(args.out, args.label + ext))
    judge_kunit(j, log)
    judge_init(j, log)
    judge_selftests(j, log)
    judge_regress(j, log)
    report(j, log)
    return j.status()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
