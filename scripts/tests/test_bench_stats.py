#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The checks of scripts/tests/test-bench-stats.sh (see its --help)."""

import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))

import numpy as np  # noqa: E402

import bench_stats as st  # noqa: E402

REPORT = os.path.join(ROOT, 'scripts', 'bench-report.py')
FIXTURE = os.path.join(ROOT, 'scripts', 'tests', 'fixtures',
                       'bench-quick.log')


class TInterval(unittest.TestCase):
    def test_hand_example(self):
        # x = 0.1 0.3 -0.1 0.2 0.5: mean 0.2, squared deviations
        # .01+.01+.09+0+.09 = .2, s^2 = .2/4 = .05, se = sqrt(.05/5) = 0.1;
        # t(0.975, 4) = 2.776445 (tables): 0.2 -+ 0.2776445; t = 2 with
        # 4 df: two-sided p = 0.1161165
        r = st.t_interval([0.1, 0.3, -0.1, 0.2, 0.5])
        self.assertEqual(r['n'], 5)
        self.assertAlmostEqual(r['mean'], 0.2, places=12)
        self.assertAlmostEqual(r['sd'], math.sqrt(0.05), places=12)
        self.assertAlmostEqual(r['lo'], 0.2 - 0.2776445, places=6)
        self.assertAlmostEqual(r['hi'], 0.2 + 0.2776445, places=6)
        self.assertAlmostEqual(r['p'], 0.1161165, places=6)

    def test_degenerate(self):
        self.assertIsNone(st.t_interval([0.3])['lo'])
        # equal values (up to rounding): the interval is the mean
        r = st.t_interval([0.2, 0.2, 0.2])
        self.assertEqual(r['sd'], 0.0)
        self.assertEqual((r['lo'], r['hi'], r['p']),
                         (r['mean'], r['mean'], 0.0))


class SignedRank(unittest.TestCase):
    def test_table_value_n10(self):
        # n = 10, two-sided 5%: the tables' critical value of the smaller
        # rank sum is 8. Negative ranks 1 and 7 (W- = 8): 25 of the 1024
        # sign patterns have W- <= 8, p = 50/1024; ranks 1 and 8
        # (W- = 9): 33 patterns, p = 66/1024 > 0.05.
        p, wplus, n = st.signed_rank_p([-1, 2, 3, 4, 5, 6, -7, 8, 9, 10])
        self.assertEqual((wplus, n), (47, 10))
        self.assertAlmostEqual(p, 50 / 1024, places=12)
        p, _, _ = st.signed_rank_p([-1, 2, 3, 4, 5, 6, 7, -8, 9, 10])
        self.assertAlmostEqual(p, 66 / 1024, places=12)

    def test_scale_free_zeros_and_ties(self):
        # only the ranks count; a zero is dropped: all five positive,
        # p = 2/2^5
        p, _, n = st.signed_rank_p([0.5, 3, 0.01, 7, 2, 0])
        self.assertEqual(n, 5)
        self.assertAlmostEqual(p, 2 / 32, places=12)
        # three tied magnitudes (midrank 2 each), two positive: W+ = 4 of
        # the sums 0,2,2,2,4,4,4,6: P(W+ >= 4) = 1/2, p = 1
        p, wplus, _ = st.signed_rank_p([1, 1, -1])
        self.assertEqual(wplus, 4)
        self.assertAlmostEqual(p, 1.0, places=12)


class BenjaminiHochberg(unittest.TestCase):
    def test_hand_example(self):
        # sorted 0.005 0.01 0.03 0.04, m = 4: p m / rank = 0.02 0.02 0.04
        # 0.04, already monotone; back in the order given
        q = st.bh_adjust([0.01, 0.04, 0.03, 0.005, None])
        for a, b in zip(q[:4], [0.02, 0.04, 0.04, 0.02]):
            self.assertAlmostEqual(a, b, places=12)
        self.assertIsNone(q[4])

    def test_step_up(self):
        # 0.04 * 2 / 1 = 0.08, but the larger p 0.041 * 2 / 2 = 0.041
        # caps it (step-up: q is the minimum over the larger ranks)
        q = st.bh_adjust([0.04, 0.041])
        self.assertAlmostEqual(q[0], 0.041, places=12)
        self.assertAlmostEqual(q[1], 0.041, places=12)


