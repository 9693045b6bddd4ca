// SPDX-License-Identifier: GPL-2.0
/*
 * The vma-retry project's race stress: not part of the posted series, since
 * it is worth running only under the project's harness, whose judge fails a
 * run on any KASAN or lockdep splat. It is built against the kernel tree
 * under test: its kselftest_harness.h and tools/testing/selftests/mm/vm_util.c
 * (null_blk, memcg and /proc helpers), as selftests/tests says.
 *
 * Race stress for page faults that drop the per-VMA lock to wait and then
 * retry under it (VM_FAULT_RETRY_VMA): while the fault sleeps without its
 * lock, the VMA may be unmapped, moved, split, its pages zapped or
 * reclaimed, its file truncated, the process forked or killed.
 *
 * Faulting threads read pages of a memory-backed null_blk device that
 * completes each request from a timer (slow, deterministic I/O), mapped
 * directly, with readahead cut to one page; each page is evicted again
 * after it was checked, so that every access is a major fault. The shmem
 * cases fault on a memfd instead, where a fault into a range that is being
 * hole-punched waits in shmem_falloc_wait() and retries. The ext4 cases
 * fault on a regular file of an ext4 file system on the null_blk device,
 * whose pages the racer truncates, punches, or rewrites through a second
 * shared mapping while earlier data is under writeback.
 *
 * In every case a racing thread repeats one operation on the faulted range,
 * and the case checks:
 *  - data: every page read holds its pattern (or, where the race allows it,
 *    the access gets SIGSEGV/SIGBUS; where the racer rewrites the file,
 *    newer data or, after a hole punch or truncate, zeroes, never older
 *    data);
 *  - the window: an operation completed while a fault was in flight, and
 *    that fault turned out to be a slow one (it waited for I/O or for the
 *    hole punch); where the racer punches or truncates the file, that fault
 *    must also have read a hole or got SIGBUS (it saw what the operation
 *    did); and vma_lock_retry_vma in /proc/vmstat rose. A case that never
 *    hit its window fails;
 *  - no hang: every wait is bounded.
 *
 * Options: -i N (or VMA_RETRY_STRESS_ITERS=N) sets the number of racing
 * operations per case (default 100); each case also stops after
 * VMA_RETRY_STRESS_MS milliseconds (default 2500), except that a case
 * that has not hit its window yet (and the memcg case until its pages
 * were read twice) goes on for up to four times as long. The remaining
 * options are the harness's.
 *
 * The negative control: with VMA_RETRY_STRESS_NORACE=1 each case replaces
 * its racing operation by a sleep as long as the operation took on
 * average in five runs made before the faulting threads start (the
 * sigkill case kills each process only after its threads stopped
 * faulting). Everything else is unchanged, so a case that still passes
 * then has a window check that cannot tell a race from no race. On x86_64
 * the signal, sigkill, memfd, userfaultfd and ext4 cases fail then; the
 * other null_blk cases pass: there the window check only sees the timing
 * (each of their faults is slow and retried under the VMA lock, raced or
 * not), since what their operation did is not visible in what a fault
 * reads.
 * vma_lock_abort, vma_lock_miss and vma_lock_retry are printed as
 * diagnostics of what the race did to the faults.
 *
 * --ext4-image IMAGE (or VMA_RETRY_STRESS_EXT4_IMAGE=IMAGE) names an
 * empty ext4 file system image for the ext4 cases, written onto their
 * null_blk device (blocks of zeroes are left out: a new device reads as
 * zeroes); without it they run mkfs.ext4 on the device, and skip if there
 * is none. With an image the ext4 cases must run: a missing image or a
 * kernel without ext4 fails them.
 *
 * Needs root, null_blk with configfs and CONFIG_PER_VMA_LOCK_STATS; the
 * memcg case needs the cgroup v2 memory controller, the userfaultfd case
 * CONFIG_USERFAULTFD, the ext4 cases CONFIG_EXT4_FS.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "mm/vm_util.h"
#include "ext4_image.h"

#define NR_W		2		/* faulting threads */
#define BDEV_PAGES	128		/* pages of the device mapping */
#define EXTRA_PAGES	32		/* what mremap() grows it by */
#define MEMFD_PAGES	512
#define FS_PAGES	64		/* pages of the ext4 file */
#define IO_NSEC		4000000UL	/* 4 ms per request */
#define KILL_IO_NSEC	20000000UL	/* sigkill: a wait a kill can land in */
#define SLOW_MS		2.0		/* an access this slow waited for I/O */
#define MEMFD_SLOW_MS	0.2		/* ...or for a hole punch */
#define DEV_MB		16

static size_t psz;
static int iters = 100;
static double case_ms = 2500;
static bool norace;		/* VMA_RETRY_STRESS_NORACE: the negative control */

/* Word @i of page @pg holds this; rewritten files add a generation to @seed. */
static inline unsigned long long pattern(unsigned long long seed, size_t pg, size_t i)
{
	return (seed << 48) ^ ((unsigned long long)pg << 24) ^ (i + 1);
}

static void fill_pattern(char *buf, size_t first, size_t npages, unsigned long long seed)
{
	size_t pg, i, words = psz / 8;

	for (pg = 0; pg < npages; pg++)
		for (i = 0; i < words; i++)
			((unsigned long long *)(buf + pg * psz))[i] =
				pattern(seed, first + pg, i);
}

static int wait_bounded(pid_t pid, int *status, double ms)
{
	double t0 = time_ms();
	pid_t ret;

	while ((ret = waitpid(pid, status, WNOHANG)) == 0) {
		if (time_ms() - t0 > ms)
			return -ETIMEDOUT;
		sleep_for_ms(1);
	}
	return ret == pid ? 0 : -errno;
}

/* The slow device (vm_util's null_blk), with readahead cut to one page. */
static int slow_dev_create(struct nullb *nb, unsigned long nsec)
{
	char path[PATH_MAX], name[32];
	int ret;

	snprintf(name, sizeof(name), "vmastress%d", getpid());
	ret = nullb_create(nb, name, DEV_MB, nsec);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/block/%s/queue/read_ahead_kb", nb->disk);
	return write_fmt(path, "%zu", psz / 1024);
}

