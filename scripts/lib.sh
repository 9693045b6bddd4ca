# SPDX-License-Identifier: GPL-2.0
# Common definitions for the vma-retry scripts. Source it, do not run it.
# shellcheck shell=bash disable=SC2034

VMA_RETRY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VMA_RETRY_ROOT

# Everything that is not in the checkout lives here: downloaded packages,
# the base kernel tree, build trees, ccache, the loong64 sysroot.
VMA_RETRY_CACHE=${VMA_RETRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vma-retry}
export VMA_RETRY_CACHE

# The pinned base: Linux v7.3-rc7 as packaged by Debian.
BASE_PKG=${BASE_PKG:-linux-source-7.3}
BASE_PKG_VERSION=${BASE_PKG_VERSION:-7.3~rc7-1~exp1}
BASE_PKG_SUITE=${BASE_PKG_SUITE:-experimental}
BASE_TAG=vma-retry-base-v7.3-rc7
SERIES_BRANCH=vma-retry
# The applied tree: the base plus patches/ on $SERIES_BRANCH, a worktree
# made by apply-series.sh (make apply); every other stage reads it.
APPLIED_TREE=$VMA_RETRY_CACHE/src/applied
# The series: patches/series and its patches. VMA_RETRY_PATCHES names
# another directory (scripts/tests/test-refuse.sh applies a scratch series).
PATCHES_DIR=${VMA_RETRY_PATCHES:-$VMA_RETRY_ROOT/patches}

# ---- kernel variants ------------------------------------------------------
# A kernel variant is a tree, a tag, debug or not and the KUnit suite built
# in or as a module; build-kernel.sh, build-initramfs.sh and run-qemu.sh
# take it as options, and its build directory, initramfs and logs are named
# by variant_label:
#   --src DIR       the kernel tree (default: the applied tree)
#   --tag T         a suffix naming the variant (base, bench-series, ...)
#   --debug         the debug kernel (configs/debug.config, make stress)
#   --kunit-module  the suite as a module (configs/kunit-module.config,
#                   make kunit-module)
V_SRC=$APPLIED_TREE V_TAG='' V_DEBUG='' V_KUNIT_MODULE=''
VARIANT_USAGE="  --src DIR      the kernel tree (default: the applied series,
                 \$VMA_RETRY_CACHE/src/applied, see scripts/apply-series.sh)
  --tag T        a suffix naming the variant (e.g. base): build/ARCH-T
  --debug        the debug variant (DEBUG=1 of make: build/ARCH-debug)
  --kunit-module the KUnit suite built as a module (configs/kunit-module.config),
                 which the guest init loads and unloads before the programs,
                 KUnit running it at load (make kunit-module): build/ARCH-kunit-module"
# variant_opt "$@": when $1 is one of the options above, take it (and its
# value) and set VSHIFT to the number of words used; else return 1.
variant_opt() {
	case $1 in
	--debug) V_DEBUG=1 VSHIFT=1 ;;
	--kunit-module) V_KUNIT_MODULE=1 VSHIFT=1 ;;
	--src | --tag)
		[[ -n ${2:-} ]] || usage_error "$1 needs a value (see --help)"
		if [[ $1 == --src ]]; then V_SRC=$2; else V_TAG=$2; fi
		VSHIFT=2
		;;
	*) return 1 ;;
	esac
}
# The loaded arch's variant name: ARCH[-debug][-kunit-module][-TAG].
variant_label() { printf '%s\n' "$A_NAME${V_DEBUG:+-debug}${V_KUNIT_MODULE:+-kunit-module}${V_TAG:+-$V_TAG}"; }
# The variant's initramfs, without .cpio (its work directory): the same for
# the debug kernel, except with --kunit-module, whose initramfs holds the
# modules of its own kernel (a module loads only into the kernel it was
# built with).
initramfs_base() {
	local mod=''
	[[ -z $V_KUNIT_MODULE ]] || mod=${V_DEBUG:+-debug}-kunit-module
	printf '%s\n' "$VMA_RETRY_CACHE/build/initramfs-$A_NAME$mod${V_TAG:+-$V_TAG}"
}

# The project identity: the author of the committed patches (make send makes
# the sender the author) and the committer of the base tree.
VMA_RETRY_NAME="vma-retry project"
VMA_RETRY_EMAIL="vma-retry@example.org"
# A fixed date makes the base commit, and so every commit of the series
# applied on it, reproducible: `make series` must give the same bytes.
VMA_RETRY_DATE="2026-10-16T00:00:00+0000"

# Exit codes shared by the runner and `make check`.
EXIT_PASS=0
EXIT_TESTFAIL=1
EXIT_USAGE=2
EXIT_INFRA=3

_vr_t0=${_vr_t0:-$EPOCHSECONDS}
export _vr_t0

