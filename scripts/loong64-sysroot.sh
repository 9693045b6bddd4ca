#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unpack (never install) Debian's arch-independent loong64 cross libc packages
# into a sysroot for static LoongArch guest binaries built with clang-19.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h | --help)
	cat <<EOF_USAGE
Usage: $0 [--help]

Bookworm has no loongarch cross GCC, and trixie's needs a newer host libc.
So the guest binaries for LoongArch are built by clang-19 --target=
loongarch64-linux-gnu with lld against a sysroot made of trixie's
architecture-independent cross packages, fetched with apt-get download and
unpacked with dpkg -x into \$VMA_RETRY_CACHE/sysroot/loong64 (nothing is
installed on the host). Prints the sysroot path. Does nothing if it exists.
EOF_USAGE
	exit 0 ;;
"") ;;
*) usage_error "unexpected argument '$1' (see --help)" ;;
esac

sysroot=$VMA_RETRY_CACHE/sysroot/loong64
if [[ -f $sysroot/.complete ]]; then
	printf '%s\n' "$sysroot"
	exit 0
fi
pkgs=(libc6-dev-loong64-cross libc6-loong64-cross linux-libc-dev-loong64-cross/trixie
	libgcc-14-dev-loong64-cross libgcc-s1-loong64-cross)
dl=$VMA_RETRY_CACHE/pkgs/loong64
rm -rf "$sysroot" "$dl"
mkdir -p "$dl" "$sysroot"
for p in "${pkgs[@]}"; do
	apt-cache show "${p%/*}" >/dev/null 2>&1 ||
		die "$p is not in the apt archive: run 'make setup' (it adds the trixie suite, download only)"
done
(cd "$dl" && apt-get download -q "${pkgs[@]}" 2>&1) | grep -v '^W: Download is performed unsandboxed' >&2 || true
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$dl/root"
done
# Debian's cross packages put everything under usr/loongarch64-linux-gnu;
# libgcc's crt files and libgcc.a live under usr/lib/gcc-cross.
cp -a "$dl/root/usr/loongarch64-linux-gnu/." "$sysroot/"
gccdir=$(find "$dl/root/usr/lib/gcc-cross/loongarch64-linux-gnu" -mindepth 1 -maxdepth 1 -type d | head -1)
[[ -n $gccdir ]] || die "no libgcc in the loong64 cross packages"
cp -a "$gccdir" "$sysroot/gcc"
# The sysroot layout clang expects: usr/include and usr/lib.
mkdir -p "$sysroot/usr"
ln -sfn ../include "$sysroot/usr/include"
ln -sfn ../lib "$sysroot/usr/lib"
rm -rf "$dl/root"
touch "$sysroot/.complete"
printf '%s\n' "$sysroot"