/* A number in a "key value" file of the memcg, or -1. */
static long long memcg_stat(struct memcg *m, const char *file, const char *key)
{
	char path[PATH_MAX + 32], buf[4096], *p;

	snprintf(path, sizeof(path), "%s/%s", m->dir, file);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, key);
	return p ? atoll(p + strlen(key) + 1) : -1;
}

/* ---- ext4 on the null_blk device -------------------------------------- */

static const char *fs_image;	/* --ext4-image: an empty ext4 image */

/*
 * Put an empty ext4 file system on the new device @dev: the image's
 * (ext4_image.h) or, without an image, mkfs.ext4's. -ENOENT: no image and
 * no mkfs.ext4.
 */
static int fs_make(const char *dev)
{
	char cmd[256];
	int ret;

	if (fs_image)
		return write_ext4_image(fs_image, dev);
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F -b 4096 %s >/dev/null 2>&1", dev);
	ret = system(cmd);
	if (ret == -1 || !WIFEXITED(ret))
		return -EIO;
	ret = WEXITSTATUS(ret);
	return ret == 127 ? -ENOENT : ret ? -EIO : 0;
}

/* ---- faulting threads ------------------------------------------------- */

struct ctx;

struct worker {
	struct ctx *c;
	pthread_t th;
	int idx;
	unsigned long seq;	/* odd while an access is in flight */
	unsigned long watch;	/* set by the racer: in flight at an op's end */
	unsigned long sig_seq;	/* set by the SIGUSR1 handler: in flight then */
	long cur;		/* page of the access in flight */
	long accesses, slow, sigs, usr1, zero;
	long passes;		/* over all of its pages */
	long slow_again;	/* slow accesses after the first pass */
	long hits;		/* watched accesses that were slow */
	long seen;		/* slow accesses that got a signal or a hole */
	long seen_hits;		/* ...that were watched too */
	long sig_hits;		/* ...that a SIGUSR1 interrupted */
	long bad, first_bad;
	double max_ms;
	unsigned long long *buf;	/* a copy of the page to check */
};

struct ctx {
	char *base;
	size_t npages;
	int fd;
	int prot;
	bool gens;		/* the racer rewrites the file: generations */
	bool holes;		/* ...and punches or truncates it: zeroes */
	bool evict;		/* evict each page after checking it */
	bool fadvise;		/* ...from the page cache too */
	double slow_ms;
	unsigned long long seed;
	unsigned long wseq;	/* gens: odd while the racer changes data */
	int stop;
	int nworkers;
	struct worker w[NR_W];
	/* racer results */
	long ops, op_err, watched, spanning;
	double op_max_ms, op_total_ms;
	int first_errno;
};

static __thread struct worker *cur_w;
static __thread sigjmp_buf jb;
static __thread int jb_armed;	/* only this thread's handler reads it */

