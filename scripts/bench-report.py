#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Report the vma_bench results of a set of QEMU boots.

Usage: bench-report.py --manifest FILE [--out DIR] [--check]
                       [--plan FILE] [--resamples N] [--seed N]
                       [--samples CSV]

The manifest is a TSV file, one line per boot: kernel<TAB>block<TAB>logfile
(kernel: base, base2, series or hold; block: an integer, the boots of one
block ran together, one per kernel; a relative logfile is relative to the
manifest's directory; blank lines and lines starting with '#' are
ignored, but '# block order seed: N' is reported). base2 is the A/A
control, the base kernel booted again (scripts/bench.sh). Each console
log holds one '# VMA_BENCH {json}' line per benchmark invocation and, if
the boot completed, the guest init's line '# vma-retry-init: done
pass=P fail=F skip=S'.

A run is one record (one benchmark invocation); a configuration is the
workload and all its params. For each configuration and kernel the report
gives the number of runs and the median over runs of every metric. Every
comparison (series/base, hold/base, base2/base) is paired by block: the
per-block log ratio, its mean given back as a geometric mean ratio with a
95% t-interval, the t-test p and the exact signed-rank p; q is the
Benjamini-Hochberg adjustment over the series/base and hold/base tests of
the tables' endpoints. The A/A line counts the base2/base intervals that
exclude 1, and gives that count when base and base2 swap labels within
blocks (every way, all endpoints of a block together, so that their
correlation stays): its mean (the count expected if the labels did not
matter), 95th percentile and the share of relabellings that exclude as
many (an exact p); under it, each of those with the A/A
tests that move with it
(per-block log ratios correlated at |r| >= 0.9: one excursion of the
boots seen through several endpoints, not several false positives) and
its ratio in the blocks where base2 booted after base and in those where
it booted before (where the boot's position in its block matters, the
two differ). --plan FILE: the plan the boots ran; its '# primary: PAIR
WORKLOAD KEY=VALUE... METRIC' lines name the primary endpoints, listed
first. Pooled per-call latencies of the writers and fork (from their
histograms) get a hierarchical bootstrap, blocks then calls, --resamples
times with --seed. Documentation/benchmark.txt has the why.

--samples CSV: take the records from the samples.csv of an earlier report
instead of the logs (which results/ does not keep), to test an endpoint
added since: the paired tests, tables and ratio plot are made again, but
not the pooled latencies or the ECDFs (samples.csv has no histograms).

--out DIR (created) gets:
  samples.csv           one row per record, flattened (no histogram)
  summary.json          per configuration and kernel: runs, medians,
                        per-boot p99s, pooled histogram percentiles,
                        paired ratios; the tests, the A/A count, the
                        pooled latencies with their intervals
  tables.txt            the paired tests, the tables, the launch's
                        states (its boots split by their major faults)
                        and the pooled latency tables, also printed to
                        stdout
  writer_p99_vs_d.png, samevma_p99_vs_d.png, fork_p99_vs_d.png
                        p99 (ms) against D, each boot a point
  ecdf_*.png            P(latency > x) of each configuration, pooled and
                        per boot, log-log, ms; ecdf_launch.png: each of
                        the launch workload's call streams
  throughput_ratios.png the paired ratios of faults/s and rounds/s, each
                        block a point, log axis
A plot without data is skipped with a message on stderr (and an old file
of that name removed). Records that are not ok, or that have a coarse
clock, are in samples.csv but not in the medians, tables or plots.

