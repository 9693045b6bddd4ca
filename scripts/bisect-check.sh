#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build what every patch touches, with the series applied up to that patch,
# on every arch that builds it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--help]

Walks the applied series (\$VMA_RETRY_CACHE/src/applied, see
scripts/apply-series.sh) patch by patch, from the base to the last patch,
and after each patch builds in each arch's test-kernel build tree
(\$VMA_RETRY_CACHE/build/ARCH, with scripts/build-kernel.sh --targets):
  - the objects of the C files the patch changes that the arch builds
    (a file under arch/X/ only on X);
  - when the patch changes a header: mm/memory.o and the arch's
    arch/*/mm/fault.o, the users of the fault API;
  - the kselftest programs the patch adds or changes, with the arch's guest
    compiler (configs/arches).
So a patch that breaks the build of any arch at its point of the series is
named. The walk ends on the last patch, with the branch checked out again
(also when interrupted). Sharing the build trees is what keeps this cheap:
Kbuild's own dependency tracking rebuilds, in the next full build, exactly
what the walk left older than its sources, and a cold make check prepares
each arch's tree once, not twice. ARCHES="a b" limits the arches; DRY_RUN=1 only prints the plan.
Exit status 1 on a failure.

A run that passed leaves a stamp in \$VMA_RETRY_CACHE/build/ naming what it
checked: the series' commits, the arches, configs/ and the compilers' versions
and this script. The same check is then not repeated (it says so); FORCE=1
runs it anyway. make clean removes the stamps with the build trees.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

base=$(base_rev)
applied=$APPLIED_TREE
git -C "$applied" rev-parse -q --verify "refs/heads/$SERIES_BRANCH" >/dev/null ||
	die "run 'make apply' first"
mapfile -t commits < <(git -C "$applied" rev-list --reverse "$base..$SERIES_BRANCH")
((${#commits[@]})) || die "no patches to check"

read -r -a arches <<<"${ARCHES:-$(all_arches | tr '\n' ' ')}"
# What a passing run proved, as one hash: same inputs, same result.
key=$({
	printf '%s\n' "${commits[@]}" "${arches[@]}"
	cat "$VMA_RETRY_ROOT"/configs/* "$0" "$VMA_RETRY_ROOT"/scripts/{build-kernel.sh,lib.sh}
	for a in "${arches[@]}"; do
		load_arch "$a"
		"${A_CC%% *}" --version 2>/dev/null | head -1
	done
} | sha256sum | cut -c1-16)
stampf=$VMA_RETRY_CACHE/build/bisect-passed-$key
if [[ -f $stampf && -z ${FORCE:-} && -z ${DRY_RUN:-} ]]; then
	log "bisect: passed on $(cat "$stampf") for these ${#commits[@]} patches, ${#arches[@]} arches and configs; not repeated (FORCE=1 repeats it)"
	exit 0
fi

wt=$applied
[[ -z $(git -C "$wt" status --porcelain --untracked-files=no) ]] ||
	die "$wt has local changes: run 'make apply' first"
[[ $(git -C "$wt" rev-parse HEAD) == "${commits[-1]}" ]] ||
	die "$wt is not at the tip of $SERIES_BRANCH: run 'make apply' first"
# Whatever happens, leave the worktree on the branch again (never forced:
# the walk changes no file; should someone have meanwhile, git refuses and
# the tree stays on the commit, which apply-series.sh then reports).
trap 'git -C "$wt" checkout -q "$SERIES_BRANCH" ||
	echo "bisect: could not check out $SERIES_BRANCH again in $wt (see above)" >&2' EXIT

# (a cold run starts here, before any build tree exists)
mkdir -p "$VMA_RETRY_CACHE/build"
rc=0 n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git -C "$applied" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	mapfile -t files < <(git -C "$wt" diff --name-only "$c~1" "$c")
	for a in "${arches[@]}"; do
		load_arch "$a"
		objs=() tests=()
		header=
		for f in "${files[@]}"; do
			case $f in
			tools/testing/selftests/*.c) tests+=("$f") ;;
			tools/*) ;;
			arch/*)
				[[ $f == arch/$A_KARCH/*.c ]] && objs+=("${f%.c}.o") ;;
			*.c) objs+=("${f%.c}.o") ;;
			*.h) header=1 ;;
			esac
		done
		# A header change is checked through the users of the fault API.
		if [[ -n $header ]]; then
			objs+=(mm/memory.o "arch/$A_KARCH/mm/fault.o")
		fi
		((${#objs[@]} + ${#tests[@]})) || continue
		what="[$n/${#commits[@]}] $A_NAME: $subject"
		if [[ -n ${DRY_RUN:-} ]]; then
			log "plan $what: ${objs[*]} ${tests[*]}"
			continue
		fi
		if ((${#objs[@]})); then
			mapfile -t objs < <(printf '%s\n' "${objs[@]}" | sort -u)
			if ! "$VMA_RETRY_ROOT/scripts/build-kernel.sh" --src "$wt" --targets "${objs[*]}" "$A_NAME" \
				2>"$VMA_RETRY_CACHE/build/bisect.log"; then
				echo "bisect: $what: building ${objs[*]} failed:" >&2
				cat "$VMA_RETRY_CACHE/build/bisect.log" >&2
				rc=1
				continue
			fi
		fi
		if ((${#tests[@]})); then
			# The initramfs's recipe, against this commit's UAPI headers.
			guest_cc
			hdr=$VMA_RETRY_CACHE/build/headers-bisect-$A_NAME
			guest_headers "$wt" "$hdr"
			for t in "${tests[@]}"; do
				guest_test_flags "$wt" "$hdr" "$wt/$t"
				if ! "${GUEST_CC[@]}" "${GUEST_TEST_FLAGS[@]}" -c -o /dev/null "$wt/$t" \
					2>"$VMA_RETRY_CACHE/build/bisect-test.log"; then
					echo "bisect: $what: compiling $t failed:" >&2
					head -10 "$VMA_RETRY_CACHE/build/bisect-test.log" >&2
					rc=1
				fi
			done
		fi
		log "ok $what (${objs[*]} ${tests[*]})"
	done
done
if ((rc == 0)) && [[ -z ${DRY_RUN:-} ]]; then
	date -u '+%Y-%m-%d %H:%M UTC' >"$stampf"
fi
exit "$rc"