static void fault_sig(int sig)
{
	if (__atomic_load_n(&jb_armed, __ATOMIC_RELAXED)) {
		__atomic_store_n(&jb_armed, 0, __ATOMIC_RELAXED);
		siglongjmp(jb, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void usr1_sig(int sig)
{
	struct worker *w = cur_w;
	unsigned long s;

	if (!w)
		return;
	s = __atomic_load_n(&w->seq, __ATOMIC_ACQUIRE);
	if (s & 1)
		__atomic_store_n(&w->sig_seq, s, __ATOMIC_RELEASE);
	w->usr1++;
}

/*
 * Check a page read with the racer's data generation between @g0 and @g1
 * (wseq values around the read): in a stable period the page is exactly
 * generation g0 / 2, else every word is one of the generations that could
 * be there, or zero where the racer makes holes. Returns the number of
 * wrong words.
 */
static long check_page(struct ctx *c, size_t pg, const unsigned long long *p,
		       unsigned long g0, unsigned long g1, bool *zero)
{
	size_t i, words = psz / 8;
	long bad = 0;

	*zero = c->holes && !p[0];
	for (i = 0; i < words; i++) {
		unsigned long long v = p[i], g;

		if (!c->gens) {
			bad += v != pattern(c->seed, pg, i);
			continue;
		}
		if (g0 == g1 && !(g0 & 1)) {
			bad += v != pattern(c->seed + g0 / 2, pg, i);
			continue;
		}
		if (!v && c->holes)
			continue;
		g = (v ^ pattern(0, pg, i)) >> 48;
		bad += (v ^ pattern(0, pg, i)) != (g << 48) ||
		       g < c->seed + g0 / 2 || g > c->seed + (g1 + 1) / 2;
	}
	return bad;
}

/*
 * Read a word of @p: 0, or the signal (SIGSEGV, SIGBUS) it got. The
 * siglongjmp() returns into this function's own frame, never into the
 * caller's: a function that calls sigsetjmp() is never inlined (GCC and
 * clang refuse to), so the caller's locals stay valid.
 */
static int touch(const void *p)
{
	int sig = sigsetjmp(jb, 1);

	if (sig)
		return sig;
	__atomic_store_n(&jb_armed, 1, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	(void)__atomic_load_n((const unsigned long long *)p, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&jb_armed, 0, __ATOMIC_RELAXED);
	return 0;
}

/* Copy the page at @p like touch() reads a word of it. */
static int copy_page(void *dst, const void *p)
{
	int sig = sigsetjmp(jb, 1);

	if (sig)
		return sig;
	__atomic_store_n(&jb_armed, 1, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	memcpy(dst, p, psz);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&jb_armed, 0, __ATOMIC_RELAXED);
	return 0;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct ctx *c = w->c;
	size_t k, per = c->npages / c->nworkers;

	cur_w = w;
	w->first_bad = -1;
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		for (k = 0; k < per; k++) {
			size_t pg = w->idx + k * c->nworkers;
			const unsigned long long *p = (void *)(c->base + pg * psz);
			unsigned long s, g0, g1;
			double t0, t1;
			bool zero = false, hit = false, slow;
			long bad;
			int sig;

			g0 = __atomic_load_n(&c->wseq, __ATOMIC_ACQUIRE);
			w->cur = pg;
			s = __atomic_add_fetch(&w->seq, 1, __ATOMIC_ACQ_REL);
			t0 = time_ms();
			sig = touch(p);
			t1 = time_ms();
			__atomic_add_fetch(&w->seq, 1, __ATOMIC_ACQ_REL);
			w->accesses++;
			if (t1 - t0 > w->max_ms)
				w->max_ms = t1 - t0;
			slow = t1 - t0 >= c->slow_ms;
			if (slow) {
				w->slow++;
				w->slow_again += w->passes > 0;
				hit = __atomic_load_n(&w->watch, __ATOMIC_ACQUIRE) == s;
				w->hits += hit;
				if (__atomic_load_n(&w->sig_seq, __ATOMIC_ACQUIRE) == s)
					w->sig_hits++;
			}
			if (!sig)
				sig = copy_page(w->buf, p);
			if (!sig) {
				g1 = __atomic_load_n(&c->wseq, __ATOMIC_ACQUIRE);
				bad = check_page(c, pg, w->buf, g0, g1, &zero);
				if (bad && !w->bad)
					w->first_bad = pg;
				w->bad += bad;
				w->zero += zero;
			} else {
				w->sigs++;
			}
			if (slow && (sig || zero)) {
				w->seen++;
				w->seen_hits += hit;
			}
			if (c->evict) {
				madvise((void *)p, psz, MADV_DONTNEED);
				if (c->fadvise)
					posix_fadvise(c->fd, pg * psz, psz, POSIX_FADV_DONTNEED);
			}
			if (__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
				break;
		}
		__atomic_add_fetch(&w->passes, 1, __ATOMIC_RELEASE);
	}
	cur_w = NULL;
	return NULL;
}

static int start_workers(struct ctx *c)
{
	int i, ret;

	for (i = 0; i < c->nworkers; i++) {
		c->w[i].c = c;
		c->w[i].idx = i;
		c->w[i].buf = malloc(psz);
		if (!c->w[i].buf)
			return -ENOMEM;
		ret = pthread_create(&c->w[i].th, NULL, worker_fn, &c->w[i]);
		if (ret)
			return -ret;
	}
	return 0;
}

/* Stop the workers; -ETIMEDOUT if one of them does not finish in 10 s. */
static int stop_workers(struct ctx *c)
{
	struct timespec ts;
	int i, ret = 0;

	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	for (i = 0; i < c->nworkers; i++)
		if (pthread_timedjoin_np(c->w[i].th, NULL, &ts))
			ret = -ETIMEDOUT;
	return ret;
}

/* Wait (bounded) until some worker has an access in flight; its index. */
static int wait_in_flight(struct ctx *c, double ms)
{
	double t0 = time_ms();
	int i;

	do {
		for (i = 0; i < c->nworkers; i++)
			if (__atomic_load_n(&c->w[i].seq, __ATOMIC_ACQUIRE) & 1)
				return i;
		sleep_for_ms(0.05);
	} while (time_ms() - t0 < ms);
	return -1;
}

/*
 * The window: slow accesses in flight when an operation completed (or that
 * a SIGUSR1 interrupted); where the racer makes holes, only those that then
 * read a hole or got SIGBUS, that is, saw what the operation did.
 */
static long window_hits(struct ctx *c, bool signals, bool holes)
{
	long i, n = 0;

	for (i = 0; i < c->nworkers; i++) {
		struct worker *w = &c->w[i];

		n += __atomic_load_n(signals ? &w->sig_hits :
				     holes ? &w->seen_hits : &w->hits,
				     __ATOMIC_RELAXED);
	}
	return n;
}

static long min_passes(struct ctx *c)
{
	long i, n = LONG_MAX;

	for (i = 0; i < c->nworkers; i++)
		if (__atomic_load_n(&c->w[i].passes, __ATOMIC_ACQUIRE) < n)
			n = c->w[i].passes;
	return n;
}

/* The racer around each operation. */
struct op {
	unsigned long s0[NR_W];
	double t0;
};

static void op_begin(struct ctx *c, struct op *op)
{
	int i;

	for (i = 0; i < c->nworkers; i++)
		op->s0[i] = __atomic_load_n(&c->w[i].seq, __ATOMIC_ACQUIRE);
	op->t0 = time_ms();
}

/* The operation (or a step of it) is done: which accesses are in flight? */
static void op_watch(struct ctx *c, struct op *op)
{
	int i;

	for (i = 0; i < c->nworkers; i++) {
		unsigned long s = __atomic_load_n(&c->w[i].seq, __ATOMIC_ACQUIRE);

		if (!(s & 1))
			continue;
		__atomic_store_n(&c->w[i].watch, s, __ATOMIC_RELEASE);
		c->watched++;
		c->spanning += s == op->s0[i];
	}
}

static void op_end(struct ctx *c, struct op *op, int err)
{
	double dt = time_ms() - op->t0;

	op_watch(c, op);
	c->ops++;
	if (err) {
		if (!c->op_err++)
			c->first_errno = err;
	}
	if (dt > c->op_max_ms)
		c->op_max_ms = dt;
	c->op_total_ms += dt;
}

/* The negative control's operation: nothing, for as long as the real one. */
static void race_noop(struct ctx *c, double ms)
{
	struct op op;

	op_begin(c, &op);
	sleep_for_ms(ms);
	op_end(c, &op, 0);
}

/* ---- the racing operations ------------------------------------------ */

struct fixture_data;
typedef int (*race_fn)(struct ctx *c, int it, struct fixture_data *f);

struct fixture_data {
	struct ctx c;
	struct nullb nb;
	struct memcg cg;
	char mnt[64];		/* where the ext4 file system is mounted */
	bool mounted;
	char *wmap;		/* ext4: the racer's own shared mapping */
	char *alt;		/* a reserved place to mremap() to */
	size_t len;
	int uffd;
};

#define ERR(x)	((x) ? -errno : 0)

static int remap(struct ctx *c, size_t first, size_t n)
{
	void *p = mmap(c->base + first * psz, n * psz, c->prot, MAP_SHARED | MAP_FIXED,
		       c->fd, first * psz);

	return p == MAP_FAILED ? -errno : 0;
}

static int race_munmap_range(struct ctx *c, int it, struct fixture_data *f)
{
	int i = wait_in_flight(c, 0);
	long first = (i < 0 ? 0 : c->w[i].cur) - 2;
	size_t n = 5;
	struct op op;
	int ret;

	if (first < 0)
		first = 0;
	if (first + n > c->npages)
		first = c->npages - n;
	op_begin(c, &op);
	ret = ERR(munmap(c->base + first * psz, n * psz));
	if (!ret)
		ret = remap(c, first, n);
	op_end(c, &op, ret);
	return ret;
}

static int race_munmap_vma(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;
	int ret;

	op_begin(c, &op);
	ret = ERR(munmap(c->base, f->len));
	if (!ret)
		ret = remap(c, 0, c->npages);
	op_end(c, &op, ret);
	return ret;
}

static int race_mremap_move(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;
	void *p;
	int ret = 0;

	op_begin(c, &op);
	p = mremap(c->base, f->len, f->len, MREMAP_MAYMOVE | MREMAP_FIXED, f->alt);
	if (p == MAP_FAILED ||
	    mremap(f->alt, f->len, f->len, MREMAP_MAYMOVE | MREMAP_FIXED, c->base) == MAP_FAILED)
		ret = -errno;
	op_end(c, &op, ret);
	return ret;
}

/* Shrink and grow back in place, or grow (moving) and shrink back home. */
static int race_mremap_resize(struct ctx *c, int it, struct fixture_data *f)
{
	size_t big = f->len + EXTRA_PAGES * psz;
	struct op op;
	int ret = 0;

	op_begin(c, &op);
	if (it & 1) {
		if (mremap(c->base, f->len, f->len / 2, 0) == MAP_FAILED ||
		    mremap(c->base, f->len / 2, f->len, 0) == MAP_FAILED)
			ret = -errno;
	} else {
		int fl = MREMAP_MAYMOVE | MREMAP_FIXED;

		if (mremap(c->base, f->len, big, fl, f->alt) == MAP_FAILED ||
		    mremap(f->alt, big, f->len, fl, c->base) == MAP_FAILED)
			ret = -errno;
	}
	op_end(c, &op, ret);
	return ret;
}

/* Split the VMA in three and merge it again. */
static int race_mprotect(struct ctx *c, int it, struct fixture_data *f)
{
	char *mid = c->base + (c->npages / 4) * psz;
	size_t n = (c->npages / 2) * psz;
	struct op op;
	int ret;

	op_begin(c, &op);
	ret = ERR(mprotect(mid, n, PROT_READ));
	if (!ret)
		ret = ERR(mprotect(mid, n, c->prot));
	op_end(c, &op, ret);
	return ret;
}

static int race_dontneed(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;

	op_begin(c, &op);
	op_end(c, &op, ERR(madvise(c->base, f->len, MADV_DONTNEED)));
	return 0;
}

static int race_pageout(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;

	op_begin(c, &op);
	op_end(c, &op, ERR(madvise(c->base, f->len, MADV_PAGEOUT)));
	return 0;
}

/* Write generation @gen of the data to the whole file. */
static int fill_file(struct ctx *c, unsigned long gen)
{
	static char *buf;	/* one case per process: one size */
	size_t len = c->npages * psz;
	ssize_t n;

	if (!buf)
		buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	fill_pattern(buf, 0, c->npages, c->seed + gen);
	n = pwrite(c->fd, buf, len, 0);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* The file gets new data after each change: generation wseq / 2. */
static int file_refill(struct ctx *c, struct fixture_data *f)
{
	int ret = fill_file(c, (c->wseq + 1) / 2);

	__atomic_add_fetch(&c->wseq, 1, __ATOMIC_ACQ_REL);	/* even: stable */
	return ret;
}

static int race_punch(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;
	int ret;

	__atomic_add_fetch(&c->wseq, 1, __ATOMIC_ACQ_REL);	/* odd: changing */
	op_begin(c, &op);
	ret = ERR(fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, f->len));
	op_end(c, &op, ret);
	return file_refill(c, f) ?: ret;
}

/* Punch the whole file, truncate half of it away (SIGBUS there), size it back. */
static int race_truncate(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;
	int ret;

	__atomic_add_fetch(&c->wseq, 1, __ATOMIC_ACQ_REL);
	op_begin(c, &op);
	ret = ERR(fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, f->len));
	if (!ret)
		ret = ERR(ftruncate(c->fd, f->len / 2));
	if (!ret)
		ret = ERR(ftruncate(c->fd, f->len));
	op_end(c, &op, ret);
	return file_refill(c, f) ?: ret;
}

static int fork_children_bad;

static int race_fork(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;
	int st, ret = 0;
	pid_t pid;

	op_begin(c, &op);
	pid = fork();
	if (!pid) {
		size_t pg, i;

		/* the child reads a few pages (some of them cold) and checks them */
		for (pg = it % 4; pg < c->npages; pg += c->npages / 4)
			for (i = 0; i < psz / 8; i++)
				if (((unsigned long long *)(c->base + pg * psz))[i] !=
				    pattern(c->seed, pg, i))
					_exit(1);
		_exit(0);
	}
	op_end(c, &op, pid < 0 ? -errno : 0);
	if (pid < 0)
		return -errno;
	ret = wait_bounded(pid, &st, 10000);
	if (ret) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return ret;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fork_children_bad++;
	return 0;
}

static int race_signal(struct ctx *c, int it, struct fixture_data *f)
{
	int i = wait_in_flight(c, 20);
	struct op op;

	if (i < 0)
		return 0;
	sleep_for_ms(SLOW_MS / 2);	/* into the wait for the read */
	op_begin(c, &op);
	op_end(c, &op, pthread_kill(c->w[i].th, SIGUSR1) ? -EIO : 0);
	return 0;
}

/*
 * Register half of the memfd with userfaultfd (missing faults get SIGBUS),
 * punch the whole file, unregister: a fault that waited for the punch
 * retries on a VMA whose registration changed meanwhile.
 */
static int race_uffd(struct ctx *c, int it, struct fixture_data *f)
{
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)c->base, .len = f->len / 2 },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct op op;
	int ret;

	if (it & 1)
		reg.range.start += f->len / 4;
	__atomic_add_fetch(&c->wseq, 1, __ATOMIC_ACQ_REL);
	op_begin(c, &op);
	ret = ERR(ioctl(f->uffd, UFFDIO_REGISTER, &reg));
	if (!ret)
		ret = ERR(fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, f->len));
	if (!ret)
		ret = ERR(ioctl(f->uffd, UFFDIO_UNREGISTER, &reg.range));
	op_end(c, &op, ret);
	return file_refill(c, f) ?: ret;
}

