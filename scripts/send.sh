#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the series as mail from the sender (make send): git am, then
# git format-patch -s. Never sends anything.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [-o DIR] [--patches DIR]

Writes the series as mail from you to out/send/ (or DIR) and prints the
'git send-email --dry-run' command that would send it. It never sends mail.

The sender: SEND_NAME and SEND_EMAIL, each falling back to git's user.name
and user.email (git config as read in this checkout). Refused (exit 2)
before any work: no name or email, a malformed one, or the placeholder (the
project's $VMA_RETRY_NAME <$VMA_RETRY_EMAIL>, or an address at
example.org, example.com or example.net).

What it does, as a kernel developer would by hand: git am the patches of
patches/series onto the base ($BASE_TAG, or KERNEL_BASE in
KERNEL_TREE=) with you as committer, make you the author (the author dates
stay), add SEND_TRAILERS to every commit, then
  git format-patch -s --cover-letter --thread=shallow [--in-reply-to=ID]
    --subject-prefix=P --to=... --cc=...
with the cover letter of Documentation/cover-letter.txt (its first
paragraph is the subject, as for make series) and the prefix P of the
committed patches' subjects (e.g. 'RFC PATCH v3'). The commits are made in a
temporary repository that shares the kernel tree's objects and holds only
the files the series touches (so git reads an index of a few dozen entries,
not 90,000); the diffs, shortlog and diffstat are the ones the full tree
gives. Each patch then ends with its own trailers (Suggested-by:, Link:,
...), then SEND_TRAILERS, then your Signed-off-by: (placed as
git format-patch -s places it); apart from its mail headers it is the patch
in patches/. A committed patch with a Signed-off-by: of its own is refused
(exit 2): only the sender certifies the DCO.

  SEND_TRAILERS     more trailers for every patch, one 'Key: value' per
                    line, added before your Signed-off-by:. For a patch made
                    with the help of AI coding tools, the base tree's
                    Documentation/process/coding-assistants.rst asks for an
                    Assisted-by: tag and describes its form, e.g.
                      SEND_TRAILERS='Assisted-by: LLM sparse' make send
                    Refused (exit 2): a line that is not 'Key: value', or a
                    Signed-off-by: (yours is added for you).
  SEND_IN_REPLY_TO  a Message-ID (with or without <>): the cover letter
                    answers it (In-Reply-To: and References: headers), e.g.
                    the v2 cover letter:
                      SEND_IN_REPLY_TO=20260430040427.4672-1-baohua@kernel.org
                    Without it the cover letter starts a new thread. Every
                    patch answers the cover letter (Message-Id: headers are
                    written, so the command below sends with --no-thread).
                    Refused (exit 2) when it is not local@domain.

Recipients, written into every file's To: and Cc: and into to.txt and
cc.txt: To: the mm maintainer and linux-mm; Cc: everyone else the base
tree's scripts/get_maintainer.pl names for the series, linux-arch and each
arch's list (configs/arches), and every line of configs/recipients (the
authors, reviewers and testers of the earlier versions, the reviewers a new
version must reach: people get_maintainer.pl cannot know), each once.

Before the command it prints the four points of the Developer's Certificate
of Origin (the base tree's Documentation/process/submitting-patches.rst,
"Sign your work") that your Signed-off-by: certifies.

base-commit: with the pinned Debian tree (a synthetic commit, unknown
upstream) the cover letter carries none; with KERNEL_TREE= (a mainline git
tree) it ends with 'base-commit: <sha of KERNEL_BASE>'.

  -o DIR          write the mail to DIR (made if missing; it must be empty
                  or hold an earlier output of this script), not out/send
  --patches DIR   mail the patches of DIR/series instead of patches/ (for
                  tests, e.g. a copy of patches/ without Signed-off-by:)

b4 (Debian's b4 package) instead of git send-email, from your own mainline
tree: after KERNEL_TREE=~/linux $0, on a 'b4 prep -n vma-retry -f v7.3-rc7'
branch there, git am the patches of DIR (not the cover letter), put the
cover letter's subject and text in with 'b4 prep --edit-cover', then
'b4 send --dry-run' with the --to/--cc of DIR/to.txt and DIR/cc.txt.

Exit status: 0 ready, 1 a written patch still names the placeholder,
2 usage, sender, trailer, Message-ID or a signed-off patch refused,
3 infrastructure (no base tree, a patch that does not apply, ...).
EOF_USAGE
}
out=$VMA_RETRY_ROOT/out/send
pdir=$VMA_RETRY_ROOT/patches
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	-o) [[ -n ${2:-} ]] || usage_error "-o needs a directory"; out=$2; shift 2 ;;
	--patches) [[ -n ${2:-} ]] || usage_error "--patches needs a directory"; pdir=$2; shift 2 ;;
	*) usage_error "unexpected argument '$1' (see --help)" ;;
	esac
