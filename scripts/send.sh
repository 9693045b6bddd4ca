#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the series for mailing: never sends anything.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h | --help)
	cat <<EOF_USAGE
Usage: $0 [--help]

Copies patches/ to out/send/, finds the recipients with the base tree's
scripts/get_maintainer.pl over the whole series (To: the mm maintainer and
linux-mm; Cc: every other maintainer, reviewer and list it names, the arch
lists among them), writes them to out/send/to.txt and cc.txt, and
prints the 'git send-email --dry-run' command to run. It never sends mail:
drop --dry-run yourself after reading the dry run.
EOF_USAGE
	exit 0 ;;
"") ;;
*) usage_error "unexpected argument '$1'" ;;
esac

mapfile -t patches < <(series_patches)
((${#patches[@]})) || die "patches/series lists no patches"
tree=$(kernel_tree)
[[ -x $tree/scripts/get_maintainer.pl ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh"
out=$VMA_RETRY_ROOT/out/send
rm -rf "$out"
mkdir -p "$out"
cp "$VMA_RETRY_ROOT/patches/0000-cover-letter.patch" "${patches[@]/#/$VMA_RETRY_ROOT/patches/}" "$out/"

gm=(./scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback --no-tree --norolestats)
mapfile -t people < <(cd "$tree" && "${gm[@]}" "${patches[@]/#/$VMA_RETRY_ROOT/patches/}" | sort -u)
to=() cc=()
for p in "${people[@]}"; do
	case $p in
	*akpm@linux-foundation.org* | *linux-mm@kvack.org*) to+=("$p") ;;
	*) cc+=("$p") ;;
	esac
done
((${#to[@]})) || to=("linux-mm@kvack.org")

cmd=(git send-email --dry-run --confirm=always --suppress-cc=self)
for p in "${to[@]}"; do cmd+=(--to="$p"); done
for p in "${cc[@]}"; do cmd+=(--cc="$p"); done
cmd+=("$out"/*.patch)
printf '%s\n' "${to[@]}" >"$out/to.txt"
printf '%s\n' "${cc[@]}" >"$out/cc.txt"
log "To: ${#to[@]}, Cc: ${#cc[@]} recipients (out/send/to.txt, out/send/cc.txt)"
echo "Read the patches in $out, then run (it only prints what it would send):"
printf '  %q' "${cmd[@]}"
echo