/*
 * Drop the file's clean pages, write the next generation through a second
 * shared mapping (write faults that read the page and page_mkwrite()),
 * start its writeback, write the generation after it while that writeback
 * runs, and wait for both with msync(). Each page written is a step: a
 * slow fault of the faulting threads in flight when it completed is a hit.
 */
static int race_writeback(struct ctx *c, int it, struct fixture_data *f)
{
	struct op op;
	int k, ret;
	size_t pg;

	op_begin(c, &op);
	ret = ERR(madvise(f->wmap, f->len, MADV_DONTNEED));
	if (!ret)
		ret = -posix_fadvise(c->fd, 0, f->len, POSIX_FADV_DONTNEED);
	for (k = 0; k < 2 && !ret; k++) {
		__atomic_add_fetch(&c->wseq, 1, __ATOMIC_ACQ_REL);	/* odd: changing */
		for (pg = 0; pg < c->npages; pg++) {
			fill_pattern(f->wmap + pg * psz, pg, 1, c->seed + (c->wseq + 1) / 2);
			op_watch(c, &op);
		}
		if (!k)
			ret = ERR(sync_file_range(c->fd, 0, f->len, SYNC_FILE_RANGE_WRITE));
		else
			ret = ERR(msync(f->wmap, f->len, MS_SYNC));
		__atomic_add_fetch(&c->wseq, 1, __ATOMIC_ACQ_REL);	/* even: stable */
	}
	op_end(c, &op, ret);
	return ret;
}