done

# ---- everything the user gives, checked before anything is done -------------
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

trailers=()
while IFS= read -r t; do
	[[ -n ${t//[[:space:]]/} ]] || continue
	[[ $t =~ ^[A-Za-z][A-Za-z0-9-]*:\ [^[:space:]] && $t != *[[:cntrl:]]* ]] ||
		usage_error "SEND_TRAILERS: '$t' is not a 'Key: value' trailer (one per line, e.g. 'Assisted-by: LLM sparse')"
	[[ ${t,,} != signed-off-by:* ]] ||
		usage_error "SEND_TRAILERS: '$t': make send adds your Signed-off-by itself, and only yours"
	trailers+=("$t")
done <<<"${SEND_TRAILERS:-}"

irt=${SEND_IN_REPLY_TO:-}
irt=${irt#<}
irt=${irt%>}
[[ -z $irt || $irt =~ ^[^@[:space:]\<\>]+@[^@[:space:]\<\>]+$ ]] ||
	usage_error "SEND_IN_REPLY_TO: '$SEND_IN_REPLY_TO' is not a Message-ID (local@domain, e.g. 20260430040427.4672-1-baohua@kernel.org)"

if [[ -d $out && ! $out -ef $VMA_RETRY_ROOT/out/send && -n $(ls -A "$out") && ! -f $out/to.txt ]]; then
	usage_error "$out is neither empty nor an earlier output of $0"
fi
[[ -f $pdir/series ]] || usage_error "no series file in $pdir"
pdir=$(realpath -- "$pdir")
mapfile -t patches < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$pdir/series" | grep -v '^$' || true)
((${#patches[@]})) || usage_error "$pdir/series lists no patches"
paths=("${patches[@]/#/$pdir/}")
for p in "${paths[@]}"; do
	[[ -f $p ]] || usage_error "$p is in $pdir/series but missing"
	if s=$(sed '/^---$/q' "$p" | grep -m1 -i '^Signed-off-by:'); then
		usage_error "$p carries '$s': committed patches carry no Signed-off-by; make send adds the sender's"
	fi
done
# configs/recipients: "Name <address>  # why" or "address  # why" lines.
addr='[^<>@[:space:]]+@[^<>@[:space:]]+\.[^<>@[:space:]]+'
rcpt_re="^(([^<>#@]*[^<>#@[:space:]]) <$addr>|$addr)[[:space:]]+#[[:space:]]*[^[:space:]]"
extra=() n=0
while IFS= read -r line; do
	n=$((n + 1))
	[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
	[[ $line =~ $rcpt_re ]] ||
		die "configs/recipients:$n: not 'Name <address>  # why' (or 'address  # why'): $line"
	extra+=("${BASH_REMATCH[1]}")
done <"$VMA_RETRY_ROOT/configs/recipients"
cover=$VMA_RETRY_ROOT/Documentation/cover-letter.txt
[[ -s $cover ]] || die "no cover letter text $cover"

# ---- the commits, from the sender --------------------------------------------
tree=$(kernel_tree)
[[ -x $tree/scripts/get_maintainer.pl ]] || "$VMA_RETRY_ROOT/scripts/base-tree.sh"
base=$(git -C "$tree" rev-parse -q --verify "$(base_rev)^{commit}") ||
	die "base revision '$(base_rev)' not found in $tree (set KERNEL_BASE=)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/series
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
# git in the temporary repository, without the user's or the system's
# configuration (hooks, signing, diff options): the same bytes everywhere.
g() { GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -C "$repo" "$@"; }
git clone -q --shared --no-checkout "$tree" "$repo"
# The base: the files the series touches as they are at $base, and the
# .gitattributes above them (diff=cpp: hunk headers name the C function).
mapfile -t files < <(sed -n 's|^diff --git a/\([^ ]*\) b/\([^ ]*\)$|\1\n\2|p' "${paths[@]}" |
	awk -F/ '{ print; p = ""; print ".gitattributes"
		for (i = 1; i < NF; i++) { p = p $i "/"; print p ".gitattributes" } }' | sort -u)
g ls-tree -r "$base" -- "${files[@]}" | g update-index --index-info
start=$(g commit-tree -m "the files of $(base_rev) that the series touches" "$(g write-tree)")
g update-ref refs/heads/send "$start"
g symbolic-ref HEAD refs/heads/send
g reset -q --hard
trailer_args=("${trailers[@]/#/--trailer=}")
for p in "${paths[@]}"; do
	if ! msg=$(g am -q "$p" 2>&1); then
		printf '%s\n' "$msg" >&2
		die "$p does not apply to $(base_rev) in $tree"
	fi
	g commit -q --amend --no-edit --author="$name <$email>" "${trailer_args[@]}"
done

# ---- recipients --------------------------------------------------------------
gm=(./scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback --no-tree)
mapfile -t people < <(cd "$tree" && "${gm[@]}" "${paths[@]}" | sort -u)
to=() cc=()
for p in "${people[@]}"; do
	case $p in
	*akpm@linux-foundation.org* | *linux-mm@kvack.org*) to+=("$p") ;;
	*) cc+=("$p") ;;
	esac
done
((${#to[@]})) || to=("linux-mm@kvack.org")
named() { # ADDR: is it among the recipients already?
	local p a
	for p in "${to[@]}" "${cc[@]}"; do
		a=${p##*<}
		a=${a%>}
		[[ ${a,,} == "${1,,}" ]] && return 0
	done
	return 1
}
add_cc() { # RECIPIENT: Cc it unless named already
	local a=${1##*<}
	named "${a%>}" || cc+=("$1")
}
add_cc linux-arch@vger.kernel.org
for a in $(all_arches); do
	load_arch "$a"
	[[ -n $A_LIST ]] || die "configs/arches: no mailing list for $a"
	add_cc "$A_LIST"
done
for r in "${extra[@]}"; do add_cc "$r"; done

# ---- the mail ----------------------------------------------------------------
prefix=$(sed -n '1,/^$/s/^Subject: \[\(.*[^ ]\)  *[0-9][0-9]*\/[0-9][0-9]*\].*/\1/p' "${paths[0]}")
fp=(format-patch -q -o "$tmp/mail" --signoff --cover-letter --cover-from-description=subject
	--thread=shallow --zero-commit --no-signature --subject-prefix="${prefix:-PATCH}")
[[ -z $irt ]] || fp+=(--in-reply-to="$irt")
for r in "${to[@]}"; do fp+=(--to="$r"); done
for r in "${cc[@]}"; do fp+=(--cc="$r"); done
g -c core.abbrev=12 -c diff.noprefix=false -c "branch.send.description=$(cat "$cover")" \
	"${fp[@]}" "$start..send"
# git format-patch --base needs the real base as an ancestor: write its line.
[[ -z ${KERNEL_TREE:-} ]] || printf '\nbase-commit: %s\n' "$base" >>"$tmp/mail/0000-cover-letter.patch"
if left=$(grep -lF -- "$VMA_RETRY_EMAIL" "$tmp/mail"/*.patch); then
	printf 'error: still naming the placeholder %s:\n' "$VMA_RETRY_EMAIL" >&2
	printf '  %s\n' "$left" >&2
	exit "$EXIT_TESTFAIL"
fi
mkdir -p "$out"
rm -f "$out"/*.patch "$out/to.txt" "$out/cc.txt"
mv "$tmp/mail"/*.patch "$out/"
printf '%s\n' "${to[@]}" >"$out/to.txt"
printf '%s\n' "${cc[@]}" >"$out/cc.txt"

from="$name <$email>"
log "From: $from; To: ${#to[@]}, Cc: ${#cc[@]} recipients ($out/to.txt, cc.txt)${irt:+; In-Reply-To: <$irt>}${KERNEL_TREE:+; base-commit $base}"
cat <<EOF_DCO
Every patch ends with your Signed-off-by: $from.
By sending it you certify the Developer's Certificate of Origin 1.1
(Documentation/process/submitting-patches.rst of the kernel tree, "Sign
your work"), in short:
  (a) you created the contribution, in whole or in part, and have the right
      to submit it under the open source license indicated in the file; or
  (b) it is based on earlier work that, as far as you know, is under an
      appropriate open source license, and that license gives you the right
      to submit it, with your changes, under the same license; or
  (c) it was given to you directly by someone who certified (a), (b) or
      (c), and you have not changed it; and
  (d) you understand and agree that the project and the contribution are
      public and that a record of it, with all personal information you
      submit with it (your sign-off too), is kept indefinitely and may be
      redistributed.
Only a human can certify this (Documentation/process/coding-assistants.rst):
you review the code and take full responsibility for it.
EOF_DCO
if ! printf '%s\n' "${trailers[@]}" | grep -qi '^Assisted-by:'; then
	echo "No Assisted-by: trailer: if AI coding tools helped create these patches, add one with SEND_TRAILERS= (see --help)."
fi
cmd=(git send-email --dry-run --no-thread --confirm=always --suppress-cc=self --from="$from" "$out"/*.patch)
echo "Read the patches in $out, then run (it only prints what it would send; drop --dry-run to send):"
printf '  %q' "${cmd[@]}"
echo
