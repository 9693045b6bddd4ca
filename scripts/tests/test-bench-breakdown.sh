#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test of vma_bench --breakdown's trace parser, on a hand-made trace.
# Boots nothing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--help]

Compiles selftests/bench/vma_bench.c with the host's cc into a harness
that runs its --breakdown parser (bd_parse(), bd_print()) on
scripts/tests/fixtures/breakdown.trace: two writer calls of thread 100
with faulters 101-103, written by hand so that every component of the
first call has a known value (the writer waits 255 us for the mmap_lock,
240 of them off-CPU in D, woken by faulter 101 as it releases a read hold
of 1250 us in which it slept 1000 us in D and was preempted 50 us; holds
it 135 us, 80 of them off-CPU, woken by faulter 103 that was preempted
for 150 us; 19 us from the writer's two wakeups to running; faulter 102
queues for the read lock meanwhile), the second a quick call without
contention but preempted by faulter 101 for 10 us after it released
the lock, and a lock cycle of the writer before the first call that
must not count; and scripts/tests/fixtures/breakdown-fork.trace: one
fork() call that takes the child's mmap_lock nested, releases it first
(which ends the hold) and sleeps 600 us in it until faulter 101 wakes it,
with the child's own lock events that must not count. Checks every value
of the records against the hand values, then that a trace which lost
events fails.
Takes about 2 s. Exit status 1 on any failure.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

command -v cc >/dev/null || die "no C compiler (cc) on the host"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/harness.c" <<EOF_C
#define _GNU_SOURCE
#include <unistd.h>
/* the writer is thread 100 of the trace */
#define getpid() 100
#define main vma_bench_main
#include "$VMA_RETRY_ROOT/selftests/bench/vma_bench.c"
#undef main

int main(int argc, char **argv)
{
	int i, ret;

	/* DIR, then each call's due, start and end time (ns) */
	opt.threads = 3;
	bd_thread(100, true);
	for (i = 101; i <= 103; i++)
		bd_thread(i, true);
	snprintf(trace_inst, sizeof(trace_inst), "%s", argv[1]);
	nbd = (size_t)(argc - 2) / 3;
	bd = calloc(nbd, sizeof(*bd));
	for (i = 0; i < (int)nbd; i++) {
		bd[i].due = atoll(argv[2 + 3 * i]);
		bd[i].start = atoll(argv[3 + 3 * i]);
		bd[i].end = atoll(argv[4 + 3 * i]);
	}
	ret = bd_parse();
	printf("{\"ret\":%d,\"error\":\"%s\"", ret, ret ? errbuf : "");
	bd_print(stdout);
	printf("}\n");
	return 0;
}
EOF_C
cc -O1 -o "$tmp/harness" "$tmp/harness.c" -lpthread -lm
mkdir "$tmp/ok" "$tmp/lost" "$tmp/fork"
cp "$VMA_RETRY_ROOT/scripts/tests/fixtures/breakdown.trace" "$tmp/ok/trace"
sed 's|entries-written: 27/27|entries-written: 27/29|' "$tmp/ok/trace" >"$tmp/lost/trace"
cp "$VMA_RETRY_ROOT/scripts/tests/fixtures/breakdown-fork.trace" "$tmp/fork/trace"
touch "$tmp/ok/tracing_on" "$tmp/lost/tracing_on" "$tmp/fork/tracing_on"
calls=(99999000000 100000005000 100000500000 100001000000 100001000000 100001050000)
"$tmp/harness" "$tmp/ok" "${calls[@]}" >"$tmp/ok.json"
"$tmp/harness" "$tmp/lost" "${calls[@]}" >"$tmp/lost.json"
"$tmp/harness" "$tmp/fork" 200000000000 200000010000 200003010000 >"$tmp/fork.json"
/usr/bin/python3 - "$tmp/ok.json" "$tmp/lost.json" "$tmp/fork.json" <<'EOF_PY' || { echo "test-bench-breakdown: FAIL" >&2; exit 1; }
import json
import sys



def load(path):
    with open(path, encoding='utf-8') as f:
        rec = json.load(f)
    return dict(rec['breakdown'], ret=rec['ret'], error=rec['error'])


ok, lost = load(sys.argv[1]), load(sys.argv[2])
# the first call, by hand (us); the second: 1 us wait, 24 hold, 50 svc
first = dict(lat=1500, svc=495, wr_wait=255, wr_hold=135, other=105,
             off_pre=0, off_wait=240, off_hold=80, off_post=0, off_d=320,
             off_r=0, off_r_f=0, wake_run=19, waker_d=0,
             waker_r=150, rd_start=1, rd_queued=1, rd_hold=1250,
             rd_hold_d=1000, rd_hold_r=50)
second = dict(first, lat=50, svc=50, wr_wait=1, wr_hold=24, other=25,
              off_post=10, off_r=10, off_r_f=10,
              **{k: 0 for k in ('off_wait', 'off_hold', 'off_d', 'wake_run',
                                'waker_d', 'rd_hold_r', 'waker_r', 'rd_start',
                                'rd_queued', 'rd_hold', 'rd_hold_d')})
bad = []


def want(what, got, exp):
    if abs(got - exp) > 1e-6:
        bad.append(f'{what}: {got}, want {exp}')


want('ret', ok['ret'], 0)
for k in ('calls', 'matched'):
    want(k, ok[k], 2)
want('events', ok['events'], 27)
want('hold_waker.faulter', ok['hold_waker']['faulter'], 1)
want('hold_waker.none', ok['hold_waker']['none'], 1)
want('wait_waker.faulter', ok['wait_waker']['faulter'], 1)
want('wait_waker.none', ok['wait_waker']['none'], 1)
want('rd.acq', ok['rd']['acq'], 2)
want('rd.holds', ok['rd']['holds'], 1)
want('rd.hold_mean_us', ok['rd']['hold_mean_us'], 1250)
want('rd.holds_d', ok['rd']['holds_d'], 1)
want('rd.d_mean_us', ok['rd']['d_mean_us'], 1000)
want('slow.n', ok['slow']['n'], 1)
for k, v in first.items():
    a, b = sorted((v, second[k]))
    # [mean, p50, p90, p99, max] of two calls; the slowest tenth: the first
    for i, exp in enumerate(((a + b) / 2, a, b, b, b)):
        want(f'all.{k}[{i}]', ok['all'][k][i], exp)
    want(f'slow.{k}[0]', ok['slow'][k][0], v)
# fork(): the child's mmap_lock, taken nested and released first, ends
# the hold; the child's own lock events do not count
fork = load(sys.argv[3])
want('fork ret', fork['ret'], 0)
for k, exp in (('calls', 1), ('matched', 1), ('events', 12)):
    want(f'fork {k}', fork[k], exp)
want('fork hold_waker.faulter', fork['hold_waker']['faulter'], 1)
want('fork rd.acq', fork['rd']['acq'], 0)
for k in first:
    exp = dict(lat=3010, svc=3000, wr_wait=10, wr_hold=2870, other=120,
               off_hold=600, off_d=600, wake_run=100).get(k, 0)
    want(f'fork all.{k}[0]', fork['all'][k][0], exp)
if lost['ret'] != -1 or 'lost 2 events' not in lost['error']:
    bad.append(f'a trace that lost events: ret {lost["ret"]}, {lost["error"]!r}')
for b in bad:
    print(f'test-bench-breakdown: {b}', file=sys.stderr)
sys.exit(1 if bad else 0)
EOF_PY
echo "test-bench-breakdown: all checks passed" >&2