static int race_reclaim(struct ctx *c, int it, struct fixture_data *f)
{
	char path[PATH_MAX + 32];
	struct op op;
	int ret;

	snprintf(path, sizeof(path), "%s/memory.reclaim", f->cg.dir);
	op_begin(c, &op);
	ret = write_fmt(path, "64K");
	op_end(c, &op, ret == -EAGAIN ? 0 : ret);	/* nothing left to reclaim */
	return 0;
}

/* ---- the fixture ------------------------------------------------------ */

enum kind { BDEV, MEMFD, MEMCG, UFFD, SIGKILL_CASE, EXT4 };

FIXTURE(stress) {
	struct fixture_data f;
};

FIXTURE_VARIANT(stress) {
	const char *name;
	enum kind kind;
	race_fn race;
	bool may_signal;	/* the access may get SIGSEGV or SIGBUS */
	bool holes;		/* the racer punches or truncates the file */
	bool signals;		/* SIGUSR1 to the faulting threads */
};

FIXTURE_VARIANT_ADD(stress, munmap_range) {
	.name = "munmap_range", .race = race_munmap_range, .may_signal = true };
FIXTURE_VARIANT_ADD(stress, munmap_vma) {
	.name = "munmap_vma", .race = race_munmap_vma, .may_signal = true };
FIXTURE_VARIANT_ADD(stress, mremap_move) {
	.name = "mremap_move", .race = race_mremap_move, .may_signal = true };
FIXTURE_VARIANT_ADD(stress, mremap_resize) {
	.name = "mremap_resize", .race = race_mremap_resize, .may_signal = true };
FIXTURE_VARIANT_ADD(stress, mprotect_split) {
	.name = "mprotect_split", .race = race_mprotect };
FIXTURE_VARIANT_ADD(stress, madv_dontneed) {
	.name = "madv_dontneed", .race = race_dontneed };
FIXTURE_VARIANT_ADD(stress, madv_pageout) {
	.name = "madv_pageout", .race = race_pageout };
FIXTURE_VARIANT_ADD(stress, memfd_punch_hole) {
	.name = "memfd_punch_hole", .kind = MEMFD, .race = race_punch, .holes = true };
FIXTURE_VARIANT_ADD(stress, memfd_truncate) {
	.name = "memfd_truncate",
	.kind = MEMFD, .race = race_truncate, .may_signal = true, .holes = true };
FIXTURE_VARIANT_ADD(stress, ext4_punch_hole) {
	.name = "ext4_punch_hole", .kind = EXT4, .race = race_punch, .holes = true };
FIXTURE_VARIANT_ADD(stress, ext4_truncate) {
	.name = "ext4_truncate",
	.kind = EXT4, .race = race_truncate, .may_signal = true, .holes = true };
FIXTURE_VARIANT_ADD(stress, ext4_writeback) {
	.name = "ext4_writeback", .kind = EXT4, .race = race_writeback };
FIXTURE_VARIANT_ADD(stress, fork) {
	.name = "fork", .race = race_fork };
FIXTURE_VARIANT_ADD(stress, signal_thread) {
	.name = "signal_thread", .race = race_signal, .signals = true };
