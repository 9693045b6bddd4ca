#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what vma-retry needs on a Debian 12 host, idempotently.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--print-packages]

Installs, idempotently, on a Debian 12 (bookworm) host:
  - apt suites bookworm-backports (pin 100), experimental and trixie (pin 1,
    download only), with the mirror taken from the host's existing apt sources;
  - QEMU 10 from bookworm-backports, GCC cross compilers from bookworm,
    clang-19/lld-19 for LoongArch, ccache, shellcheck and kernel build tools;
  - optional, for sending the series: git-email (git send-email, with the
    Perl modules it uses) and b4; if they cannot be installed, setup warns
    and goes on (make send only prepares the mail, and make check does not
    need them);
  - the base kernel tree (scripts/base-tree.sh) and the loong64 sysroot
    (scripts/loong64-sysroot.sh) in \$VMA_RETRY_CACHE ($VMA_RETRY_CACHE).
It prints what it installed. On a non-Debian host it lists the packages and
exits 2. The host's libc and toolchain are never upgraded to another release.
--print-packages prints the Debian packages it would install, one per line
(the host's, then QEMU's from bookworm-backports, then the optional ones for
sending), and does nothing else.
EOF_USAGE
}
print_only=''
case ${1:-} in
-h | --help) usage; exit 0 ;;
--print-packages) print_only=1; shift ;;
esac
[[ $# -eq 0 ]] || usage_error "unexpected argument '$1' (see --help)"

host_packages=(make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio kmod
	python3 rsync xz-utils zstd git ccache shellcheck perl e2fsprogs
	python3-numpy python3-scipy python3-matplotlib python3-yaml)
# (the toolchain column holds several packages per arch)
# shellcheck disable=SC2207
host_packages+=($(arch_values A_PACKAGES))
mapfile -t qemu_packages < <(arch_values A_QEMU_PKG)
# Optional: to send what make send prepares (git send-email, or b4).
send_packages=(git-email libmailtools-perl libemail-valid-perl libnet-smtp-ssl-perl
	libauthen-sasl-perl libio-socket-ssl-perl b4)
if [[ -n $print_only ]]; then
	printf '%s\n' "${host_packages[@]}" "${qemu_packages[@]}" "${send_packages[@]}"
	exit 0
fi

if ! grep -qs '^ID=debian' /etc/os-release || ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
	printf 'This is not a Debian 12 (bookworm) host. Install by hand:\n' >&2
	printf '  %s\n' "${host_packages[*]}" >&2
	printf '  QEMU >= 10: %s\n' "${qemu_packages[*]}" >&2
	printf '  optional, to send the mail: %s\n' "${send_packages[*]}" >&2
	printf '  the kernel source: %s %s (Debian experimental) or your own tree (KERNEL_TREE=)\n' \
		"$BASE_PKG" "$BASE_PKG_VERSION" >&2
	exit "$EXIT_USAGE"
fi
[[ $(id -u) -eq 0 ]] || die "make setup installs packages: run it as root"

# --- apt suites ----------------------------------------------------------------
src=/etc/apt/sources.list.d/vma-retry.sources
pref=/etc/apt/preferences.d/vma-retry.pref
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [[ -z $mirror ]]; then
	mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[[ -n $mirror ]] || die "no Debian mirror found in the host's apt sources"
new_src=$(printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports experimental trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror")
# Pin 1: never installed or upgraded from by accident. experimental holds
# the base kernel source, trixie the loong64 cross libc that is only
# downloaded and unpacked (never installed) for the LoongArch sysroot.
new_pref=$(printf 'Package: *\nPin: release a=experimental\nPin-Priority: 1\n\nPackage: *\nPin: release n=trixie\nPin-Priority: 1\n\nPackage: *\nPin: release n=bookworm-backports\nPin-Priority: 100\n')
updated=
if [[ ! -f $src || $(cat "$src") != "$new_src" || ! -f $pref || $(cat "$pref") != "$new_pref" ]]; then
	printf '%s\n' "$new_src" >"$src"
	printf '%s\n' "$new_pref" >"$pref"
	log "added bookworm-backports (pin 100), experimental and trixie (pin 1) from the host's mirror"
	updated=1
fi
lists_age=$(( $(date +%s) - $(stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0) ))
if [[ -n $updated ]] || ! compgen -G '/var/lib/apt/lists/*experimental*Packages*' >/dev/null || (( lists_age > 86400 )); then
	stage "apt-get update" apt-get update -qq
fi

# --- packages ------------------------------------------------------------------
missing() {
	local p
	for p in "$@"; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || echo "$p"
	done
}
mapfile -t need < <(missing "${host_packages[@]}" | sort -u)
if ((${#need[@]})); then
	stage "apt-get install ${need[*]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
	log "installed: ${need[*]}"
fi
mapfile -t need < <(missing "${send_packages[@]}" | sort -u)
if ((${#need[@]})); then
	if stage "apt-get install ${need[*]} (optional)" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
		log "installed: ${need[*]}"
	else
		log "warning: could not install ${need[*]}: make send still prepares the mail, install them to send it"
	fi
fi
qemu_ok=1
for p in "${qemu_packages[@]}"; do
	v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
	[[ $v == 1:1[0-9].* ]] || qemu_ok=
done
if [[ -z $qemu_ok ]]; then
	stage "apt-get install QEMU 10 from bookworm-backports" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends -t bookworm-backports "${qemu_packages[@]}" >/dev/null
	log "installed: ${qemu_packages[*]} (bookworm-backports)"
fi

"$VMA_RETRY_ROOT/scripts/base-tree.sh"
"$VMA_RETRY_ROOT/scripts/loong64-sysroot.sh"

log "setup complete: $(qemu-system-x86_64 --version | head -1); $(gcc --version | head -1); $(clang-19 --version | head -1)"
