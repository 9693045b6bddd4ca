#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The one build -> initramfs -> boot -> judge chain of a test kernel.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--stage build|boot] [--regress yes|no] [--src DIR] [--tag T] [--debug]
       [--kunit-module] ARCH

Builds the kernel (scripts/build-kernel.sh) and the initramfs
(scripts/build-initramfs.sh) of one kernel variant, then boots it under QEMU
and judges its log (scripts/run-qemu.sh), all three with the same variant
options. make run, make stress, make check and make regress-baseline run
their kernels through it; the benchmark, which boots four kernels without
the tests, does not.

  --stage build  only build the kernel and the initramfs
  --stage boot   only boot and judge what the build stage made
                 (make check builds the next arch while this runs)
  --regress yes|no  passed to build-initramfs.sh (default: its own)
$VARIANT_USAGE

TESTS= chooses the programs, as for run-qemu.sh. Build output goes to
stderr's log lines only; the exit status is the first stage's that failed,
else run-qemu.sh's (its --help: 0 pass, 1 test failure, 3 infrastructure).
EOF_USAGE
}
stage_=all variant=() regress=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--stage)
		[[ ${2:-} == build || ${2:-} == boot ]] || usage_error "--stage needs build or boot (see --help)"
		stage_=$2
		shift 2
		;;
	--regress)
		[[ ${2:-} == yes || ${2:-} == no ]] || usage_error "--regress needs yes or no (see --help)"
		regress=(--regress "$2")
		shift 2
		;;
	-*)
		variant_opt "$@" || usage_error "unknown option '$1' (see --help)"
		variant+=("${@:1:VSHIFT}")
		shift "$VSHIFT"
		;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"

S=$VMA_RETRY_ROOT/scripts
label=$(variant_label)
if [[ $stage_ != boot ]]; then
	stage "$label: kernel" "$S/build-kernel.sh" "${variant[@]}" "$A_NAME" >/dev/null
	stage "$label: initramfs" "$S/build-initramfs.sh" "${variant[@]}" "${regress[@]}" "$A_NAME" >/dev/null
fi
if [[ $stage_ != build ]]; then
	"$S/run-qemu.sh" "${variant[@]}" "$A_NAME"
fi
