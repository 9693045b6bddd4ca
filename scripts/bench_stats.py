#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The statistics of the benchmark report (scripts/bench-report.py).

One source for every test and interval the report prints, so that the
harness test (scripts/tests/test-bench-stats.sh) checks the very code the
report runs:
  t_interval    mean of paired log ratios, Student t-interval, t-test p
  signed_rank_p Wilcoxon signed-rank test, exact (zeros dropped, midranks)
  bh_adjust     Benjamini-Hochberg adjusted p-values (q-values)
  mcnemar_p     exact McNemar test of paired yes/no outcomes
  relabel_counts  the A/A count under every relabelling of the two boots
                of each block, jointly over the endpoints (pool_aa: of
                several runs together)
  hier_boot     hierarchical bootstrap of pooled latency histograms:
                resample blocks, then calls within each boot
  old_boot_ci   the 2026-12-01 report's interval (bootstrap of medians of
                each kernel's boots separately), kept for the A/A
                simulation only
  simulate_aa   the false-positive rate of an interval when two kernels
                do not differ (simulate_aa_pooled: of hier_boot's p99
                ratio)
The t quantile is scipy's (Debian python3-scipy); the rest is numpy.
"""

import math

import numpy as np

SUB_BUCKETS = 16
FLAT = 1e-12   # an sd this small relative to the mean (or 1) is no spread


def t_interval(x, level=0.95):
    """Mean of x, its two-sided Student t-interval and t-test p (mean 0).

    Returns dict(n, mean, sd, lo, hi, p); lo, hi and p are None with
    fewer than two values, and with zero spread the interval is the mean
    itself and p is 0 (mean != 0) or 1.
    """
    from scipy.stats import t as student_t

    x = np.asarray([v for v in x if v is not None], float)
    n = len(x)
    out = dict(n=n, mean=float(np.mean(x)) if n else None, sd=None,
               lo=None, hi=None, p=None)
    if n < 2:
        return out
    sd = float(np.std(x, ddof=1))
    if sd <= FLAT * max(1.0, abs(out['mean'])):
        sd = 0.0  # equal values, up to rounding
    se = sd / math.sqrt(n)
    out['sd'] = sd
    if se == 0:
        out.update(lo=out['mean'], hi=out['mean'],
                   p=0.0 if out['mean'] != 0 else 1.0)
        return out
    q = float(student_t.ppf(0.5 + level / 2, n - 1))
    tstat = out['mean'] / se
    out.update(lo=out['mean'] - q * se, hi=out['mean'] + q * se,
               p=float(2 * student_t.sf(abs(tstat), n - 1)))
    return out


def ranks(a):
    """Ranks 1..n of a, ties given their mean rank (midranks)."""
    a = np.asarray(a, float)
    order = np.argsort(a, kind='mergesort')
    r = np.empty(len(a))
    i = 0
    while i < len(a):
        j = i
        while j + 1 < len(a) and a[order[j + 1]] == a[order[i]]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return r


def signed_rank_p(x):
    """Two-sided exact p of Wilcoxon's signed-rank test of x (H0: median 0).

    Zeros are dropped (Wilcoxon's convention); ties get midranks and the
    null distribution is the exact one of those ranks (all 2^n sign
    patterns, counted by dynamic programming over doubled ranks). Returns
    (p, W+, n used), p None when no nonzero value is left.
    """
    x = [v for v in x if v is not None and v != 0]
    n = len(x)
    if n == 0:
        return None, None, 0
    r2 = np.rint(2 * ranks(np.abs(x))).astype(int)  # doubled: integers
    wplus2 = int(sum(r for r, v in zip(r2, x) if v > 0))
    total = int(r2.sum())
    counts = np.zeros(total + 1, dtype=float)
    counts[0] = 1
    for r in r2:
        counts[r:] = counts[r:] + counts[:total + 1 - r].copy()
    counts /= counts.sum()
    lower = counts[:wplus2 + 1].sum()
    upper = counts[wplus2:].sum()
    return min(1.0, 2 * min(lower, upper)), wplus2 / 2, n


def bh_adjust(pvals):
    """Benjamini-Hochberg adjusted p-values, in the order given (None
    stays None and does not count as a test)."""
    idx = [i for i, p in enumerate(pvals) if p is not None]
    m = len(idx)
    out = [None] * len(pvals)
    if not m:
        return out
    order = sorted(idx, key=lambda i: pvals[i])
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvals[i] * m / rank)
        out[i] = running
    return out


def mcnemar_p(up, down):
    """Two-sided exact McNemar p of paired yes/no outcomes: up blocks
    where only the kernel said yes, down where only base did (1 when no
    block differs)."""
    from scipy.stats import binom

    if not up + down:
        return 1.0
    return min(1.0, 2 * float(binom.cdf(min(up, down), up + down, .5)))


def relabel_counts(logs, level=0.95, exact_max=16, sims=8192, seed=0):
    """The A/A count of t-intervals excluding 0, under relabelling.

    logs: one row per endpoint, one column per block, the block's log
    ratio of the two kernels (None or nan: missing). Base and base2 are
    one image in a random order, so swapping their labels in a block
    (the sign of that column) gives a run as likely as the one seen; all
    endpoints of a block are swapped together, so the correlation between
    endpoints is kept. Returns (observed count, counts under every sign
    pattern): all 2^(n-1) of them for n <= exact_max blocks (a pattern
    and its negation give the same count), else sims random ones (seeded).
    Each interval is t_interval's, zero spread included.
    """
    from scipy.stats import t as student_t

    x = np.array([[np.nan if v is None else v for v in row] for row in logs],
                 float).reshape(len(logs), -1)
    w = ~np.isnan(x)
    x = np.where(w, x, 0.0)
    k = w.sum(axis=1)
    use = k >= 2
    x, w, k = x[use], w[use], k[use]
    n = x.shape[1]
    if n < 2 or not len(x):
        return 0, np.zeros(1, int)
    if n <= exact_max:
        pats = ((np.arange(2 ** (n - 1))[:, None] >> np.arange(n - 1)) & 1)
        signs = np.hstack([np.ones((len(pats), 1)), 1 - 2 * pats])
    else:
        rng = np.random.default_rng(seed)
        signs = np.vstack([np.ones(n), 1 - 2 * rng.integers(0, 2,
                                                          (sims - 1, n))])
    q = student_t.ppf(0.5 + level / 2, k - 1)
    counts = []
    for lo in range(0, len(signs), 1024):
        y = signs[lo:lo + 1024, None, :] * x[None]
        mean = y.sum(axis=2) / k
        dev = (y - mean[..., None]) * w
        sd = np.sqrt((dev ** 2).sum(axis=2) / (k - 1))
        flat = sd <= FLAT * np.maximum(1.0, np.abs(mean))
        with np.errstate(divide='ignore', invalid='ignore'):
            excl = np.where(flat, mean != 0,
                            np.abs(mean) * np.sqrt(k) > q * sd)
        counts.append(excl.sum(axis=1))
    counts = np.concatenate(counts)
    return int(counts[0]), counts


def bucket_low_ns(i):
    """The lower bound of vma_bench's log-linear bucket i, in ns."""
    i = np.asarray(i)
    return 2.0 ** (i // SUB_BUCKETS) * (1 + (i % SUB_BUCKETS) / SUB_BUCKETS)


def quantile_from_counts(counts, lows, q):
    """Per row of counts (R x B, buckets ascending): the lower bound of the
    bucket that holds quantile q (the rank ceil(q n), as vma_bench)."""
    counts = np.atleast_2d(counts)
    cum = np.cumsum(counts, axis=1)
    total = cum[:, -1]
    rank = np.maximum(1, np.ceil(q * total - 1e-9))
    idx = np.argmax(cum >= rank[:, None], axis=1)
    out = lows[idx].astype(float)
    out[total == 0] = np.nan
    return out


def hier_boot(data, rng, resamples, quantiles=(.5, .99, .999),
              props=()):
    """Hierarchical bootstrap of pooled per-call latencies, paired by block.

    data: {kernel: [hist or None per block]}, every list in the same block
    order, a hist {bucket: count}; props: names of per-boot proportions,
    passed as data['_props'][name] = {kernel: [(n, fraction) or None per
    block]}. Each resample draws the blocks with replacement (the same
    blocks for every kernel, so ratios stay paired), then each drawn boot's
    calls with replacement from its histogram (a boot drawn c times gives
    c times its call count, multinomially), and pools them. A block that
    lacks any kernel's histogram is left out. Returns {kernel: {stat:
    (point, lo, hi, samples)}} with stat 'q0.5' ... (µs) and the props, the
    point estimate from the pooled original calls, the interval the 2.5 and
    97.5 percentiles.
    """
    props_in = data.get('_props', {})
    kernels = [k for k in data if k != '_props']
    nb = len(data[kernels[0]])
    keep = [j for j in range(nb) if all(data[k][j] for k in kernels)]
    if not keep:
        return {}
    buckets = sorted({i for k in kernels for j in keep for i in data[k][j]})
    pos = {b: n for n, b in enumerate(buckets)}
    lows = bucket_low_ns(np.array(buckets)) / 1000
    picks = rng.integers(0, len(keep), (resamples, len(keep)))
    times = np.stack([(picks == j).sum(axis=1) for j in range(len(keep))],
                     axis=1)  # R x blocks: how often each block was drawn
    out = {}
    for k in kernels:
        hists = []
        for j in keep:
            h = np.zeros(len(buckets))
            for i, c in data[k][j].items():
                h[pos[i]] += c
            hists.append(h)
        pooled = np.sum(hists, axis=0)
        boot = np.zeros((resamples, len(buckets)))
        for jj, h in enumerate(hists):
            n = int(h.sum())
            if n:
                boot += rng.multinomial(times[:, jj] * n, h / n)
        res = {}
        for q in quantiles:
            s = quantile_from_counts(boot, lows, q)
            res[f'q{q:g}'] = (float(quantile_from_counts(pooled, lows, q)[0]),
                              *np.nanpercentile(s, [2.5, 97.5]), s)
        for name, per in props_in.items():
            vals = per.get(k)
            if not vals or not all(vals[j] for j in keep):
                continue
            ns = np.array([vals[j][0] for j in keep], float)
            ps = np.clip(np.array([vals[j][1] for j in keep], float), 0, 1)
            hit = np.zeros(resamples)
            tot = (times * ns).sum(axis=1)
            for jj in range(len(keep)):
                hit += rng.binomial((times[:, jj] * ns[jj]).astype(int),
                                    ps[jj])
            s = hit / np.maximum(tot, 1)
            res[name] = (float((ns * ps).sum() / ns.sum()),
                         *np.percentile(s, [2.5, 97.5]), s)
        out[k] = res
    return out


def ratio_ci(num, den):
    """Point and percentile 95% interval of num/den from hier_boot's
    (point, lo, hi, samples) tuples of the same resamples."""
    with np.errstate(divide='ignore', invalid='ignore'):
        s = num[3] / den[3]
    s = s[np.isfinite(s)]
    if not den[0] or not len(s):
        return None
    lo, hi = np.percentile(s, [2.5, 97.5])
    return num[0] / den[0], float(lo), float(hi)


def old_boot_ci(num, den, rng, resamples):
    """The 2026-12-01 interval: ratio of medians, each kernel's boots
    resampled separately, percentile 95% interval."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    bn = np.median(num[rng.integers(0, len(num), (resamples, len(num)))],
                   axis=1)
    bd = np.median(den[rng.integers(0, len(den), (resamples, len(den)))],
                   axis=1)
    lo, hi = np.percentile(bn / bd, [2.5, 97.5])
    return float(lo), float(hi)


def simulate_aa(blocks, sims, rng, block_sd=0.3, boot_sd=0.2,
                old_resamples=400):
    """False-positive rates when the two kernels do not differ.

    Each simulated run has `blocks` blocks; a block shares a lognormal
    effect (block_sd: the machine's state that day) and each boot adds its
    own (boot_sd). Returns (rate of the paired t-interval on log ratios
    excluding 0, rate of signed-rank p < 0.05, rate of old_boot_ci
    excluding 1 on the same data).
    """
    t_hits = w_hits = o_hits = 0
    for _ in range(sims):
        b = rng.normal(0, block_sd, blocks)
        a = np.exp(5 + b + rng.normal(0, boot_sd, blocks))
        c = np.exp(5 + b + rng.normal(0, boot_sd, blocks))
        ti = t_interval(np.log(c / a))
        t_hits += ti['lo'] > 0 or ti['hi'] < 0
        w_hits += (signed_rank_p(np.log(c / a))[0] or 1) < 0.05
        lo, hi = old_boot_ci(c, a, rng, old_resamples)
        o_hits += lo > 1 or hi < 1
    return t_hits / sims, w_hits / sims, o_hits / sims


def hist_of(ns):
    """vma_bench's histogram {bucket: count} of latencies in ns."""
    ns = np.maximum(np.asarray(ns, float), 1)
    e = np.floor(np.log2(ns)).astype(int)
    b = e * SUB_BUCKETS + (SUB_BUCKETS * (ns / 2.0 ** e - 1)).astype(int)
    u, c = np.unique(b, return_counts=True)
    return dict(zip(u.tolist(), c.tolist()))


def simulate_aa_pooled(blocks, sims, rng, calls=300, block_sd=0.3,
                       boot_sd=0.2, resamples=300):
    """The false-positive rate of hier_boot's pooled p99 ratio interval
    when two kernels do not differ: each boot's calls lognormal (sigma 1,
    median 100 µs) times its block's and its own lognormal effect."""
    hits = 0
    for _ in range(sims):
        data = {'base': [], 'base2': []}
        for _ in range(blocks):
            b = rng.normal(0, block_sd)
            for k in data:
                scale = math.exp(b + rng.normal(0, boot_sd))
                data[k].append(hist_of(1e5 * scale *
                                       np.exp(rng.normal(0, 1, calls))))
        res = hier_boot(data, rng, resamples)
        _, lo, hi = ratio_ci(res['base2']['q0.99'], res['base']['q0.99'])
        hits += lo > 1 or hi < 1
    return hits / sims


def pool_aa(summaries):
    """The A/A counts of several runs together: [(k, m, counts)] (counts:
    the number of relabellings with 0, 1, ... exclusions of a run) ->
    (k, m, expected, P(>= k)), the runs' relabellings independent."""
    dist = np.ones(1)
    k_all = m_all = 0
    for k, m, counts in summaries:
        c = np.asarray(counts, float)
        dist = np.convolve(dist, c / c.sum())
        k_all, m_all = k_all + k, m_all + m
    expected = float((np.arange(len(dist)) * dist).sum())
    return k_all, m_all, expected, float(dist[k_all:].sum())


def main(argv):
    """Usage: bench_stats.py --simulate-aa BLOCKS [--sims N] [--seed N]
    | --pool-aa SUMMARY.json..."""
    import argparse

    ap = argparse.ArgumentParser(
        description='The statistics of scripts/bench-report.py (a module). '
        'As a command: the A/A false-positive rates of the paired '
        't-interval, the signed-rank test and the 2026-12-01 interval, '
        'simulated (lognormal block and boot effects); or the A/A counts '
        'of several reports pooled (--pool-aa).')
    ap.add_argument('--simulate-aa', type=int, metavar='BLOCKS',
                    help='blocks (boots per kernel) a run')
    ap.add_argument('--pool-aa', nargs='+', metavar='SUMMARY',
                    help="instead: the A/A counts of the reports' "
                    'summary.json files together, against their '
                    'relabellings')
    ap.add_argument('--sims', type=int, default=2000, metavar='N',
                    help='simulated runs (2000)')
    ap.add_argument('--block-sd', type=float, default=0.3, metavar='S',
                    help='sd of the log block effect (0.3; 0: none)')
    ap.add_argument('--seed', type=int, default=20261206, metavar='N')
    ap.add_argument('--pooled', action='store_true',
                    help="instead: the pooled p99 ratio's hierarchical "
                    'bootstrap interval (300 calls a boot, boot sd 0.2)')
    a = ap.parse_args(argv)
    if a.pool_aa:
        return print_pool_aa(ap, a.pool_aa)
    if a.simulate_aa is None:
        ap.error('want --simulate-aa BLOCKS or --pool-aa SUMMARY...')
    if a.simulate_aa < 2 or a.sims < 1:
        ap.error('--simulate-aa wants 2 blocks or more, --sims 1 or more')
    rng = np.random.default_rng(a.seed)
    head = f'A/A, {a.simulate_aa} blocks, {a.sims} runs, block sd ' \
        f'{a.block_sd:g}:'
    if a.pooled:
        r = simulate_aa_pooled(a.simulate_aa, a.sims, rng,
                               block_sd=a.block_sd)
        print(f'{head} the pooled p99 ratio interval (hierarchical '
              f'bootstrap) excludes 1 in {100 * r:.1f}%')
        return 0
    t, w, o = simulate_aa(a.simulate_aa, a.sims, rng, block_sd=a.block_sd)
    print(f'{head} paired t-interval excludes 1 in {100 * t:.1f}%, '
          f'signed-rank p < 0.05 in {100 * w:.1f}%, the 2026-12-01 '
          f'interval in {100 * o:.1f}%')
    return 0


def print_pool_aa(ap, paths):
    import json

    runs = []
    for path in paths:
        try:
            with open(path, encoding='utf-8') as f:
                aa = json.load(f)['aa']
            runs.append((aa['exclude_1'], aa['tests'],
                         aa['relabelled']['counts']))
        except (OSError, ValueError, KeyError, TypeError) as e:
            ap.error(f'{path}: not a summary.json with a relabelled A/A '
                     f'({e!r})')
    k, m, expected, p = pool_aa(runs)
    print(f'A/A over {len(runs)} runs: {k} of {m} intervals exclude 1 '
          f'({100 * k / m:.1f}%); expected if the labels did not matter '
          f'{expected:.1f} ({100 * expected / m:.1f}%); P(>= {k}) = {p:.3f}')
    return 0


if __name__ == '__main__':
    import sys

    sys.exit(main(sys.argv[1:]))
