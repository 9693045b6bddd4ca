#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark: the base kernel, the series and the hold-the-lock kernel,
# booted alternately under QEMU, one table per workload (make bench).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF_USAGE
Usage: $0 [--quick] [--build-only] [--boots N] [--seed N] [--plan NAME]
          [--kernels LIST] [--hold-patch FILE] ARCH

Builds three kernels of ARCH from the pinned base (or KERNEL_TREE's base)
in one configuration (the test kernel's, without the KUnit suite and the
arch's test fragment: scripts/build-kernel.sh --bench):
  base    the base, in the worktree \$VMA_RETRY_CACHE/src/base
  series  the base plus patches/ (the applied tree, make apply)
  hold    the base plus a patch that holds the per-VMA lock across fault
          I/O: selftests/bench/hold-vma-lock-across-io.patch (benchmark
          only, not part of the series), or FILE (--hold-patch, e.g. your
          own copy of the posted RFC, applied with patch -p1 --fuzz=3; it
          must apply), in the worktree \$VMA_RETRY_CACHE/src/hold (with
          --hold-patch: src/hold-patch, built apart from the emulation)
Then it boots N blocks (--boots N, default 10). A block is one boot of
each of four kernels in a random order: base, base2 (the A/A control: the
base kernel's very image booted again under its own label, analysed like
the others), series and hold. The order comes from the seed (--seed N; by
default a random one), printed at the start and recorded in the manifest
(out/.../manifest.tsv: its first line, then one line per boot in boot
order). Each boot runs the plan selftests/bench/plan-NAME (--plan NAME,
default full; --kernels base,base2,...: only these, base among them, e.g.
base,base2 for an A/A run alone) with the guest program selftests/bench/vma_bench.c (compiled
against each tree's UAPI headers); then scripts/bench-report.py, given the
plan (its "# primary:" lines name the primary endpoints), prints the paired
tests and the tables and writes samples.csv, summary.json, tables.txt and
PNG plots in out/bench/ARCH (out/bench/ARCH-hold-patch with --hold-patch;
out/ is OUT= when set, as for scripts/run-qemu.sh).

--build-only: build the three kernels and initramfs images, boot nothing
(so that the builds can run while the machine is busy, and the boots later,
on an idle machine).

--quick (BENCH_QUICK=1 of make bench; make check runs it): one boot of the
series test kernel of ARCH (make build; built if stale), with a benchmark
initramfs of this checkout (vma_bench, init and plans), with the plan
selftests/bench/plan-quick, into out/bench/ARCH-quick; bench-report.py
--check fails on a crash, a missing or failed record, or a coarse clock,
never on a timing.

Do not kill a faulting task on a --hold-patch kernel made from the RFC as
posted: a fatal signal during its folio lock wait returns with the
invalidate lock held (its author's own report). vma_bench never does.

Exit status: 0 done, 1 a benchmark run failed, 2 usage, 3 infrastructure.
EOF_USAGE
}

quick='' build_only='' boots=10 hold_patch='' seed='' plan=full
kernels=(base base2 series hold)
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--quick) quick=1; shift ;;
	--build-only) build_only=1; shift ;;
	--boots)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage_error "--boots needs a positive number"
		boots=$2
		shift 2
		;;
	--seed)
		[[ ${2:-} =~ ^[0-9]+$ && ${#2} -le 9 ]] || usage_error "--seed needs a number of at most 9 digits"
		seed=$2
		shift 2
		;;
	--plan)
		[[ ${2:-} =~ ^[a-z0-9-]+$ && -f $VMA_RETRY_ROOT/selftests/bench/plan-${2:-} ]] ||
			usage_error "--plan: no selftests/bench/plan-${2:-}; valid: $(bench_plans)"
		plan=$2
		shift 2
		;;
	--kernels)
		IFS=, read -r -a kernels <<<"${2:-}"
		for k in "${kernels[@]}"; do
			[[ $k =~ ^(base|base2|series|hold)$ ]] ||
				usage_error "--kernels: '$k' is not one of base base2 series hold"
		done
		[[ ${#kernels[@]} -gt 0 && ",${2:-}," == *,base,* ]] ||
			usage_error "--kernels needs base (the denominator of every ratio)"
		[[ $(printf '%s\n' "${kernels[@]}" | sort | uniq -d) == "" ]] ||
			usage_error "--kernels: a kernel twice"
		shift 2
		;;
	--hold-patch)
		[[ -n ${2:-} ]] || usage_error "--hold-patch needs a file"
		hold_patch=$2
		shift 2
		;;
	-*) usage_error "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# == 1)) || usage_error "one ARCH expected (see --help)"
load_arch "$1"
if [[ -n $hold_patch ]]; then
	[[ -z $quick ]] || usage_error "--hold-patch and --quick do not go together"
	[[ -f $hold_patch && -r $hold_patch ]] || usage_error "--hold-patch: no file $hold_patch"
	hold_patch=$(realpath "$hold_patch")
fi
[[ -z $quick || ($plan == full && -z $seed && ${#kernels[@]} == 4) ]] ||
	usage_error "--quick runs plan-quick on one kernel: not with --plan, --seed or --kernels"
check_toolchain
/usr/bin/python3 -c 'import matplotlib, numpy' 2>/dev/null ||
	die "Debian's python3-matplotlib and python3-numpy are needed (make setup)"

S=$VMA_RETRY_ROOT/scripts
applied=$APPLIED_TREE
[[ -f $applied/Makefile ]] || die "no applied tree at $applied: run 'make apply'"
out=${OUT:-$VMA_RETRY_ROOT/out}/bench/$A_NAME${quick:+-quick}${hold_patch:+-hold-patch}
rm -rf "$out"
mkdir -p "$out"
manifest=$out/manifest.tsv
: >"$manifest"

# block_order SEED BLOCK KERNEL...: order=(the kernels shuffled), the same
# for the same SEED and BLOCK (Fisher-Yates on bash's RANDOM, seeded).
block_order() {
	local i j t
	RANDOM=$(($1 * 1000 + $2))
	shift 2
	order=("$@")
	for ((i = ${#order[@]} - 1; i > 0; i--)); do
		j=$((RANDOM % (i + 1)))
		t=${order[i]} order[i]=${order[j]} order[j]=$t
	done
}

# boot KERNEL-NAME BOOT IMAGE INITRD PLAN: one boot, one manifest line.
boot() {
	local log=$1-$2.log
	stage "$A_NAME: $1 kernel, boot $2" env APPEND="vr.list=/bench/$5 loglevel=5" \
		TIMEOUT="${TIMEOUT:-1800}" "$S/run-qemu.sh" --boot-only --kernel "$3" \
		--initrd "$4" --log "$out/$log" "$A_NAME"
	printf '%s\t%s\t%s\n' "$1" "$2" "$log" >>"$manifest"
}

if [[ -n $quick ]]; then
	image=$(stage "$A_NAME: series test kernel" "$S/build-kernel.sh" "$A_NAME")
	# Always this checkout's vma_bench, init and plans (seconds): the test
	# initramfs in the cache is whoever built it last, from their checkout.
	initrd=$(stage "$A_NAME: benchmark initramfs" "$S/build-initramfs.sh" --bench \
		--src "$applied" --tag bench-series --out "$out/initramfs-series.cpio" "$A_NAME")
	boot series 1 "$image" "$initrd" quick
	exec /usr/bin/python3 "$S/bench-report.py" --manifest "$manifest" --out "$out" --check
fi

# The three trees.
repo=$(kernel_tree)
rev=$(base_rev)
base=$VMA_RETRY_CACHE/src/base
# A --hold-patch kernel has its own tree and build, so that it does not
# make the emulation's stale (nor the other way round).
htag=hold${hold_patch:+-patch}
hold=$VMA_RETRY_CACHE/src/$htag
is_worktree_of "$base" "$repo" || new_worktree "$base" "$repo" "$rev"
tree_guard "$base"
git -C "$base" checkout -q --detach "$rev"
[[ -n $hold_patch ]] || hold_patch=$VMA_RETRY_ROOT/selftests/bench/hold-vma-lock-across-io.patch
# The hold tree is the base plus the patch; it is made again only when the
# patch or the base changed (touching its files would rebuild mm/). Its
# $hold/.vma-retry-stamp names the patch it holds and the sha256 of that
# change (git diff HEAD): any other change is someone's and is refused.
stamp=$hold/.vma-retry-stamp
want="$(git -C "$repo" rev-parse "$rev^{commit}") $(sha256sum <"$hold_patch" | cut -d' ' -f1)"
have_rev='' have_patch='' have_diff=''
[[ ! -f $stamp ]] || read -r have_rev have_patch have_diff <"$stamp"
if ! is_worktree_of "$hold" "$repo" || [[ "$have_rev $have_patch" != "$want" ]] ||
	[[ $(git -C "$hold" rev-parse HEAD) != "${want%% *}" ]]; then
	if is_worktree_of "$hold" "$repo"; then
		tree_guard "$hold" "${have_diff:-}"
		untracked=$(git -C "$hold" ls-files --others --exclude-standard | grep -vx .vma-retry-stamp || true)
		[[ -z $untracked ]] ||
			refuse "$hold has untracked files ($(head -3 <<<"$untracked" | paste -sd' ')): move them away, then run again"
		rm -f "$stamp"
		git -C "$hold" checkout -q -- . # (tree_guard: only the hold patch is undone)
		git -C "$hold" checkout -q --detach "$rev"
	else
		new_worktree "$hold" "$repo" "$rev" "${have_diff:-}"
	fi
	if [[ $hold_patch == "$VMA_RETRY_ROOT"/* ]]; then
		git -C "$hold" apply "$hold_patch" || die "$hold_patch does not apply to $rev"
	else
		(cd "$hold" && patch -p1 --fuzz=3 --batch --forward --no-backup-if-mismatch \
			<"$hold_patch" >"$out/hold-patch.log" 2>&1) || {
			cat "$out/hold-patch.log" >&2
			# Undo the hunks that did apply: the tree had no other change
			# and no untracked file (above), so all of it is patch's.
			git -C "$hold" checkout -q -- .
			git -C "$hold" ls-files -z --others --exclude-standard | (cd "$hold" && xargs -0 -r rm -f)
			DIE_CODE=$EXIT_USAGE die "--hold-patch $hold_patch does not apply to $rev"
		}
	fi
	printf '%s %s\n' "$want" "$(git -C "$hold" diff HEAD | sha256sum | cut -d' ' -f1)" >"$stamp"
fi
: >"$out/kernels.txt"
[[ " ${kernels[*]} " != *" hold "* ]] ||
	printf 'hold kernel: %s (sha256 %s)\n' "$hold_patch" "$(sha256sum <"$hold_patch" | cut -c1-16)" \
		>>"$out/kernels.txt"

declare -A tree=([base]=$base [series]=$applied [hold]=$hold) image initrd
declare -A btag=([base]=bench-base [series]=bench-series [hold]=bench-$htag)
for k in base series hold; do
	[[ " ${kernels[*]} " == *" $k "* ]] || continue
	image[$k]=$(stage "$A_NAME: $k kernel" "$S/build-kernel.sh" --bench \
		--src "${tree[$k]}" --tag "${btag[$k]}" "$A_NAME")
	initrd[$k]=$(stage "$A_NAME: $k initramfs" "$S/build-initramfs.sh" --bench \
		--src "${tree[$k]}" --tag "${btag[$k]}" --out "$out/initramfs-$k.cpio" "$A_NAME")
	bid=$(readelf -n "${image[$k]%"$A_IMAGE"}vmlinux" | awk '$1 == "Build" && $2 == "ID:" && !n++ { print $3 }')
	printf '%s: %s at %s, build-id %s\n' "$k" "${tree[$k]}" \
		"$(git -C "${tree[$k]}" rev-parse --short HEAD)" "${bid:-none}" >>"$out/kernels.txt"
done
[[ -z $build_only ]] || exit 0

# base2 is the A/A control: the base's image and initramfs under another
# label (Documentation/benchmark.txt says why not a second build).
image[base2]=${image[base]} initrd[base2]=${initrd[base]}
[[ " ${kernels[*]} " != *" base2 "* ]] ||
	printf 'base2: the base kernel image again (the A/A control)\n' >>"$out/kernels.txt"
[[ -n $seed ]] || seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ' | cut -c1-9)
log "block order seed: $seed ($boots blocks of ${kernels[*]}, plan-$plan; --seed $seed repeats the order)"
printf '# block order seed: %s\n' "$seed" >"$manifest"
cp "$VMA_RETRY_ROOT/selftests/bench/plan-$plan" "$out/plan-$plan"
for ((b = 1; b <= boots; b++)); do
	block_order "$seed" "$b" "${kernels[@]}"
	for k in "${order[@]}"; do
		boot "$k" "$b" "${image[$k]}" "${initrd[$k]}" "$plan"
	done
done
/usr/bin/python3 "$S/bench-report.py" --manifest "$manifest" --out "$out" \
	--plan "$out/plan-$plan"