FIXTURE_VARIANT_ADD(stress, uffd_register) {
	.name = "uffd_register",
	.kind = UFFD, .race = race_uffd, .may_signal = true, .holes = true };
FIXTURE_VARIANT_ADD(stress, memcg_high) {
	.name = "memcg_high", .kind = MEMCG, .race = race_reclaim };
FIXTURE_VARIANT_ADD(stress, sigkill) {
	.name = "sigkill", .kind = SIGKILL_CASE };

FIXTURE_SETUP(stress)
{
	struct fixture_data *f = &self->f;
	struct ctx *c = &f->c;
	struct sigaction sa = {};
	int ret;

	f->uffd = -1;
	c->fd = -1;
	c->nworkers = NR_W;
	c->prot = PROT_READ | PROT_WRITE;
	c->slow_ms = SLOW_MS;
	c->evict = true;
	c->seed = 0x100;
	sa.sa_handler = fault_sig;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sa.sa_handler = usr1_sig;
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);

	c->holes = variant->holes;
	if (variant->kind == MEMFD || variant->kind == UFFD) {
		c->gens = true;
		c->slow_ms = MEMFD_SLOW_MS;
		c->npages = MEMFD_PAGES;
		f->len = c->npages * psz;
		c->fd = memfd_create("vma_retry_stress", MFD_CLOEXEC);
		ASSERT_LE(0, c->fd);
		ASSERT_EQ(0, ftruncate(c->fd, f->len));
		ASSERT_EQ(0, fill_file(c, 0));
	} else {
		/* on the slow device: the device itself, or a file on ext4 on it */
		c->gens = variant->kind == EXT4;
		c->npages = variant->kind == EXT4 ? FS_PAGES : BDEV_PAGES;
		f->len = c->npages * psz;
		ret = slow_dev_create(&f->nb, variant->kind == SIGKILL_CASE ?
				      KILL_IO_NSEC : IO_NSEC);
		ASSERT_EQ(0, ret) TH_LOG("null_blk device: %s", strerror(-ret));
		if (variant->kind == EXT4) {
			char path[PATH_MAX];

			ret = fs_make(f->nb.dev);
			if (ret == -ENOENT && !fs_image)
				SKIP(return, "no --ext4-image and no mkfs.ext4");
			ASSERT_EQ(0, ret) TH_LOG("ext4 from %s: %s",
						 fs_image ?: "mkfs.ext4", strerror(-ret));
			snprintf(f->mnt, sizeof(f->mnt), "/tmp/vmastress-fs%d", getpid());
			ASSERT_EQ(0, mkdir(f->mnt, 0755));
			ret = ERR(mount(f->nb.dev, f->mnt, "ext4", 0, NULL));
			if (ret == -ENODEV && !fs_image)
				SKIP(return, "no ext4 in this kernel");
			ASSERT_EQ(0, ret) TH_LOG("mount ext4: %s", strerror(-ret));
			f->mounted = true;
			snprintf(path, sizeof(path), "%s/file", f->mnt);
			c->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		} else {
			c->fd = open(f->nb.dev, O_RDWR | O_CLOEXEC);
		}
		ASSERT_LE(0, c->fd);
		ASSERT_EQ(0, fill_file(c, 0));
		ASSERT_EQ(0, fsync(c->fd));
		c->fadvise = true;
		posix_fadvise(c->fd, 0, 0, POSIX_FADV_DONTNEED);	/* cold */
		if (variant->kind == EXT4) {
			f->wmap = mmap(NULL, f->len, PROT_READ | PROT_WRITE, MAP_SHARED,
				       c->fd, 0);
			ASSERT_NE(MAP_FAILED, f->wmap);
		}
	}
	f->alt = mmap(NULL, f->len + EXTRA_PAGES * psz, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f->alt);
	c->base = mmap(NULL, f->len, c->prot, MAP_SHARED, c->fd, 0);
	ASSERT_NE(MAP_FAILED, c->base);

	if (variant->kind == MEMCG) {
		char path[PATH_MAX + 32], name[32];

		c->evict = false;	/* memory.high does it */
		snprintf(name, sizeof(name), "vmastress%d", getpid());
		ret = memcg_enter(&f->cg, name);
		if (ret)
			SKIP(return, "no cgroup v2 memory controller: %s", strerror(-ret));
		snprintf(path, sizeof(path), "%s/memory.high", f->cg.dir);
		ret = write_fmt(path, "%zu", f->len / 2);
		ASSERT_EQ(0, ret) TH_LOG("memory.high: %s", strerror(-ret));
	}
	if (variant->kind == UFFD) {
		struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_SIGBUS };

		f->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (f->uffd < 0)
			SKIP(return, "no userfaultfd: %s", strerror(errno));
		if (ioctl(f->uffd, UFFDIO_API, &api))
			SKIP(return, "no UFFD_FEATURE_SIGBUS: %s", strerror(errno));
	}
}

FIXTURE_TEARDOWN(stress)
{
	struct fixture_data *f = &self->f;

	if (f->c.base && f->c.base != MAP_FAILED)
		munmap(f->c.base, f->len);
	if (f->alt && f->alt != MAP_FAILED)
		munmap(f->alt, f->len + EXTRA_PAGES * psz);
	if (f->wmap && f->wmap != MAP_FAILED)
		munmap(f->wmap, f->len);
	if (f->uffd >= 0)
		close(f->uffd);
	if (f->c.fd >= 0)
		close(f->c.fd);
	memcg_leave(&f->cg);
	if (f->mounted && umount2(f->mnt, 0))
		umount2(f->mnt, MNT_DETACH);
	if (f->mnt[0])
		rmdir(f->mnt);
	nullb_destroy(&f->nb);
}

/*
 * SIGKILL a process whose threads fault on slow I/O: it must die within
 * a bounded time; its threads must have been waiting in their faults.
 */
