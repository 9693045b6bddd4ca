#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# git am the series onto the base, in a worktree of the kernel repository.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The head this script last gave the branch, kept in the repository (so it
# survives a KERNEL_TREE switch and back): a branch at any other commit holds
# someone's work.
made_ref=refs/vma-retry/applied-head

usage() {
	cat <<EOF_USAGE
Usage: $0 [--upto N]

Applies the patches listed in patches/series (or \$VMA_RETRY_PATCHES/series),
in order, with git am onto the base revision ($BASE_TAG, or KERNEL_BASE (default v7.3-rc7) in KERNEL_TREE),
on branch '$SERIES_BRANCH' of a worktree at \$VMA_RETRY_CACHE/src/applied
(your own checkout and current branch are never touched). Commits keep the
patches' author dates as committer dates and the project identity as
committer, so the branch is the same, commit for commit, on every machine.
Does nothing if the worktree already holds exactly this series.

Your work is never lost: it refuses (exit 2, saying what to do) when the
applied tree has uncommitted changes to tracked files, an am, rebase,
merge, cherry-pick, revert or bisect in progress, a detached HEAD that no
branch holds, or when branch '$SERIES_BRANCH' is checked out elsewhere or
has commits that this script did not make and that patches/ does not hold
(export them with make series first). With KERNEL_TREE= it creates the branch in your repository
only if there is none, and never touches your checkout or other branches;
it records the head it gave the branch as $made_ref there.

  --upto N   apply only the first N patches (bisect checks)

Environment: KERNEL_TREE, KERNEL_BASE, VMA_RETRY_CACHE; VMA_RETRY_PATCHES=DIR
applies DIR/series instead of patches/series (scripts/tests/test-refuse.sh).

A patch that does not apply is named, the am is aborted, exit status 3.
EOF_USAGE
}
upto=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--upto)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage_error "--upto needs a positive number"
		upto=$2
		shift 2
		;;
	*) usage_error "unknown argument '$1' (see --help)" ;;
	esac
done

repo=$(kernel_tree)
[[ -n ${KERNEL_TREE:-} ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh"
base=$(base_rev)
git -C "$repo" rev-parse -q --verify "$base^{commit}" >/dev/null ||
	die "base revision '$base' not found in $repo (set KERNEL_BASE=)"

mapfile -t patches < <(series_patches)
((${#patches[@]})) || die "patches/series lists no patches"
[[ -n $upto ]] && patches=("${patches[@]:0:upto}")

wt=$APPLIED_TREE
ref=refs/heads/$SERIES_BRANCH
base_commit=$(git -C "$repo" rev-parse "$base^{commit}")
stamp="$base_commit-$(cd "$PATCHES_DIR" && cat "${patches[@]}" | sha256sum | cut -c1-16)"
head=$(git -C "$repo" rev-parse -q --verify "$ref" || true)
made_head=$(git -C "$repo" rev-parse -q --verify "$made_ref" || true)
elsewhere=$(git -C "$repo" worktree list --porcelain | awk -v r="$ref" -v w="$(realpath -m "$wt")" '
	/^worktree / { p = substr($0, 10) } $0 == "branch " r && p != w { print p }')
[[ -z $elsewhere ]] ||
	refuse "branch $SERIES_BRANCH of $repo is checked out in $elsewhere:" \
		"  check out another branch there (or rename yours: git -C $repo branch -m $SERIES_BRANCH NEW-NAME), then run again"
made_stamp=''
if is_worktree_of "$wt" "$repo"; then
	made_stamp=$(cat "$wt/.vma-retry-stamp" 2>/dev/null || true)
	tree_guard "$wt"
else
	# (KERNEL_TREE=: the branch is made in your repository, only if absent)
	[[ -z $head || $head == "$made_head" ]] ||
		refuse "$repo already has a branch $SERIES_BRANCH, not made by this script:" \
			"  rename it (git -C $repo branch -m $SERIES_BRANCH NEW-NAME), or delete it if it is not yours" \
			"  (git -C $repo branch -D $SERIES_BRANCH), then run again"
	new_worktree "$wt" "$repo" "$base"
fi
# Commits on the branch that this script did not make are yours: the branch
# is replaced only when patches/ holds them (make series just exported it).
if [[ -n $head && $head != "$made_head" ]] &&
	! "$VMA_RETRY_ROOT/scripts/export-series.sh" --check >/dev/null 2>&1; then
	made_short=${made_head:0:12}
	refuse "branch $SERIES_BRANCH in $wt has commits that are not in ${PATCHES_DIR#"$VMA_RETRY_ROOT/"}/" \
		"  (its head is $(git -C "$repo" rev-parse --short "$head"); this script made ${made_short:-none of it}):" \
		"  export them with 'make series' (patches/ then holds them), or, to drop them," \
		"  reset the branch yourself (git -C $wt reset --hard ${made_short:-$base}); then run again"
fi
if [[ $made_stamp == "$stamp" && -n $head && $head == "$made_head" ]]; then
	# Already applied; back onto the branch if an interrupted bisect-check.sh
	# left the tree on one of its commits (tree_guard: nothing is lost).
	[[ $(git -C "$wt" symbolic-ref -q HEAD) == "$ref" ]] || git -C "$wt" checkout -q "$SERIES_BRANCH"
	log "series already applied in $wt"
	exit 0
fi

# Only the files that differ are rewritten: the build stays incremental.
# (never forced: tree_guard found nothing to lose, and git checkout refuses
# to overwrite an untracked file)
git -C "$wt" checkout -q --detach "$base"
# The branch moves only from the head checked above (or is created only if
# absent), never over a head that appeared meanwhile.
git -C "$repo" update-ref -m "apply-series: reset to $base" "$ref" "$base_commit" \
	"${head:-0000000000000000000000000000000000000000}"
git -C "$wt" checkout -q "$SERIES_BRANCH"
rm -f "$wt/.vma-retry-stamp"
# made_ref follows every step: a patch that does not apply, or an
# interruption between two patches, leaves a branch this script may replace.
made() { git -C "$repo" update-ref -m "apply-series: the head it made" "$made_ref" "$(git -C "$wt" rev-parse HEAD)"; }
made

export GIT_COMMITTER_NAME=$VMA_RETRY_NAME GIT_COMMITTER_EMAIL=$VMA_RETRY_EMAIL
for p in "${patches[@]}"; do
	if ! out=$(git -C "$wt" am -q --committer-date-is-author-date "$PATCHES_DIR/$p" 2>&1); then
		git -C "$wt" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" >&2
		die "patch $p does not apply to $base in $repo"
	fi
	made
done
printf '%s\n' "$stamp" >"$wt/.vma-retry-stamp"
log "applied ${#patches[@]} patch(es) on $base: $wt ($SERIES_BRANCH = $(git -C "$wt" rev-parse --short HEAD))"
