#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test of make send (scripts/send.sh), a gate of make check. Sends nothing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../lib.sh"

V2=20260430040427.4672-1-baohua@kernel.org
usage() {
	cat <<EOF_USAGE
Usage: $0 [--patches DIR]

Runs scripts/send.sh into temporary directories (never out/send; no network):
  - refused with exit 2, an error naming the problem and nothing written: no
    identity (no SEND_*, no git user.* in any git config), the placeholder
    identity, an email without @, a SEND_TRAILERS line that is not
    'Key: value', a Signed-off-by: in SEND_TRAILERS, a SEND_IN_REPLY_TO
    that is not a Message-ID, a committed patch with a Signed-off-by:;
  - one run as Jane Tester <jane@kernel.test> with two SEND_TRAILERS,
    SEND_IN_REPLY_TO=$V2 (v2's cover letter) and the pinned tree
    as KERNEL_TREE=: every file is From: her, and its Cc: (and cc.txt) has
    every address of configs/recipients, linux-arch and the arch lists; the
    cover letter replies to v2's and is the committed one but for its
    headers, her shortlog and 'base-commit: <sha>'; every patch replies to
    the cover letter and is, but for its headers, the committed patch with
    the two trailers and her Signed-off-by: after its last line (in its
    trailer block, or in a new one); the DCO's four points are printed
    before a git send-email --dry-run command from her of exactly the files.

  --patches DIR  test with the patches of DIR/series instead of patches/
                 (e.g. an export of the series without Signed-off-by: lines)

Takes 40-75 s here with kernel builds beside it (get_maintainer.pl once,
about a third of it). Exit status 1 on any failure.
EOF_USAGE
}
pdir=$VMA_RETRY_ROOT/patches
case ${1:-} in
-h | --help) usage; exit 0 ;;
--patches) [[ -d ${2:-} ]] || usage_error "--patches needs a directory"; pdir=$(realpath -- "$2") ;;
"") ;;
*) usage_error "unexpected argument '$1'" ;;
esac

send=$VMA_RETRY_ROOT/scripts/send.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
ok() { # CONDITION-CMD... MESSAGE: count a check, report it if it fails
	local msg=${*: -1}
	checks=$((checks + 1))
	"${@:1:$#-1}" || { printf 'send-check: FAIL: %s\n' "$msg" >&2; fails=$((fails + 1)); }
}
jane=(SEND_NAME="Jane Tester" SEND_EMAIL=jane@kernel.test)

# ---- refusals ------------------------------------------------------------------
refuses() { # WHAT MESSAGE [send.sh arguments...] -- [env arguments...]
	local what=$1 msg=$2 rc=0 dir=$tmp/refused args=()
	shift 2
	while [[ $1 != -- ]]; do args+=("$1"); shift; done
	shift
	env "$@" "$send" -o "$dir" "${args[@]}" >"$tmp/refused.log" 2>&1 || rc=$?
	ok test "$rc" -eq "$EXIT_USAGE" "$what: send.sh exited $rc, want $EXIT_USAGE"
	ok grep -q "^error: .*$msg" "$tmp/refused.log" "$what: no error naming '$msg': $(head -1 "$tmp/refused.log")"
	ok test ! -e "$dir" "$what: $dir was written before the refusal"
	rm -rf "$dir"
}
# No identity anywhere: no environment, no global or system git config, and
# this checkout's own user.* emptied through GIT_CONFIG_COUNT.
refuses "no identity" "no sender identity" -- -u SEND_NAME -u SEND_EMAIL GIT_CONFIG_GLOBAL=/dev/null \
	GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0= \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=
refuses "placeholder" placeholder -- SEND_NAME="$VMA_RETRY_NAME" SEND_EMAIL="$VMA_RETRY_EMAIL"
refuses "email without @" "malformed sender email" -- SEND_NAME="Jane Tester" SEND_EMAIL=jane.kernel.test
refuses "trailer without ': '" "'Assisted-by LLM' is not a 'Key: value' trailer" -- "${jane[@]}" \
	SEND_TRAILERS=$'Tested-by: Joe <joe@kernel.test>\nAssisted-by LLM'
refuses "Signed-off-by: in SEND_TRAILERS" "adds your Signed-off-by itself" -- "${jane[@]}" \
	SEND_TRAILERS="Signed-off-by: Joe <joe@kernel.test>"
refuses "In-Reply-To not a Message-ID" "is not a Message-ID" -- "${jane[@]}" SEND_IN_REPLY_TO=v2-cover
mapfile -t patches < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$pdir/series" | grep -v '^$')
mkdir "$tmp/signed"
cp "$pdir/series" "${patches[@]/#/$pdir/}" "$tmp/signed/"
sed -i '0,/^---$/s//Signed-off-by: Joe <joe@kernel.test>\n---/' "$tmp/signed/${patches[-1]}"
refuses "a committed Signed-off-by" "carries 'Signed-off-by: Joe" --patches "$tmp/signed" -- "${jane[@]}"

# ---- a run with a throwaway identity -----------------------------------------
"$VMA_RETRY_ROOT/scripts/base-tree.sh" >/dev/null 2>&1 || die "no base tree (make setup)"
pinned=$VMA_RETRY_CACHE/src/$BASE_PKG
sha=$(git -C "$pinned" rev-parse "$BASE_TAG^{commit}")
dir=$tmp/run rc=0
trailers=("Assisted-by: LLM sparse" "Tested-by: Joe Tester <joe@kernel.test>")
sob="Signed-off-by: Jane Tester <jane@kernel.test>"
env "${jane[@]}" SEND_TRAILERS="$(printf '%s\n' "${trailers[@]}")" SEND_IN_REPLY_TO="<$V2>" \
	KERNEL_TREE="$pinned" KERNEL_BASE="$BASE_TAG" "$send" -o "$dir" --patches "$pdir" >"$tmp/run.log" 2>&1 || rc=$?