Exit status. With --check (CI, on a quick run), --out optional: 0 when
every log completed (the done line is there), has at least one record and
every record parses, is ok and has a clock with res_ns <= 1000 that is not
jiffies; 1 when a record is not ok (its error is printed); 3 when a log is
missing or incomplete, has no records or an unparsable record, or a clock
is coarse (3 wins over 1). Timing values never count. Without --check the
same conditions are warnings, but a coarse clock or a record that is not
ok still gives 1 and a missing log 3, after everything that can be written
is written. 2: usage (bad arguments or manifest), before any work.
"""

import argparse
import csv
import json
import math
import os
import re
import statistics
import sys
import textwrap
import zlib

import bench_stats as stats
from bench_log import (BENCH_RE, DONE_RE, KERNELS, UsageError, log_lines,
                       read_manifest)

# base2/base is the A/A control: the base kernel booted again under another
# label (scripts/bench.sh), analysed exactly like the other two.
PAIRS = (('series', 'base'), ('hold', 'base'), ('base2', 'base'))
TESTED = PAIRS[:2]
# The launch workload's own: its summary and its per-call latencies
# (from the due time; fork_svc from each call's start).
LAUNCH_SECTIONS = ('launch', 'mmap', 'mprotect', 'pthread_create', 'fork',
                   'fork_svc', 'gc_mprotect')
SECTIONS = ('lat', 'svc', 'faults', 'memcg', 'swapin', 'mmap_lock',
            'vmstat') + LAUNCH_SECTIONS
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INFRA = 0, 1, 2, 3
HIER_RESAMPLES = 1000
SEED = 20261201
MAX_RES_NS = 1000
SUB_BUCKETS = 16
COLORS = {'base': 'tab:gray', 'base2': 'tab:olive', 'series': 'tab:blue',
          'hold': 'tab:red'}

# Exit status of each kind of problem: (with --check, without).
PROBLEMS = {
    'missing': (EXIT_INFRA, EXIT_INFRA),    # the log cannot be read
    'incomplete': (EXIT_INFRA, EXIT_OK),    # no done line, no or bad records
    'coarse': (EXIT_INFRA, EXIT_FAIL),      # clock missing, coarse or jiffies
    'notok': (EXIT_FAIL, EXIT_FAIL),        # a record with ok false
}

# Short names of the params in the row labels, in label order.
SHORT = {'op': 'op', 'delay_ms': 'D', 'vmas': 'K', 'threads': 'N',
         'nice': 'nice', 'rate': 'rate', 'duration_s': 'dur',
         'queue_depth': 'Q', 'size_mb': 'MB'}

LAT_ROWS = (('lat.p50_us', 'p50'), ('lat.p99_us', 'p99'),
            ('lat.p999_us', 'p99.9'), ('lat.max_us', 'max'))
WRITER_ROWS = (('lat.rate', 'rate/s'), ('faults.per_s', 'faults/s'))
VMSTAT_ROWS = (('vmstat.vma_lock_retry', 'vma_lock_retry'),
               ('vmstat.vma_lock_retry_vma', 'vma_lock_retry_vma'),
               ('vmstat.pgmajfault', 'pgmajfault'))


def is_num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v))


def writer_sel(op):
    return lambda w, pr: (w == 'writer' and pr.get('op') == op and
                          pr.get('rate') != 0 and pr.get('threads') != 0)


# The seven tables, numbered as the workloads of selftests/bench/README (1
# and 7 in parts): title, short name (plots), which
# configurations, the params of the row labels, the latency rows (metric,
# label), the other rows, the metric that the ratio columns are of, the
# endpoints of the paired tests (default: main), and the per-call
# latencies (lat: from the due time; svc: from the start) that the
# hierarchical bootstrap resamples (none: no latency table).
WRITER_ENDPOINTS = ('lat.p50_us', 'lat.p99_us', 'lat.rate', 'faults.per_s')
PER_BOOT = ('lat.p99_us', 'svc.p99_us')   # in summary.json, for the plots
TABLES = (
    dict(title='1a. unrelated-VMA writer, op mmap', short='writer mmap',
         sel=writer_sel('mmap'), rows=('delay_ms', 'threads', 'nice'),
         lat=LAT_ROWS, other=WRITER_ROWS, main='lat.p99_us',
         endpoints=WRITER_ENDPOINTS, hist='lat'),
    dict(title='1b. unrelated-VMA writer, op mprotect',
         short='writer mprotect', sel=writer_sel('mprotect'),
         rows=('delay_ms', 'threads', 'nice'),
         lat=LAT_ROWS, other=WRITER_ROWS, main='lat.p99_us',
         endpoints=WRITER_ENDPOINTS, hist='lat'),
    # svc.p99_us: the slowest calls' own time, which the series' higher
    # rate hides in the latency from the due time
    dict(title='2. same-VMA writer (samevma)', short='samevma',
         sel=lambda w, pr: w == 'samevma',
         rows=('delay_ms', 'threads', 'nice'),
         lat=LAT_ROWS, other=WRITER_ROWS, main='lat.p99_us',
         endpoints=WRITER_ENDPOINTS + ('svc.p99_us',), hist='lat'),
    # fork() is slower than the offered 50/s under TCG: from the due time
    # its latency would be the backlog, so the table is of each call's own
    # duration (svc)
    dict(title='3. fork() latency (each call from its start: svc)',
         short='fork',
         sel=lambda w, pr: w == 'fork', rows=('delay_ms', 'vmas', 'threads'),
         lat=(('svc.p50_us', 'p50'), ('svc.p99_us', 'p99'),
              ('svc.max_us', 'max')),
         other=(('faults.per_s', 'faults/s'),), main='svc.p99_us',
         endpoints=('svc.p50_us', 'svc.p99_us'), hist='svc'),
    dict(title='4. mmap_lock acquisitions per major fault (mmaplock)',
         short='mmaplock', sel=lambda w, pr: w == 'mmaplock',
         rows=('delay_ms', 'threads'), lat=(),
         other=(('mmap_lock.per_major', 'per major'),
                ('mmap_lock.acquisitions', 'acquisitions')) + VMSTAT_ROWS,
         main='mmap_lock.per_major'),
    dict(title='5. memcg thrash', short='memcg',
         sel=lambda w, pr: w == 'memcg', rows=('delay_ms', 'threads'), lat=(),
         other=(('memcg.rounds_per_s', 'rounds/s'),
                ('memcg.min_thread_rounds', 'min thr rounds'),
                ('memcg.max_gap_ms', 'max gap ms')) + VMSTAT_ROWS,
         main='memcg.rounds_per_s'),
    dict(title='6. swap-in (read a page, MADV_PAGEOUT it)',
         short='swapin', sel=lambda w, pr: w == 'swapin',
         rows=('delay_ms', 'threads'), lat=(),
         other=(('faults.per_s', 'reads/s'),
                ('swapin.swapins_per_s', 'swap-ins/s'),
                ('faults.major_frac', 'swap-ins/read'),
                ('swapin.min_thread_reads', 'min thr reads')) + VMSTAT_ROWS,
         main='faults.per_s'),
    dict(title='7a. page-cache-hit and slow-I/O faults without a writer (writer rate 0)',
         short='no writer',
         sel=lambda w, pr: w == 'writer' and pr.get('rate') == 0,
         rows=('delay_ms', 'threads'), lat=(),
         other=(('faults.per_s', 'faults/s'),
                ('faults.major_frac', 'major frac')),
         main='faults.per_s'),
    dict(title='7b. no-I/O faults: map, write every page, unmap (pagefault)',
         short='pagefault', sel=lambda w, pr: w == 'pagefault',
         rows=('op', 'threads'), lat=(),
         other=(('faults.per_s', 'faults/s'),), main='faults.per_s'),
    dict(title='7c. idle floor: the writer without faulters (threads 0)',
         short='idle floor',
         sel=lambda w, pr: (w == 'writer' and pr.get('threads') == 0 and
                            pr.get('rate') != 0),
         rows=('op',), lat=(('lat.p50_us', 'p50'), ('lat.p99_us', 'p99')),
         other=(), main='lat.p99_us'),
    # the app-launch emulator: the warm-start anchor's own metrics
    dict(title='8. app launch (launch; main-thread calls from the due time)',
         short='launch', sel=lambda w, pr: w == 'launch',
         rows=('delay_ms', 'queue_depth', 'threads', 'vmas'),
         lat=(('mmap.p50_us', 'mmap p50'), ('mmap.p99_us', 'mmap p99'),
              ('mprotect.p99_us', 'mprotect p99'),
              ('pthread_create.p99_us', 'pthread_create p99'),
              ('fork.p50_us', 'fork p50'), ('fork.p99_us', 'fork p99'),
              ('fork_svc.p50_us', 'fork svc p50'),
              ('gc_mprotect.p99_us', 'GC mprotect p99')),
         other=(('launch.makespan_ms', 'makespan ms'),
                ('mmap_lock.read_acq', 'mmap_lock read acq'),
                ('mmap_lock.read_wait_ms', 'read wait ms'),
                ('mmap_lock.write_acq', 'mmap_lock write acq'),
                ('mmap_lock.write_wait_ms', 'write wait ms'),
                ('mmap_lock.main_write_wait_ms', 'main thr write wait ms'),
                ('launch.majflt', 'major faults'),
                ('launch.vmas', 'VMAs')) + VMSTAT_ROWS,
         main='launch.makespan_ms',
         endpoints=('launch.makespan_ms', 'mmap_lock.read_acq',
                    'mmap_lock.read_wait_ms', 'mmap_lock.write_wait_ms',
                    'mmap.p99_us', 'fork.p99_us', 'launch.majflt')),
)


class Report:
    """The problems found, each with its kind (see PROBLEMS)."""

    def __init__(self, check):
        self.check = check
        self.problems = []

    def add(self, kind, msg):
        self.problems.append((kind, msg))
        code = PROBLEMS[kind][0 if self.check else 1]
        self.warn(msg, 'error' if self.check and code else 'warning')

    @staticmethod
    def warn(msg, word='warning'):
        print(f'bench-report: {word}: {msg}', file=sys.stderr)

    def status(self):
        col = 0 if self.check else 1
        codes = [PROBLEMS[k][col] for k, _ in self.problems]
        if EXIT_INFRA in codes:
            return EXIT_INFRA
        return EXIT_FAIL if EXIT_FAIL in codes else EXIT_OK


def parse_hist(text):
    """'i:c,i:c' -> {bucket: count}; raise ValueError if malformed."""
    hist = {}
    if not isinstance(text, str):
        raise ValueError('hist is not a string')
    for pair in filter(None, text.split(',')):
        i, _, c = pair.partition(':')
        if not (i.isdigit() and c.isdigit()):
            raise ValueError(f'bad hist pair {pair!r}')
        hist[int(i)] = hist.get(int(i), 0) + int(c)
    return hist


def bucket_low_ns(i):
    """The lower bound of log-linear bucket i, in ns."""
    return float(stats.bucket_low_ns(i))


def hist_quantile_us(hist, q):
    """The lower bound (µs) of the bucket holding quantile q."""
    total = sum(hist.values())
    if not total:
        return None
    rank, cum = max(1, math.ceil(q * total)), 0
    for i in sorted(hist):
        cum += hist[i]
        if cum >= rank:
            return bucket_low_ns(i) / 1000
    return None


def parse_record(raw):
    """Return (record, None) or (None, why it does not parse)."""
    try:
        rec = json.loads(raw)
    except ValueError as e:
        return None, f'bad JSON: {e}'
    if not isinstance(rec, dict):
        return None, 'not a JSON object'
    if rec.get('v') != 1:
        return None, f'unknown version v={rec.get("v")!r}'
    if not isinstance(rec.get('workload'), str):
        return None, 'no workload'
    params = rec.get('params')
    if not isinstance(params, dict) or any(
            isinstance(v, (dict, list)) for v in params.values()):
        return None, 'params is not an object of scalars'
    if not isinstance(rec.get('ok'), bool):
        return None, 'ok is not true or false'
    for sec in SECTIONS + ('clock',):
        if rec.get(sec) is not None and not isinstance(rec[sec], dict):
            return None, f'{sec} is not an object'
    try:
        for sec in ('lat', 'svc'):
            m = rec.get(sec) or {}
            rec[f'_{sec}_hist'] = parse_hist(m['hist']) if 'hist' in m \
                else None
        rec['_launch_hists'] = {
            sec: parse_hist(rec[sec]['hist']) for sec in LAUNCH_SECTIONS
            if 'hist' in (rec.get(sec) or {})}
    except ValueError as e:
        return None, str(e)
    return rec, None


def clock_problem(rec):
    clock = rec.get('clock')
    if not isinstance(clock, dict):
        return 'no clock'
    src, res = clock.get('source'), clock.get('res_ns')
    if src == 'jiffies':
        return 'clock source is jiffies'
    if not is_num(res):
        return 'clock has no res_ns'
    if res > MAX_RES_NS:
        return f'clock resolution {res:g} ns > {MAX_RES_NS} ns'
    return None


def clock_line(runs):
    """The guest clocks the records were timed with, as one line (a
    coarse one is also a problem: clock_problem)."""
    seen = {}
    for r in runs:
        key = (str(r['clock_source']), r['clock_res_ns'])
        seen[key] = seen.get(key, 0) + 1
    parts = [f'{src} ({res:g} ns resolution) in {n}' if is_num(res)
             else f'{src} (no resolution) in {n}'
             for (src, res), n in sorted(seen.items(), key=str)]
    return f'clock: {"; ".join(parts) or "none"} of {len(runs)} record(s)'


def metrics_of(rec):
    """The numeric fields of the metric sections, as 'section.field'."""
    out = {}
    for sec in SECTIONS:
        for k, v in (rec.get(sec) or {}).items():
            if is_num(v):
                out[f'{sec}.{k}'] = float(v)
    return out


def read_log(boot, report):
    """Return the runs of one boot's log, reporting its problems."""
    name = f'{boot["kernel"]} boot {boot["boot"]} ({boot["log"]})'
    try:
        lines = log_lines(boot['path'])
    except OSError as e:
        report.add('missing', f'{name}: cannot read: {e.strerror}')
        return []
    runs, done = [], False
    for n, line in enumerate(lines, 1):
        if DONE_RE.match(line):
            done = True
        m = BENCH_RE.match(line)
        if not m:
            continue
        rec, why = parse_record(m.group(1))
        if rec is None:
            report.add('incomplete', f'{name}:{n}: record does not '
                       f'parse: {why}')
            continue
        runs.append(make_run(boot, len(runs) + 1, n, rec, name, report))
    if not done:
        report.add('incomplete', f'{name}: no "# vma-retry-init: done" '
                   'line (boot did not complete)')
    if not runs:
        report.add('incomplete', f'{name}: no VMA_BENCH records')
    return runs


