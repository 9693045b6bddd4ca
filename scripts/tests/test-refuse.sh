#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The harness never loses a user's work: apply-series.sh refuses, on scratch
# repositories, every state that moving the applied tree would destroy.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--help]

Builds, in a temporary directory, two small kernel-like git repositories
(a Makefile, mm/, a tag v1.0 as the base; one with an uncommitted change
and a branch of its own in its checkout) and a two-patch series, and runs
scripts/apply-series.sh on them (KERNEL_TREE=, KERNEL_BASE=v1.0,
VMA_RETRY_CACHE= and VMA_RETRY_PATCHES= all scratch). No kernel is built;
it takes a few seconds. It checks:
  - the paths that must work: the first apply (the branch made, the user's
    checkout, its uncommitted change and its other branches untouched), a
    re-apply that does nothing, make series then apply, bisect-check.sh's
    walk (DRY_RUN=1, x86_64) and an apply after it, the tree left
    detached on a series commit (an interrupted bisect-check.sh walk), a
    switch of KERNEL_TREE to another repository and back;
  - the refusals, each exit 2 with a message saying what to do, and each
    with the work still there afterwards: an uncommitted change, a git am,
    a rebase -i, a merge, a cherry-pick and a bisect in progress, a commit
    on the branch that patches/ does not hold, a commit on a detached HEAD,
    the branch checked out in the user's checkout, a KERNEL_TREE whose
    repository has its own branch of the series' name, a KERNEL_TREE
    switch while the applied tree has uncommitted work.
Exit status: 0 all hold, 1 one does not (each is printed).
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

CHECKS_NAME=test-refuse
# shellcheck source=scripts/tests/lib-checks.sh
. "$(dirname "$0")/lib-checks.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VMA_RETRY_CACHE=$tmp/cache VMA_RETRY_PATCHES=$tmp/patches KERNEL_BASE=v1.0
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_EDITOR=true
export GIT_AUTHOR_NAME=User GIT_AUTHOR_EMAIL=user@kernel.test
export GIT_COMMITTER_NAME=User GIT_COMMITTER_EMAIL=user@kernel.test
APPLY=$VMA_RETRY_ROOT/scripts/apply-series.sh
wt=$tmp/cache/src/applied
g() { git -C "$wt" "$@"; }
# undo COMMAND...: put a state back after a refusal, quietly; should the
# refusal have failed, the state may be gone: the checks that follow say so.
undo() { "$@" >/dev/null 2>&1 || true; }

# A kernel-like repository: Makefile, mm/, the base tag v1.0, and a branch
# 'main' checked out with an uncommitted change (the user's own checkout).
new_kernel() { # DIR
	git init -q -b main "$1"
	mkdir "$1/mm"
	printf 'all:\n' >"$1/Makefile"
	seq 1 20 >"$1/mm/filemap.c"
	git -C "$1" add -A
	git -C "$1" commit -q -m base
	git -C "$1" tag v1.0
	git -C "$1" commit -q --allow-empty -m "the user's own commit on main"
	echo "user's edit" >>"$1/Makefile"
}
A=$tmp/kernel-a B=$tmp/kernel-b C=$tmp/kernel-c
new_kernel "$A"
new_kernel "$B"
new_kernel "$C"
export KERNEL_TREE=$A

# The series: two patches of mm/, made in a scratch clone.
git clone -q "$A" "$tmp/author"
git -C "$tmp/author" checkout -q -b s v1.0
sed -i 's/^5$/five/' "$tmp/author/mm/filemap.c"
git -C "$tmp/author" commit -q -am "mm: five"
echo new >"$tmp/author/mm/new.c"
git -C "$tmp/author" add mm/new.c
git -C "$tmp/author" commit -q -m "mm: new"
mkdir "$VMA_RETRY_PATCHES"
git -C "$tmp/author" format-patch -q -o "$VMA_RETRY_PATCHES" v1.0..s
for f in "$VMA_RETRY_PATCHES"/*.patch; do echo "${f##*/}"; done >"$VMA_RETRY_PATCHES/series"