static void sigkill_case(struct __test_metadata *_metadata, struct ctx *c)
{
	int k, nkill = iters / 10 > 5 ? iters / 10 : 5, in_d = 0, alive = 0, quiet = 0;
	long long r0 = read_vmstat("vma_lock_retry_vma"), r1;
	double t_start = time_ms(), max_ms = 0;

	for (k = 0; k < nkill && time_ms() - t_start < case_ms; k++) {
		long long rk = read_vmstat("vma_lock_retry_vma");
		int st, ret, stop[2], ack[2];
		double t0;
		pid_t pid;
		char b;

		ASSERT_EQ(0, pipe2(stop, O_CLOEXEC | O_NONBLOCK));
		ASSERT_EQ(0, pipe2(ack, O_CLOEXEC));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			int i;

			if (start_workers(c))
				_exit(2);
			/* bad data: exit with 3 instead of waiting for the kill */
			for (;;) {
				for (i = 0; i < c->nworkers; i++)
					if (__atomic_load_n(&c->w[i].bad, __ATOMIC_RELAXED))
						_exit(3);
				/* the negative control: stop faulting, then wait for the kill */
				if (read(stop[0], &b, 1) == 1) {
					if (stop_workers(c) || write(ack[1], "s", 1) != 1)
						_exit(4);
					for (;;)
						pause();
				}
				sleep_for_ms(1);
			}
		}
		close(stop[0]);
		close(ack[1]);
		if (norace) {
			/* SIGKILL a process whose threads do not fault any more */
			quiet += write(stop[1], "s", 1) == 1 && read(ack[0], &b, 1) == 1;
		} else {
			/*
			 * Kill in a wait that follows a retry under the VMA
			 * lock: else a slow machine kills every process in
			 * its threads' first fault, before any retry.
			 */
			for (t0 = time_ms(); time_ms() - t0 < 2000; sleep_for_ms(0.2))
				if (read_vmstat("vma_lock_retry_vma") > rk &&
				    (tasks_in_state(pid, 'D') > 0))
					break;
		}
		close(stop[1]);
		close(ack[0]);
		sleep_for_ms((k % 3) * KILL_IO_NSEC / 8e6);	/* kill at different points of the wait */
		in_d += (tasks_in_state(pid, 'D') > 0) > 0;
		t0 = time_ms();
		kill(pid, SIGKILL);
		ret = wait_bounded(pid, &st, 10000);
		if (time_ms() - t0 > max_ms)
			max_ms = time_ms() - t0;
		if (ret) {
			alive++;
			continue;	/* a hang: leave it, fail below */
		}
		EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			TH_LOG("the faulting process ended with status %#x (exit 3: bad data)", st);
	}
	r1 = read_vmstat("vma_lock_retry_vma");
	ksft_print_msg("sigkill: %d kills, %d with a thread in D, slowest death %.1f ms\n",
		       k, in_d, max_ms);
	ksft_print_msg("sigkill: vma_lock_retry_vma +%lld\n", r1 - r0);
	if (norace)
		ksft_print_msg("sigkill: NORACE: %d of %d kills came after the threads stopped\n",
			       quiet, k);
	EXPECT_EQ(0, alive) TH_LOG("%d processes did not die within 10 s of SIGKILL", alive);
	EXPECT_LE(1, r1 - r0) TH_LOG("no fault was retried under the VMA lock");
	EXPECT_LE((k + 1) / 2, in_d) TH_LOG("most kills came when no fault waited");
	EXPECT_GT(1000.0, max_ms) TH_LOG("a process took %.1f ms to die", max_ms);
}

