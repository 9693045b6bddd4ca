#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned Debian linux-source package, verify it, and unpack it into
# a git repository with one base commit and the tag $BASE_TAG.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h | --help)
	cat <<EOF_USAGE
Usage: $0 [--help]

Makes \$VMA_RETRY_CACHE/src/\$BASE_PKG a git repository holding the pinned base
kernel ($BASE_PKG $BASE_PKG_VERSION from Debian $BASE_PKG_SUITE) as one commit
tagged $BASE_TAG. The .deb is fetched with apt-get download and checked against
configs/base.sha256. Does nothing when the tree exists. With KERNEL_TREE= set
there is nothing to do: your tree is used as it is.
Environment: BASE_PKG, BASE_PKG_VERSION (another Debian linux-source package;
its checksum is then recorded, not verified), VMA_RETRY_CACHE.
EOF_USAGE
	exit 0 ;;
"") ;;
*) usage_error "unexpected argument '$1' (see --help)" ;;
esac

if [[ -n ${KERNEL_TREE:-} ]]; then
	kernel_tree >/dev/null
	log "KERNEL_TREE=$KERNEL_TREE: using your tree, base $(base_rev)"
	exit 0
fi

tree=$(kernel_tree)
if git -C "$tree" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
	log "base tree ready: $tree ($BASE_TAG)"
	exit 0
fi

pkgdir=$VMA_RETRY_CACHE/pkgs
mkdir -p "$pkgdir"
deb=$pkgdir/${BASE_PKG}_${BASE_PKG_VERSION/*:/}_all.deb
if [[ ! -f $deb ]]; then
	if ! apt-cache show "$BASE_PKG=$BASE_PKG_VERSION" >/dev/null 2>&1; then
		die "$BASE_PKG $BASE_PKG_VERSION is not in the apt archive (any more?).
  Run 'make setup' first (it adds the $BASE_PKG_SUITE suite). If the package was
  removed from Debian, pick another one with BASE_PKG=... BASE_PKG_VERSION=...,
  or point the scripts at a mainline v7.3-rc7 git tree with KERNEL_TREE=/path."
	fi
	log "downloading $BASE_PKG $BASE_PKG_VERSION"
	(cd "$pkgdir" && apt-get download -q "$BASE_PKG=$BASE_PKG_VERSION" 2>&1) | grep -v '^W: Download is performed unsandboxed' >&2 || true
	[[ -f $deb ]] || die "apt-get download did not produce $deb"
fi

sumfile=$VMA_RETRY_ROOT/configs/base.sha256
if grep -q " ${deb##*/}\$" "$sumfile"; then
	(cd "$pkgdir" && grep " ${deb##*/}\$" "$sumfile" | sha256sum -c --quiet -) ||
		die "$deb does not match configs/base.sha256: remove it and run again"
	log "sha256 of ${deb##*/} verified"
else
	log "warning: no recorded sha256 for ${deb##*/} (not the pinned package): $(sha256sum "$deb" | cut -d' ' -f1)"
fi

# A repository without the tag may hold work (the series branch): it is
# not replaced. A tree that is no repository is an interrupted unpack.
[[ ! -e $tree/.git ]] ||
	refuse "$tree is a git repository without the tag $BASE_TAG: move it away" \
		"  (its branch $SERIES_BRANCH may hold your commits), then run again"
tmp=$VMA_RETRY_CACHE/src/.unpack.$$
rm -rf "$tmp" "$tree"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
tarball=$(find "$tmp/usr/src" -maxdepth 1 -name 'linux-source-*.tar.xz' | head -1)
[[ -n $tarball ]] || die "no linux-source tarball in $deb"
stage "unpacking ${tarball##*/}" tar -xJf "$tarball" -C "$VMA_RETRY_CACHE/src"
[[ -d $tree ]] || die "unpacking did not create $tree"

export GIT_AUTHOR_DATE=$VMA_RETRY_DATE GIT_COMMITTER_DATE=$VMA_RETRY_DATE
(
	cd "$tree"
	git init -q -b base
	git config core.autocrlf false
	git config gc.auto 0
	as_project git add -A -f .
	as_project git commit -q -m "Linux ${BASE_PKG#linux-source-} base: $BASE_PKG $BASE_PKG_VERSION

The kernel source tree of the Debian package $BASE_PKG, version
$BASE_PKG_VERSION (Linux v7.3-rc7 with Debian's patches applied)."
	as_project git tag -a -m "vma-retry base" "$BASE_TAG"
)
log "base tree ready: $tree ($BASE_TAG = $(git -C "$tree" rev-parse --short "$BASE_TAG^{commit}"))"