ok test "$rc" -eq 0 "send.sh exited $rc: $(tail -3 "$tmp/run.log")"
((rc == 0)) || { log "send-check: $((fails)) of $checks checks failed"; exit "$EXIT_TESTFAIL"; }

header() { # FILE NAME: the value of a mail header, continuation lines joined
	awk -v n="$2" 'NR > 1 && /^$/ { exit } f && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next }
		{ f = 0 } tolower($0) ~ "^" tolower(n) ":" { f = 1; v = substr($0, length(n) + 3) } END { print v }' "$1"
}
# FILE with its mail headers unfolded, without those make send sets (and
# without its Date:, base-commit and blank lines at its end, for the cover).
normal() {
	awk 'function flush() { if (hl !~ /^(To|Cc|From|Message-Id|In-Reply-To|References):/) print hl }
		!body && /^[ \t]/ { sub(/^[ \t]+/, " "); hl = hl $0; next }
		!body && NR > 1 { flush() } !body && /^$/ { body = 1 } !body { hl = $0; next } { print }' "$1" |
		if [[ $1 == *0000-cover-letter.patch ]]; then sed -e '/^Date: /d' -e '/^base-commit: /,$d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; else cat; fi
}
mapfile -t want_cc < <(echo linux-arch@vger.kernel.org; arch_values A_LIST
	sed -n 's/^[^#]*<\([^>]*\)>.*#.*/\1/p; s/^\([^#<> ]*@[^#<> ]*\)[[:space:]]\{1,\}#.*/\1/p' "$VMA_RETRY_ROOT/configs/recipients")
ok test "${#want_cc[@]}" -gt 10 "configs/recipients gave only ${#want_cc[@]} addresses"
lacks() { # LIST: the addresses of want_cc that LIST does not hold
	local a
	for a in "${want_cc[@]}"; do [[ ${1,,} == *"${a,,}"* ]] || printf ' %s' "$a"; done
}
ok test -z "$(lacks "$(cat "$dir/cc.txt")")" "cc.txt lacks$(lacks "$(cat "$dir/cc.txt")")"
ok grep -qxiF linux-mm@kvack.org "$dir/to.txt" "to.txt lacks linux-mm@kvack.org"

cover=$dir/0000-cover-letter.patch
mapfile -t files < <(cd "$dir" && ls -- *.patch)
ok test "${#files[@]}" -eq $((${#patches[@]} + 1)) "${#files[@]} files written for ${#patches[@]} patches and a cover letter"
ok test "$(header "$cover" In-Reply-To) $(header "$cover" References)" == "<$V2> <$V2>" "the cover letter does not reply to <$V2>"
ok test "$(tail -2 "$cover")" == $'\nbase-commit: '"$sha" "the cover letter does not end with 'base-commit: $sha'"
committed=("$pdir"/*0000-cover-letter.patch) # (make series may name it v3-0000-...)
ok cmp -s <(normal "${committed[0]}" | sed "s/^$VMA_RETRY_NAME (/Jane Tester (/") <(normal "$cover") \
	"the cover letter differs from the committed one in more than its headers, shortlog author and base-commit"
for i in "${!files[@]}"; do
	mail=$dir/${files[i]}
	ok test "$(header "$mail" From)" == "Jane Tester <jane@kernel.test>" "${files[i]}: From: is '$(header "$mail" From)'"
	missing=$(lacks "$(header "$mail" Cc)")
	ok test -z "$missing" "${files[i]}: Cc: lacks$missing"
	((i)) || continue
	ok test "$(header "$mail" In-Reply-To)" == "$(header "$cover" Message-Id)" "${files[i]}: does not reply to the cover letter"
	# The committed patch with the trailers after the last line of its
	# message: in its trailer block, or after a blank line in a new one.
	p=$pdir/${patches[i - 1]}
	new=$(printf '%s\n' "${trailers[@]}" "$sob")
	awk '/^---$/ { exit } { l = $0 } END { exit l !~ /^[A-Za-z][A-Za-z0-9-]*: / }' "$p" || new=$'\n'$new
	normal "$p" | NEW=$new awk '!done && /^---$/ { print ENVIRON["NEW"]; done = 1 } { print }' >"$tmp/want"
	ok cmp -s "$tmp/want" <(normal "$mail") "${files[i]}: is not ${patches[i - 1]} with '${trailers[0]}', \
'${trailers[1]}', '$sob' after its message: $(diff "$tmp/want" <(normal "$mail") | head -5 | tr '\n' ' ')"
done

# The DCO's four points, then a dry run from Jane of exactly the files written.
ok test "$(awk '/^  \([a-d]\) / { n++ } /^  git / { print n + 0; exit }' "$tmp/run.log")" == 4 \
	"the DCO's (a) to (d) are not printed before the git send-email command"
cmd=() && eval "cmd=($(sed -n 's/^  git /git /p' "$tmp/run.log"))"
ok test "${cmd[*]:0:3} $(printf '%s\n' "${cmd[@]}" | grep -cxF -- '--from=Jane Tester <jane@kernel.test>')" == \
	"git send-email --dry-run 1" "no 'git send-email --dry-run --from=Jane Tester <jane@kernel.test>' printed"
ok test "$(printf '%s\n' "${cmd[@]}" | grep '\.patch$')" == "$(printf '%s\n' "${files[@]/#/$dir/}")" \
	"the command does not send exactly the files written"
((fails == 0)) || { log "send-check: $fails of $checks checks failed"; exit "$EXIT_TESTFAIL"; }
log "send-check: $checks checks passed"
