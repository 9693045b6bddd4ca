#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the series for mailing, under the sender's identity: never sends
# anything.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [-o DIR]

Copies patches/ to out/send/ (or DIR) as mail from you, finds the recipients
with the base tree's scripts/get_maintainer.pl over the whole series, writes
them to to.txt and cc.txt there, and prints the 'git send-email --dry-run'
command to run. It never sends mail: drop --dry-run yourself after reading
the dry run.

The sender: SEND_NAME and SEND_EMAIL, each falling back to git's user.name
and user.email (git config, as read in this checkout). Every patch's From:
and its Signed-off-by: of the project identity ($VMA_RETRY_NAME
<$VMA_RETRY_EMAIL>) become the sender's, and so do the cover letter's
From: and the author of its shortlog; the rest is byte for byte as in
patches/ (but for the MIME headers that a non-ASCII name needs). Refused
(exit 2) before any work: no name or no email, a malformed one, or the
placeholder (the project's name or email, or an address at example.org,
example.com or example.net).

Recipients: To: the mm maintainer and linux-mm; Cc: every other maintainer,
reviewer and list that get_maintainer.pl names, plus linux-arch and each
arch's list from configs/arches where get_maintainer.pl does not name it.

base-commit: with the pinned Debian tree (a synthetic commit, unknown
upstream) the cover letter carries none; with KERNEL_TREE= (a mainline git
tree) it ends with 'base-commit: <sha of KERNEL_BASE>', as git format-patch
--base writes it.

  -o DIR   write the mail to DIR (made if missing; it must be empty or hold
           an earlier output of this script) instead of out/send

