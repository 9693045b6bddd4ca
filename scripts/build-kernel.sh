#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build one arch's test kernel from allnoconfig plus fragments.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--src DIR] [--tag T] [--debug] [--kunit-module] [--bench] [--config-only | --targets "T..."] ARCH

Builds the test kernel for ARCH ($(all_arches | tr '\n' ' ')) out of tree in
\$VMA_RETRY_CACHE/build/ARCH[-debug][-TAG] and prints the image path.
The config is allnoconfig + configs/common.config + configs/ARCH.config
+ the arch's test fragments (configs/arches; lockdep.config on
arm) + the KUnit suite's mm/tests/.kunitconfig less its CONFIG_DEBUG_*
lines when the tree has it (+ configs/debug.config and the arch's debug
fragments, such as kasan.config, with --debug; + configs/kunit-module.config,
last, with --kunit-module: where a later fragment sets an option again to
another value, the later value is the one requested); every requested
option is checked after the merge and the build fails naming those that did
not stick. --bench builds the benchmark's
configuration instead (scripts/bench.sh): common + ARCH only, without the
suite and the test fragment, so that its kernels share one
configuration and carry no debug checks.
--config-only stops after that and prints the .config path. --targets builds
only the given Kbuild targets (e.g. "mm/memory.o") in the same build tree,
with the same environment, and configures only if the fragments changed
(Kbuild's syncconfig follows Kconfig changes by itself): that is how
scripts/bisect-check.sh builds the objects a patch touches.

$VARIANT_USAGE

Environment:
  JOBS=N         parallel jobs (default: nproc)
EOF_USAGE
}

config_only='' targets='' bench=''
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--bench) bench=1; shift ;;
	--src | --tag | --debug | --kunit-module) variant_opt "$@"; shift "$VSHIFT" ;;
	--config-only) config_only=1; shift ;;
	--targets) targets=${2:?--targets needs a list}; shift 2 ;;
	-*) usage_error "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
check_toolchain

SRC=$V_SRC
[[ -f $SRC/Makefile ]] || die "no kernel tree at $SRC: run 'make apply' (or give --src)"
O=$(build_dir "$(variant_label)")
mkdir -p "$O"

frags=("$VMA_RETRY_ROOT/configs/common.config" "$VMA_RETRY_ROOT/configs/$A_NAME.config")
# A test kernel: the arch's test fragment, and the KUnit suite's
# kunitconfig less its debug options (those belong to the debug fragments;
# turning them on would rebuild every object).
kunitconfig=$SRC/mm/tests/.kunitconfig
if [[ -z $bench ]]; then
	frags+=("${A_TEST_DEBUG_FRAGS[@]}")
	if [[ -f $kunitconfig ]]; then
		grep -v '^CONFIG_DEBUG_' "$kunitconfig" >"$O/kunit.config"
		frags+=("$O/kunit.config")
	fi
fi
if [[ -n $V_DEBUG ]]; then
	# (+ KASAN and the soft lockup detector where the arch has them:
	# configs/arches' debug field)
	frags+=("$VMA_RETRY_ROOT/configs/debug.config" "${A_DEBUG_FRAGS[@]}")
fi
# (last: it turns the kunitconfig's suite from =y into =m)
[[ -z $V_KUNIT_MODULE ]] || frags+=("$VMA_RETRY_ROOT/configs/kunit-module.config")

ccache_env "$SRC"
export KBUILD_BUILD_TIMESTAMP="$VMA_RETRY_DATE" KBUILD_BUILD_USER=vma-retry KBUILD_BUILD_HOST=qemu
kmake=(make -s -C "$SRC" O="$O" "${A_MAKE[@]}" CC="$VMA_RETRY_ROOT/scripts/cc-cache.sh $A_CC"
	HOSTCC="$VMA_RETRY_ROOT/scripts/cc-cache.sh gcc")

# Configure: the fragments become KCONFIG_ALLCONFIG for allnoconfig.
# (a line in two fragments once: DEBUG=1 repeats the test fragments' options;
# an option set again to another value by a later fragment: the later line)
grep -hv '^#' "${frags[@]}" | grep -v '^$' |
	awk '{ sym = $0; sub(/=.*/, "", sym); last[sym] = $0; line[NR] = $0; name[NR] = sym }
	END { for (i = 1; i <= NR; i++) if (line[i] == last[name[i]] && !seen[line[i]]++) print line[i] }' \
	>"$O/fragments.config.new"
if ! cmp -s "$O/fragments.config.new" "$O/fragments.config" || [[ ! -f $O/.config ]]; then
	mv "$O/fragments.config.new" "$O/fragments.config"
	"${kmake[@]}" KCONFIG_ALLCONFIG="$O/fragments.config" allnoconfig >"$O/config.log" 2>&1 ||
		{ cat "$O/config.log" >&2; die "$A_NAME: configuration failed"; }
else
	rm -f "$O/fragments.config.new"
	# (--targets: Kbuild's own syncconfig is enough for a few objects.)
	if [[ -z $targets ]]; then
		"${kmake[@]}" olddefconfig >"$O/config.log" 2>&1 ||
			{ cat "$O/config.log" >&2; die "$A_NAME: configuration failed"; }
	fi
fi

# Verify that every requested option is set as requested (like kunit.py).
bad=()
while IFS= read -r line; do
	sym=${line%%=*} val=${line#*=}
	if [[ $val == n ]]; then
		grep -qx "$sym=.*" "$O/.config" && bad+=("$line (got $(grep -x "$sym=.*" "$O/.config"))")
	else
		grep -qxF "$line" "$O/.config" || bad+=("$line (got: $(grep -E "^(# )?${sym}[= ]" "$O/.config" || echo 'absent'))")
	fi
done <"$O/fragments.config"
if ((${#bad[@]})); then
	printf '%s: requested config options that are not set after the merge:\n' "$A_NAME" >&2
	printf '  %s\n' "${bad[@]}" >&2
	exit "$EXIT_INFRA"
fi
[[ -n $config_only ]] && { printf '%s\n' "$O/.config"; exit 0; }
# The whole kernel, or only --targets (with a log of their own).
read -r -a t <<<"$targets"
blog=$O/build.log
[[ -n $targets ]] && blog=$O/targets.log
"${kmake[@]}" -j"${JOBS:-$(nproc)}" "${t[@]}" >"$blog" 2>&1 || {
	grep -E 'error|Error' "$blog" | head -20 >&2
	die "$A_NAME: building ${targets:-the kernel} failed (log: $blog)"
}
[[ -n $targets ]] && exit 0
[[ -f $O/$A_IMAGE ]] || die "$A_NAME: build produced no $A_IMAGE"
printf '%s\n' "$O/$A_IMAGE"
