#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tables of vma_bench --breakdown records: where each writer call's time goes.

Usage: bench-breakdown.py [--help] OUTDIR...

OUTDIR is a scripts/bench.sh output directory (out/bench/ARCH): its
manifest.tsv names the boots' logs. For every configuration with a
"breakdown" record (vma_bench --breakdown) and every kernel, one table: each
component of a writer call (vma_bench.c's "breakdown" comment says what
each is) as the median over the boots of each boot's mean, p50, p90 and
max over all its calls, and of its mean over its slowest tenth of calls
(by svc, the call's own duration); then the wakers, the faulters' mmap_lock
read holds, the vmstat deltas per second and the calls made per second,
also medians over the boots, with their range; then each boot's means of
the main components (a boot can settle in a convoy or not). Times in ms, counts as they
are. A record that is not ok, or whose trace matched fewer lock events than
calls, is listed and left out.

Exit status: 0, 1 a record not ok or no breakdown record, 2 usage.
"""
import json
import os
import statistics
import sys

from bench_log import BENCH_RE, UsageError, log_lines, read_manifest

COMPONENTS = ('lat', 'svc', 'wr_wait', 'wr_hold', 'other', 'off_pre',
              'off_wait', 'off_hold', 'off_post', 'off_d', 'off_r', 'off_r_f',
              'wake_run', 'waker_d', 'waker_r', 'rd_start', 'rd_queued',
              'rd_hold', 'rd_hold_d', 'rd_hold_r')
COUNTS = ('rd_start', 'rd_queued')
PER_BOOT = ('svc', 'wr_wait', 'wr_hold', 'other', 'off_post', 'off_r_f')
STATS = (('mean', 0), ('p50', 1), ('p90', 2), ('max', 4))
VMSTAT = ('vma_lock_abort', 'vma_lock_retry', 'vma_lock_retry_vma',
          'vma_lock_miss', 'pgmajfault')
SHORT = {'delay_ms': 'D', 'threads': 'N', 'nice': 'nice', 'rate': 'rate',
         'duration_s': 'dur', 'size_mb': 'MB', 'no_dontneed': 'no_dontneed',
         'op': 'op', 'vmas': 'K'}


def usage(code):
    print(__doc__.strip().split('\n\n', 2)[1] if code else __doc__.strip(),
          file=sys.stderr if code else sys.stdout)
    sys.exit(code)


def records(outdir):
    """[(kernel, boot, record)] of the boots in OUTDIR's manifest."""
    try:
        boots, _ = read_manifest(os.path.join(outdir, 'manifest.tsv'))
        out = []
        for b in boots:
            for line in log_lines(b['path']):
                m = BENCH_RE.match(line)
                if m:
                    out.append((b['kernel'], b['boot'],
                                json.loads(m.group(1))))
    except (UsageError, OSError) as e:
        sys.exit(f'bench-breakdown: {e}')
    return out


def label(rec):
    p = rec['params']
    keys = ['delay_ms', 'threads', 'nice', 'rate', 'duration_s']
    keys += [k for k in ('op', 'no_dontneed', 'size_mb') if k in p]
    if rec['workload'] == 'fork':
        keys.append('vmas')
    if rec['workload'] != 'writer':
        keys = [k for k in keys if k != 'op']
    return rec['workload'] + ' ' + ' '.join(
        f'{SHORT[k]}={p[k]}' for k in keys)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, ms=True):
    if v is None:
        return '-'
    if ms:
        v /= 1000
        return f'{v:.3f}' if abs(v) < 10 else f'{v:.1f}'
    return f'{v:.1f}' if v < 100 else f'{v:.0f}'


def rng(values, ms=False, digits=0):
    values = [v for v in values if v is not None]
    if not values:
        return '-'
    if ms:
        values = [v / 1000 for v in values]
    m = statistics.median(values)
    return (f'{m:.{digits}f} [{min(values):.{digits}f}, '
            f'{max(values):.{digits}f}]')