With b4 (Debian's package b4) instead of git send-email, from your own
mainline tree (b4 writes its own base-commit, the fork point: with the
pinned Debian tree that would be the synthetic commit, so use git
send-email there). After KERNEL_TREE=~/linux $0, in ~/linux:
  b4 prep -n vma-retry -f v7.3-rc7      # a b4/vma-retry branch at the base
  ls DIR/*.patch | grep -v 0000-cover-letter | xargs git am
                                        # the rewritten patches, not the cover
  b4 prep --edit-cover                  # paste the subject and text of
                                        # DIR/0000-cover-letter.patch
  mapfile -t to <DIR/to.txt; mapfile -t cc <DIR/cc.txt
  b4 send --no-sign -o /tmp/b4-mail --to "\${to[@]}" --cc "\${cc[@]}"
                                        # writes the messages, sends nothing
  b4 send --dry-run --to ... --cc ...   # on the terminal; then without it
(--no-sign until you have a patatt key: patatt genkey.)

Exit status: 0 ready, 1 a rewritten patch still names the placeholder,
2 usage or identity refused, 3 infrastructure (no base tree, ...).
EOF_USAGE
}
out=$VMA_RETRY_ROOT/out/send
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	-o) out=${2:?-o needs a directory}; shift 2 ;;
	*) usage_error "unexpected argument '$1' (see --help)" ;;
	esac
done

# ---- the sender, checked before anything is done ----------------------------
gitcfg() { git -C "$VMA_RETRY_ROOT" config --get "$1" || true; }
name=${SEND_NAME:-$(gitcfg user.name)}
email=${SEND_EMAIL:-$(gitcfg user.email)}
how="set SEND_NAME= and SEND_EMAIL=, or git config --global user.name / user.email"
[[ -n $name && -n $email ]] ||
	usage_error "no sender identity (name '$name', email '$email'): $how"
[[ $name != *[[:cntrl:]\<\>]* ]] ||
	usage_error "malformed sender name '$name' (no <, > or control characters): $how"
re='^[^@[:space:]<>"]+@[^@[:space:]<>"]+\.[^@[:space:]<>".]+$'
[[ $email =~ $re ]] ||
	usage_error "malformed sender email '$email' (want user@domain.tld): $how"
domain=${email##*@}
domain=${domain,,}
if [[ ${name,,} == "${VMA_RETRY_NAME,,}" || ${email,,} == "${VMA_RETRY_EMAIL,,}" ||
	$domain =~ (^|\.)example\.(org|com|net)$ ]]; then
	usage_error "'$name <$email>' is a placeholder (the project's identity, or an example.* domain), not a sender: $how"
fi
if [[ -d $out && ! $out -ef $VMA_RETRY_ROOT/out/send && -n $(ls -A "$out") && ! -f $out/to.txt ]]; then
	usage_error "$out is neither empty nor an earlier output of $0"
fi

mapfile -t patches < <(series_patches)
((${#patches[@]})) || die "patches/series lists no patches"
tree=$(kernel_tree)
[[ -x $tree/scripts/get_maintainer.pl ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh"
base_commit=
if [[ -n ${KERNEL_TREE:-} ]]; then
	base_commit=$(git -C "$tree" rev-parse -q --verify "$(base_rev)^{commit}") ||
		die "base revision '$(base_rev)' not found in $tree (set KERNEL_BASE=)"
fi

# git's own rendering of the sender as a mail header (RFC 2047 encoding and
# quoting as git format-patch does them) and, for a name that is not ASCII,
# the MIME headers that its 8-bit Signed-off-by needs: the headers of a
# throwaway commit, formatted by git.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sample=$(
	export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
		GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
		GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
	git init -q "$tmp/id"
	c=$(git -C "$tmp/id" commit-tree -m x -m "Signed-off-by: $name <$email>" \
		"$(git -C "$tmp/id" mktree </dev/null)")
	git -C "$tmp/id" format-patch --always -1 --stdout "$c" | sed -n '2,/^$/p'
)
NEW_FROM=$(awk '/^From: / { f = 1; print; next } f && /^[ \t]/ { print; next } { f = 0 }' <<<"$sample")
MIME=$(sed -n '/^MIME-Version:/,/^$/p' <<<"$sample" | sed '/^$/d')
[[ -n $NEW_FROM ]] || die "git did not format a From: header for '$name <$email>'"
export NEW_FROM MIME OLD_FROM="From: $VMA_RETRY_NAME <$VMA_RETRY_EMAIL>" \
	OLD_SOB="Signed-off-by: $VMA_RETRY_NAME <$VMA_RETRY_EMAIL>" \
	NEW_SOB="Signed-off-by: $name <$email>" BASE_COMMIT=$base_commit \
	OLD_NAME=$VMA_RETRY_NAME NEW_NAME=$name

# One patch file, rewritten: the header's From:; the Signed-off-by lines of
# the message (before ---), with the MIME headers at the end of the header
# when they are needed and missing; for the cover letter (COVER=1) the
# author of its shortlog ("NAME (16):") and any base-commit block replaced
# by BASE_COMMIT's (a blank line and the line, before the signature '-- '
# if there is one), or none.
rewrite() { # COVER FILE
	LC_ALL=C COVER=$1 awk '
	{ line[NR] = $0 }
	END {
		for (h = 1; h <= NR && line[h] != ""; h++)
			if (line[h] ~ /^Content-Type:/) ctype = 1
		for (m = h; m <= NR && line[m] != "---"; m++)
			if (line[m] == ENVIRON["OLD_SOB"]) sob = 1
		n = 0
		for (i = 1; i <= NR; i++) {
			l = line[i]
			if (i < h && l == ENVIRON["OLD_FROM"]) l = ENVIRON["NEW_FROM"]
			if (i == h && (sob || ENVIRON["COVER"]) && !ctype && ENVIRON["MIME"] != "") out[++n] = ENVIRON["MIME"]
			if (i > h && i < m && l == ENVIRON["OLD_SOB"]) l = ENVIRON["NEW_SOB"]
			k = length(ENVIRON["OLD_NAME"])
			if (ENVIRON["COVER"] && i > h && substr(l, 1, k) == ENVIRON["OLD_NAME"] &&
			    substr(l, k + 1) ~ /^ \([0-9]+\):$/)
				l = ENVIRON["NEW_NAME"] substr(l, k + 1)
			if (ENVIRON["COVER"] && l ~ /^(base-commit|prerequisite-patch-id): /) {
				if (l ~ /^base/ && n && out[n] == "") n--
				continue
			}
			out[++n] = l
		}
		sig = n + 1
		if (ENVIRON["COVER"])
			for (i = n; i > h; i--) if (out[i] == "-- ") { sig = i; break }
		for (i = 1; i <= n + 1; i++) {
			if (i == sig && ENVIRON["COVER"] && ENVIRON["BASE_COMMIT"] != "")
				printf "\nbase-commit: %s\n", ENVIRON["BASE_COMMIT"]
			if (i <= n) print out[i]
		}
	}' "$2"
}

mkdir -p "$out"
rm -f "$out"/*.patch "$out/to.txt" "$out/cc.txt"
rewrite 1 "$VMA_RETRY_ROOT/patches/0000-cover-letter.patch" >"$out/0000-cover-letter.patch"
for p in "${patches[@]}"; do
	rewrite '' "$VMA_RETRY_ROOT/patches/$p" >"$out/$p"
done
if left=$(grep -lF -- "$VMA_RETRY_EMAIL" "$out"/*.patch); then
	printf 'error: still naming the placeholder %s after the rewrite:\n' "$VMA_RETRY_EMAIL" >&2
	printf '  %s\n' "$left" >&2
	exit "$EXIT_TESTFAIL"
fi

# ---- recipients --------------------------------------------------------------
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
# linux-arch and the arch lists, where get_maintainer.pl did not name them.
named() { # ADDR: is it among the recipients already?
	local p a
	for p in "${to[@]}" "${cc[@]}"; do
		a=${p##*<}
		a=${a%>}
		[[ ${a,,} == "${1,,}" ]] && return 0
	done
	return 1
}
lists=(linux-arch@vger.kernel.org)
for a in $(all_arches); do
	load_arch "$a"
	[[ -n $A_LIST ]] || die "configs/arches: no mailing list for $a"
	lists+=("$A_LIST")
done
for l in "${lists[@]}"; do
	named "$l" || cc+=("$l")
done

from="$name <$email>"
cmd=(git send-email --dry-run --confirm=always --suppress-cc=self --from="$from")
for p in "${to[@]}"; do cmd+=(--to="$p"); done
for p in "${cc[@]}"; do cmd+=(--cc="$p"); done
cmd+=("$out"/*.patch)
printf '%s\n' "${to[@]}" >"$out/to.txt"
printf '%s\n' "${cc[@]}" >"$out/cc.txt"
log "From: $from; To: ${#to[@]}, Cc: ${#cc[@]} recipients ($out/to.txt, cc.txt)${base_commit:+; base-commit $base_commit}"
echo "Read the patches in $out, then run (it only prints what it would send):"
printf '  %q' "${cmd[@]}"
echo