def csv_param(v):
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    return v


def read_samples(path):
    """The runs of a samples.csv (write_csv), without histograms."""
    runs = []
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            res = row['clock.res_ns']
            runs.append(dict(
                kernel=row['kernel'], boot=int(row['boot']),
                seq=int(row['seq']), line=int(row['line']),
                workload=row['workload'],
                params={k[7:]: csv_param(v) for k, v in row.items()
                        if k.startswith('params.') and v != ''},
                ok=row['ok'] == '1', error=row['error'],
                clock_source=row['clock.source'] or None,
                clock_res_ns=csv_param(res) if res else None,
                metrics={k: float(v) for k, v in row.items()
                         if k.split('.')[0] in SECTIONS and v != ''},
                hist=None, svc_hist=None, launch_hists={}, lat_from='due',
                used=row['used'] == '1'))
    return runs


def make_run(boot, seq, line, rec, name, report):
    clock = rec.get('clock') if isinstance(rec.get('clock'), dict) else {}
    error = '' if rec['ok'] else str(rec.get('error') or '')
    run = dict(kernel=boot['kernel'], boot=boot['boot'], seq=seq,
               line=line, workload=rec['workload'], params=rec['params'],
               ok=rec['ok'], error=error, clock_source=clock.get('source'),
               clock_res_ns=clock.get('res_ns'), metrics=metrics_of(rec),
               hist=rec['_lat_hist'], svc_hist=rec['_svc_hist'],
               launch_hists=rec['_launch_hists'],
               lat_from=(rec.get('lat') or {}).get('from', 'start'),
               used=False)
    where = f'{name}:{line}: {rec["workload"]} {label(rec["params"])}'
    if not rec['ok']:
        report.add('notok', f'{where}: not ok: '
                   f'{run["error"] or "(no error text)"}')
    why = clock_problem(rec)
    if why:
        report.add('coarse', f'{where}: {why}')
    if run['svc_hist'] is None and run['hist'] is not None and \
            run['lat_from'] == 'start':
        # a log from before the open-loop fix: its lat was svc
        run['svc_hist'] = run['hist']
        run['metrics'].update({'svc.' + m[4:]: v for m, v in
                               run['metrics'].items() if m[:4] == 'lat.'})
    hist, n = run['hist'], run['metrics'].get('lat.n')
    if hist is not None and n is not None and sum(hist.values()) != n:
        report.warn(f'{where}: hist counts {sum(hist.values())} '
                    f'!= lat.n {n:g}')
    run['used'] = rec['ok'] and not why
    return run


def sort_key(v):
    return (0, v, '') if is_num(v) else (1, 0, str(v))


def label(params, keys=None):
    """'D=2 N=8 nice=19': the given params (all if None), short names."""
    if keys is None:
        keys = sorted(params, key=param_order)
    return ' '.join(f'{SHORT.get(k, k)}={params.get(k, "-")}' for k in keys)


def config_key(run):
    return (run['workload'], json.dumps(run['params'], sort_keys=True))


def group_runs(runs):
    """{config key: {kernel: [runs]}} of the used runs."""
    groups = {}
    for r in runs:
        if r['used']:
            groups.setdefault(config_key(r), {}).setdefault(
                r['kernel'], []).append(r)
    return groups


def rnd(x):
    return None if x is None else float(f'{x:.6g}')


def per_block(runs, m):
    """{block: the boot's value of metric m} (the median if a boot has
    several runs of the configuration)."""
    import numpy as np

    vals = {}
    for r in runs:
        if m in r['metrics']:
            vals.setdefault(r['boot'], []).append(r['metrics'][m])
    return {b: float(np.median(v)) for b, v in vals.items()}


def paired_ratio(num_runs, den_runs, m):
    """The paired analysis of metric m: per block (a block holds one boot
    of each kernel) log(num/den), its mean and t-interval given back as a
    geometric mean ratio [95% CI], the t-test p and the exact signed-rank
    p. Blocks where either value is missing or not positive are left out.
    """
    num, den = per_block(num_runs, m), per_block(den_runs, m)
    blocks = sorted(b for b in set(num) & set(den)
                    if num[b] > 0 and den[b] > 0)
    if not blocks:
        return None
    logs = [math.log(num[b] / den[b]) for b in blocks]
    ti = stats.t_interval(logs)
    pw, _, _ = stats.signed_rank_p(logs)
    ex = (lambda v: None if v is None else rnd(math.exp(v)))
    return dict(ratio=ex(ti['mean']), ci_lo=ex(ti['lo']),
                ci_hi=ex(ti['hi']), n=len(blocks), p=rnd(ti['p']),
                p_signed_rank=rnd(pw),
                blocks={str(b): rnd(num[b] / den[b]) for b in blocks})


def summarize_kernel(runs):
    import numpy as np

    names = sorted({m for r in runs for m in r['metrics']})
    med = {m: rnd(float(np.median([r['metrics'][m] for r in runs
                                   if m in r['metrics']])))
           for m in names}
    out = dict(runs=len(runs), boots=sorted({r['boot'] for r in runs}),
               median=med,
               per_boot={m: [rnd(v) for _, v in sorted(
                   per_block(runs, m).items())] for m in PER_BOOT})
    majflt = per_block(runs, 'launch.majflt')
    span = per_block(runs, 'launch.makespan_ms')
    if majflt:
        out['per_boot_launch'] = [(b, majflt[b], span.get(b))
                                  for b in sorted(majflt)]
    hists = [r['hist'] for r in runs if r['hist']]
    out['lat_from'] = sorted({r['lat_from'] for r in runs if r['hist']})
    if hists:
        pooled = {}
        for h in hists:
            for i, c in h.items():
                pooled[i] = pooled.get(i, 0) + c
        out['pooled_hist'] = dict(
            n=sum(pooled.values()),
            **{f'{k}_us': rnd(hist_quantile_us(pooled, q)) for k, q in
               (('p50', .5), ('p90', .9), ('p99', .99),
                ('p999', .999))})
    return out


def summarize(groups):
    """The summary.json 'configs' list, sorted by workload and params."""
    out = []
    def order(key):
        params = json.loads(key[1])
        return key[0], [(k, sort_key(params[k]))
                        for k in sorted(params, key=param_order)]

    for key in sorted(groups, key=order):
        byk, params = groups[key], json.loads(key[1])
        entry = dict(workload=key[0], params=params, label=label(params),
                     kernels={k: summarize_kernel(byk[k])
                              for k in KERNELS if k in byk},
                     ratios={})
        for num, den in PAIRS:
            name = f'{num}/{den}'
            if num not in byk or den not in byk:
                entry['ratios'][name] = None
                continue
            common = sorted(set(entry['kernels'][num]['median']) &
                            set(entry['kernels'][den]['median']))
            entry['ratios'][name] = {
                m: paired_ratio(byk[num], byk[den], m) for m in common}
        out.append(entry)
    return out


# ---- the paired tests, the A/A control, the primary endpoints -----------

PRIMARY_RE = re.compile(r'^#\s*primary:\s*(.*?)\s*$')
LONG = {v: k for k, v in SHORT.items()}