# apply WANT DESCRIPTION [PATTERN]: apply-series.sh exits WANT (its stderr
# matching PATTERN).
apply() {
	local want=$1 what=$2 pat=${3:-} rc=0 t0 ms
	t0=$(date +%s%N)
	"$APPLY" >"$tmp/out" 2>&1 || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if ((rc != want)); then
		bad "$what: exit $rc, not $want: $(cat "$tmp/out")"
	elif [[ -n $pat ]] && ! tr '\n' ' ' <"$tmp/out" | grep -qE -- "$pat"; then
		bad "$what: no '$pat' in: $(cat "$tmp/out")"
	else
		ok "$what (exit $rc, $ms ms)"
	fi
}
head_of() { git -C "$1" rev-parse "$2"; }
main_a=$(head_of "$A" main)
user_checkout_intact() { # DIR MAIN-HEAD: the user's checkout as they left it
	[[ $(git -C "$1" symbolic-ref HEAD) == refs/heads/main && $(head_of "$1" main) == "$2" ]] &&
		grep -q "user's edit" "$1/Makefile"
}

# ---- what must work ---------------------------------------------------------
apply 0 "first apply"
holds "the branch holds the two patches on v1.0" \
	test "$(g rev-list --count v1.0..vma-retry)" = 2
holds "the applied tree is on the branch" test "$(g symbolic-ref HEAD)" = refs/heads/vma-retry
holds "the user's checkout, its change and branch main are untouched" user_checkout_intact "$A" "$main_a"
h=$(head_of "$A" vma-retry)
apply 0 "a re-apply of the same series" "already applied"
holds "it left the branch as it was" test "$(head_of "$A" vma-retry)" = "$h"
"$VMA_RETRY_ROOT/scripts/export-series.sh" >/dev/null 2>&1 || bad "make series (export-series.sh) failed"
apply 0 "apply after make series"
holds "make series-check then passes" "$VMA_RETRY_ROOT/scripts/export-series.sh" --check
h=$(head_of "$A" vma-retry)
out=$(DRY_RUN=1 ARCHES=x86_64 "$VMA_RETRY_ROOT/scripts/bisect-check.sh" 2>&1) || bad "bisect-check.sh DRY_RUN=1: $out"
holds "bisect-check.sh's walk (DRY_RUN=1) went over both patches" grep -q "plan \[2/2\]" <<<"$out"
holds "and left the tree on the branch, at the same head" \
	test "$(g symbolic-ref HEAD) $(head_of "$A" vma-retry)" = "refs/heads/vma-retry $h"
apply 0 "apply after bisect-check.sh" "already applied"
g checkout -q --detach vma-retry~1
apply 0 "the tree detached on a series commit (an interrupted bisect-check.sh walk)" "already applied"
holds "the tree is back on the branch, at the same head" \
	test "$(g symbolic-ref HEAD) $(head_of "$A" vma-retry)" = "refs/heads/vma-retry $h"

# ---- refusals: exit 2, and the work is still there ----------------------------
echo "work in progress" >>"$wt/mm/filemap.c"
apply 2 "an uncommitted change" "uncommitted changes.*stash"
holds "the change is still there" grep -q "work in progress" "$wt/mm/filemap.c"
undo g stash

# an am stopped on a patch that does not apply
printf 'From: x <x@kernel.test>\nSubject: [PATCH] conflict\n\n---\n' >"$tmp/bad.patch"
printf 'diff --git a/mm/filemap.c b/mm/filemap.c\n--- a/mm/filemap.c\n+++ b/mm/filemap.c\n' >>"$tmp/bad.patch"
printf '@@ -1,3 +1,3 @@\n-nothing\n+here\n nor\n here\n' >>"$tmp/bad.patch"
g am -q "$tmp/bad.patch" >/dev/null 2>&1 && bad "the conflicting patch applied"
apply 2 "a git am in progress" "am is in progress.*--abort"
holds "the am is still in progress" test -d "$(g rev-parse --git-path rebase-apply)"
undo g am --abort

# a rebase -i stopped to edit the first commit (README: how the series is edited)
GIT_SEQUENCE_EDITOR="sed -i 's/^pick/edit/'" g rebase -q -i v1.0 >/dev/null 2>&1
echo "edited in the rebase" >>"$wt/mm/filemap.c"
apply 2 "a rebase -i in progress" "rebase is in progress"
holds "the rebase and its edit are still there" \
	test -d "$(g rev-parse --git-path rebase-merge)" -a -n "$(grep 'edited in the rebase' "$wt/mm/filemap.c")"
undo g checkout -q -- .
undo g rebase --abort

