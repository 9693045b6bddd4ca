#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write make check's one JUnit file, OUT/check.junit.xml, and print make
check's last line, "check: N passed, N failed, N skipped", from the same
cases (scripts/check.sh runs this at its end: the one place cases are
counted).

Usage: check-junit.py --out DIR ARCH[:RC]...

Its testsuites: "gates", one testcase per gate of make check (from
OUT/gates.rc, "NAME EXIT-STATUS" lines written by check.sh, or "NAME
skip" for a gate it skipped; a gate that exited non-zero has a <failure>,
a skipped one <skipped>), then, per ARCH, the testsuites of
OUT/ARCH.junit.xml as the judge wrote them (scripts/judge-log.py); an arch
without that file (its build failed, or the run stopped before the judge)
has one testsuite ARCH.run with one <error> case, with OUT/ARCH.summary's
line when there is one. RC is the exit status of the arch's run in make
check: an arch whose run failed (RC not 0) without a failed or error case
gets that ARCH.run case too. Failures and errors together are the failed
cases; passed are the cases neither failed nor skipped.

Exit status: 0 written, 2 usage, 3 an input that cannot be read.
"""

import argparse
import os
import sys
import xml.etree.ElementTree as ET

EXIT_USAGE, EXIT_INFRA = 2, 3


def gates_suite(path):
    suite = ET.Element('testsuite', name='gates')
    with open(path, encoding='utf-8') as f:
        for line in f:
            name, rc = line.split()
            tc = ET.SubElement(suite, 'testcase', name=name, classname='gates')
            if rc == 'skip':
                ET.SubElement(tc, 'skipped', message=f'{name}: skipped (see make check\'s output)')
            elif rc != '0':
                ET.SubElement(tc, 'failure', message=f'{name}: exit {rc} (see make check\'s output)')
    return [suite]


def arch_suites(out, arch, rc):
    path = os.path.join(out, arch + '.junit.xml')
    why = f'{arch}: no {arch}.junit.xml: the run did not reach the judge'
    if os.path.exists(path):
        suites = ET.parse(path).getroot().findall('testsuite')
        if rc == 0 or any(s.find('testcase/failure') is not None or
                          s.find('testcase/error') is not None for s in suites):
            return suites
        why = f'{arch}: its run exited {rc} without a failed case'
    else:
        suites = []
    summary = ''
    if os.path.exists(os.path.join(out, arch + '.summary')):
        with open(os.path.join(out, arch + '.summary'), encoding='utf-8',
                  errors='replace') as f:
            summary = f.read().strip()
    suite = ET.Element('testsuite', name=arch + '.run')
    tc = ET.SubElement(suite, 'testcase', name='run', classname=arch)
    ET.SubElement(tc, 'error', message=why).text = summary
    return suites + [suite]


def arch_rc(arg):
    arch, _, rc = arg.partition(':')
    if not arch or (rc and not rc.isdigit()):
        raise argparse.ArgumentTypeError(f'not ARCH or ARCH:RC: {arg!r}')
    return arch, int(rc or 0)


def main(argv):
    ap = argparse.ArgumentParser(description="Write make check's OUT/check.junit.xml "
                                 '(the gates and every arch\'s cases).')
    ap.add_argument('--out', required=True, metavar='DIR', help="make check's out/")
    ap.add_argument('arches', nargs='+', metavar='ARCH[:RC]', type=arch_rc)
    a = ap.parse_args(argv)
    try:
        suites = gates_suite(os.path.join(a.out, 'gates.rc'))
        for arch, rc in a.arches:
            suites += arch_suites(a.out, arch, rc)
    except (OSError, ValueError, ET.ParseError) as e:
        print(f'check-junit: {e}', file=sys.stderr)
        return EXIT_INFRA
    root = ET.Element('testsuites', name='vma-retry make check')
    total = dict.fromkeys(('tests', 'failures', 'errors', 'skipped'), 0)
    for suite in suites:
        cases = suite.findall('testcase')
        n = {'tests': len(cases)}
        for what, tag in (('failures', 'failure'), ('errors', 'error'), ('skipped', 'skipped')):
            n[what] = sum(1 for tc in cases if tc.find(tag) is not None)
        suite.attrib.update({k: str(v) for k, v in n.items()})
        for k in total:
            total[k] += n[k]
        root.append(suite)
    root.attrib.update({k: str(v) for k, v in total.items()})
    ET.indent(root)
    ET.ElementTree(root).write(os.path.join(a.out, 'check.junit.xml'), encoding='utf-8',
                               xml_declaration=True)
    failed = total['failures'] + total['errors']
    print(f"check: {total['tests'] - failed - total['skipped']} passed, {failed} failed, "
          f"{total['skipped']} skipped")
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