log() { printf '[%4ds] %s\n' "$((EPOCHSECONDS - _vr_t0))" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit "${DIE_CODE:-$EXIT_INFRA}"; }
usage_error() { printf 'error: %s\n' "$*" >&2; exit "$EXIT_USAGE"; }

# Run a command with the project identity as author and committer.
as_project() {
	GIT_AUTHOR_NAME=$VMA_RETRY_NAME GIT_AUTHOR_EMAIL=$VMA_RETRY_EMAIL \
	GIT_COMMITTER_NAME=$VMA_RETRY_NAME GIT_COMMITTER_EMAIL=$VMA_RETRY_EMAIL \
		"$@"
}

# The kernel tree the scripts work on: the user's own (KERNEL_TREE) or the
# unpacked Debian package in the cache.
kernel_tree() {
	if [[ -n ${KERNEL_TREE:-} ]]; then
		[[ -f $KERNEL_TREE/Makefile && -d $KERNEL_TREE/mm ]] ||
			die "KERNEL_TREE=$KERNEL_TREE is not a kernel source tree"
		printf '%s\n' "$KERNEL_TREE"
	else
		printf '%s\n' "$VMA_RETRY_CACHE/src/$BASE_PKG"
	fi
}

# The base revision of the series in that tree.
base_rev() {
	if [[ -n ${KERNEL_TREE:-} ]]; then
		printf '%s\n' "${KERNEL_BASE:-v7.3-rc7}"
	else
		printf '%s\n' "$BASE_TAG"
	fi
}

