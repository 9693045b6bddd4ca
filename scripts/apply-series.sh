#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# git am the series onto the base, in a worktree of the kernel repository.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--upto N]

Applies the patches listed in patches/series, in order, with git am onto the
base revision ($BASE_TAG, or KERNEL_BASE (default v7.3-rc7) in KERNEL_TREE),
on branch '$SERIES_BRANCH' of a worktree at \$VMA_RETRY_CACHE/src/applied
(your own checkout and current branch are never touched). Commits keep the
patches' author dates as committer dates and the project identity as
committer, so the branch is the same, commit for commit, on every machine.
Does nothing if the worktree already holds exactly this series.

  --upto N   apply only the first N patches (bisect checks)

A patch that does not apply is named, the am is aborted, exit status 3.
EOF_USAGE
}
upto=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--upto) upto=${2:?--upto needs a number}; shift 2 ;;
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
stamp=$(cd "$VMA_RETRY_ROOT/patches" && cat "${patches[@]}" | sha256sum | cut -c1-16)
stamp="$(git -C "$repo" rev-parse "$base^{commit}")-$stamp"
if is_worktree_of "$wt" "$repo"; then
	# Applied from these very patches, on the branch (not left on an older
	# patch by an interrupted bisect-check), and unmodified.
	if [[ $(cat "$wt/.vma-retry-stamp" 2>/dev/null) == "$stamp" &&
		$(git -C "$wt" symbolic-ref -q HEAD) == "refs/heads/$SERIES_BRANCH" &&
		-z $(git -C "$wt" status --porcelain --untracked-files=no) ]]; then
		log "series already applied in $wt"
		exit 0
	fi
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	# Only the files that differ are rewritten: the build stays incremental.
	git -C "$wt" checkout -q -f --detach "$base"
else
	new_worktree "$wt" "$repo" "$base"
fi
git -C "$wt" checkout -q -B "$SERIES_BRANCH"
rm -f "$wt/.vma-retry-stamp"

export GIT_COMMITTER_NAME=$VMA_RETRY_NAME GIT_COMMITTER_EMAIL=$VMA_RETRY_EMAIL
for p in "${patches[@]}"; do
	if ! out=$(git -C "$wt" am -q --committer-date-is-author-date "$VMA_RETRY_ROOT/patches/$p" 2>&1); then
		git -C "$wt" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" >&2
		die "patch $p does not apply to $base in $repo"
	fi
done
printf '%s\n' "$stamp" >"$wt/.vma-retry-stamp"
log "applied ${#patches[@]} patch(es) on $base: $wt ($SERIES_BRANCH = $(git -C "$wt" rev-parse --short HEAD))"
