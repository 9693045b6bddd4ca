#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test of make send (scripts/send.sh), a gate of make check. Sends nothing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--help]

Runs scripts/send.sh into temporary directories (never out/send) and checks:
  - it refuses, with exit 2, an error message and nothing written, when no
    identity is configured (no SEND_NAME/SEND_EMAIL, no git user.name or
    user.email in any git config), for the placeholder identity
    ($VMA_RETRY_NAME <$VMA_RETRY_EMAIL>), the placeholder name
    alone, an address at example.com and an email without @;
  - with a throwaway identity (Jane Tester <jane@kernel.test>): every patch
    of patches/series and the cover letter is there, From: the sender, every
    patch Signed-off-by: the sender, the cover letter's shortlog by the
    sender, none names the placeholder, and without the identity lines each
    file is the same as in patches/; To: has
    linux-mm; Cc: has linux-arch and the seven arch lists; the command it
    prints sends --from the sender; no base-commit line with the pinned
    Debian tree (with KERNEL_TREE= set: that tree's base-commit);
  - with the pinned tree given as KERNEL_TREE= (KERNEL_BASE=$BASE_TAG) and
    a non-ASCII name: the RFC 2047 From: header git would write, the MIME
    headers of an 8-bit body, and the cover letter ending with
    'base-commit: <sha>' after a blank line.
Takes about 15 s (get_maintainer.pl twice). Exit status 1 on any failure.
EOF_USAGE
}
case ${1:-} in -h | --help) usage; exit 0 ;; "") ;; *) usage_error "unexpected argument '$1'" ;; esac

send=$VMA_RETRY_ROOT/scripts/send.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
ok() { # CONDITION-CMD... -- MESSAGE: count a check, report it if it fails
	local msg=${*: -1}
	checks=$((checks + 1))
	"${@:1:$#-1}" || { printf 'send-check: FAIL: %s\n' "$msg" >&2; fails=$((fails + 1)); }
}

# ---- refusals ------------------------------------------------------------------
refuses() { # WHAT MESSAGE [env arguments...]: exit 2, "error: ...MESSAGE..."
	local what=$1 msg=$2 rc=0 dir=$tmp/refused
	shift 2
	env "$@" "$send" -o "$dir" >"$tmp/refused.log" 2>&1 || rc=$?
	ok test "$rc" -eq "$EXIT_USAGE" "$what: send.sh exited $rc, want $EXIT_USAGE"
	ok grep -q "^error: .*$msg" "$tmp/refused.log" "$what: no error message naming '$msg': $(head -1 "$tmp/refused.log")"
	ok test ! -e "$dir" "$what: $dir was written before the refusal"
	rm -rf "$dir"
}
# No identity anywhere: no environment, no global or system git config, and
# the repository's own user.* (this checkout's .git/config may have some)
# overridden with empty values through git's GIT_CONFIG_COUNT environment.
refuses "no identity" "no sender identity" -u SEND_NAME -u SEND_EMAIL GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
	GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0= \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=
refuses "placeholder identity" placeholder SEND_NAME="$VMA_RETRY_NAME" SEND_EMAIL="$VMA_RETRY_EMAIL"
refuses "placeholder name" placeholder SEND_NAME="$VMA_RETRY_NAME" SEND_EMAIL=jane@kernel.test
refuses "example.com address" placeholder SEND_NAME="Jane Tester" SEND_EMAIL=jane@example.com
refuses "email without @" "malformed sender email" SEND_NAME="Jane Tester" SEND_EMAIL=jane.kernel.test

# ---- a run with a throwaway identity -----------------------------------------
mapfile -t arch_lists < <(echo linux-arch@vger.kernel.org; arch_values A_LIST)
mapfile -t patches < <(series_patches)

# FILE without the lines of the identities (DROP, one per line), without
# base-commit lines and without trailing blank lines.
strip() { # FILE
	LC_ALL=C awk '
	BEGIN { n = split(ENVIRON["DROP"], d, "\n"); for (i = 1; i <= n; i++) drop[d[i]] = 1 }
	!($0 in drop) && !/^base-commit: / { a[++m] = $0 }
	END { while (m && a[m] == "") m--; for (i = 1; i <= m; i++) print a[i] }' "$1"
}
has() { # WORD LIST...: is WORD one of LIST?
	local x=$1 w
	shift
	for w; do [[ $w == "$x" ]] && return 0; done
	return 1
}
header_from() { sed -n '1,/^$/{/^From: /p}' "$1"; } # FILE: its From: header

