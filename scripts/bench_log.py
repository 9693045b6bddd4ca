# SPDX-License-Identifier: GPL-2.0
"""A benchmark run's directory as scripts/bench.sh leaves it.

One reader for the two programs that read it (scripts/bench-report.py,
scripts/bench-breakdown.py):
  read_manifest  manifest.tsv: kernel<TAB>boot<TAB>log lines, checked, and
                 the block order seed
  log_lines      one boot's console log as lines, '\\r' removed
  BENCH_RE       a '# VMA_BENCH {json}' record line of vma_bench
  DONE_RE        the guest init's last line
"""
import os
import re

KERNELS = ('base', 'base2', 'series', 'hold')

STAMP = r'^\s*(?:\[\s*\d+\.\d+\]\s*)?'
BENCH_RE = re.compile(STAMP + r'#\s*VMA_BENCH\s+(.*?)\s*$')
DONE_RE = re.compile(STAMP + r'#\s*vma-retry-init: done pass=(\d+) '
                     r'fail=(\d+) skip=(\d+)\s*$')


class UsageError(Exception):
    """Bad input, found before any work."""


def read_manifest(path):
    """Return ([{kernel, boot, log, path}], seed) or raise UsageError."""
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f'cannot read manifest {path}: {e}') from e
    base = os.path.dirname(os.path.abspath(path))
    boots, seen, seed = [], set(), None
    for n, line in enumerate(lines, 1):
        line = line.rstrip('\r')
        m = re.fullmatch(r'#\s*block order seed:?\s*(\d+)\s*', line)
        if m:
            seed = int(m.group(1))
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        fields = line.split('\t')
        where = f'{path}:{n}'
        if len(fields) != 3 or not fields[2]:
            raise UsageError(f'{where}: want kernel<TAB>boot<TAB>logfile')
        kernel, boot, log = fields
        if kernel not in KERNELS:
            raise UsageError(f'{where}: kernel {kernel!r} is not one '
                             f'of {", ".join(KERNELS)}')
        if not re.fullmatch(r'\d+', boot):
            raise UsageError(f'{where}: boot {boot!r} is not an integer')
        if (kernel, int(boot)) in seen:
            raise UsageError(f'{where}: {kernel} boot {boot} twice')
        seen.add((kernel, int(boot)))
        boots.append(dict(kernel=kernel, boot=int(boot), log=log,
                          path=os.path.join(base, log)))
    if not boots:
        raise UsageError(f'{path}: no boots in the manifest')
    return boots, seed


def log_lines(path):
    """The lines of a console log; raise OSError if it cannot be read."""
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8', errors='replace')
    return [line.replace('\r', '') for line in text.split('\n')]
