#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the series' KUnit suite with the kernel's kunit.py and our toolchain.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 ARCH [kunit.py run options...]

Runs tools/testing/kunit/kunit.py run --kunitconfig=mm/tests/.kunitconfig
--arch=<kunit.py arch of ARCH> in the applied tree (SRC=), with the compiler
of configs/arches (cross prefix or LLVM=-19), ccache, and the build directory
\$VMA_RETRY_CACHE/build/kunit-ARCH. Extra options go to kunit.py run.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; esac
(($# >= 1)) || usage_error "ARCH expected (see --help)"
load_arch "$1"
shift
check_toolchain
SRC=${SRC:-$VMA_RETRY_CACHE/src/applied}
kunitconfig=$SRC/mm/tests/.kunitconfig
[[ -f $kunitconfig ]] || die "$kunitconfig not found: is the series applied (make apply)?"

export CCACHE_DIR=${CCACHE_DIR:-$VMA_RETRY_CACHE/ccache}
args=(--kunitconfig="$kunitconfig" --arch="$A_KUNIT_ARCH"
	--build_dir="$(build_dir "kunit-$A_NAME")" --jobs="${JOBS:-$(nproc)}" --timeout=900)
case $A_TOOLCHAIN in
llvm) args+=(--make_options LLVM=-19 --make_options "CC=ccache clang-19") ;;
native) args+=(--make_options "CC=ccache gcc") ;;
*) args+=(--cross_compile="$A_TOOLCHAIN" --make_options "CC=ccache ${A_TOOLCHAIN}gcc") ;;
esac
cd "$SRC"
exec python3 tools/testing/kunit/kunit.py run "${args[@]}" "$@"