def table(name, byk):
    kernels = [k for k in ('base', 'base2', 'series', 'hold') if k in byk]
    print(f'\n{name}')
    print('  ' + ', '.join(f'{k}: {len(byk[k])} boots' for k in kernels) +
          '; ms (rd_start, rd_queued: counts); medians over the boots')
    head = f'  {"":10}'
    for k in kernels:
        head += f' | {k:<8}' + ''.join(f' {n:>8}' for n, _ in STATS[1:]) + \
                f' {"slow10%":>9}'
    print(head)
    for c in COMPONENTS:
        row = f'  {c:10}'
        ms = c not in COUNTS
        for k in kernels:
            bds = [r['breakdown'] for r in byk[k]]
            row += ' |' + ''.join(
                f' {fmt(med([b["all"][c][i] for b in bds if c in b["all"]]), ms):>8}'
                for _, i in STATS)
            row += f' {fmt(med([b["slow"][c][0] for b in bds if c in b["slow"]]), ms):>9}'
        print(row)
    for k in kernels:
        rs = byk[k]
        bds = [r['breakdown'] for r in rs]
        secs = [r['params']['duration_s'] for r in rs]
        print(f'  {k}:')
        print('    calls made/s ' + rng([r['lat']['rate'] for r in rs]) +
              ', faults/s ' + rng([(r.get('faults') or {}).get('per_s')
                                  for r in rs]) +
              ', major frac ' + rng([(r.get('faults') or {}).get('major_frac')
                                     for r in rs], digits=3) +
              ', calls with their lock events ' +
              ' '.join(f'{b["matched"]}/{b["calls"]}' for b in bds) +
              ', trace events ' + rng([b['events'] for b in bds]))
        for w in ('hold_waker', 'wait_waker'):
            tot = {x: sum(b[w][x] for b in bds) for x in bds[0][w]}
            n = sum(tot.values()) or 1
            print(f'    {w} (last waker of the writer while it '
                  f'{"held" if w == "hold_waker" else "waited for"} the '
                  'lock), share of calls: ' +
                  ', '.join(f'{x} {tot[x] / n:.2f}' for x in tot))
        print('    faulters\' mmap_lock read holds/s ' +
              rng([b['rd']['holds'] / s for b, s in zip(bds, secs)]) +
              ', mean hold ' + rng([b['rd']['hold_mean_us'] for b in bds],
                                   ms=True, digits=3) + ' ms' +
              ', share with D time ' +
              rng([b['rd']['holds_d'] / b['rd']['holds']
                   if b['rd']['holds'] else None for b in bds], digits=3) +
              ', their mean D ' + rng([b['rd']['d_mean_us'] for b in bds],
                                       ms=True, digits=3) + ' ms')
        print('    vmstat/s: ' + ', '.join(
            f'{v} ' + rng([r['vmstat'][v] / s if r['vmstat'].get(v)
                           is not None else None
                           for r, s in zip(rs, secs)])
            for v in VMSTAT))
        for r in sorted(rs, key=lambda r: r['_boot']):
            a, s = r['breakdown']['all'], r['params']['duration_s']
            print(f'    boot {r["_boot"]}: calls/s {r["lat"]["rate"]:.0f}, '
                  'means (ms) ' + ', '.join(
                      f'{c} {a[c][0] / 1000:.3g}' for c in PER_BOOT
                      if c in a) +
                  f', rd_queued {a["rd_queued"][0]:.1f}/call, '
                  f'vma_lock_abort {r["vmstat"]["vma_lock_abort"] / s:.0f}/s')
        if any('touch' in r for r in rs):
            print('    touch.wraps ' + ' '.join(
                str(r['touch']['wraps']) for r in rs) + ' (slice ' +
                str(rs[0]['touch']['slice_pages']) + ' pages)')


def main(argv):
    if not argv or argv[0] in ('-h', '--help'):
        usage(0 if argv else 2)
    bad = 0
    for outdir in argv:
        if not os.path.isdir(outdir):
            print(f'bench-breakdown: no directory {outdir}', file=sys.stderr)
            sys.exit(2)
    for outdir in argv:
        print(f'== {outdir}')
        groups, order = {}, []
        for kernel, boot, rec in records(outdir):
            if 'breakdown' not in rec['params']:
                continue
            bd = rec.get('breakdown')
            if not rec.get('ok') or not bd or bd['matched'] < bd['calls']:
                why = rec.get('error') or (
                    f'{bd["matched"]} of {bd["calls"]} calls matched'
                    if bd else 'no breakdown')
                print(f'  left out: {kernel} boot {boot} {label(rec)}: {why}')
                bad += 1
                continue
            key = label(rec)
            if key not in groups:
                groups[key] = {}
                order.append(key)
            rec['_boot'] = boot
            groups[key].setdefault(kernel, []).append(rec)
        if not groups:
            print('  no breakdown records')
            bad += 1
        for key in order:
            table(key, groups[key])
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
