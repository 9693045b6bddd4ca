#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad input is rejected first: a clear error and the usage exit status
# before any work; and configs/arches is the only place of an arch's facts.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0

Checks, without building or booting anything (make check runs it as the
gate "input"):
  - make run/build/bench/stress ARCH=vax, and make run without ARCH, exit 2
    within a second, naming the valid arches, having applied nothing;
  - the scripts reject an unknown arch, an unknown option and a bad value
    (bench.sh --boots 0) with exit 2;
  - in a scratch copy of configs/ and scripts/: a new arch row is picked up
    by every reader of the table (make help, load_arch, the packages
    setup.sh --print-packages lists, the lists in the Cc's of a send.sh run
    with a throwaway identity) with no other file touched
    but its config fragment; a row without its fragment, with a debug
    fragment that does not exist, an empty test debug column or without a
    QEMU package is an error naming the row.
Exit status: 0 all hold, 1 one does not (each is printed).
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

fails=0
bad() { printf 'test-input: FAIL: %s\n' "$*" >&2; fails=$((fails + 1)); }
ok() { printf 'test-input: ok: %s\n' "$*" >&2; }
# holds DESCRIPTION COMMAND...: COMMAND succeeds.
holds() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "not so: $what"; fi
}

# expect CODE PATTERN DESCRIPTION COMMAND...: COMMAND exits CODE, within a
# second, and its stderr matches PATTERN.
expect() {
	local code=$1 pat=$2 what=$3 rc=0 t0 err
	shift 3
	t0=$(date +%s%N)
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	local ms=$((($(date +%s%N) - t0) / 1000000))
	if ((rc != code)); then
		bad "$what: exit $rc, not $code: $err"
	elif ! grep -qE -- "$pat" <<<"$err"; then
		bad "$what: no '$pat' in: $err"
	elif ((ms > 1000)); then
		bad "$what: took $ms ms"
	else
		ok "$what (exit $rc, $ms ms)"
	fi
}

R=$VMA_RETRY_ROOT
for t in run build bench stress kunit; do
	expect 2 "unknown ARCH 'vax'; valid: $(all_arches | paste -sd' ')" "make $t ARCH=vax" make -s -C "$R" "$t" ARCH=vax
done
expect 2 "ARCH= is required" "make run without ARCH" make -s -C "$R" run
expect 2 "unknown ARCH 'vax'" "build-kernel.sh vax" "$R/scripts/build-kernel.sh" vax
expect 2 "unknown ARCH 'vax'" "run-qemu.sh vax" "$R/scripts/run-qemu.sh" vax
expect 2 "unknown option" "build-initramfs.sh --bogus" "$R/scripts/build-initramfs.sh" --bogus x86_64
expect 2 "unrecognized arguments: --bogus" "judge-log.py --bogus" "$R/scripts/judge-log.py" \
	--arch x86_64 --label x86_64 --log /dev/null --out /nonexistent --bogus
expect 2 "positive number" "bench.sh --boots 0" "$R/scripts/bench.sh" --boots 0 x86_64
expect 2 "no file" "bench.sh --hold-patch missing" "$R/scripts/bench.sh" --hold-patch /nonexistent x86_64

# A new arch in a scratch copy: one row and its fragment.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$R/configs" "$R/scripts" "$R/Makefile" "$tmp/"
row=$(awk -F'|' '!/^#/ && NF { n = $1; gsub(/ /, "", n); if (n == "arm64") print }' "$R/configs/arches")
sed -e 's/^arm64 /dummy /' -e 's/linux-arm-kernel@lists.infradead.org/dummy@lists.kernel.test/' \
	-e 's/qemu-system-arm /qemu-system-dummy /' -e 's/gcc-aarch64-linux-gnu /gcc-dummy-linux-gnu /' \
	<<<"$row" >>"$tmp/configs/arches"
in_tmp() { VMA_RETRY_CACHE=$tmp/cache bash -c ". '$tmp/scripts/lib.sh'; $1"; }
expect 3 "dummy has no config fragment configs/dummy.config" "a row without its fragment" \
	in_tmp 'load_arch dummy'
cp "$tmp/configs/arm64.config" "$tmp/configs/dummy.config"
holds "a row with its fragment loads" in_tmp 'load_arch dummy'
help_text=$(make -s -C "$tmp" help)
holds "make help lists it" grep -q ' dummy' <<<"$help_text"
# What make setup installs and make send Cc's, computed as those scripts do.
pk=$(in_tmp 'arch_values A_QEMU_PKG')
holds "its QEMU package is read" grep -qx qemu-system-dummy <<<"$pk"
# What make setup would install, and whom make send Cc's, from the scratch copy.
pkgs=$("$tmp/scripts/setup.sh" --print-packages)
holds "setup.sh would install its QEMU package" grep -qx qemu-system-dummy <<<"$pkgs"
holds "setup.sh would install its toolchain" grep -qx gcc-dummy-linux-gnu <<<"$pkgs"
cp -a "$R/patches" "$tmp/"
mkdir "$tmp/Documentation" && cp "$R/Documentation/cover-letter.txt" "$tmp/Documentation/"
SEND_NAME="Input Tester" SEND_EMAIL=input@kernel.test "$tmp/scripts/send.sh" -o "$tmp/send" \
	>"$tmp/send.log" 2>&1 || true
holds "send.sh Cc's its list" grep -qx dummy@lists.kernel.test "$tmp/send/cc.txt"
sed -i 's/^\(dummy .*|\)kasan softlockup |-$/\1kasan nosuch |-/' "$tmp/configs/arches"
expect 3 "dummy: no config fragment configs/nosuch.config" "a debug fragment that does not exist" \
	in_tmp 'load_arch dummy'
sed -i 's/^\(dummy .*|\)kasan nosuch |-$/\1kasan | /' "$tmp/configs/arches"
expect 3 "dummy: an empty debug or test debug column" "an empty test debug column" \
	in_tmp 'load_arch dummy'
sed -i 's/^\(dummy .*|\)qemu-system-dummy *|kasan | $/\1|kasan |-/' "$tmp/configs/arches"
expect 3 "dummy: no QEMU package" "a row without a QEMU package" in_tmp 'load_arch dummy'
# Other readers of the table would not see the scratch row's changes.
others=$(grep -l 'configs/arches' "$R"/scripts/*.sh "$R"/scripts/*.py "$R/Makefile" 2>/dev/null |
	grep -v -e '/lib.sh$' -e '/test-input.sh$' | xargs -r grep -lE "awk[^|]*configs/arches|< *\"?\\\$ARCH_TABLE" || true)
holds "lib.sh is the one reader of configs/arches (others: ${others:-none})" test -z "$others"

((fails == 0)) || { echo "test-input: $fails check(s) failed" >&2; exit 1; }
echo "test-input: all checks hold" >&2