# Is DIR a worktree of REPO's repository (KERNEL_TREE may have changed)?
is_worktree_of() { # DIR REPO
	local a b
	[[ -e $1/.git ]] || return 1
	a=$(git -C "$1" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || return 1
	b=$(git -C "$2" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || return 1
	[[ $a -ef $b ]]
}

# ---- never lose a user's work ----------------------------------------------
# The scripts move worktrees they made (the applied tree, src/base,
# src/hold) and the series branch, and a user may be working in them (README:
# the series is edited as commits in the applied tree). Before moving one
# they call tree_guard; it refuses, exit 2, saying what to do, and nothing
# here ever forces a checkout or a branch over what it found.
refuse() { # LINE...
	printf 'error: %s\n' "$1" >&2
	shift
	(($# == 0)) || printf '%s\n' "$@" >&2
	exit "$EXIT_USAGE"
}

# tree_op DIR: the git operation in progress in the worktree DIR (am,
# rebase, merge, cherry-pick, revert, bisect), or nothing.
tree_op() {
	local p f
	for p in rebase-merge:rebase rebase-apply:am MERGE_HEAD:merge CHERRY_PICK_HEAD:cherry-pick \
		REVERT_HEAD:revert BISECT_LOG:bisect; do
		f=$(git -C "$1" rev-parse --path-format=absolute --git-path "${p%%:*}")
		[[ -e $f ]] || continue
		# (git rebase --apply keeps its state where git am does)
		[[ $p == rebase-apply:am && -e $f/rebasing ]] && p=:rebase
		printf '%s\n' "${p#*:}"
		return 0
	done
}

# tree_guard DIR [DIFF-SHA]: refuse unless moving the worktree DIR (another
# checkout in it, or removing it) loses nothing: no operation in progress,
# no uncommitted change to a tracked file (with DIFF-SHA: no change other
# than the one whose `git diff HEAD | sha256sum` that is, e.g. the hold
# patch that bench.sh applied), and HEAD on a branch or on a commit that a
# branch or tag holds. Untracked files are left alone by git checkout (it
# refuses to overwrite one); remove_worktree checks them itself.
tree_guard() {
	local d=$1 op diff
	git -C "$d" rev-parse -q --git-dir >/dev/null 2>&1 ||
		refuse "$d is not a git worktree any more (its repository moved?); if nothing in it is yours, remove it (rm -rf $d) and run again"
	op=$(tree_op "$d")
	case $op in
	'') ;;
	bisect) refuse "a git bisect is in progress in $d: end it (git -C $d bisect reset), then run again" ;;
	*) refuse "a git $op is in progress in $d: finish it (git -C $d $op --continue) or abort it (git -C $d $op --abort), then run again" ;;
	esac
	if [[ -n $(git -C "$d" status --porcelain --untracked-files=no) ]]; then
		diff=$(git -C "$d" diff HEAD | sha256sum | cut -d' ' -f1)
		[[ -n ${2:-} && $diff == "$2" ]] ||
			refuse "$d has uncommitted changes: commit them (in the applied tree: then make series) or stash them (git -C $d stash), then run again"
	fi
	git -C "$d" symbolic-ref -q HEAD >/dev/null && return 0
	# Detached: at a commit of the series (bisect-check.sh's walk, when
	# interrupted, leaves it there) or of any branch or tag, nothing is lost.
	git -C "$d" merge-base --is-ancestor HEAD "refs/heads/$SERIES_BRANCH" 2>/dev/null && return 0
	[[ -n $(git -C "$d" for-each-ref --count=1 --contains HEAD refs/heads refs/tags) ]] ||
		refuse "HEAD of $d is detached at $(git -C "$d" rev-parse --short HEAD), which no branch holds: keep it on a branch (git -C $d branch NAME), then run again"
}

# remove_worktree DIR [DIFF-SHA]: remove the worktree DIR of whatever
# repository it belongs to, after tree_guard and only if it has no
# untracked files but .vma-retry-stamp (git's own removal, never forced).
remove_worktree() {
	local d=$1 untracked
	tree_guard "$@"
	untracked=$(git -C "$d" ls-files --others --exclude-standard | grep -vx .vma-retry-stamp || true)
	[[ -z $untracked ]] ||
		refuse "$d has untracked files ($(head -3 <<<"$untracked" | paste -sd' ')...): move them away or remove them, then run again"
	[[ -z ${2:-} ]] || git -C "$d" checkout -q -- . # only the change DIFF-SHA named
	rm -f "$d/.vma-retry-stamp"
	git -C "$d" worktree remove "$d" ||
		refuse "could not remove the worktree $d (git worktree remove, above): remove it yourself, then run again"
}

# Make DIR a new worktree of REPO, detached at REV. DIR must not be there or
# be a worktree that remove_worktree may remove (DIFF-SHA: its argument).
new_worktree() { # DIR REPO REV [DIFF-SHA]
	if [[ -e $1 ]]; then
		if [[ -d $1 && -z $(ls -A "$1") ]]; then
			rmdir "$1"
		else
			remove_worktree "$1" "${4:-}"
		fi
	fi
	# (-f: only for DIR itself, when its directory was deleted while
	# still registered as a worktree of REPO; no other worktree is pruned)
	stage "creating worktree $1" git -C "$2" worktree add -q -f --detach "$1" "$3"
}

# ccache for kernel builds in the tree SRC (through scripts/cc-cache.sh,
# which keeps sources with .incbin out of it). Depend mode: on a miss ccache
# takes the dependencies from the compiler's own -MMD output, which Kbuild
# always asks for, instead of running the preprocessor a second time. An
# x86_64 test kernel with an empty cache, alone on 2 cores: 381 s in
# ccache's default mode, 252 s in depend mode, 243 s without ccache; the
# same build from the filled cache in another build tree: 26 s.
ccache_env() { # SRC
	export CCACHE_DIR=${CCACHE_DIR:-$VMA_RETRY_CACHE/ccache}
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	export CCACHE_NOHASHDIR=1 CCACHE_BASEDIR=$1 CCACHE_DEPEND=1
}

# The one reader of selftests/tests: its rows parsed once,
# "name|timeout|kind|arches|sources|arguments", fields trimmed and inner
# blanks squeezed, kind without its arch list, arches that list (KIND:ARCH,
# ARCH...: a row of those arches only) or every arch of configs/arches,
# space-separated. A kind that is not required, optional or regress, a
# list that names no arch or one not in configs/arches, or a name with two
# rows on one arch (a name may have a row per arch list, for arguments
# that differ by arch): a message each and exit 3 (check_tests calls it
# before any work).
test_table() {
	local all
	all=$(all_arches | paste -sd' ')
	awk -F'|' -v all="$all" '!/^#/ && NF {
		for (i = 1; i <= 5; i++) { gsub(/^[ \t]+|[ \t]+$/, "", $i); gsub(/[ \t]+/, " ", $i) }
		kind = $3; list = all
		if ((c = index(kind, ":"))) {
			list = substr(kind, c + 1); kind = substr(kind, 1, c - 1)
			gsub(/[ ,]+/, " ", list); gsub(/^ | $/, "", list)
			if (list == "") { printf "selftests/tests: %s: kind %s names no arch\n", $1, $3 > "/dev/stderr"; bad = 1 }
		}
		n = split(list, a, " ")
		for (i = 1; i <= n; i++) {
			if (index(" " all " ", " " a[i] " ") == 0) {
				printf "selftests/tests: %s: unknown arch %s in %s (configs/arches: %s)\n", $1, a[i], $3, all > "/dev/stderr"
				bad = 1
			} else if (($1, a[i]) in on) {
				printf "selftests/tests: %s: two rows on %s (a name may have a row per arch list, no arch on two)\n", $1, a[i] > "/dev/stderr"
				bad = 1
			}
			on[$1, a[i]] = 1
		}
		if (kind !~ /^(required|optional|regress)$/) {
			printf "selftests/tests: %s: unknown kind %s (required, optional or regress, then :ARCH,ARCH... or nothing)\n", $1, $3 > "/dev/stderr"
			bad = 1
		}
		print $1 "|" $2 "|" kind "|" list "|" $4 "|" $5
	} END { exit bad ? 3 : 0 }' "$VMA_RETRY_ROOT/selftests/tests"
}
# The rows of the loaded arch (all rows when no arch is loaded),
# "name|timeout|kind|sources|arguments", one per line: a row's line (and
# the regress hash over it) is the same on every arch it runs on.
test_rows() {
	local arch=${A_NAME:-} t
	t=$(test_table) || return
	[[ -n $t ]] || return 0
	awk -F'|' -v arch="$arch" 'arch == "" || index(" " $4 " ", " " arch " ") {
		print $1 "|" $2 "|" $3 "|" $5 "|" $6 }' <<<"$t"
}
# The arches of each row, "name|kind|arch arch..." (test_table's exit 3).
test_row_arches() {
	local t
	t=$(test_table) || return
	[[ -z $t ]] || awk -F'|' '{ print $1 "|" $3 "|" $4 }' <<<"$t"
}