def load_report():
    import importlib.util

    spec = importlib.util.spec_from_file_location('bench_report', REPORT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Paired(unittest.TestCase):
    def test_pairs_by_block(self):
        # the blocks differ 100-fold, the series is 0.9 of the base in
        # each: paired, the ratio is 0.9 with no spread; a block that only
        # one kernel has, or a value that is not positive, is left out
        br = load_report()
        run = (lambda b, v: dict(boot=b, metrics={'m': v}))
        base = [run(1, 1.0), run(2, 10.0), run(3, 100.0), run(4, 5.0)]
        series = [run(3, 90.0), run(1, 0.9), run(2, 9.0), run(5, 1.0),
                  run(4, 0.0)]
        r = br.paired_ratio(series, base, 'm')
        self.assertEqual(r['n'], 3)
        self.assertEqual((r['ratio'], r['ci_lo'], r['ci_hi']),
                         (0.9, 0.9, 0.9))
        self.assertEqual(r['blocks'], {'1': 0.9, '2': 0.9, '3': 0.9})


class LaunchStates(unittest.TestCase):
    """The launch's boots split by their major faults."""

    @staticmethod
    def lines(majflts):
        br = load_report()
        runs = [dict(kernel=k, boot=b + 1, workload='launch', used=True,
                     params={'delay_ms': 2, 'queue_depth': 4,
                             'threads': 200, 'vmas': 2500},
                     metrics={'launch.majflt': m,
                              'launch.makespan_ms': m / 2},
                     hist=None, lat_from='due')
                for k, ms in majflts.items() for b, m in enumerate(ms)]
        configs = br.summarize(br.group_runs(runs))
        return br.launch_states(configs, list(majflts))

    def test_two_states(self):
        out = self.lines({'base': [1300, 1250, 350, 1400, 1280, 1320],
                          'series': [300, 320, 310, 1290, 330, 290]})
        # blocks 1, 2, 5, 6: series low, base high; block 3 both low,
        # block 4 both high: McNemar 2 * P(Bin(4, 0.5) = 0) = 1/8
        self.assertIn('   D=2 Q=4 N=200 K=2500: low 290-350, high 1250-1400 '
                      'major faults; boots low: base 1/6, series 5/6 '
                      '(p 0.125)', out)
        self.assertIn('     makespan median ms, low/high: base 175/650, '
                      'series 155/645', out)

    def test_one_state(self):
        # a gap of 1.25x between the kernels is not two states
        out = self.lines({'base': [1300, 1250, 1400], 'series': [1000, 980]})
        self.assertIn('   D=2 Q=4 N=200 K=2500: one state, 980-1400 major '
                      'faults', out)


class HierarchicalBootstrap(unittest.TestCase):
    def test_one_bucket(self):
        # every call in bucket 320 (2^20 ns = 1048.576 µs): every quantile
        # and every resample is that bucket's lower bound
        h = {320: 100}
        rng = np.random.default_rng(1)
        res = st.hier_boot({'base': [h, h], 'series': [h, h]}, rng, 50)
        for k in ('base', 'series'):
            for q in ('q0.5', 'q0.99'):
                self.assertEqual(res[k][q][:3], (1048.576,) * 3)
        r = st.ratio_ci(res['series']['q0.99'], res['base']['q0.99'])
        self.assertEqual(r, (1.0, 1.0, 1.0))

    def test_pooled_quantile_and_props(self):
        # block 1: 90 calls in bucket 160 (1.024 µs), block 2: 10 in
        # bucket 320: the pooled p50 is 1.024 µs and the p99 1048.576 µs;
        # P(>1 ms) of the two boots (90, 0) and (10, 1): 10 %
        rng = np.random.default_rng(2)
        data = {'base': [{160: 90}, {320: 10}],
                '_props': {'gt_1ms': {'base': [(90, 0.0), (10, 1.0)]}}}
        res = st.hier_boot(data, rng, 400, props=('gt_1ms',))['base']
        self.assertEqual(res['q0.5'][0], 1.024)
        self.assertEqual(res['q0.99'][0], 1048.576)
        self.assertAlmostEqual(res['gt_1ms'][0], 0.1, places=12)
        # blocks resampled: some resamples have no slow block at all
        self.assertEqual(res['gt_1ms'][1], 0.0)
        self.assertEqual(res['q0.99'][1], 1.024)

    def test_block_left_out(self):
        # a block without the series' histogram is left out for both
        rng = np.random.default_rng(3)
        res = st.hier_boot({'base': [{160: 5}, {320: 5}],
                            'series': [{160: 5}, None]}, rng, 20)
        self.assertEqual(res['base']['q0.99'][0], 1.024)


class Simulation(unittest.TestCase):
    """A/A: two kernels that do not differ; the interval should exclude 1
    about 5% of the time."""

    def test_paired_t_10_blocks(self):
        rng = np.random.default_rng(20261206)
        t_rate, w_rate, _ = st.simulate_aa(10, 2000, rng, old_resamples=50)
        print(f'\nA/A, 10 blocks, 2000 simulated runs: paired t-interval '
              f'excludes 1 in {100 * t_rate:.1f}%, signed-rank p < 0.05 in '
              f'{100 * w_rate:.1f}%', file=sys.stderr)
        # 2000 runs: the binomial standard error at 5% is 0.49%
        self.assertTrue(0.035 <= t_rate <= 0.065, t_rate)
        self.assertTrue(0.025 <= w_rate <= 0.065, w_rate)

    def test_old_three_boot_bootstrap(self):
        # the 2026-12-01 interval on 3 boots per kernel, no block effect:
        # in effect [min_s/max_b, max_s/min_b], which excludes 1 with
        # probability 2/C(6,3) = 10% (more with percentile interpolation)
        rng = np.random.default_rng(20261201)
        t_rate, _, old_rate = st.simulate_aa(3, 1000, rng, block_sd=0,
                                             old_resamples=400)
        print(f'A/A, 3 boots, 1000 simulated runs: the old bootstrap '
              f'excludes 1 in {100 * old_rate:.1f}%, the paired t-interval '
              f'in {100 * t_rate:.1f}%', file=sys.stderr)
        self.assertTrue(0.08 <= old_rate <= 0.16, old_rate)
        self.assertTrue(0.03 <= t_rate <= 0.07, t_rate)


class Relabel(unittest.TestCase):
    """The A/A count when base and base2 swap labels within blocks."""

    @staticmethod
    def brute_force(x):
        """Every sign pattern with the first block kept, each endpoint's
        t_interval counted one by one."""
        import itertools

        out = []
        for s in itertools.product((1, -1), repeat=x.shape[1] - 1):
            c = 0
            for row in x * np.array((1,) + s):
                ti = st.t_interval([v for v in row if not np.isnan(v)])
                c += ti['lo'] is not None and (ti['lo'] > 0 or ti['hi'] < 0)
            out.append(c)
        return out

    def test_every_pattern_as_t_interval(self):
        rng = np.random.default_rng(3)
        x = rng.normal(0.01, 0.02, (30, 6))
        x[3, 2] = np.nan          # a block missing
        x[5, :] = 0.01            # zero spread: excludes 0 as it stands
        x[6, :5] = np.nan         # one block only: no interval
        obs, counts = st.relabel_counts(x.tolist())
        self.assertEqual(len(counts), 2 ** 5)
        self.assertEqual(sorted(counts.tolist()),
                         sorted(self.brute_force(x)))
        self.assertEqual(obs, self.brute_force(x)[0])
        self.assertGreaterEqual(obs, 1)

    def test_shift_stands_out(self):
        # base2 5% slower in every block on 20 endpoints: only the
        # labels as they are and those with one block swapped (11 of the
        # 512) exclude as many
        rng = np.random.default_rng(4)
        x = 0.05 + rng.normal(0, 0.01, (20, 10))
        obs, counts = st.relabel_counts(x.tolist())
        self.assertEqual(obs, 20)
        self.assertLessEqual((counts >= obs).mean(), 11 / 512)
        # without the shift the count seen is an ordinary one
        obs, counts = st.relabel_counts((x - 0.05).tolist())
        self.assertGreater((counts >= obs).mean(), 0.05)

    def test_pool_runs(self):
        # run 1: 1 of 10 exclude 1, half its relabellings 0, half 1; run 2:
        # 0 of 10, relabellings 3 x 0 and 1 x 1: P(total >= 1) = 1 - .5 * .75
        k, m, expected, p = st.pool_aa([(1, 10, [1, 1]), (0, 10, [3, 1])])
        self.assertEqual((k, m), (1, 20))
        self.assertAlmostEqual(expected, 0.75, places=12)
        self.assertAlmostEqual(p, 0.625, places=12)

    def test_sampled_beyond_exact_max(self):
        rng = np.random.default_rng(5)
        x = rng.normal(0, 0.02, (10, 8))
        obs, counts = st.relabel_counts(x.tolist(), exact_max=4, sims=300,
                                        seed=9)
        self.assertEqual(len(counts), 300)
        self.assertEqual(counts[0], obs)
        self.assertEqual(obs, self.brute_force(x)[0])
        again = st.relabel_counts(x.tolist(), exact_max=4, sims=300,
                                  seed=9)[1]
        self.assertEqual(counts.tolist(), again.tolist())


class SimulationPooled(unittest.TestCase):
    def test_hier_boot_not_anticonservative(self):
        # the pooled p99 ratio of two kernels that do not differ, 10
        # blocks: the interval must not exclude 1 more often than about
        # 5% (resampling the calls alone, not the blocks, ignores the
        # boots' own effects and excludes 1 far more often)
        rng = np.random.default_rng(11)
        rate = st.simulate_aa_pooled(10, 150, rng, calls=200, resamples=200)
        print(f'\nA/A, 10 blocks, 150 simulated runs: the pooled p99 '
              f'ratio interval excludes 1 in {100 * rate:.1f}%',
              file=sys.stderr)
        self.assertLessEqual(rate, 0.08)


def shift_hist(text, f):
    """A histogram string with every call f times slower."""
    out = {}
    for pair in text.split(','):
        i, c = map(int, pair.split(':'))
        j = i + round(16 * math.log2(f))
        out[j] = out.get(j, 0) + c
    return ','.join(f'{i}:{c}' for i, c in sorted(out.items()))


def synthetic_run(d, blocks, effect, seed=7, aa=1):
    """d/manifest.tsv and logs: the fixture's records as blocks of base,
    base2, series and hold, each boot slower or faster by a lognormal
    block effect and boot effect; the series' latencies effect times the
    base's and its faults/s 1/effect times (base2's: aa times)."""
    rng = random.Random(seed)
    with open(FIXTURE, encoding='utf-8') as f:
        lines = f.read().split('\n')
    man = [f'# block order seed: {seed}']
    for b in range(1, blocks + 1):
        blockf = math.exp(rng.gauss(0, .2))
        order = ['base', 'base2', 'series', 'hold']
        rng.shuffle(order)
        for k in order:
            f = blockf * math.exp(rng.gauss(0, .1)) * \
                (effect if k == 'series' else aa if k == 'base2' else 1)
            out = []
            for line in lines:
                m = re.match(r'^(.*# VMA_BENCH )(\{.*\})\s*$', line)
                if m:
                    rec = json.loads(m.group(2))
                    if 'lat' in rec:
                        for key in rec['lat']:
                            if key.endswith('_us'):
                                rec['lat'][key] *= f
                        rec['lat']['hist'] = shift_hist(rec['lat']['hist'],
                                                        f)
                    if 'faults' in rec:
                        rec['faults']['per_s'] /= f
                    line = m.group(1) + json.dumps(rec)
                out.append(line)
            with open(os.path.join(d, f'{k}-{b}.log'), 'w',
                      encoding='utf-8') as fh:
                fh.write('\n'.join(out))
            man.append(f'{k}\t{b}\t{k}-{b}.log')
    with open(os.path.join(d, 'manifest.tsv'), 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(man) + '\n')


class Report(unittest.TestCase):
    """bench-report.py end to end on synthetic blocks from the fixture."""

    def run_report(self, d, *extra, manifest='manifest.tsv', out='out'):
        return subprocess.run(
            ['/usr/bin/python3', REPORT, '--manifest',
             os.path.join(d, manifest), '--out',
             os.path.join(d, out), '--resamples', '200', *extra],
            capture_output=True, text=True, check=False)

    def test_blocks_primary_aa(self):
        with tempfile.TemporaryDirectory() as d:
            synthetic_run(d, 6, 0.5)
            plan = os.path.join(d, 'plan')
            with open(plan, 'w', encoding='utf-8') as fh:
                fh.write('# primary: series/base writer op=mmap D=2 N=8 '
                         'nice=19 lat.p99_us\n')
            r = self.run_report(d, '--plan', plan)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = r.stdout
            self.assertIn('blocks: 6; block order seed 7', out)
            # the fixture's two records a boot, timed with the TSC
            self.assertIn('\nclock: tsc (1 ns resolution) in 48 of 48 '
                          'record(s)\n', out)
            self.assertRegex(out, r'A/A control \(base2/base, the base '
                             r'booted again\): \d+ of 5 intervals exclude 1')
            self.assertRegex(out, r'relabelled \(base and base2 swapped '
                             r'within blocks, all 32 ways, each block\'s '
                             r'endpoints together\):\n +expected if the '
                             r'labels did not matter [\d.]+ \([\d.]+%\), '
                             r'95th percentile \d+; P\(>= \d+\) = '
                             r'[\d.]+\n')
            rows = [ln for ln in out.split('\n') if ln.startswith(('*  ',
                                                                   '   series/',
                                                                   '   hold/'))]
            # the primary first, marked
            self.assertTrue(rows[0].startswith('*  series/base  writer mmap'),
                            rows[:2])
            self.assertEqual(sum(ln.startswith('*') for ln in rows), 1)
            with open(os.path.join(d, 'out', 'summary.json'),
                      encoding='utf-8') as fh:
                s = json.load(fh)
            tests = {(t['pair'], t['table'], t['metric']): t
                     for t in s['tests']}
            ser = tests[('series/base', 'writer mmap', 'lat.p99_us')]
            # the series is half the base, boot noise 10%: the interval
            # excludes 1 and holds 0.5 (the histogram shift rounds to
            # whole buckets: 1/16 octave)
            self.assertEqual(ser['n'], 6)
            self.assertLess(ser['ci_hi'], 1)
            self.assertLessEqual(ser['ci_lo'], 0.52)
            self.assertGreaterEqual(ser['ci_hi'], 0.48)
            hold = tests[('hold/base', 'writer mmap', 'lat.p99_us')]
            self.assertTrue(hold['ci_lo'] < 1 < hold['ci_hi'], hold)
            self.assertEqual(s['aa']['tests'], 5)
            lat = s['latency']['writer mmap'][0]['kernels']
            self.assertLess(lat['series']['p99_over_base'][2], 1)
            for png in ('ecdf_writer_mmap.png', 'throughput_ratios.png',
                        'writer_p99_vs_d.png'):
                self.assertTrue(os.path.getsize(os.path.join(d, 'out', png)))
            # again from its samples.csv: the same tests, to the digit
            r = self.run_report(d, '--plan', plan, '--samples',
                                os.path.join(d, 'out', 'samples.csv'),
                                out='again')
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, 'again', 'summary.json'),
                      encoding='utf-8') as fh:
                again = json.load(fh)
            self.assertEqual(again['tests'], s['tests'])
            self.assertEqual(again['aa'], s['aa'])
            self.assertIn('A/A control', r.stdout)

    def test_aa_excursion(self):
        """base2 made slower in every block (what the A/A control must
        catch): its excluding endpoints are one excursion seen several
        times (they move together), and the boot order split is shown."""
        with tempfile.TemporaryDirectory() as d:
            synthetic_run(d, 8, 1, aa=1.6)
            r = self.run_report(d)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = r.stdout
            self.assertRegex(out, r'A/A control \(base2/base, the base '
                             r'booted again\): [34] of 5 intervals exclude 1')
            self.assertIn('in 1 group(s) of endpoints that move together '
                          '(per-block log ratios |r| >= 0.9):', out)
            # faults/s falls as the latencies rise: r near -1 moves too
            self.assertRegex(out, r'\n +moves with no writer .* faults.per_s '
                             r'\(r -(0\.9\d|1\.00)\)\n')
            split = re.findall(r'base2 booted after base: ([\d.]+) \((\d+) '
                               r'blocks\); before: ([\d.]+) \((\d+) blocks\)',
                               out)
            self.assertTrue(split, out)
            for after, na, before, nb in split:
                self.assertEqual(int(na) + int(nb), 8)
            with open(os.path.join(d, 'out', 'summary.json'),
                      encoding='utf-8') as fh:
                aa = json.load(fh)['aa']
            self.assertEqual(aa['groups'], 1)
            # a slower base2 in all 8 blocks: only the labels as they
            # are and those with one block swapped give as many exclusions
            self.assertEqual(aa['relabelled']['patterns'], 128)
            self.assertLessEqual(aa['relabelled']['p'], 9 / 128)

    def test_bad_input(self):
        with tempfile.TemporaryDirectory() as d:
            synthetic_run(d, 2, 1)
            plan = os.path.join(d, 'plan')
            with open(plan, 'w', encoding='utf-8') as fh:
                fh.write('# primary: series/hold writer lat.p99_us\n')
            r = self.run_report(d, '--plan', plan)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn('want "# primary:', r.stderr)
            self.assertFalse(os.path.exists(os.path.join(d, 'out')))
            with open(os.path.join(d, 'manifest.tsv'), 'a',
                      encoding='utf-8') as fh:
                fh.write('base3\t1\tbase-1.log\n')
            r = self.run_report(d)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("kernel 'base3' is not one of", r.stderr)
            r = self.run_report(d, '--samples', os.path.join(d, 'no.csv'))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn('--samples needs a readable CSV', r.stderr)
            with open(os.path.join(d, 'bad.csv'), 'w',
                      encoding='utf-8') as fh:
                fh.write('a,b\n1,2\n')
            with open(os.path.join(d, 'm2.tsv'), 'w',
                      encoding='utf-8') as fh:
                fh.write('base\t1\tbase-1.log\n')
            r = self.run_report(d, '--samples', os.path.join(d, 'bad.csv'),
                                manifest='m2.tsv', out='o2')
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn('not a samples.csv', r.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