TEST_F_TIMEOUT(stress, race, 60)
{
	struct fixture_data *f = &self->f;
	struct ctx *c = &f->c;
	long acc = 0, slow = 0, slow_again = 0, sigs = 0, usr1 = 0, zero = 0, bad = 0;
	long hits = 0, sig_hits = 0, seen = 0, seen_hits = 0;
	long long r0, r1, high0 = 0, high1 = 0, ab0, ab1, mi0, mi1, fb0, fb1;
	double t0, dt, noop_ms = 0;
	int it, ret, i;

	if (variant->kind == SIGKILL_CASE) {
		sigkill_case(_metadata, c);
		return;
	}
	if (variant->kind == MEMCG)
		high0 = memcg_stat(&f->cg, "memory.events", "high");
	if (norace) {
		/*
		 * The negative control: time the real operation a few times
		 * while nothing faults, then race a sleep of that length.
		 */
		for (it = 0; it < 5; it++) {
			ret = variant->race(c, it, f);
			ASSERT_EQ(0, ret) TH_LOG("the operation failed: %s", strerror(-ret));
		}
		if (c->ops)
			noop_ms = c->op_total_ms / c->ops;
		c->ops = 0;
		c->op_err = 0;
		c->watched = 0;
		c->spanning = 0;
		c->op_max_ms = 0;
		c->op_total_ms = 0;
		ksft_print_msg("%s: NORACE: each operation replaced by a %.3f ms sleep\n",
			       variant->name, noop_ms);
	}
	ab0 = read_vmstat("vma_lock_abort");
	mi0 = read_vmstat("vma_lock_miss");
	fb0 = read_vmstat("vma_lock_retry");
	r0 = read_vmstat("vma_lock_retry_vma");
	t0 = time_ms();
	ret = start_workers(c);
	ASSERT_EQ(0, ret) TH_LOG("pthread_create: %s", strerror(-ret));
	for (it = 0;; it++) {
		double el = time_ms() - t0;
		/*
		 * Until the window was hit, and for memcg until every page
		 * was read twice (so that an eviction could happen in
		 * between): a slow machine (a debug kernel) may need longer
		 * than the time limit for that, so allow four times it.
		 */
		bool more = el < 4 * case_ms &&
			    (!window_hits(c, variant->signals, variant->holes) ||
			     (variant->kind == MEMCG && min_passes(c) < 2));

		if (!more && (it >= iters || el >= case_ms))
			break;
		if (wait_in_flight(c, 50) >= 0)
			sleep_for_ms((it % 4) * SLOW_MS / 4);	/* land in the wait */
		if (norace) {
			race_noop(c, noop_ms);
			continue;
		}
		ret = variant->race(c, it, f);
		if (ret)
			break;
	}
	dt = time_ms() - t0;
	ret = stop_workers(c) ?: ret;
	r1 = read_vmstat("vma_lock_retry_vma");
	ab1 = read_vmstat("vma_lock_abort");
	mi1 = read_vmstat("vma_lock_miss");
	fb1 = read_vmstat("vma_lock_retry");
	if (variant->kind == MEMCG)
		high1 = memcg_stat(&f->cg, "memory.events", "high");
	for (i = 0; i < c->nworkers; i++) {
		struct worker *w = &c->w[i];

		acc += w->accesses;
		slow += w->slow;
		sigs += w->sigs;
		usr1 += w->usr1;
		zero += w->zero;
		bad += w->bad;
		hits += w->hits;
		sig_hits += w->sig_hits;
		seen += w->seen;
		seen_hits += w->seen_hits;
		slow_again += w->slow_again;
		if (w->bad)
			ksft_print_msg("thread %d: %ld bad words, first in page %ld\n",
				       i, w->bad, w->first_bad);
	}
	ksft_print_msg("%s: %.0f ms, %ld ops (slowest %.1f ms, %ld failed)\n",
		       variant->name, dt, c->ops, c->op_max_ms, c->op_err);
	ksft_print_msg("%s: %ld accesses, %ld slow, %ld SIGSEGV/SIGBUS, %ld zero pages\n",
		       variant->name, acc, slow, sigs, zero);
	ksft_print_msg("%s: races hit: %ld slow faults in flight when an op completed\n",
		       variant->name, hits);
	ksft_print_msg("%s: (in flight at an op's end: %ld, across the whole op: %ld)\n",
		       variant->name, c->watched, c->spanning);
	if (variant->holes)
		ksft_print_msg("%s: window: %ld of them read a hole or got SIGBUS (in all: %ld)\n",
			       variant->name, seen_hits, seen);
	else if (variant->may_signal)
		ksft_print_msg("%s: %ld slow faults got SIGSEGV/SIGBUS, %ld at an op's end\n",
			       variant->name, seen, seen_hits);
	ksft_print_msg("%s: vma_lock_retry_vma +%lld\n", variant->name, r1 - r0);
	ksft_print_msg("%s: vma_lock_abort +%lld, vma_lock_miss +%lld, vma_lock_retry +%lld\n",
		       variant->name, ab1 - ab0, mi1 - mi0, fb1 - fb0);
	if (variant->signals)
		ksft_print_msg("%s: %ld SIGUSR1 handled, %ld of them interrupted a slow fault\n",
			       variant->name, usr1, sig_hits);
	if (variant->kind == MEMCG)
		ksft_print_msg("%s: memory.events high +%lld, %ld slow accesses %s\n",
			       variant->name, high1 - high0, slow_again, "after the first pass");
	if (fork_children_bad)
		ksft_print_msg("%s: %d fork children read bad data\n", variant->name,
			       fork_children_bad);

	ASSERT_EQ(0, ret) TH_LOG("the racer or a worker failed: %s", strerror(-ret));
	EXPECT_EQ(0, c->op_err)
		TH_LOG("%ld racing operations failed, first: %s", c->op_err,
		       strerror(-c->first_errno));
	EXPECT_EQ(0, bad) TH_LOG("wrong data read");
	EXPECT_EQ(0, fork_children_bad) TH_LOG("a fork child read wrong data");
	if (!variant->may_signal)
		EXPECT_EQ(0, sigs) TH_LOG("an access got SIGSEGV or SIGBUS");
	EXPECT_GT(5000.0, c->op_max_ms) TH_LOG("a racing operation took %.0f ms", c->op_max_ms);
	/* the window */
	EXPECT_LE(1, r1 - r0) TH_LOG("no fault was retried under the VMA lock");
	EXPECT_LE(1, window_hits(c, variant->signals, variant->holes))
		TH_LOG("no %s during a slow fault%s",
		       variant->signals ? "SIGUSR1 came" : "racing operation completed",
		       variant->holes ? " that then read a hole or got SIGBUS" : "");
	if (variant->kind == MEMCG) {
		EXPECT_LT(0, slow_again) TH_LOG("memory.high did not evict the pages");
		EXPECT_LT(0, high1 - high0) TH_LOG("memory.high never hit");
	}
}

int main(int argc, char **argv)
{
	const char *env = getenv("VMA_RETRY_STRESS_ITERS");
	int i, j;

	if (env)
		iters = atoi(env);
	env = getenv("VMA_RETRY_STRESS_MS");
	if (env)
		case_ms = atof(env);
	env = getenv("VMA_RETRY_STRESS_NORACE");
	norace = env && *env && strcmp(env, "0");
	env = getenv("VMA_RETRY_STRESS_EXT4_IMAGE");
	if (env && *env)
		fs_image = env;
	/* take -i N and --ext4-image IMAGE out of the harness's options */
	for (i = j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-i") && i + 1 < argc)
			iters = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ext4-image") && i + 1 < argc)
			fs_image = argv[++i];
		else
			argv[j++] = argv[i];
	}
	argc = j;
	argv[argc] = NULL;
	if (iters < 1)
		iters = 1;
	psz = sysconf(_SC_PAGESIZE);
	time_ms();	/* fault in the vDSO now */
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	if (geteuid()) {
		ksft_print_header();
		ksft_exit_skip("must run as root\n");
	}
	if (read_vmstat("vma_lock_retry_vma") < 0) {
		ksft_print_header();
		ksft_exit_skip("no vma_lock_retry_vma in /proc/vmstat: %s\n",
			       "needs the series and CONFIG_PER_VMA_LOCK_STATS");
	}
	if (access("/sys/kernel/config/nullb", F_OK)) {
		ksft_print_header();
		ksft_exit_skip("no null_blk in configfs: needs CONFIG_BLK_DEV_NULL_BLK and configfs\n");
	}
	return test_harness_run(argc, argv);
}