g branch other v1.0
git -C "$A" worktree add -q "$tmp/other" other
echo "other" >"$tmp/other/mm/other.c"
git -C "$tmp/other" add mm/other.c
git -C "$tmp/other" commit -q -m other
git -C "$A" worktree remove "$tmp/other"
g merge -q --no-ff --no-commit other >/dev/null 2>&1
apply 2 "a merge in progress" "merge is in progress"
holds "the merge is still in progress" test -f "$(g rev-parse --git-path MERGE_HEAD)"
undo g merge --abort

# a cherry-pick stopped on a conflict (line 5 is "five" on the branch)
git -C "$A" worktree add -q "$tmp/other" --detach v1.0
sed -i 's/^5$/FIVE/' "$tmp/other/mm/filemap.c"
git -C "$tmp/other" commit -q -am "mm: FIVE"
pick=$(git -C "$tmp/other" rev-parse HEAD)
git -C "$A" worktree remove --force "$tmp/other"
g cherry-pick "$pick" >/dev/null 2>&1 && bad "the conflicting cherry-pick applied"
apply 2 "a cherry-pick in progress" "cherry-pick is in progress.*--abort"
holds "the cherry-pick is still in progress" test -f "$(g rev-parse --git-path CHERRY_PICK_HEAD)"
undo g cherry-pick --abort

g bisect start -q vma-retry v1.0 >/dev/null
apply 2 "a bisect in progress" "bisect is in progress.*bisect reset"
holds "the bisect is still in progress" test -f "$(g rev-parse --git-path BISECT_LOG)"
undo g bisect reset

echo "a fix" >>"$wt/mm/new.c"
g commit -q -am "mm: the user's fix"
mine=$(g rev-parse HEAD)
apply 2 "a commit on the branch that patches/ does not hold" "not in .*make series"
holds "the commit is still the branch's head" test "$(head_of "$A" vma-retry)" = "$mine"
"$VMA_RETRY_ROOT/scripts/export-series.sh" >/dev/null 2>&1 || bad "make series failed"
apply 0 "apply after make series exported that commit"
holds "the fix is in the applied series" grep -q "a fix" "$wt/mm/new.c"

g checkout -q --detach
echo "detached work" >"$wt/mm/detached.c"
g add mm/detached.c
g commit -q -m "detached work"
mine=$(g rev-parse HEAD)
apply 2 "a commit on a detached HEAD" "detached.*no branch holds"
holds "the commit is still checked out" test "$(g rev-parse HEAD)" = "$mine"
undo g checkout -q vma-retry

g checkout -q --detach
git -C "$A" stash -q
git -C "$A" checkout -q vma-retry
apply 2 "the branch checked out in the user's checkout" "checked out in $A"
holds "the user's checkout is still on it" test "$(git -C "$A" symbolic-ref HEAD)" = refs/heads/vma-retry
undo git -C "$A" checkout -q main
undo git -C "$A" stash pop
undo g checkout -q vma-retry

git -C "$B" branch vma-retry main
theirs=$(head_of "$B" vma-retry)
KERNEL_TREE=$B apply 2 "KERNEL_TREE with a branch vma-retry of its own" "already has a branch vma-retry"
holds "that branch is as it was" test "$(head_of "$B" vma-retry)" = "$theirs"
holds "the applied tree of the other KERNEL_TREE is still there" is_worktree_of "$wt" "$A"
holds "the user's checkout of that KERNEL_TREE is untouched" user_checkout_intact "$B" "$(head_of "$B" main)"

echo "work in progress" >>"$wt/mm/filemap.c"
KERNEL_TREE=$C apply 2 "a KERNEL_TREE switch with uncommitted work in the applied tree" "uncommitted changes"
holds "the work is still there" grep -q "work in progress" "$wt/mm/filemap.c"
undo g checkout -q -- .

# ---- switching trees and back -------------------------------------------------
KERNEL_TREE=$C apply 0 "a KERNEL_TREE switch"
holds "the applied tree is now KERNEL_TREE's" is_worktree_of "$wt" "$C"
holds "the user's checkout of it is untouched" user_checkout_intact "$C" "$(head_of "$C" main)"
apply 0 "and back (the branch left in the first tree is the one this script made)"
holds "the user's checkout of the first tree is untouched" user_checkout_intact "$A" "$main_a"

checks_done
echo "test-refuse: all checks hold" >&2
