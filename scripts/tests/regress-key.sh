#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test of the regression guard's keying: which baseline is written and
# which one a run is compared with, without a kernel build or a boot.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0

Runs the real scripts/regress-baseline.sh and scripts/run-qemu.sh from a
copy of this checkout in a temporary directory, with stubs for the kernel
and initramfs builds and a fake qemu-system-x86_64 that prints a console log
(scripts/tests/fixtures/x86_64.log, or it with one regress case changed), on two
scratch kernel repositories: the pinned base (in a scratch cache) and a
KERNEL_TREE with another base. Checks that
  - the pinned base's baseline goes to selftests/regress/x86_64, headed by
    its key (base commit, config hash), and a run on it is compared with it;
  - a KERNEL_TREE base's goes to the cache, COMMIT-HASH/x86_64, and never
    changes selftests/regress/; a run on that tree is compared with it (the
    changed case then differs), and --if-missing then records nothing;
  - refused, with the reason: a config change (both kernels), another
    KERNEL_BASE without a baseline, a cache file whose key is not the
    base's, and an applied tree that is not on KERNEL_BASE.
Uses the kunit.py of the base tree (\$VMA_RETRY_CACHE, or KERNEL_TREE=).
Takes about a minute. Exit status 1 on any failure.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

real_tree=$(kernel_tree)
[[ -f $real_tree/tools/testing/kunit/kunit.py ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
fail() { printf 'regress-key: FAIL: %s\n' "$*" >&2; fails=$((fails + 1)); }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	local what=$1
	shift
	checks=$((checks + 1))
	"$@" || fail "$what"
}

# ---- a copy of the checkout, whose builds are stubs ---------------------------
R=$tmp/checkout
rsync -a --exclude /out --exclude /.git "$VMA_RETRY_ROOT/" "$R/"
fixture=$VMA_RETRY_ROOT/scripts/tests/fixtures/x86_64.log
# The build ID of the kernel that printed the fixture: the stub's vmlinux
# has it, so that run-qemu.sh's check of the booted kernel passes.
bid=$(sed -n 's/^# vma-retry-init: kernel build-id \([0-9a-f]*\)$/\1/p' "$fixture")
[[ -n $bid ]] || { echo "regress-key: the fixture has no build-id line" >&2; exit 1; }
echo 'int main(void) { return 0; }' >"$tmp/vmlinux.c"
cat >"$R/scripts/build-kernel.sh" <<EOF
#!/usr/bin/env bash
# stub: an empty kernel image where build-kernel.sh puts it, and a vmlinux
# with the fixture's build ID
set -euo pipefail
. "\$(dirname "\$0")/lib.sh"
while variant_opt "\$@"; do shift "\$VSHIFT"; done
load_arch "\$1"
image=\$(build_dir "\$(variant_label)")/\$A_IMAGE
mkdir -p "\$(dirname "\$image")"
: >"\$image"
gcc -Wl,--build-id=0x$bid -o "\$(build_dir "\$(variant_label)")/vmlinux" "$tmp/vmlinux.c"
printf '%s\\n' "\$image"
EOF
cat >"$R/scripts/build-initramfs.sh" <<'EOF'
#!/usr/bin/env bash
# stub: an empty initramfs where build-initramfs.sh puts it
set -euo pipefail
. "$(dirname "$0")/lib.sh"
while variant_opt "$@" || [[ $1 == --regress ]]; do
	if [[ $1 == --regress ]]; then shift 2; else shift "$VSHIFT"; fi
done
load_arch "$1"
mkdir -p "$(dirname "$(initramfs_base)")"
: >"$(initramfs_base).cpio"
EOF
mkdir -p "$tmp/bin"
cat >"$tmp/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# fake QEMU: the console log of a run
cat "$FAKE_LOG"
EOF
chmod +x "$R"/scripts/build-*.sh "$tmp/bin/qemu-system-x86_64"
cp "$fixture" "$tmp/same.log"
awk '/^    ok 1 mremap_dontunmap_simple$/ { $0 = "    not ok 1 mremap_dontunmap_simple" } 1' \
	"$fixture" >"$tmp/changed.log"
cmp -s "$fixture" "$tmp/changed.log" && { echo "regress-key: the fixture has no case to change" >&2; exit 1; }

# ---- scratch kernel repositories ---------------------------------------------
# kernel_tree's checks, and the kunit.py that the judge runs.
scratch() { # scratch DIR TEXT TAG: a repository with one commit, tagged
	mkdir -p "$1/mm" "$1/tools/testing"
	cp -a "$real_tree/tools/testing/kunit" "$1/tools/testing/"
	printf '%s\n' "$2" >"$1/Makefile"
	: >"$1/mm/Kconfig"
	git -C "$1" init -q -b main
	as_project git -C "$1" add -A
	as_project git -C "$1" commit -q -m "$2"
	as_project git -C "$1" tag -a -m "$3" "$3"
}
# applied DIR REPO REV: a worktree of REPO at REV with one commit on top
applied() {
	git -C "$2" worktree add -q --detach "$1" "$3"
	echo series >"$1/series"
	as_project git -C "$1" add series
	as_project git -C "$1" commit -q -m series
}
export VMA_RETRY_CACHE=$tmp/cache OUT=$tmp/out
unset KERNEL_TREE KERNEL_BASE TESTS
export PATH=$tmp/bin:$PATH
scratch "$VMA_RETRY_CACHE/src/$BASE_PKG" 'pinned base' "$BASE_TAG"
pinned=$(git -C "$VMA_RETRY_CACHE/src/$BASE_PKG" rev-parse "$BASE_TAG^{commit}")
scratch "$tmp/user" 'your base' v9.9
scratch "$tmp/user-other" 'your other base' v9.8
git -C "$tmp/user" fetch -q "$tmp/user-other" 'refs/tags/v9.8:refs/tags/v9.8'
user=$(git -C "$tmp/user" rev-parse 'v9.9^{commit}')
applied "$tmp/applied-pinned" "$VMA_RETRY_CACHE/src/$BASE_PKG" "$BASE_TAG"
applied "$tmp/applied-user" "$tmp/user" v9.9
hash=$(VMA_RETRY_ROOT=$R bash -c '. "$VMA_RETRY_ROOT/scripts/lib.sh"; load_arch x86_64; regress_config_hash')
committed=$R/selftests/regress/x86_64
cached=$VMA_RETRY_CACHE/regress/$user-$hash/x86_64
sums() { find "$R/selftests/regress" -type f -exec sha256sum {} + | sort; }

# run NAME [VAR=VALUE...] -- SCRIPT ARG...: run a script of the copy; its
# status in $rc, its output in $tmp/NAME.out
run() {
	local name=$1 envs=()
	shift
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	rc=0
	env "${envs[@]}" "$R/scripts/$1" "${@:2}" >"$tmp/$name.out" 2>&1 || rc=$?
}
# has NAME TEXT: TEXT is in the output of run NAME (else its last lines)
has() { grep -qF -- "$2" "$tmp/$1.out" || { tail -n 5 "$tmp/$1.out" >&2; return 1; }; }
verdict() { # verdict NAME RC TEXT: exit status and a part of the summary line
	checks=$((checks + 1))
	local sum
	sum=$(cat "$OUT/x86_64.summary" 2>/dev/null || true)
	if ((rc != $2)) || [[ $sum != *"$3"* ]]; then
		fail "$1: exit $rc (want $2), want \"$3\" in: ${sum:-no summary}"
		tail -n 5 "$tmp/$last.out" >&2
	fi
}
three=vma_retry,mremap_dontunmap,process_madv
boot() { # boot NAME LOG APPLIED [VAR=VALUE...]: run-qemu.sh on the fake QEMU
	local name=$1 log=$2 src=$3
	shift 3
	last=$name
	rm -f "$OUT"/x86_64.*
	run "$name" FAKE_LOG="$tmp/$log.log" TESTS=$three "$@" -- run-qemu.sh --src "$src" \
		--kernel "$tmp/bin/qemu-system-x86_64" --build-id "$bid" \
		--initrd "$fixture" x86_64
}

# ---- the pinned base ------------------------------------------------------------
run where-pinned -- regress-baseline.sh --where x86_64
check "--where for the pinned base" grep -qxF "$committed" "$tmp/where-pinned.out"
run rec-pinned FAKE_LOG="$tmp/same.log" -- regress-baseline.sh x86_64
checks=$((checks + 1))
((rc == 0)) || { fail "recording the pinned base's baseline: exit $rc"; tail -n 5 "$tmp/rec-pinned.out" >&2; }
check "the pinned base's baseline is headed by its key" \
	grep -qx "# regress baseline: arch=x86_64 base=$pinned config=$hash" <(head -n 1 "$committed")
check "the pinned base's baseline has the fixture's regress lines" grep -qx 'mremap_dontunmap: ok: mremap_dontunmap_simple' "$committed"
check "nothing in the cache for the pinned base" test ! -e "$VMA_RETRY_CACHE/regress"
boot pinned same "$tmp/applied-pinned"
verdict "the pinned base, same results" 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 11/0/1"
check "the pinned base's run names its baseline" has pinned "regress baseline selftests/regress/x86_64"
boot pinned-changed changed "$tmp/applied-pinned"
verdict "the pinned base, a changed case" 1 "regress 10/1/1"

# ---- a KERNEL_TREE base ----------------------------------------------------------
U=(KERNEL_TREE="$tmp/user" KERNEL_BASE=v9.9)
before=$(sums)
run where-user "${U[@]}" -- regress-baseline.sh --where x86_64
check "--where for KERNEL_TREE's base" grep -qxF "$cached" "$tmp/where-user.out"
# (its base kernel fails one case that the pinned one passes)
run rec-user "${U[@]}" FAKE_LOG="$tmp/changed.log" -- regress-baseline.sh --if-missing x86_64
checks=$((checks + 1))
((rc == 0)) || { fail "recording KERNEL_TREE's baseline: exit $rc"; tail -n 5 "$tmp/rec-user.out" >&2; }
check "KERNEL_TREE's baseline is in the cache, headed by its key" \
	grep -qx "# regress baseline: arch=x86_64 base=$user config=$hash" <(head -n 1 "$cached" 2>/dev/null)
check "KERNEL_TREE's baseline has its kernel's results" grep -qx 'mremap_dontunmap: not ok: mremap_dontunmap_simple' "$cached"
check "recording KERNEL_TREE's baseline changed nothing in selftests/regress/" test "$(sums)" == "$before"
run rec-user-again "${U[@]}" -- regress-baseline.sh --if-missing x86_64
check "--if-missing with a baseline: nothing recorded" has rec-user-again "regress baseline $cached"
# Without the cache's file, regress-baseline.sh with KERNEL_TREE still
# writes only into the cache.
rm -f "$cached"
run rec-user-plain "${U[@]}" FAKE_LOG="$tmp/changed.log" -- regress-baseline.sh x86_64
check "make regress-baseline with KERNEL_TREE writes the cache" test -f "$cached"
check "...and not selftests/regress/" test "$(sums)" == "$before"
boot user changed "$tmp/applied-user" "${U[@]}"
verdict "KERNEL_TREE, its base's results" 0 "pass   kunit 21/0/0  selftests 12/0/0  regress 10/0/2"
check "KERNEL_TREE's run names the cache's baseline" has user "regress baseline $cached"
boot user-same same "$tmp/applied-user" "${U[@]}"
verdict "KERNEL_TREE, compared with its own base, not the pinned one" 1 "regress 10/1/1"

# ---- refusals -----------------------------------------------------------------------
# Another base of that tree, with no baseline recorded.
boot other same "$tmp/applied-user" KERNEL_TREE="$tmp/user" KERNEL_BASE=v9.8
verdict "an applied tree that is not on KERNEL_BASE" 2 ""
check "...refused: the tree is not on that base" has other "is not on the base v9.8"
git -C "$tmp/applied-user" worktree add -q --detach "$tmp/applied-other" v9.8
as_project git -C "$tmp/applied-other" commit -q --allow-empty -m series
boot other2 same "$tmp/applied-other" KERNEL_TREE="$tmp/user" KERNEL_BASE=v9.8
verdict "a base without a baseline" 1 "regress 0/0/0"
check "...says why" has other2 "regress: no baseline for arch=x86_64 base=$(git -C "$tmp/user" rev-parse 'v9.8^{commit}')"
check "...and the judge fails the guard" has other2 "regress: no baseline"
# A cache file whose key is another base's, at this base's place.
other_cached=$VMA_RETRY_CACHE/regress/$(git -C "$tmp/user" rev-parse 'v9.8^{commit}')-$hash/x86_64
mkdir -p "$(dirname "$other_cached")"
cp "$cached" "$other_cached"
boot other3 same "$tmp/applied-other" KERNEL_TREE="$tmp/user" KERNEL_BASE=v9.8
verdict "a cache file with another base's key" 1 "regress 0/0/0"
check "...is not used" has other3 "regress: no baseline for"
# The config changed: neither baseline's key matches any more.
printf 'CONFIG_EXT2_FS=y\n' >>"$R/configs/x86_64.config"
boot config-pinned same "$tmp/applied-pinned"
verdict "the pinned base, another config" 1 "regress 0/0/0"
check "...says which config the committed baseline is for" has config-pinned "selftests/regress/x86_64, which is for arch=x86_64 base=$pinned config=$hash"
run config-ifmissing -- regress-baseline.sh --if-missing x86_64
check "--if-missing on the pinned base does not rewrite the tracked file" test "$(sums)" == "$before"
check "...and says what to do" has config-ifmissing "rerun make regress-baseline ARCH=x86_64"
boot config-user changed "$tmp/applied-user" "${U[@]}"
verdict "KERNEL_TREE, another config" 1 "regress 0/0/0"
check "...refused" has config-user "regress: no baseline for arch=x86_64 base=$user"

if ((fails)); then
	printf 'regress-key: %d of %d checks failed\n' "$fails" "$checks" >&2
	exit 1
fi
printf 'regress-key: %d checks passed\n' "$checks"