check_run() { # WHAT NAME EMAIL FROM-HEADER BASE-SHA-OR-EMPTY [env arguments...]
	local what=$1 name=$2 email=$3 from=$4 sha=$5 dir=$tmp/run rc=0 f p l w
	local cover=$dir/0000-cover-letter.patch
	shift 5
	rm -rf "$dir"
	env "$@" SEND_NAME="$name" SEND_EMAIL="$email" "$send" -o "$dir" >"$tmp/run.log" 2>&1 || rc=$?
	ok test "$rc" -eq 0 "$what: send.sh exited $rc: $(tail -3 "$tmp/run.log")"
	((rc == 0)) || return 0
	DROP=$(printf '%s\n' "From: $VMA_RETRY_NAME <$VMA_RETRY_EMAIL>" "$from" \
		"Signed-off-by: $VMA_RETRY_NAME <$VMA_RETRY_EMAIL>" "Signed-off-by: $name <$email>" \
		"MIME-Version: 1.0" "Content-Type: text/plain; charset=UTF-8" "Content-Transfer-Encoding: 8bit" \
		"$VMA_RETRY_NAME (${#patches[@]}):" "$name (${#patches[@]}):")
	export DROP
	for p in 0000-cover-letter.patch "${patches[@]}"; do
		f=$dir/$p
		if [[ ! -f $f ]]; then
			ok false "$what: $p missing"
			continue
		fi
		ok test "$(header_from "$f")" == "$from" "$what: $p: From: is '$(header_from "$f")', want '$from'"
		if [[ $p == 0000-* ]]; then
			ok grep -qxF "$name (${#patches[@]}):" "$f" "$what: $p: the shortlog is not by $name"
		else
			ok grep -qxF "Signed-off-by: $name <$email>" "$f" "$what: $p: not signed off by $name <$email>"
		fi
		ok test -z "$(grep -F -e "$VMA_RETRY_EMAIL" -e "$VMA_RETRY_NAME" "$f")" "$what: $p still names the placeholder"
		ok cmp -s <(strip "$VMA_RETRY_ROOT/patches/$p") <(strip "$f") \
			"$what: $p differs from patches/$p in more than the identity and base-commit lines"
	done
	ok grep -qxiF linux-mm@kvack.org "$dir/to.txt" "$what: To: lacks linux-mm@kvack.org"
	for l in "${arch_lists[@]}"; do
		ok grep -qiF "$l" "$dir/cc.txt" "$what: Cc: lacks $l"
	done
	# The command it prints (shell-quoted by printf %q): a dry run from the
	# sender to the lists, of the files written.
	local -a cmd=()
	eval "cmd=($(sed -n 's/^  git /git /p' "$tmp/run.log"))"
	ok has git "${cmd[@]}" "$what: no git send-email command printed"
	for w in --dry-run "--from=$name <$email>" --to=linux-mm@kvack.org \
		--cc=linux-arch@vger.kernel.org "$cover"; do
		ok has "$w" "${cmd[@]}" "$what: the printed command lacks '$w'"
	done
	if [[ -z $sha ]]; then
		ok test -z "$(grep '^base-commit:' "$cover")" "$what: the cover letter has a base-commit line"
	else
		ok test "$(grep -c '^base-commit:' "$cover")" -eq 1 "$what: not one base-commit line in the cover letter"
		ok test "$(tail -2 "$cover")" == $'\nbase-commit: '"$sha" \
			"$what: the cover letter does not end with a blank line and 'base-commit: $sha'"
	fi
}

if [[ -n ${KERNEL_TREE:-} ]]; then
	sha=$(git -C "$(kernel_tree)" rev-parse -q --verify "$(base_rev)^{commit}") || sha=unknown
else
	sha=
fi
check_run "Jane Tester" "Jane Tester" jane@kernel.test "From: Jane Tester <jane@kernel.test>" "$sha"

if [[ -z ${KERNEL_TREE:-} ]]; then
	# The base-commit path, with the pinned tree standing in for a mainline
	# tree, and a name that git must encode (written as bytes: any locale).
	pinned=$(kernel_tree)
	name=$'J\xc3\xb6rg T\xc3\xabster'
	check_run "KERNEL_TREE, non-ASCII" "$name" jorg@kernel.test \
		"From: =?UTF-8?q?J=C3=B6rg=20T=C3=ABster?= <jorg@kernel.test>" \
		"$(git -C "$pinned" rev-parse "$BASE_TAG^{commit}")" \
		KERNEL_TREE="$pinned" KERNEL_BASE="$BASE_TAG"
	for p in "${patches[@]}"; do
		ok grep -qxF "Content-Type: text/plain; charset=UTF-8" <(sed -n '1,/^$/p' "$tmp/run/$p") \
			"KERNEL_TREE, non-ASCII: $p has no Content-Type header for its 8-bit Signed-off-by"
	done
fi

if ((fails)); then
	log "send-check: $fails of $checks checks failed"
	exit "$EXIT_TESTFAIL"
fi
log "send-check: $checks checks passed"