def read_primaries(path):
    """The '# primary: KERNEL/base WORKLOAD KEY=VALUE... METRIC' lines of a
    plan, named before the run; raise UsageError on a malformed one."""
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f'cannot read plan {path}: {e}')
    out = []
    for n, line in enumerate(lines, 1):
        m = PRIMARY_RE.match(line)
        if not m:
            continue
        words = m.group(1).split()
        where = f'{path}:{n}'
        if len(words) < 3 or words[0] not in {f'{a}/{b}' for a, b in TESTED}:
            raise UsageError(f'{where}: want "# primary: series/base|'
                             'hold/base WORKLOAD KEY=VALUE... METRIC"')
        params = {}
        for w in words[2:-1]:
            k, eq, v = w.partition('=')
            if not eq or not k or not v:
                raise UsageError(f'{where}: {w!r} is not KEY=VALUE')
            params[LONG.get(k, k)] = v
        if '.' not in words[-1]:
            raise UsageError(f'{where}: the metric {words[-1]!r} is not '
                             'SECTION.FIELD (e.g. lat.p99_us)')
        out.append(dict(pair=words[0], workload=words[1], params=params,
                        metric=words[-1], text=' '.join(words)))
    return out


def is_primary(prim, pair, cfg, metric):
    return (prim['pair'] == pair and prim['workload'] == cfg['workload'] and
            prim['metric'] == metric and
            all(str(cfg['params'].get(k)) == v
                for k, v in prim['params'].items()))


def build_tests(configs, primaries):
    """Every paired test of the tables' endpoints: [dict(pair, table,
    config, metric, result, primary)], with q (Benjamini-Hochberg over the
    series/base and hold/base tests) and the A/A tests (base2/base) apart.
    """
    tests = []
    for spec in TABLES:
        for c in table_configs(spec, configs)[0]:
            for m in spec.get('endpoints', (spec['main'],)):
                for n, d in PAIRS:
                    r = (c['ratios'].get(f'{n}/{d}') or {}).get(m)
                    if not r or r['ci_lo'] is None:
                        continue
                    pair = f'{n}/{d}'
                    tests.append(dict(
                        pair=pair, table=spec['short'], config=c,
                        label=label(c['params'], table_configs(
                            spec, configs)[1]),
                        metric=m, result=r, primary=any(
                            is_primary(p, pair, c, m) for p in primaries)))
    family = [t for t in tests if t['pair'] != 'base2/base']
    for t, q in zip(family, stats.bh_adjust([t['result']['p']
                                             for t in family])):
        t['q'] = q
    return family, [t for t in tests if t['pair'] == 'base2/base']


def excludes_1(r):
    return r['ci_lo'] > 1 or r['ci_hi'] < 1


def metric_name(m, table):
    """p50, p99: of the table's latency (fork's is svc, each call's own
    time); svc p50, svc p99 where the table's is from the due time."""
    short = {'lat.rate': 'rate/s', 'lat.p50_us': 'p50', 'lat.p99_us': 'p99',
             'svc.p50_us': 'svc p50', 'svc.p99_us': 'svc p99'}
    if table == 'fork':
        short.update({'svc.p50_us': 'p50', 'svc.p99_us': 'p99'})
    return short.get(m, m)


def aa_line(aa, null):
    if not aa:
        return ['A/A control (base2/base): none (no base2 kernel in this '
                'run: the false-positive rate is not calibrated)']
    k = sum(excludes_1(t['result']) for t in aa)
    out = [f'A/A control (base2/base, the base booted again): {k} of '
           f'{len(aa)} intervals exclude 1 ({100 * k / len(aa):.1f}%; '
           'nominal 5%)']
    if null:
        ways = (f'all {null["patterns"]} ways' if null['exact'] else
                f'{null["patterns"]} of the ways, drawn at random')
        out.append(f'  relabelled (base and base2 swapped within blocks, '
                   f'{ways}, each block\'s endpoints together):')
        out.append(
            f'  expected if the labels did not matter {null["mean"]:.1f} '
            f'({100 * null["mean"] / len(aa):.1f}%), 95th percentile '
            f'{null["q95"]}; P(>= {k}) = {null["p"]:.3f}')
    return out


def aa_null(aa):
    """The A/A count's distribution when base and base2 are relabelled
    within blocks (bench_stats.relabel_counts): dict(patterns, exact,
    mean, q95, p = the share of relabellings with at least the count
    seen, counts = [number of relabellings with 0, 1, ... exclusions]);
    None without A/A tests or with fewer than two blocks."""
    import numpy as np

    if not aa:
        return None
    blocks = sorted({b for t in aa for b in block_logs(t)}, key=int)
    if len(blocks) < 2:
        return None
    logs = [[block_logs(t).get(b) for b in blocks] for t in aa]
    k, counts = stats.relabel_counts(logs)
    seen = sum(excludes_1(t['result']) for t in aa)
    if k != seen:   # the per-block ratios are kept to 6 digits
        Report.warn(f'A/A: {seen} intervals exclude 1, {k} from the '
                    'rounded per-block ratios')
    return dict(patterns=len(counts),
                exact=len(counts) == 2 ** (len(blocks) - 1),
                mean=rnd(float(counts.mean())),
                q95=int(np.quantile(counts, .95, method='higher')),
                p=rnd(float((counts >= k).mean())),
                counts=np.bincount(counts).tolist())


AA_R = 0.9   # |r| of A/A tests' per-block log ratios that move together


def block_logs(t):
    return {b: math.log(v) for b, v in t['result']['blocks'].items()
            if v and v > 0}


def correlation(x, y):
    """Pearson r of two {block: value} over their common blocks (None
    with fewer than three, or no spread)."""
    common = sorted(set(x) & set(y))
    if len(common) < 3:
        return None
    a = [x[b] for b in common]
    b = [y[b] for b in common]
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    sab = sum((u - ma) * (v - mb) for u, v in zip(a, b))
    saa = sum((u - ma) ** 2 for u in a)
    sbb = sum((v - mb) ** 2 for v in b)
    return sab / math.sqrt(saa * sbb) if saa > 0 and sbb > 0 else None


def aa_diagnostics(aa, positions):
    """For each A/A test whose interval excludes 1: the other A/A tests
    that move with it (per-block log ratios correlated at |r| >= AA_R: one
    excursion of the boots seen through several endpoints, not several
    false positives), and base2/base split by whether base2 booted after
    or before base in its block (positions: {(kernel, block): index in
    the block}). Returns (groups, [(test, [(other, r)], after, before)]),
    groups being the number of excluding tests that do not move with an
    earlier excluding one; after, before: (blocks, geometric mean)."""
    bad = [t for t in aa if excludes_1(t['result'])]
    logs = {id(t): block_logs(t) for t in aa}
    out, groups, seen = [], 0, []
    for t in bad:
        mates = []
        for o in aa:
            r = correlation(logs[id(t)], logs[id(o)]) if o is not t else None
            if r is not None and abs(r) >= AA_R:
                mates.append((o, r))
        if not any(o in seen for o, _ in mates):
            groups += 1
        seen.append(t)
        split = {True: [], False: []}
        for b, v in logs[id(t)].items():
            pb, pa = positions.get(('base2', int(b))), positions.get(
                ('base', int(b)))
            if pb is not None and pa is not None:
                split[pb > pa].append(v)
        gm = [(len(split[k]), f'{math.exp(sum(split[k]) / len(split[k])):.2f}'
               if split[k] else '-') for k in (True, False)]
        out.append((t, mates, gm[0], gm[1]))
    return groups, out