# program_sources TREE MAIN [SOURCE...]: a test program's sources, one per
# line, relative to TREE or, named project:PATH, to this repository
# (source_path resolves both): its row's (the main file, then the others; a
# bare name is in the main file's directory), then, for a main file in
# TREE, what its directory's Makefile links into every program there
# ("$(TEST_GEN_PROGS): vm_util.c ...", the same for TEST_GEN_FILES) and
# into this one ("$(OUTPUT)/NAME: uffd-common.c"): the program is linked as
# upstream links it, from the Makefile of the tree under test.
program_sources() {
	local tree=$1 main=$2 dir s
	shift 2
	dir=$(dirname "$main")
	{
		printf '%s\n' "$main"
		for s in "$@"; do
			[[ $s == */* ]] || s=$dir/$s
			printf '%s\n' "$s"
		done
		if [[ $main != project:* && -f $tree/$dir/Makefile ]]; then
			awk -v n="$(basename "$main" .c)" '
				$1 == "$(TEST_GEN_PROGS):" || $1 == "$(TEST_GEN_FILES):" || $1 == "$(OUTPUT)/" n ":" {
					for (i = 2; i <= NF; i++) if ($i ~ /^[^$]*\.c$/) print $i
				}' "$tree/$dir/Makefile" | sed "s|^|$dir/|"
		fi
	} | awk '!seen[$0]++'
}

# source_path TREE SOURCE: the file of one of program_sources' lines.
source_path() {
	case $2 in
	project:*) printf '%s\n' "$VMA_RETRY_ROOT/${2#project:}" ;;
	*) printf '%s\n' "$1/$2" ;;
	esac
}

# The names of the loaded arch's rows of selftests/tests of one kind
# (required, optional, regress), one per line.
tests_of_kind() { test_rows | awk -F'|' -v k="$1" '$3 == k { print $1 }'; }

# ---- the per-arch table (configs/arches) ----------------------------------
ARCH_TABLE=$VMA_RETRY_ROOT/configs/arches

all_arches() { awk '/^\[[^]]+\]$/ { print substr($0, 2, length($0) - 2) }' "$ARCH_TABLE"; }

# arch_values VAR: the distinct values of load_arch's VAR (e.g. A_LIST)
# over all arches, one per line, in table order.
arch_values() {
	local a
	for a in $(all_arches); do
		load_arch "$a"
		printf '%s\n' "${!1}"
	done | awk '!seen[$0]++'
}

ARCH_FIELDS='karch toolchain image qemu qemu_args console guest_cc packages qemu_package kunit_arch list'
ARCH_OPTIONAL_FIELDS='kernel_args debug test'

# Load one arch's section into A_* variables; unknown arch: exit 2 with the
# list; a missing or unknown field, or one given twice: exit 3.
load_arch() {
	local want=$1 field value
	local -A v=()
	[[ " $(all_arches | tr '\n' ' ') " == *" $want "* ]] ||
		DIE_CODE=$EXIT_USAGE die "unknown ARCH '$want'; valid: $(all_arches | tr '\n' ' ')"
	while read -r field value; do
		[[ " $ARCH_FIELDS $ARCH_OPTIONAL_FIELDS " == *" $field "* ]] ||
			die "configs/arches: $want: unknown field '$field' (the fields: $ARCH_FIELDS $ARCH_OPTIONAL_FIELDS)"
		[[ -z ${v[$field]+set} ]] || die "configs/arches: $want: field $field given twice"
		v[$field]=$value
	done < <(awk -v a="[$want]" '/^\[/ { in_a = ($0 == a); next }
		in_a && !/^#/ && NF' "$ARCH_TABLE")
	for field in $ARCH_FIELDS; do
		[[ -n ${v[$field]:-} ]] || die "configs/arches: $want: no $field"
	done
	A_NAME=$want
	A_KARCH=${v[karch]}
	A_TOOLCHAIN=${v[toolchain]}
	A_IMAGE=${v[image]}
	A_QEMU=${v[qemu]}
	A_QEMU_ARGS=${v[qemu_args]}
	A_CONSOLE=${v[console]}
	A_USER_TARGET=${v[guest_cc]}
	A_PACKAGES=${v[packages]}
	A_KUNIT_ARCH=${v[kunit_arch]}
	A_LIST=${v[list]}
	A_KERNEL_ARGS=${v[kernel_args]:-}
	A_QEMU_PKG=${v[qemu_package]}
	# debug and test: fragment names of configs/
	local frag
	A_DEBUG_FRAGS=() A_TEST_DEBUG_FRAGS=()
	for frag in ${v[debug]:-}; do A_DEBUG_FRAGS+=("$VMA_RETRY_ROOT/configs/$frag.config"); done
	for frag in ${v[test]:-}; do A_TEST_DEBUG_FRAGS+=("$VMA_RETRY_ROOT/configs/$frag.config"); done
	for frag in "${A_DEBUG_FRAGS[@]}" "${A_TEST_DEBUG_FRAGS[@]}"; do
		[[ -f $frag ]] || die "configs/arches: $A_NAME: no config fragment ${frag#"$VMA_RETRY_ROOT/"}"
	done
	[[ -f $VMA_RETRY_ROOT/configs/$A_NAME.config ]] ||
		die "configs/arches: $A_NAME has no config fragment configs/$A_NAME.config"
	if [[ $A_KERNEL_ARGS == *@HOST_TSC_KHZ@* ]]; then
		local khz w args=()
		khz=$(host_tsc_khz)
		for w in $A_KERNEL_ARGS; do
			[[ $w == *@HOST_TSC_KHZ@* && -z $khz ]] && continue
			args+=("${w//@HOST_TSC_KHZ@/$khz}")
		done
		A_KERNEL_ARGS=${args[*]}
	fi
	# Kernel make arguments for this arch.
	A_MAKE=(ARCH="$A_KARCH")
	# ...and its C compiler. A_GUEST_STRIP: what build-initramfs.sh strips
	# the guest programs with after fix-irelative.py, or nothing: lld 19
	# keeps the assembler's fake local labels ("L0^A") of the static C
	# library in the symbol table, 5-7 MB of each LoongArch program, and
	# a 135 MB initramfs no longer fits in the 256 MB of low memory that
	# QEMU's loongarch virt machine loads it into beside a debug kernel.
	A_GUEST_STRIP=''
	case $A_TOOLCHAIN in
	llvm) A_MAKE+=(LLVM=-19); A_CC=clang-19; A_GUEST_STRIP=llvm-strip-19 ;;
	native) A_CC=gcc ;;
	*) A_MAKE+=(CROSS_COMPILE="$A_TOOLCHAIN"); A_CC=${A_TOOLCHAIN}gcc ;;
	esac
}

# The host's TSC frequency in kHz, if it has a constant one (x86 hosts).
host_tsc_khz() {
	awk -F: '/^flags/ && / constant_tsc/ { c = 1 } /^cpu MHz/ && !m { m = $2 }
		END { if (c && m > 0) printf "%d\n", m * 1000 }' /proc/cpuinfo 2>/dev/null || true
}

# Check that the toolchain of the loaded arch is installed; name the package.
check_toolchain() {
	command -v "$A_CC" >/dev/null ||
		die "$A_NAME: compiler '$A_CC' not found: install $A_PACKAGES (make setup)"
	command -v "$A_QEMU" >/dev/null ||
		die "$A_NAME: '$A_QEMU' not found: install the QEMU package from bookworm-backports (make setup)"
}

build_dir() { printf '%s\n' "$VMA_RETRY_CACHE/build/${1:-$A_NAME}"; }

# The one recipe for a guest program of the loaded arch.
# guest_cc: the compiler command and flags into the array GUEST_CC (static,
# the arch's target from configs/arches).
guest_cc() {
	local sysroot=''
	[[ $A_USER_TARGET == *@SYSROOT@* ]] && sysroot=$("$VMA_RETRY_ROOT/scripts/loong64-sysroot.sh")
	read -r -a GUEST_CC <<<"${A_USER_TARGET//@SYSROOT@/$sysroot}"
	command -v "${GUEST_CC[0]}" >/dev/null ||
		die "$A_NAME: guest compiler '${GUEST_CC[0]}' not found: install $A_PACKAGES (make setup)"
	[[ -z $A_GUEST_STRIP ]] || command -v "$A_GUEST_STRIP" >/dev/null ||
		die "$A_NAME: '$A_GUEST_STRIP' not found: install $A_PACKAGES (make setup)"
	GUEST_CC+=(-static -O2 -g0 -Wall -D_GNU_SOURCE -pthread)
}
# guest_test_flags TREE HEADERS MAIN-SOURCE: the flags of a test program
# into the array GUEST_TEST_FLAGS: TREE's UAPI headers and generated header
# as installed in HEADERS (guest_headers), kselftest's headers and the main
# source's directory. -fmacro-prefix-map: tests that name files after
# __FILE__ create them in their working directory, not under a host path.
guest_test_flags() {
	local main_dir
	main_dir=$(dirname "$3")
	# (-I TREE: as the mm selftests' Makefile, for gup_test's <mm/gup_test.h>)
	GUEST_TEST_FLAGS=(-isystem "$2/usr/include" -I "$2/gen" -I "$1" -I "$1/tools/testing/selftests"
		-I "$main_dir" -fmacro-prefix-map="$main_dir/=")
}
# guest_headers TREE HEADERS: install TREE's UAPI headers for the loaded
# arch into HEADERS, under a lock (the tests use syscalls and flags newer
# than the C library's headers: PR_SET_MDWE, MAP_DROPPABLE, PROCMAP_QUERY,
# ...), and in HEADERS/gen what tools/testing/selftests/mm/check_config.sh
# would generate without liburing (cow and gup_longterm include it).
guest_headers() {
	mkdir -p "$2/gen"
	# (two builds at once, e.g. make bench BUILD_ONLY=1 beside another,
	# would race on the same directory)
	flock "$2.lock" make -s -C "$1" O="$2" ARCH="$A_KARCH" INSTALL_HDR_PATH="$2/usr" headers_install ||
		die "$A_NAME: headers_install in $1 failed"
	: >"$2/gen/local_config.h_gen"
}

# ---- the regression guard's baselines (selftests/regress/README) ----------
# A baseline is a recorded fact about one kernel: the base commit the series
# applies onto, built with the test kernel's config fragments, running the
# regress rows of selftests/tests. Its first line names that key, and a
# guard only compares against a baseline whose key is the run's:
#   # regress baseline: arch=ARCH base=COMMIT config=HASH
# The pinned base's are committed (selftests/regress/ARCH); any other base's
# (KERNEL_TREE= with KERNEL_BASE=) are recorded into the cache, in
# $VMA_RETRY_CACHE/regress/COMMIT-HASH/ARCH.

# The loaded arch's config hash: its test kernel's fragments as
# build-kernel.sh merges them (comments and blank lines dropped; the
# kunitconfig is the tree's, so the base commit covers it) and the regress
# rows of selftests/tests that run on it (test_rows: a row's arch list is
# not hashed, so adding a row for other arches changes nothing here), in a
# 16-digit sha256.
regress_config_hash() {
	{
		grep -hv '^#' "$VMA_RETRY_ROOT/configs/common.config" "$VMA_RETRY_ROOT/configs/$A_NAME.config" \
			"${A_TEST_DEBUG_FRAGS[@]}" | grep -v '^$' | awk '!seen[$0]++'
		echo '--'
		test_rows | awk -F'|' '$3 == "regress"'
	} | sha256sum | cut -c1-16
}
# The commit of the base that the series is applied onto (kernel_tree's
# base_rev), or nothing when that tree or revision is missing.
regress_base_commit() {
	local tree
	tree=$(kernel_tree) || return 0
	git -C "$tree" rev-parse -q --verify "$(base_rev)^{commit}" 2>/dev/null || true
}
# base_commit_required: regress_base_commit, or die saying how to get one
# (a KERNEL_TREE that is not a kernel tree dies with kernel_tree's message).
base_commit_required() {
	local repo commit
	repo=$(kernel_tree) || exit
	commit=$(regress_base_commit)
	[[ -n $commit ]] || die "base revision '$(base_rev)' not found in $repo (make apply; or set KERNEL_BASE=)"
	printf '%s\n' "$commit"
}
# regress_header COMMIT: the key line of the loaded arch's baseline.
regress_header() {
	printf '# regress baseline: arch=%s base=%s config=%s\n' "$A_NAME" "$1" "$(regress_config_hash)"
}
regress_committed() { printf '%s\n' "$VMA_RETRY_ROOT/selftests/regress/$A_NAME"; }
# regress_cache_file COMMIT: where another base's baseline is recorded.
regress_cache_file() {
	printf '%s\n' "$VMA_RETRY_CACHE/regress/$1-$(regress_config_hash)/$A_NAME"
}
# Does the loaded arch take part in the guard? (It has a committed baseline.)
regress_guarded() { [[ -f $(regress_committed) ]]; }
# regress_lookup COMMIT: the loaded arch's baseline for that base and
# today's config into REGRESS_FILE: the committed file if its key matches,
# else the cache's if its key matches. None: return 1, REGRESS_FILE empty
# and the reason in REGRESS_WHY.
regress_lookup() {
	local want f
	want=$(regress_header "$1")
	REGRESS_FILE='' REGRESS_WHY=''
	for f in "$(regress_committed)" "$(regress_cache_file "$1")"; do
		if [[ -f $f && $(head -n 1 "$f") == "$want" ]]; then
			REGRESS_FILE=$f
			return 0
		fi
	done
	f=$(regress_committed)
	REGRESS_WHY="no baseline for ${want#'# regress baseline: '} (neither in the cache nor $(regress_relpath "$f"), which is for $(
		sed -n '1s/^# regress baseline: //p' "$f" 2>/dev/null | grep . || echo 'no key: recorded before baselines were keyed'))"
	return 1
}
regress_relpath() { printf '%s\n' "${1#"$VMA_RETRY_ROOT/"}"; }

# base_worktree COMMIT: $VMA_RETRY_CACHE/src/base, a worktree of
# kernel_tree at COMMIT (made if missing; refused, as tree_guard, if moving
# it would lose work), into BASE_SRC: the base kernel's tree of
# regress-baseline.sh and debug-base.sh.
base_worktree() {
	local repo
	repo=$(kernel_tree)
	BASE_SRC=$VMA_RETRY_CACHE/src/base
	is_worktree_of "$BASE_SRC" "$repo" || new_worktree "$BASE_SRC" "$repo" "$1"
	tree_guard "$BASE_SRC"
	git -C "$BASE_SRC" checkout -q --detach "$1"
}

# ---- the base kernel's debug boot (scripts/debug-base.sh) -------------------
# A record of the splats that the base kernel's debug build prints by
# itself, and whether lockdep was still on at the end (judge-log.py
# --base-splats: a debug run's splats that the base has too are reported,
# not failed). Keyed as the regress baselines, its first line
#   # debug base: arch=ARCH base=COMMIT config=HASH
# with HASH over the debug kernel's fragments; always in the cache, at
# $VMA_RETRY_CACHE/debug-base/COMMIT-HASH/ARCH, never a tracked file.
debug_base_config_hash() {
	grep -hv '^#' "$VMA_RETRY_ROOT/configs/common.config" "$VMA_RETRY_ROOT/configs/$A_NAME.config" \
		"${A_TEST_DEBUG_FRAGS[@]}" "$VMA_RETRY_ROOT/configs/debug.config" "${A_DEBUG_FRAGS[@]}" |
		grep -v '^$' | awk '!seen[$0]++' | sha256sum | cut -c1-16
}
# debug_base_header COMMIT: the key line of the loaded arch's record.
debug_base_header() {
	printf '# debug base: arch=%s base=%s config=%s\n' "$A_NAME" "$1" "$(debug_base_config_hash)"
}
# debug_base_file COMMIT: where the loaded arch's record is.
debug_base_file() {
	printf '%s\n' "$VMA_RETRY_CACHE/debug-base/$1-$(debug_base_config_hash)/$A_NAME"
}

# Elapsed-time wrapper for long stages.
stage() {
	local name=$1 t=$SECONDS rc=0
	shift
	log "$name ..."
	"$@" || rc=$?
	if ((rc)); then
		log "$name: failed after $((SECONDS - t)) s (exit $rc)"
	else
		log "$name: $((SECONDS - t)) s"
	fi
	return "$rc"
}

# The patch files of patches/series, in order (comments and blanks dropped).
series_patches() {
	[[ -f $PATCHES_DIR/series ]] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$PATCHES_DIR/series" | grep -v '^$' || true
}

# ---- input: the one check of the variables (scripts/check-input.sh) -------
# Each check_* exits 2 naming the valid values; none does any work.
# The variables that are 1 or nothing (a "DEBUG=0" would turn debug on).
INPUT_FLAGS=(DEBUG INTERACTIVE BENCH_QUICK BUILD_ONLY SKIP_BISECT FORCE DRY_RUN)
check_flags() {
	local v
	for v in "${INPUT_FLAGS[@]}"; do
		[[ -z ${!v:-} || ${!v} == 1 ]] || usage_error "$v='${!v}': it is 1 or empty (unset)"
	done
}
check_numbers() {
	local v
	for v in JOBS BOOTS TIMEOUT; do
		[[ -z ${!v:-} || ${!v} =~ ^[1-9][0-9]*$ ]] || usage_error "$v='${!v}': it is a positive number"
	done
}
# selftests/tests itself (test_row_arches: exit 3 on a bad kind or arch
# list), then TESTS=a,b: names of its rows that run on the arch (the loaded
# one, else ARCH=, if given).
check_tests() {
	local rows names t list arch=${A_NAME:-${ARCH:-}} arches
	rows=$(test_row_arches) || exit "$EXIT_INFRA"
	[[ -n ${TESTS:-} ]] || return 0
	names=$(cut -d'|' -f1 <<<"$rows" | awk '!seen[$0]++' | paste -sd' ')
	[[ $TESTS != ,* && $TESTS != *, && $TESTS != *,,* ]] ||
		usage_error "TESTS='$TESTS': an empty name; valid (selftests/tests, comma-separated): $names"
	IFS=, read -r -a list <<<"$TESTS"
	for t in "${list[@]}"; do
		[[ " $names " == *" $t "* ]] ||
			usage_error "TESTS='$TESTS': unknown test '$t'; valid (selftests/tests): $names"
		[[ -n $arch ]] || continue
		arches=$(awk -F'|' -v t="$t" '$1 == t { print $3 }' <<<"$rows" | paste -sd' ')
		[[ " $arches " == *" $arch "* ]] ||
			usage_error "TESTS='$TESTS': test '$t' does not run on $arch, only on: $arches (selftests/tests)"
	done
}
check_arch_names() { # VAR: each word of VAR is an arch of configs/arches
	local a all
	[[ -n ${!1:-} ]] || return 0
	all=$(all_arches | paste -sd' ')
	for a in ${!1:-}; do
		[[ " $all " == *" $a "* ]] || usage_error "unknown $1 '$a'; valid: $all"
	done
}
check_kernel_tree() {
	if [[ -z ${KERNEL_TREE:-} ]]; then
		[[ -z ${KERNEL_BASE:-} ]] || usage_error "KERNEL_BASE=$KERNEL_BASE is a revision of KERNEL_TREE=, which is not set"
		return 0
	fi
	local top
	[[ -d $KERNEL_TREE ]] || usage_error "KERNEL_TREE=$KERNEL_TREE: no such directory"
	top=$(git -C "$KERNEL_TREE" rev-parse --show-toplevel 2>/dev/null || true)
	[[ -n $top && $top -ef $KERNEL_TREE ]] ||
		usage_error "KERNEL_TREE=$KERNEL_TREE is not the top of a git work tree (git clone or git init one)"
	[[ -f $KERNEL_TREE/Makefile && -d $KERNEL_TREE/mm ]] ||
		usage_error "KERNEL_TREE=$KERNEL_TREE is not a kernel source tree (no Makefile and mm/)"
	git -C "$KERNEL_TREE" rev-parse -q --verify "$(base_rev)^{commit}" >/dev/null ||
		usage_error "KERNEL_TREE=$KERNEL_TREE has no revision '$(base_rev)' (KERNEL_BASE=, default v7.3-rc7: a tag, branch or commit the series applies to)"
}
# check_input [--need-arch]: all of the above, and ARCH (required with
# --need-arch), ARCHES and HOLD_PATCH.
# The names of the benchmark's plans, selftests/bench/plan-NAME, on one line.
bench_plans() {
	local p names=()
	for p in "$VMA_RETRY_ROOT"/selftests/bench/plan-*; do
		names+=("${p##*/plan-}")
	done
	echo "${names[*]}"
}
check_input() {
	if [[ ${1:-} == --need-arch && -z ${ARCH:-} ]]; then
		usage_error "ARCH= is required; valid: $(all_arches | paste -sd' ')"
	fi
	check_arch_names ARCH
	[[ -z ${ARCH:-} || $ARCH != *' '* ]] || usage_error "ARCH='$ARCH': one arch (ARCHES=\"a b\" for make check)"
	check_arch_names ARCHES
	[[ -z ${ARCH:-} || -z ${ARCHES:-} ]] || usage_error "ARCH= and ARCHES= together: give one (make check ARCH=a checks a alone)"
	check_flags
	check_numbers
	check_tests
	[[ -z ${HOLD_PATCH:-} || (-f $HOLD_PATCH && -r $HOLD_PATCH) ]] ||
		usage_error "HOLD_PATCH=$HOLD_PATCH: no such readable file"
	[[ -z ${BENCH_SEED:-} || ($BENCH_SEED =~ ^[0-9]+$ && ${#BENCH_SEED} -le 9) ]] ||
		usage_error "BENCH_SEED='$BENCH_SEED': a number of at most 9 digits"
	[[ -z ${BENCH_PLAN:-} || ($BENCH_PLAN =~ ^[a-z0-9-]+$ && -f $VMA_RETRY_ROOT/selftests/bench/plan-$BENCH_PLAN) ]] ||
		usage_error "BENCH_PLAN='$BENCH_PLAN': valid: $(bench_plans)"
	check_kernel_tree
}

# `make run ARCH=x86_64` must not leak ARCH= and friends into the kernel's make.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
