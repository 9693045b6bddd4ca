#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test of the CI definitions, a gate of make check. Runs no CI.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--help] [GITHUB-WORKFLOW GITLAB-CI]

Checks the per-arch CI matrices, .github/workflows/check.yml and
.gitlab-ci.yml (or the two files given): each is YAML (python3-yaml's
safe_load), its matrix is the arch names of configs/arches, each once;
its job runs "make setup && make check ARCH=<the matrix's arch>" in the
debian:bookworm container; it keeps out/ as artifacts, also when the job
fails (GitLab: with out/check.junit.xml as its JUnit report).
Exit status 1 on any finding, 2 usage.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; esac
if (($# == 0)); then
	set -- "$VMA_RETRY_ROOT/.github/workflows/check.yml" "$VMA_RETRY_ROOT/.gitlab-ci.yml"
fi
(($# == 2)) || usage_error "two files or none expected (see --help)"

/usr/bin/python3 - "$1" "$2" "$(all_arches | paste -sd' ')" <<'EOF_PY'
import sys
import yaml

github, gitlab, arches = sys.argv[1], sys.argv[2], sys.argv[3].split()
bad = []


def load(path):
    try:
        with open(path, encoding='utf-8') as f:
            return yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        bad.append(f'{path}: {e}')
        return None


def want(path, what, ok):
    if not ok:
        bad.append(f'{path}: {what}')


def matrix(path, names):
    want(path, f'matrix {names}, want each of configs/arches once: {sorted(arches)}',
         isinstance(names, list) and sorted(names) == sorted(arches))


setup_check = 'make setup && make check ARCH='
gh = load(github)
if gh is not None:
    try:
        job = gh['jobs']['check']
        matrix(github, job['strategy']['matrix']['arch'])
        want(github, 'container: debian:bookworm', job.get('container') == 'debian:bookworm')
        steps = job['steps']
        runs = [s['run'] for s in steps if 'run' in s]
        want(github, f'a step "{setup_check}${{{{ matrix.arch }}}}"',
             setup_check + '${{ matrix.arch }}' in runs)
        up = [s for s in steps if str(s.get('uses', '')).startswith('actions/upload-artifact@')]
        want(github, 'an upload-artifact step of out/ if: always()',
             len(up) == 1 and up[0].get('if') == 'always()'
             and up[0].get('with', {}).get('path') == 'out/')
    except (KeyError, TypeError, AttributeError) as e:
        bad.append(f'{github}: no jobs.check of the expected shape ({e!r})')
gl = load(gitlab)
if gl is not None:
    try:
        job = gl['check']
        m = job['parallel']['matrix']
        want(gitlab, 'one parallel matrix entry, CHECK_ARCH', len(m) == 1 and list(m[0]) == ['CHECK_ARCH'])
        matrix(gitlab, m[0]['CHECK_ARCH'])
        want(gitlab, 'image: debian:bookworm', job.get('image') == 'debian:bookworm')
        want(gitlab, f'script "{setup_check}$CHECK_ARCH"', job['script'] == [setup_check + '$CHECK_ARCH'])
        art = job['artifacts']
        want(gitlab, 'artifacts: when: always, paths: [out/], reports: junit: out/check.junit.xml',
             art.get('when') == 'always' and art.get('paths') == ['out/']
             and art.get('reports', {}).get('junit') == 'out/check.junit.xml')
    except (KeyError, TypeError, AttributeError, IndexError) as e:
        bad.append(f'{gitlab}: no check job of the expected shape ({e!r})')
for b in bad:
    print(f'test-ci: {b}', file=sys.stderr)
sys.exit(1 if bad else 0)
EOF_PY
log "test-ci: the CI matrices are configs/arches' $(all_arches | wc -l) arches"