def render_tests(family, aa, primaries, plan, blocks, aa_diag, aa_rel):
    lines = ['Paired tests', '============',
             f'   blocks: {blocks} (a block is one boot of each kernel; '
             'the order of the boots is in manifest.tsv)',
             '   ratio: geometric mean over blocks of kernel/base '
             '[95% t-interval of the mean log ratio]; p: t-test;',
             '   pW: exact Wilcoxon signed-rank; q: Benjamini-Hochberg '
             f'over the {len(family)} series/base and hold/base tests',
             ] + ['   ' + x for x in aa_line(aa, aa_rel)]
    if aa:
        groups, diag = aa_diag
        if diag:
            lines.append(f'     in {groups} group(s) of endpoints that move '
                         f'together (per-block log ratios |r| >= {AA_R}):')
        for t, mates, after, before in diag:
            lines.append(f'     A/A excludes 1: {t["table"]} {t["label"]} '
                         f'{metric_name(t["metric"], t["table"])} '
                         f'{fmt_ratio(t["result"])}')
            for o, r in mates:
                lines.append(f'       moves with {o["table"]} {o["label"]} '
                             f'{metric_name(o["metric"], o["table"])} '
                             f'(r {r:.2f})')
            lines.append(f'       base2 booted after base: {after[1]} '
                         f'({after[0]} blocks); before: {before[1]} '
                         f'({before[0]} blocks)')
    head = ['', 'pair', 'table', 'config', 'metric', 'ratio [95% CI]', 'n',
            'p', 'pW', 'q']

    def row(t):
        r = t['result']
        return ['*' if t['primary'] else '', t['pair'], t['table'],
                t['label'], metric_name(t['metric'], t['table']),
                fmt_ratio(r),
                str(r['n']), fmt_p(r['p']), fmt_p(r['p_signed_rank']),
                fmt_p(t.get('q'))]

    prim = [t for t in family if t['primary']]
    lines.append('')
    if primaries:
        lines.append('Primary endpoints (* ; named in '
                     f'{os.path.basename(plan)} before the run):')
        missing = [p['text'] for p in primaries
                   if not any(is_primary(p, t['pair'], t['config'],
                                         t['metric']) for t in family)]
        for p in missing:
            lines.append(f'   (no data) {p}')
    else:
        lines.append('No primary endpoints named in the plan ("# primary:" '
                     'lines): every test below is secondary.')
    body = [row(t) for t in prim] + \
        [row(t) for t in family if not t['primary']]
    if not body:
        return lines + ['   (no paired tests: fewer than two blocks with '
                        'both kernels)', '']
    lines += layout([head] + body, left=5)
    return lines + ['']


def layout(rows, left):
    """Columns: the first `left` left-aligned, the others right-aligned."""
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ['  '.join(r[i].ljust(width[i]) if i < left else
                      r[i].rjust(width[i]) for i in range(len(r))).rstrip()
            for r in rows]


def fmt_p(p):
    if p is None:
        return '-'
    return f'{p:.3f}' if p >= 0.001 else f'{p:.0e}'


# ---- pooled per-call latency: hierarchical bootstrap --------------------

def hist_gt(hist, thr_us):
    """The fraction of calls in buckets whose lower bound is above thr_us
    (for logs without the exact fraction)."""
    n = sum(hist.values())
    return sum(c for i, c in hist.items()
               if bucket_low_ns(i) / 1000 > thr_us) / n if n else 0


def latency_config(c, byk, kind, seed, resamples):
    """The hierarchical bootstrap of one configuration: per kernel pooled
    p50/p99/p99.9 (µs), P(>1 ms) and P(>=D) with 95% intervals, the
    achieved rate (median over boots) and p99 / base's p99."""
    import numpy as np

    kernels = [k for k in KERNELS if k in byk]
    blocks = sorted({r['boot'] for k in kernels for r in byk[k]})
    hkey = 'hist' if kind == 'lat' else 'svc_hist'
    d_ms = c['params'].get('delay_ms') or 0
    data, props = {}, {'gt_1ms': {}, 'ge_d': {}}
    for k in kernels:
        byb = {r['boot']: r for r in byk[k] if r[hkey]}
        data[k] = [byb[b][hkey] if b in byb else None for b in blocks]
        for name in props:
            col = []
            for b in blocks:
                r = byb.get(b)
                if r is None:
                    col.append(None)
                    continue
                h = r[hkey]
                n = sum(h.values())
                v = r['metrics'].get(f'{kind}.{name}')
                if v is None:
                    v = hist_gt(h, 1000 if name == 'gt_1ms' else
                                d_ms * 1000 - 1e-9)
                col.append((n, v))
            props[name][k] = col
    if not d_ms:
        del props['ge_d']
    data['_props'] = props
    rng = np.random.default_rng(zlib.crc32(
        f'{seed}|{c["workload"]}|{c["label"]}|{kind}'.encode()))
    res = stats.hier_boot(data, rng, resamples, props=tuple(props))
    out = {}
    for k, st in res.items():
        rates = [r['metrics'].get(f'{kind}.rate') for r in byk[k]]
        rates = [v for v in rates if v is not None]
        offered = c['params'].get('rate')
        e = {name: [rnd(x) for x in v[:3]] for name, v in st.items()}
        e['calls'] = sum(sum(h.values()) for h in data[k] if h)
        e['rate'] = rnd(float(np.median(rates))) if rates else None
        e['rate_of_offered'] = (rnd(e['rate'] / offered)
                                if e['rate'] and offered else None)
        if k != 'base' and 'base' in res:
            rc = stats.ratio_ci(st['q0.99'], res['base']['q0.99'])
            e['p99_over_base'] = [rnd(x) for x in rc] if rc else None
        out[k] = e
    return out


def latency_tables(configs, groups, seed, resamples):
    """{table short: [(config, {kernel: stats})]} of the latency tables."""
    out = {}
    for spec in TABLES:
        if not spec.get('hist'):
            continue
        cfgs, keys = table_configs(spec, configs)
        rows = []
        for c in cfgs:
            byk = groups[(c['workload'], json.dumps(c['params'],
                                                    sort_keys=True))]
            res = latency_config(c, byk, spec['hist'], seed, resamples)
            if res:
                rows.append((c, label(c['params'], keys), res))
        out[spec['short']] = (spec, rows)
    return out


def fmt_ci_ms(v):
    if not v or v[0] is None:
        return '-'
    return f'{fmt(v[0] / 1000)} [{fmt(v[1] / 1000)},{fmt(v[2] / 1000)}]'


def fmt_ci_prob(v):
    if not v or v[0] is None:
        return '-'
    return f'{v[0]:.3f} [{v[1]:.3f},{v[2]:.3f}]'


def render_latency(lat, resamples):
    lines = []
    for short, (spec, rows) in lat.items():
        if not rows:
            continue
        kind = ('from the due time (open loop)' if spec['hist'] == 'lat'
                else "from each call's start")
        froms = {f for c, _, _ in rows for k in c['kernels'].values()
                 for f in k.get('lat_from', [])}
        if spec['hist'] == 'lat' and 'start' in froms:
            kind = ("from each call's start (a log from before the "
                    'open-loop fix)')
        lines += [f'L. {spec["title"]}: pooled per-call latency, ms',
                  f'   latency {kind}; [95% hierarchical bootstrap: '
                  f'blocks, then calls in each boot; {resamples} resamples]',
                  '   P(>D): latency at or above the I/O delay D; rate: '
                  'calls made per second, median over boots (of offered)']
        head = ['config', 'kernel', 'calls', 'p50', 'p99', 'p99.9',
                'P(>1ms)', 'P(>D)', 'rate/s', 'p99/base']
        body = []
        for c, lb, res in rows:
            first = True
            for k in KERNELS:
                if k not in res:
                    continue
                e = res[k]
                rate = '-' if e['rate'] is None else fmt(e['rate'])
                if e['rate_of_offered']:
                    rate += f' ({100 * e["rate_of_offered"]:.0f}%)'
                pb = e.get('p99_over_base')
                body.append([lb if first else '', k, str(e['calls']),
                             fmt_ci_ms(e['q0.5']), fmt_ci_ms(e['q0.99']),
                             fmt_ci_ms(e['q0.999']),
                             fmt_ci_prob(e.get('gt_1ms')),
                             fmt_ci_prob(e.get('ge_d')), rate,
                             f'{fmt_r(pb[0])} [{fmt_r(pb[1])},'
                             f'{fmt_r(pb[2])}]' if pb else ''])
                first = False
        lines += layout([head] + body, left=2) + ['']
    return '\n'.join(lines)


def fmt(x):
    """A median: integers as such, else about three digits; M: 10^6."""
    if x is None:
        return '-'
    a = abs(x)
    if a >= 1e6:
        return f'{x / 1e6:.2f}M'
    if x == int(x):
        return str(int(x))
    if a >= 100:
        return f'{x:.0f}'
    if a >= 10:
        return f'{x:.1f}'
    if a < 0.01:
        return f'{x:.2g}'
    return f'{x:.2f}'


def fmt_r(x):
    """A ratio: two decimals near 1, two digits with an exponent below."""
    a = abs(x)
    if a == 0:
        return '0'
    if a < 0.01:
        m, e = f'{x:.1e}'.split('e')
        return f'{m}e{int(e)}'
    if a < 0.1:
        return f'{x:.3f}'
    if a < 10:
        return f'{x:.2f}'
    return f'{x:.1f}' if a < 100 else f'{x:.0f}'


def fmt_ratio(r):
    if not r:
        return '-'
    if r['ci_lo'] is None:
        return f'{fmt_r(r["ratio"])} [unbounded]'
    return f'{fmt_r(r["ratio"])} [{fmt_r(r["ci_lo"])},{fmt_r(r["ci_hi"])}]'


def table_configs(spec, configs):
    """The table's configurations in row order, and the label params."""
    cfgs = [c for c in configs if spec['sel'](c['workload'], c['params'])]
    keys = row_keys(spec, cfgs)
    cfgs.sort(key=lambda c: [sort_key(c['params'].get(k)) for k in keys])
    return cfgs, keys


def row_keys(spec, cfgs):
    """The label params: the table's own, then others that vary."""
    keys = list(spec['rows'])
    others = sorted({k for c in cfgs for k in c['params']} - set(keys))
    for k in others:
        if len({json.dumps(c['params'].get(k)) for c in cfgs}) > 1:
            keys.append(k)
    return keys


def lat_unit(cfgs, metrics):
    """'ms' if the latencies are mostly 10 ms or more, else 'µs'."""
    vals = [v for c in cfgs for k in c['kernels'].values()
            for m, v in k['median'].items() if m in metrics and v]
    big = sorted(vals)[len(vals) // 2] >= 10000 if vals else False
    return ('ms', 1e-3) if big else ('µs', 1.0)


def render_table(spec, configs, kernels):
    """The text of one table."""
    cfgs, keys = table_configs(spec, configs)
    lines = [spec['title']]
    if not cfgs:
        return lines + ['   (no records)', '']
    unit, scale = lat_unit(cfgs, {m for m, _ in spec['lat']})
    metrics = [(m, lb, scale) for m, lb in spec['lat']] + \
        [(m, lb, 1.0) for m, lb in spec['other']]
    main = dict((m, lb) for m, lb, _ in metrics)[spec['main']]
    pairs = [(n, d) for n, d in PAIRS if n in kernels and d in kernels]
    runs = []
    for k in kernels:
        counts = sorted(c['kernels'][k]['runs'] if k in c['kernels'] else 0
                        for c in cfgs)
        span = (f'{counts[0]}' if counts[0] == counts[-1] else
                f'{counts[0]}-{counts[-1]}')
        runs.append(f'{k} {span}')
    unit = f' (latencies in {unit})' if spec['lat'] else ''
    lines.append(f'   medians over runs{unit}; runs per configuration: '
                 f'{", ".join(runs)}')
    if pairs:
        lines.append(f'   ratio columns: of {main} only, geometric mean over '
                     'blocks of the per-block ratio [95% t-interval]')
    head = ['config', 'metric'] + list(kernels) + \
        [f'{n}/{d} [CI]' for n, d in pairs]
    body = []
    for c in cfgs:
        first = True
        for m, lb, sc in metrics:
            row = [label(c['params'], keys) if first else '', lb]
            first = False
            for k in kernels:
                v = c['kernels'].get(k, {}).get('median', {}).get(m)
                row.append(fmt(None if v is None else v * sc))
            for n, d in pairs:
                rat = (c['ratios'].get(f'{n}/{d}') or {}).get(m)
                row.append(fmt_ratio(rat) if m == spec['main'] else '')
            body.append(row)
    width = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    for r in [head] + body:
        cells = [r[i].ljust(width[i]) if i < 2 else r[i].rjust(width[i])
                 for i in range(len(r))]
        lines.append('  '.join(cells).rstrip())
    return lines + ['']


def render_tables(configs, kernels):
    out = []
    for spec in TABLES:
        out += render_table(spec, configs, kernels)
    return '\n'.join(out)


STATE_GAP = 1.5   # the ratio of neighbouring boots' major faults that splits


def launch_states(configs, kernels):
    """The launch's boots by their major faults (launch.majflt): a boot of
    this workload settles in one of two states, read-around working or not
    (Documentation/benchmark.txt), and a kernel's median is then a mix.
    The boots of all kernels of a configuration, sorted, are split at the
    widest ratio between neighbours if it is at least STATE_GAP; then the
    number of each kernel's boots below it, with the exact McNemar p of
    series and hold against base (paired by block), and the median
    makespan of each side. Exploratory: the cut comes from the data."""
    lines = []
    cfgs, keys = table_configs(next(s for s in TABLES
                                    if s['short'] == 'launch'), configs)
    for c in cfgs:
        boots = {k: c['kernels'][k]['per_boot_launch'] for k in kernels
                 if c['kernels'].get(k, {}).get('per_boot_launch')}
        vals = sorted(m for v in boots.values() for _, m, _ in v)
        where = f'   {label(c["params"], keys)}: '
        if len(vals) < 2 or vals[0] <= 0:
            continue
        gap, i = max((vals[j + 1] / vals[j], j) for j in range(len(vals) - 1))
        if gap < STATE_GAP:
            lines.append(where + f'one state, {vals[0]:g}-{vals[-1]:g} '
                         'major faults')
            continue
        cut = vals[i]
        low = {k: {b: m <= cut for b, m, _ in v} for k, v in boots.items()}
        counts = []
        for k, v in boots.items():
            text = f'{k} {sum(low[k].values())}/{len(v)}'
            if k in ('series', 'hold') and 'base' in boots:
                common = set(low[k]) & set(low['base'])
                up = sum(low[k][b] and not low['base'][b] for b in common)
                down = sum(low['base'][b] and not low[k][b] for b in common)
                text += f' (p {fmt_p(stats.mcnemar_p(up, down))})'
            counts.append(text)
        lines.append(where + f'low {vals[0]:g}-{vals[i]:g}, high '
                     f'{vals[i + 1]:g}-{vals[-1]:g} major faults; boots low: '
                     + ', '.join(counts))
        med = []
        for k, v in boots.items():
            side = [[s for b, _, s in v if low[k][b] == want]
                    for want in (True, False)]
            med.append(f'{k} ' + '/'.join(
                f'{statistics.median(x):.0f}' if x else '-' for x in side))
        lines.append('     makespan median ms, low/high: ' + ', '.join(med))
    if not lines:
        return []
    return ['', 'Launch states (exploratory): the boots split by their major '
            f'faults at the widest gap (at least {STATE_GAP}x);',
            '   p: exact McNemar test of the kernel against base, paired '
            'by block'] + lines + ['']


def untabulated(configs):
    for c in configs:
        if not any(s['sel'](c['workload'], c['params']) for s in TABLES):
            yield c


def write_csv(path, runs):
    params = sorted({k for r in runs for k in r['params']})
    metrics = sorted({m for r in runs for m in r['metrics']},
                     key=lambda m: (SECTIONS.index(m.split('.')[0]), m))
    head = ['kernel', 'boot', 'seq', 'line', 'workload'] + \
        [f'params.{k}' for k in params] + \
        ['ok', 'used', 'error', 'clock.source', 'clock.res_ns'] + metrics
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(head)
        for r in sorted(runs, key=lambda r: (KERNELS.index(r['kernel']),
                                             r['boot'], r['seq'])):
            w.writerow([r['kernel'], r['boot'], r['seq'], r['line'],
                        r['workload']] +
                       [csv_val(r['params'].get(k)) for k in params] +
                       [int(r['ok']), int(r['used']), r['error'],
                    csv_val(r['clock_source']),
                    csv_val(r['clock_res_ns'])] +
                       [csv_val(r['metrics'].get(m)) for m in metrics])


def csv_val(v):
    if v is None:
        return ''
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v


def skip_plot(path, why):
    print(f'bench-report: skipping {os.path.basename(path)}: {why}',
          file=sys.stderr)
    if os.path.exists(path):
        os.remove(path)


def subplots(n):
    import matplotlib.pyplot as plt

    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 3.4 * rows),
                             squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat)


def param_order(k):
    return (list(SHORT).index(k) if k in SHORT else len(SHORT), k)


def split_params(cfgs, exclude):
    """The params other than exclude that vary among cfgs, and the rest."""
    names = sorted({k for c in cfgs for k in c['params']} - set(exclude),
                   key=param_order)
    vary = [k for k in names
            if len({json.dumps(c['params'].get(k)) for c in cfgs}) > 1]
    return vary, [k for k in names if k not in vary]


def plot_vs_d(path, cfgs, title, metric='lat.p99_us', idle=None):
    """p99 (ms) against D: one subplot per other params, one line per
    kernel, each boot's own p99 as a small point beside the median."""
    import matplotlib.pyplot as plt

    cfgs = [c for c in cfgs if any(k['median'].get(metric)
                                   for k in c['kernels'].values())]
    if not cfgs:
        return skip_plot(path, 'no data')
    vary, fixed = split_params(cfgs, ('delay_ms',))
    groups = {}
    for c in cfgs:
        groups.setdefault(tuple(json.dumps(c['params'].get(k))
                                for k in vary), []).append(c)
    order = sorted(groups, key=lambda g: [sort_key(json.loads(v))
                                          for v in g])
    fig, axes = subplots(len(order))
    for ax, g in zip(axes, order):
        ds, floors = set(), 0
        for ki, k in enumerate(KERNELS):
            pts = sorted(((c['params'].get('delay_ms'),
                           c['kernels'][k]['median'].get(metric),
                           c['kernels'][k].get('per_boot', {}).get(metric))
                          for c in groups[g] if k in c['kernels']),
                         key=lambda t: sort_key(t[0]))
            pts = [(d, v, pb) for d, v, pb in pts
                   if is_num(d) and v and v > 0]
            if not pts:
                continue
            ds.update(d for d, _, _ in pts)
            # D = 0 sits at x = 0.5 on the log axis; kernels side by side
            xs = [(d or 0.5) * 1.06 ** (ki - 1.5) for d, _, _ in pts]
            ax.plot(xs, [v / 1000 for _, v, _ in pts], marker='o',
                    color=COLORS[k], label=k)
            for x, (_, _, pb) in zip(xs, pts):
                vals = [v / 1000 for v in (pb or []) if v and v > 0]
                ax.plot([x] * len(vals), vals, ls='', marker='.', ms=3,
                        color=COLORS[k], alpha=.5)
            floor = idle(groups[g][0]['params'].get('op'), k) if idle else None
            if floor:
                ax.axhline(floor / 1000, color=COLORS[k], ls='--', lw=1,
                           label=None if floors else 'idle floor (dashed)')
                floors += 1
        ax.set_yscale('log')
        ax.set_xscale('log')
        ticks = sorted(ds)
        ax.set_xticks([d or 0.5 for d in ticks])
        ax.set_xticklabels([f'{d:g}' for d in ticks])
        ax.minorticks_off()
        ax.set_xlabel('D (ms of I/O delay per fault)')
        ax.set_ylabel('p99 (ms); dots: each boot')
        ax.set_title(' '.join(f'{SHORT.get(k, k)}={json.loads(v)}'
                              for k, v in zip(vary, g)), fontsize=9)
        ax.grid(True, which='both', alpha=.3)
        ax.legend(fontsize=7)
    const = label(cfgs[0]['params'], fixed)
    width = max(40, 50 * min(len(order), 3))
    fig.suptitle(textwrap.fill(f'{title}' + (f' ({const})' if const
                                               else ''), width), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None


def idle_floor(configs):
    """f(op, kernel) -> the median p99 of the idle floor configurations."""
    import numpy as np

    vals = {}
    floor = next(t for t in TABLES if t['short'] == 'idle floor')
    for c in table_configs(floor, configs)[0]:
        for k, s in c['kernels'].items():
            v = s['median'].get('lat.p99_us')
            if v:
                vals.setdefault((c['params'].get('op'), k), []).append(v)
    return lambda op, k: (float(np.median(vals[(op, k)]))
                          if (op, k) in vals else None)


def throughput_items(configs):
    """[(label, {kernel: ratio})] of the throughput metrics, table order;
    not fork's faults/s (the faulters of the fork workload only load the
    machine: their ratio is noise that would set the axis)."""
    items = []
    for spec in TABLES:
        if spec['short'] in ('mmaplock', 'idle floor', 'fork'):
            continue
        m = 'memcg.rounds_per_s' if spec['short'] == 'memcg' else \
            'faults.per_s'
        cfgs, keys = table_configs(spec, configs)
        for c in cfgs:
            bars = {n: (c['ratios'].get(f'{n}/{d}') or {}).get(m)
                    for n, d in PAIRS}
            bars = {n: r for n, r in bars.items() if r}
            if bars:
                unit = 'rounds/s' if m.startswith('memcg') else 'faults/s'
                items.append((f'{spec["short"]} {label(c["params"], keys)} '
                              f'{unit}', bars))
    return items


def plot_ratios(path, configs, kernels):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    items = throughput_items(configs)
    if not items:
        return skip_plot(path, 'no ratios (no base kernel, or no '
                         'throughput metric in it and another kernel)')
    fig, ax = plt.subplots(figsize=(9, 1.6 + 0.32 * len(items)))
    h = 0.25
    for j, (n, _) in enumerate(PAIRS):
        done = False
        for i, (_, bars) in enumerate(items):
            r = bars.get(n)
            if not r:
                continue
            y = i + (j - 1) * h
            if r['ci_lo'] is not None:
                ax.plot([r['ci_lo'], r['ci_hi']], [y, y], color=COLORS[n],
                        lw=2)
            ax.plot([r['ratio']], [y], marker='D', ms=5, color=COLORS[n],
                    ls='', label=None if done else f'{n}/base')
            pb = [v for v in (r.get('blocks') or {}).values() if v]
            ax.plot(pb, [y] * len(pb), marker='.', ms=4, ls='',
                    color=COLORS[n], alpha=.5)
            done = True
    ax.axvline(1, color='black', lw=1)
    ax.set_xscale('log')
    plain = FuncFormatter(lambda v, _: f'{v:g}')
    ax.xaxis.set_major_formatter(plain)
    ax.xaxis.set_minor_formatter(plain)
    ax.tick_params(axis='x', which='minor', labelsize=6)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([t for t, _ in items], fontsize=7)
    ax.set_ylim(len(items) - .5, -.5)
    ax.set_xlabel('kernel/base (log axis): geometric mean over blocks '
                  '[95% t-interval]; dots: each block')
    ax.set_title('throughput ratios to base (faults/s, memcg rounds/s); '
                 'base2/base is the A/A control')
    ax.legend(fontsize=8)
    ax.grid(True, axis='x', which='both', alpha=.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None


def survival(hist):
    """x (ms: bucket upper bounds) and P(latency > x) of a histogram."""
    import numpy as np

    idx = np.array(sorted(hist))
    cnt = np.array([hist[i] for i in idx], float)
    up = np.array([bucket_low_ns(i + 1) for i in idx]) / 1e6
    surv = 1 - np.cumsum(cnt) / cnt.sum()
    return up, surv


def save_figure(fig, path, title, dpi):
    import matplotlib.pyplot as plt

    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def draw_survival(ax, hists, d, title):
    """P(latency > x) of each kernel's histograms (hists: kernel -> list,
    one per boot) on log-log axes: pooled thick, each boot thin."""
    floor = 1.0
    for k in KERNELS:
        if not hists.get(k):
            continue
        pooled = {}
        for h in hists[k]:
            for i, n in h.items():
                pooled[i] = pooled.get(i, 0) + n
            x, y = survival(h)
            ax.step(x, y, where='post', color=COLORS[k], lw=.5, alpha=.5)
        x, y = survival(pooled)
        floor = min(floor, 1 / sum(pooled.values()))
        ax.step(x, y, where='post', color=COLORS[k], lw=2, label=k)
    if d:
        ax.axvline(d, color='black', ls=(0, (1, 2)), lw=1)
    ax.axvline(1, color='black', ls=(0, (6, 3)), lw=.8)
    ax.set_xscale('log')
    ax.set_yscale('log')
    ax.set_ylim(floor / 2, 1.5)
    ax.set_xlabel('latency (ms); dotted: D, dashed: 1 ms')
    ax.set_ylabel('P(latency > x)')
    ax.set_title(title, fontsize=9)
    ax.grid(True, which='both', alpha=.3)
    ax.legend(fontsize=7)


def plot_launch(path, configs, groups):
    """The launch workload's main-thread and GC calls, one panel per call
    and configuration, as plot_ecdf draws them."""
    import matplotlib.pyplot as plt

    spec = next(s for s in TABLES if s['short'] == 'launch')
    cfgs, keys = table_configs(spec, configs)
    streams = [sec for sec in LAUNCH_SECTIONS if sec != 'launch']
    panels = []
    for c in cfgs:
        byk = groups[(c['workload'], json.dumps(c['params'], sort_keys=True))]
        for sec in streams:
            hists = {k: [r['launch_hists'][sec] for r in byk.get(k, [])
                         if r['launch_hists'].get(sec)] for k in KERNELS}
            if any(hists.values()):
                panels.append((c, sec, hists))
    if not panels:
        return skip_plot(path, 'no data')
    fig, axes = plt.subplots(len(cfgs), len(streams), squeeze=False,
                             figsize=(3.2 * len(streams), 3 * len(cfgs)))
    for ax in axes.flat:
        ax.set_visible(False)
    for c, sec, hists in panels:
        ax = axes[cfgs.index(c)][streams.index(sec)]
        ax.set_visible(True)
        draw_survival(ax, hists, c['params'].get('delay_ms'),
                      f'{sec}: {label(c["params"], keys)}')
    return save_figure(fig, path, f'{spec["title"]}\nfork_svc from each '
                       "call's start; pooled (thick), each boot (thin)", 80)


def plot_ecdf(path, spec, configs, groups):
    """The per-call latency distribution of each configuration of a table,
    as P(latency > x) on log-log axes (the complementary ECDF, so that the
    tail is readable): pooled over the boots thick, each boot thin."""
    cfgs, keys = table_configs(spec, configs)
    hkey = 'hist' if spec['hist'] == 'lat' else 'svc_hist'
    cfgs = [c for c in cfgs if any(
        r[hkey] for rs in groups[(c['workload'], json.dumps(
            c['params'], sort_keys=True))].values() for r in rs)]
    if not cfgs:
        return skip_plot(path, 'no data')
    fig, axes = subplots(len(cfgs))
    for ax, c in zip(axes, cfgs):
        byk = groups[(c['workload'], json.dumps(c['params'], sort_keys=True))]
        draw_survival(ax, {k: [r[hkey] for r in byk.get(k, []) if r[hkey]]
                           for k in KERNELS}, c['params'].get('delay_ms'),
                      label(c['params'], keys))
    froms = {r['lat_from'] for c in cfgs for rs in groups[(
        c['workload'], json.dumps(c['params'], sort_keys=True))].values()
        for r in rs}
    kind = ('from the due time' if spec['hist'] == 'lat' and
            froms == {'due'} else "from each call's start")
    return save_figure(fig, path, f'{spec["title"]}\nlatency {kind}; pooled '
                       '(thick), each boot (thin)', 90)


def write_plots(out, configs, kernels, groups):
    import matplotlib
    matplotlib.use('Agg')

    writer = [c for s in TABLES[:2] for c in table_configs(s, configs)[0]]
    plot_vs_d(os.path.join(out, 'writer_p99_vs_d.png'), writer,
              'unrelated-VMA writer p99 against D', idle=idle_floor(configs))
    plot_vs_d(os.path.join(out, 'samevma_p99_vs_d.png'),
              table_configs(TABLES[2], configs)[0],
              'same-VMA writer p99 against D')
    plot_vs_d(os.path.join(out, 'fork_p99_vs_d.png'),
              table_configs(TABLES[3], configs)[0], 'fork() p99 against D',
              metric='svc.p99_us')
    plot_ratios(os.path.join(out, 'throughput_ratios.png'), configs,
                kernels)
    for spec in TABLES:
        if spec.get('hist'):
            name = spec['short'].replace(' ', '_')
            plot_ecdf(os.path.join(out, f'ecdf_{name}.png'), spec, configs,
                      groups)
    plot_launch(os.path.join(out, 'ecdf_launch.png'), configs, groups)


def write_outputs(out, boots, runs, report, args):
    kernels = [k for k in KERNELS if any(b['kernel'] == k for b in boots)]
    groups = group_runs(runs)
    configs = summarize(groups)
    family, aa = build_tests(configs, args.primaries)
    positions, seen = {}, {}
    for b in boots:   # the manifest lists the boots in the order they ran
        positions[(b['kernel'], b['boot'])] = seen.get(b['boot'], 0)
        seen[b['boot']] = seen.get(b['boot'], 0) + 1
    aa_diag = aa_diagnostics(aa, positions)
    aa_rel = aa_null(aa)
    lat = latency_tables(configs, groups, args.seed, args.resamples)
    for c in untabulated(configs):
        Report.warn(f'{c["workload"]} {c["label"]}: in no table (only '
                    'in samples.csv and summary.json)')
    write_csv(os.path.join(out, 'samples.csv'), runs)
    blocks = sorted({b['boot'] for b in boots})
    summary = dict(
        v=2, seed=args.seed, resamples=args.resamples, kernels=kernels,
        order_seed=args.order_seed,
        boots={k: sorted(b['boot'] for b in boots if b['kernel'] == k)
               for k in kernels},
        problems=[dict(kind=k, message=m) for k, m in report.problems],
        primaries=[p['text'] for p in args.primaries],
        tests=[dict(pair=t['pair'], table=t['table'], config=t['label'],
                    metric=t['metric'], primary=t['primary'], q=rnd(t['q']),
                    **{k: v for k, v in t['result'].items()})
               for t in family],
        aa=dict(tests=len(aa),
                exclude_1=sum(excludes_1(t['result']) for t in aa),
                groups=aa_diag[0], relabelled=aa_rel),
        latency={short: [dict(config=lb, kernels=res)
                         for _, lb, res in rows]
                 for short, (_, rows) in lat.items()},
        configs=configs)
    with open(os.path.join(out, 'summary.json'), 'w',
              encoding='utf-8') as f:
        json.dump(summary, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write('\n')
    head = [f'kernels: {" ".join(kernels)}; blocks: {len(blocks)}'
            + (f'; block order seed {args.order_seed}'
               if args.order_seed is not None else ''), clock_line(runs), '']
    text = '\n'.join(head + render_tests(family, aa, args.primaries,
                                         args.plan, len(blocks),
                                         aa_diag, aa_rel)) + \
        '\n' + render_tables(configs, kernels) + \
        '\n'.join(launch_states(configs, kernels)) + '\n' + \
        render_latency(lat, args.resamples)
    print(text)
    with open(os.path.join(out, 'tables.txt'), 'w', encoding='utf-8') as f:
        f.write(text + '\n')
    write_plots(out, configs, kernels, groups)


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description='Report the vma_bench results of a set of boots.',
        epilog='Exit status: 0 ok, 1 a record not ok (or, without '
        '--check, a coarse clock), 2 usage, 3 a log missing (with '
        '--check also: incomplete, without records, a bad record, a '
        'coarse clock).')
    ap.add_argument('--manifest', required=True, metavar='FILE',
                    help='TSV: kernel<TAB>boot<TAB>logfile per boot')
    ap.add_argument('--out', metavar='DIR',
                    help='write the report there (needed without --check)')
    ap.add_argument('--check', action='store_true',
                    help='only judge the logs (CI); exit 0, 1 or 3')
    ap.add_argument('--plan', metavar='FILE',
                    help='the plan the boots ran: its "# primary:" lines '
                    'name the primary endpoints')
    ap.add_argument('--resamples', type=int, default=HIER_RESAMPLES,
                    metavar='N', help='hierarchical bootstrap resamples '
                    f'({HIER_RESAMPLES})')
    ap.add_argument('--seed', type=int, default=SEED, metavar='N',
                    help=f'bootstrap seed ({SEED})')
    ap.add_argument('--samples', metavar='CSV',
                    help="an earlier report's samples.csv instead of the "
                    'logs (no pooled latencies or ECDFs)')
    args = ap.parse_args(argv)
    if not args.check and not args.out:
        ap.error('--out DIR is required (unless --check)')
    if args.resamples < 1:
        ap.error('--resamples must be at least 1')
    if args.out and os.path.exists(args.out) and not os.path.isdir(args.out):
        ap.error(f'--out {args.out} exists and is not a directory')
    if args.samples and (args.check or not os.path.isfile(args.samples)):
        ap.error('--samples needs a readable CSV file, and not --check')
    if args.samples and args.out and os.path.exists(os.path.join(
            args.out, 'samples.csv')) and os.path.samefile(
            args.samples, os.path.join(args.out, 'samples.csv')):
        ap.error('--samples: --out would overwrite it; give another --out')
    try:
        boots, args.order_seed = read_manifest(args.manifest)
        args.primaries = read_primaries(args.plan) if args.plan else []
    except UsageError as e:
        ap.error(str(e))
    return args, boots


def main(argv):
    args, boots = parse_args(argv)
    report = Report(args.check)
    if args.samples:
        try:
            runs = read_samples(args.samples)
        except (KeyError, ValueError, OSError) as e:
            print(f'bench-report: --samples {args.samples}: not a '
                  f'samples.csv of this script ({e!r})', file=sys.stderr)
            return EXIT_USAGE
    else:
        runs = [r for b in boots for r in read_log(b, report)]
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        write_outputs(args.out, boots, runs, report, args)
    status = report.status()
    if args.check:
        print(clock_line(runs))
        print(f'bench-report: {len(boots)} log(s), {len(runs)} record(s), '
              f'{len(report.problems)} problem(s): exit {status}')
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
