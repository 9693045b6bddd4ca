// SPDX-License-Identifier: GPL-2.0
/*
 * vma_bench: one workload of the vma-retry benchmark per invocation.
 *
 * Faulting threads take page faults on a null_blk device that completes
 * every read after --delay-ms (timer completion), mapped directly, with
 * read-ahead off. A faulter loads a random page of its own slice, zaps it
 * with MADV_DONTNEED and drops it from the page cache with
 * POSIX_FADV_DONTNEED, so that its next fault there is a major fault again
 * (--delay-ms 0: the page stays cached, every fault is a page-cache hit).
 * Workloads:
 *   writer    a nice -20 thread calls --op mmap (mmap+munmap of a small
 *             anonymous region) or --op mprotect (toggling one) that no
 *             faulter touches, open loop at --rate calls/s; --rate 0: no
 *             writer (the faulters' throughput alone); --threads 0: no
 *             faulters (the writer's idle floor)
 *   samevma   the writer mprotect()s the last page of the file VMA the
 *             faulters fault on, PROT_NONE and back: split and merge, each
 *             taking that VMA's write lock
 *   fork      the process has --vmas small VMAs besides the file mapping;
 *             the main thread times fork() (the child _exits at once) at
 *             --rate forks/s
 *   mmaplock  each faulter faults every page of its slice once from a cold
 *             page cache; mmap_lock acquisitions of the faulting threads
 *             (mmap_lock trace events in a private trace instance) per
 *             major fault
 *   memcg     --threads threads each mmap, read and munmap their own
 *             --slice-mb of the device in a loop, in a memcg whose
 *             memory.high is a quarter of the total: rounds/s, and every
 *             thread must make progress
 *   swapin    swap on a memory-backed null_blk disk (its own swap header,
 *             vm.page-cluster 0); a --size-mb anonymous mapping, each page
 *             holding its index, paged out, read back and paged out again
 *             (so that it is clean in swap); --threads readers read a
 *             random page of their slice, check it and MADV_PAGEOUT the
 *             page they read SWAP_LAG reads before (which frees it at once,
 *             no write; the lag keeps a page that was just swapped in, and
 *             may not be on an LRU list yet, from being skipped), so that
 *             nearly every read is a swap-in: reads/s, swap-ins/s (the readers' major
 *             faults); every reader must progress
 *   pagefault no I/O at all: each of --threads threads maps --slice-mb,
 *             writes every page once and unmaps it, in a loop (will-it-scale
 *             page_fault1 with --op anon, page_fault3 with --op shmem, a
 *             memfd per thread): faults/s
 *   launch    an app launch: --threads faulters at --nice walk a --size-mb
 *             file on ext4 once, from a cold page cache (the file system
 *             from --ext4-image on a memory-backed null_blk device of
 *             --delay-ms a request and hw_queue_depth --queue-depth, so
 *             that requests queue; read-ahead as the kernel sets it; large
 *             folios as ext4 makes them). The file is mapped as
 *             LAUNCH_LIBS mappings like shared libraries, every fourth
 *             PROT_EXEC; faulter i starts at i / N of it and reads
 *             LAUNCH_OVERLAP / N of it forward in steps of 1-3 pages. The
 *             process has --vmas more small VMAs. Meanwhile, open loop, the
 *             main thread (nice -20) calls mmap(), mprotect() and
 *             pthread_create() with a stack of its own (mmap() and a guard
 *             page's mprotect()) at --rate each and fork() at
 *             --fork-rate (default 2/s; 0: none), and a GC thread mprotect()s half of a heap
 *             VMA at LAUNCH_GC_RATE, until the last faulter is done (the
 *             makespan; --duration caps it). --fault-around-bytes sets
 *             debugfs fault_around_bytes for the run. Each call's latency from its
 *             due time (fork's own duration too), and the mmap_lock read
 *             and write acquisitions of the process and their waits
 *             (mmap_lock_start_locking to the same thread's next
 *             mmap_lock_acquire_returned, in a private trace instance),
 *             also by role: main thread, GC thread, faulters, other;
 *             --lock-stacks: by the kernel function that took each read)
 * Prints KTAP with one "# VMA_BENCH {json}" line (scripts/bench-report.py
 * reads it). It needs root, null_blk with configfs, cgroup2 (memcg),
 * tracefs (mmaplock, launch) and ext4 (launch); a missing one, or a coarse
 * clock, is an error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include "../ext4_image.h"
#include "../swap_header.h"

#define NULLB_CFS "/sys/kernel/config/nullb"
#define TRACEFS "/sys/kernel/tracing"
#define EV_TRIGGER "events/mmap_lock/mmap_lock_start_locking/trigger"
#define MAX_THREADS 320
#define HIST_SUB 16
#define HIST_MAX (64 * HIST_SUB)

static struct {
	const char *workload, *op;
	const char *ext4_image;	/* launch: an empty ext4 image */
	bool backed;		/* swapin, launch: the disk keeps what is written */
	bool lock_stacks;	/* launch: the callers of the mmap_lock reads */
	double fork_rate;	/* launch: the main thread's forks/s */
	long fault_around;	/* launch: fault_around_bytes to set (0: as is) */
	bool breakdown;		/* writer, samevma: trace where each call's time goes */
	bool no_dontneed;	/* writer, samevma: faulters touch each page once */
	int delay_ms, threads, nice, vmas, slice_mb, size_mb, queue_depth;
	double rate, duration;
} opt = { .workload = "writer", .op = "mmap", .delay_ms = 2, .threads = 8, .nice = 19,
	  .rate = 1000, .duration = 3, .slice_mb = 1, .size_mb = 64, .fork_rate = 2 };

static size_t psz;
static char errbuf[512];

static __attribute__((format(printf, 1, 2))) int fail(const char *fmt, ...)
{
	va_list ap;

	char *c;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	/* it goes into a JSON string */
	for (c = errbuf; *c; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < ' ')
			*c = '\'';
	return -1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long t)
{
	struct timespec ts = { .tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int write_file(const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n, ret = 0;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* ---- /proc/vmstat ------------------------------------------------------ */

static const char *const vs_name[] = {
	"pgmajfault", "vma_lock_success", "vma_lock_abort", "vma_lock_retry",
	"vma_lock_retry_vma", "vma_lock_miss",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NR_VS ARRAY_SIZE(vs_name)

static bool vs_have[NR_VS];

static int vmstat(long long *v)
{
	char line[128], name[64];
	long long val;
	size_t i, found = 0;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return fail("/proc/vmstat: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lld", name, &val) != 2)
			continue;
		for (i = 0; i < NR_VS; i++) {
			if (!strcmp(name, vs_name[i])) {
				v[i] = val;
				vs_have[i] = true;
				found++;
			}
		}
	}
	fclose(f);
	/* vma_lock_retry_vma exists only with the series */
	if (found < NR_VS - 1)
		return fail("/proc/vmstat lacks the vma_lock counters (CONFIG_PER_VMA_LOCK_STATS)");
	return 0;
}

/* ---- the clock ---------------------------------------------------------- */

static char clocksource[64] = "unknown";
static long clock_res_ns;

static int check_clock(void)
{
	struct timespec res;

	read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  clocksource, sizeof(clocksource));
	clock_getres(CLOCK_MONOTONIC, &res);
	clock_res_ns = res.tv_sec * 1000000000L + res.tv_nsec;
	if (!strcmp(clocksource, "jiffies") || clock_res_ns > 1000)
		return fail("coarse clock: clocksource %s, resolution %ld ns", clocksource,
			    clock_res_ns);
	return 0;
}

/* ---- the slow device ---------------------------------------------------- */

static char nullb_cfg[128], nullb_dev[64], nullb_disk[48];
static bool launch;		/* the launch workload */
static int nullb_powered;

static void nullb_destroy(void)
{
	char path[192];

	if (!nullb_cfg[0])
		return;
	if (nullb_dev[0])
		unlink(nullb_dev);
	if (nullb_powered) {
		snprintf(path, sizeof(path), "%s/power", nullb_cfg);
		write_file(path, "0");
	}
	rmdir(nullb_cfg);
	nullb_cfg[0] = 0;
}

/* A null_blk disk of @mb MiB completing every request after @ms; its fd. */
static int nullb_open(int mb, int ms)
{
	char path[192], name[32], buf[32], disk[48];
	unsigned int maj, min;
	struct stat st;
	int i, fd;
	const struct {
		const char *attr;
		long val;
	} attrs[] = {
		{ "size", mb }, { "blocksize", 4096 }, { "memory_backed", opt.backed },
		{ "irqmode", ms ? 2 : 0 }, { "completion_nsec", ms * 1000000L },
		/* swap writes a whole pass of pages at once */
		{ "hw_queue_depth", opt.queue_depth ?: opt.backed ? 1024 : 64 },
		{ "power", 1 },
	};

	snprintf(name, sizeof(name), "vmabench%d", getpid());
	snprintf(nullb_cfg, sizeof(nullb_cfg), NULLB_CFS "/%s", name);
	if (mkdir(nullb_cfg, 0755)) {
		nullb_cfg[0] = 0;
		return fail("mkdir %s/%s: %s (null_blk with configfs?)", NULLB_CFS, name,
			    strerror(errno));
	}
	for (i = 0; i < (int)ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", nullb_cfg, attrs[i].attr);
		if (write_file(path, "%ld", attrs[i].val))
			return fail("null_blk: cannot set %s", attrs[i].attr);
	}
	nullb_powered = 1;
	snprintf(disk, sizeof(disk), "%s", name);
	snprintf(path, sizeof(path), "/sys/block/%s/dev", disk);
	if (access(path, F_OK)) {
		snprintf(path, sizeof(path), "%s/index", nullb_cfg);
		if (read_file(path, buf, sizeof(buf)))
			return fail("null_blk: no index");
		snprintf(disk, sizeof(disk), "nullb%s", buf);
		snprintf(path, sizeof(path), "/sys/block/%s/dev", disk);
	}
	if (read_file(path, buf, sizeof(buf)) || sscanf(buf, "%u:%u", &maj, &min) != 2)
		return fail("null_blk: cannot read %s", path);
	snprintf(nullb_disk, sizeof(nullb_disk), "%s", disk);
	snprintf(path, sizeof(path), "/sys/block/%s/queue/read_ahead_kb", disk);
	/* launch: read-ahead as the kernel sets it for a new disk */
	if (!launch && write_file(path, "0"))
		return fail("cannot turn read-ahead off (%s)", path);
	snprintf(nullb_dev, sizeof(nullb_dev), "/tmp/%s", disk);
	unlink(nullb_dev);
	if (mknod(nullb_dev, S_IFBLK | 0600, makedev(maj, min)))
		return fail("mknod %s: %s", nullb_dev, strerror(errno));
	/* the node stays for swapon() and goes in nullb_destroy() */
	fd = open(nullb_dev, (opt.backed ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return fail("open %s: %s", nullb_dev, strerror(errno));
	return fd;
}

static int dev_fd = -1;
static char *dev_map;
static size_t dev_len;

/* Map the whole device, none of it cached (pages cached only for delay 0). */
static int map_device(void)
{
	unsigned char *vec;
	size_t i, n = dev_len / psz, res = 0;

	posix_fadvise(dev_fd, 0, 0, POSIX_FADV_DONTNEED);
	ioctl(dev_fd, BLKFLSBUF, 0);
	dev_map = mmap(NULL, dev_len, PROT_READ, MAP_SHARED, dev_fd, 0);
	if (dev_map == MAP_FAILED)
		return fail("mmap of the device: %s", strerror(errno));
	madvise(dev_map, dev_len, MADV_RANDOM);
	vec = malloc(n);
	if (!vec || mincore(dev_map, dev_len, vec))
		return fail("mincore: %s", strerror(errno));
	for (i = 0; i < n; i++)
		res += vec[i] & 1;
	free(vec);
	if (res)
		return fail("%zu pages of the device still resident after eviction", res);
	if (!opt.delay_ms) {
		/* page-cache hits: read it all in once */
		for (i = 0; i < dev_len; i += psz)
			(void)*(volatile char *)(dev_map + i);
	}
	return 0;
}

/* ---- threads ------------------------------------------------------------ */

static atomic_int go, stop, ready;

struct faulter {
	pthread_t thread;
	pid_t tid;
	size_t first, npages;	/* its slice of the device, in pages */
	long long ops;
	long majflt;
	unsigned int seed;
	int err;
	bool once;		/* mmaplock: every page of the slice once */
	bool touch;		/* --no-dontneed: each page once, a re-drop at a wrap */
	long wraps;
	size_t lag[64];		/* swapin: the pages it read last */
};

#define SWAP_LAG ARRAY_SIZE(((struct faulter *)0)->lag)

static bool swapin;		/* the swapin workload's readers */
static bool pagefault;		/* the pagefault workload */

static long thread_majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_majflt;
}

/* A faulter's start: its priority, then the common go; its major faults so far. */
static long faulter_start(struct faulter *f)
{
	f->tid = gettid();
	setpriority(PRIO_PROCESS, f->tid, opt.nice);
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		sched_yield();
	return thread_majflt();
}

static void *faulter_fn(void *arg)
{
	struct faulter *f = arg;
	size_t i, p;
	long m0;

	m0 = faulter_start(f);
	for (i = 0; !atomic_load(&stop); i++) {
		if (f->once && i == f->npages)
			break;
		if (f->touch && i && i % f->npages == 0) {
			/* the slice is all cached: drop it once, walk it again */
			madvise(dev_map + f->first * psz, f->npages * psz, MADV_DONTNEED);
			posix_fadvise(dev_fd, f->first * psz, f->npages * psz,
				      POSIX_FADV_DONTNEED);
			f->wraps++;
		}
		if (f->once || f->touch) {
			/* a stride walk: every page once, no two neighbours in a row */
			p = f->first + (i % f->npages * 7919) % f->npages;
		} else {
			p = f->first + rand_r(&f->seed) % f->npages;
		}
		if (swapin) {
			/* each page holds its index */
			if (*(volatile long *)(dev_map + p * psz) != (long)p) {
				f->err = EIO;
				break;
			}
			if (i >= SWAP_LAG)
				madvise(dev_map + f->lag[i % SWAP_LAG] * psz, psz, MADV_PAGEOUT);
			f->lag[i % SWAP_LAG] = p;
			f->ops++;
			continue;
		}
		(void)*(volatile char *)(dev_map + p * psz);
		f->ops++;
		if (f->once || f->touch)
			continue;
		madvise(dev_map + p * psz, psz, MADV_DONTNEED);
		if (opt.delay_ms)
			posix_fadvise(dev_fd, p * psz, psz, POSIX_FADV_DONTNEED);
	}
	f->majflt = thread_majflt() - m0;
	return NULL;
}

static struct faulter faulters[MAX_THREADS];

/*
 * Starts @n threads of @fn, the i-th with the argument @args + i * @size (a
 * struct whose first member is its pthread_t), and waits until all are
 * ready.
 */
static int spawn(int n, void *(*fn)(void *), void *args, size_t size)
{
	pthread_attr_t attr;
	int i;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		void *a = (char *)args + i * size;
		pthread_t t;

		if (pthread_create(&t, &attr, fn, a))
			return fail("pthread_create: %s", strerror(errno));
		*(pthread_t *)a = t;
	}
	while (atomic_load(&ready) < n)
		usleep(1000);
	return 0;
}

/* Lets the threads go and sleeps for --duration; the start time. */
static long long go_for_duration(void)
{
	long long t0 = now_ns();

	atomic_store(&go, 1);
	usleep((useconds_t)(opt.duration * 1e6));
	return t0;
}

static int start_faulters(bool once)
{
	size_t slice = dev_len / psz / (opt.threads ? opt.threads : 1);
	int i;

	/* samevma: the last page is the writer's, no faulter touches it */
	if (!strcmp(opt.workload, "samevma") && slice * opt.threads == dev_len / psz)
		slice--;
	for (i = 0; i < opt.threads; i++) {
		faulters[i].first = i * slice;
		faulters[i].npages = slice;
		faulters[i].seed = 1234 + i;
		faulters[i].once = once;
		faulters[i].touch = opt.no_dontneed;
	}
	return spawn(opt.threads, faulter_fn, faulters, sizeof(*faulters));
}

/* Joins them; the first error of a thread, and the fewest ops of one. */
static int join_faulters(long long *ops, long *majflt, long long *min_ops)
{
	int i, err = 0;

	atomic_store(&stop, 1);
	*ops = 0;
	*majflt = 0;
	*min_ops = -1;
	for (i = 0; i < opt.threads; i++) {
		pthread_join(faulters[i].thread, NULL);
		*ops += faulters[i].ops;
		*majflt += faulters[i].majflt;
		if (*min_ops < 0 || faulters[i].ops < *min_ops)
			*min_ops = faulters[i].ops;
		if (faulters[i].err && !err)
			err = faulters[i].err;
	}
	return err;
}

/* ---- latencies ---------------------------------------------------------- */

/*
 * lat: each call's latency from the time it was due (open loop: the wait
 * of a late call counts, so a stalled writer's backlog is measured, not
 * omitted); svc: from the time it started (the call's own duration).
 */
static long long *lat, *svc;
static size_t nlat, maxlat, ncensored;

static void record(long long from_due, long long from_start)
{
	if (nlat < maxlat) {
		lat[nlat] = from_due;
		svc[nlat++] = from_start;
	}
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int hist_bucket(long long v)
{
	int e;

	if (v < 1)
		v = 1;
	e = 63 - __builtin_clzll(v);
	return e * HIST_SUB + (int)(HIST_SUB * ((double)v / (1ULL << e) - 1));
}

static double pct(const long long *v, double p)
{
	size_t i = (size_t)ceil(p * nlat) - 1;

	if (!nlat)
		return 0;
	return v[i < nlat ? i : nlat - 1] / 1000.0;
}

/*
 * A member of per-call latency statistics in microseconds (v sorted in
 * place): percentiles, the fractions at or above D and above 1 ms, and the
 * log-linear histogram that scripts/bench-report.py resamples.
 */
static void print_lat_member(FILE *o, const char *name, long long *v, double rate)
{
	static long hist[HIST_MAX];
	size_t i, ge = 0, gt1 = 0;
	const char *sep = "";

	qsort(v, nlat, sizeof(*v), cmp_ll);
	memset(hist, 0, sizeof(hist));
	for (i = 0; i < nlat; i++) {
		hist[hist_bucket(v[i])]++;
		if (opt.delay_ms && v[i] >= opt.delay_ms * 1000000LL)
			ge++;
		if (v[i] > 1000000LL)
			gt1++;
	}
	fprintf(o, ",\"%s\":{\"n\":%zu,\"rate\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,"
		"\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,\"ge_d\":%.4f,"
		"\"gt_1ms\":%.4f,\"hist\":\"",
		name, nlat, rate, pct(v, 0.5), pct(v, 0.9), pct(v, 0.99),
		pct(v, 0.999), nlat ? v[nlat - 1] / 1000.0 : 0, nlat ? (double)ge / nlat : 0,
		nlat ? (double)gt1 / nlat : 0);
	for (i = 0; i < HIST_MAX; i++) {
		if (hist[i]) {
			fprintf(o, "%s%zu:%ld", sep, i, hist[i]);
			sep = ",";
		}
	}
	fprintf(o, "\"");
	if (!strcmp(name, "lat"))
		fprintf(o, ",\"from\":\"due\",\"offered\":%g,\"censored\":%zu", opt.rate,
			ncensored);
	fprintf(o, "}");
}

/*
 * "lat" (from the due time; rate: calls made per second) and "svc" (from
 * the start of each call; the calls that never started are not in it).
 */
static void print_lat(FILE *o, double secs)
{
	size_t n = nlat;
	double rate = (n - ncensored) / secs;

	print_lat_member(o, "lat", lat, rate);
	nlat = n - ncensored;	/* svc has no entry for a call never made */
	print_lat_member(o, "svc", svc, rate);
	nlat = n;
}

/* ---- breakdown: where each writer call's time goes --------------------- */

/*
 * --breakdown (writer, samevma, fork): a private trace instance (mono clock, the
 * clock of now_ns()) with the mmap_lock events and sched_switch and
 * sched_waking of this process's threads, read after the run. Per writer
 * call, in ns (rd_start and rd_queued are counts):
 *   lat, svc   from its due time and from its start, to its end
 *   wr_wait    the writer's mmap_lock write start_locking to acquire_returned
 *   wr_hold    acquire_returned to released (mprotect() of the faulted VMA:
 *              vma_start_write() waiting for that VMA's readers, and the
 *              split or merge; fork(): dup_mmap(), whose vma_start_write()
 *              of each VMA waits for its readers, to the release of the
 *              child's mmap_lock, which it takes nested and releases first)
 *   other      svc - wr_wait - wr_hold: the call outside the mmap_lock
 *   off_pre, off_wait, off_hold, off_post  the writer off-CPU before it
 *              asks for the lock, while waiting, while holding, after it
 *              released it
 *   off_d, off_r        the writer off-CPU in the call by prev_state (D; R
 *              or R+: preempted)
 *   off_r_f    the part of off_r in which a faulter ran in its place
 *   wake_run   the part of its off-CPU time from its last wakeup to running
 *              (the rest of a sleep is waiting for whoever wakes it)
 *   waker_d, waker_r    the last task to wake the writer while it held the
 *              lock (the last VMA reader to leave), if a faulter: its
 *              off-CPU time since the call started, D and R
 *   rd_start   the faulters' mmap_lock read start_locking events in the call
 *   rd_queued  those while the writer waited for or held the lock
 *   rd_hold, rd_hold_d, rd_hold_r  the longest faulter read hold released
 *              while the writer waited (it held the writer up), and its
 *              holder's off-CPU time in it, D and R
 * A component sums over the call's acquisitions (--op mmap takes the lock
 * twice a call). The events are on the trace's microsecond clock, so an
 * event within BD_SLOP of a call's start or end counts as inside it.
 */
enum {
	BD_LAT, BD_SVC, BD_WAIT, BD_HOLD, BD_OTHER, BD_OFF_PRE, BD_OFF_WAIT, BD_OFF_HOLD,
	BD_OFF_POST, BD_OFF_D, BD_OFF_R, BD_OFF_R_F, BD_WAKE_RUN, BD_WAKER_D, BD_WAKER_R,
	BD_RD_START, BD_RD_QUEUED, BD_RD_HOLD, BD_RD_HOLD_D, BD_RD_HOLD_R, NR_BD
};

#define BD_SLOP 1000LL
#define BD_TIDS 1024		/* a power of two above MAX_THREADS + 1 */

enum { BD_NONE, BD_FAULTER, BD_OTHER_TASK, NR_BD_WAKER };

struct bd_call {
	long long due, start, end, v[NR_BD];
	long long phase_ts;
	int phase;		/* the writer's: 0 before, 1 waiting, 2 holding, 3 after */
	int nacq, nrel;
	int waker, wait_waker;	/* the last waker's kind while holding, waiting */
};

static struct bd_call *bd;
static size_t nbd;

/* ---- the writers -------------------------------------------------------- */

static char *wr_region;

static int writer_op(long long i)
{
	if (!strcmp(opt.workload, "samevma")) {
		char *page = dev_map + dev_len - psz;

		return mprotect(page, psz, i & 1 ? PROT_READ : PROT_NONE);
	}
	if (!strcmp(opt.op, "mprotect"))
		return mprotect(wr_region, 4 * psz, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ);
	if (!strcmp(opt.op, "mmap")) {
		char *p = mmap(NULL, 4 * psz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -1;
		return munmap(p, 4 * psz);
	}
	/* fork */
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(0);
	return pid;
}

/*
 * Open loop: call i is due at t0 + i / rate, whatever the calls before it
 * took; a call that is late starts at once, and its latency counts from
 * when it was due. It stops at --duration even if calls were late: each
 * call that was due but never started is recorded in lat with the time
 * from its due time to the end (a lower bound; lat.censored counts them),
 * so that a stalled writer's missing calls are not omitted. Returns the
 * elapsed seconds.
 */
static double run_writer(void)
{
	long long t0, t, t1, due, interval = (long long)(1e9 / opt.rate);
	long long end, i, j;
	int ret;

	setpriority(PRIO_PROCESS, gettid(), -20);
	maxlat = (size_t)(opt.rate * opt.duration * 1.1) + 16;
	lat = calloc(maxlat, sizeof(*lat));
	svc = calloc(maxlat, sizeof(*svc));
	if (!lat || !svc)
		return fail("out of memory for %zu latencies", maxlat);
	if (opt.breakdown) {
		bd = calloc(maxlat, sizeof(*bd));
		if (!bd)
			return fail("out of memory for %zu calls", maxlat);
	}
	t0 = now_ns();
	end = t0 + (long long)(opt.duration * 1e9);
	for (i = 0;; i++) {
		due = t0 + i * interval;
		if (due >= end)
			break;
		t = now_ns();
		if (t >= end) {
			/* due, never started: censored at the end */
			for (j = i; t0 + j * interval < end; j++, ncensored++)
				record(t - (t0 + j * interval), 0);
			break;
		}
		sleep_until(due);
		t = now_ns();
		ret = writer_op(i);
		t1 = now_ns();
		record(t1 - due, t1 - t);
		if (bd && nbd < maxlat) {
			bd[nbd].due = due;
			bd[nbd].start = t;
			bd[nbd++].end = t1;
		}
		if (ret < 0) {
			fail("%s: %s", opt.op, strerror(errno));
			return -1;
		}
		if (!strcmp(opt.op, "fork"))
			waitpid(ret, NULL, 0);
	}
	/* leave the region as it was */
	if (!strcmp(opt.workload, "samevma") && (i & 1))
		writer_op(1);
	return (now_ns() - t0) / 1e9;
}

/* The small VMAs of the fork workload: alternate protections, no merging. */
static int make_vmas(int k)
{
	char *p = mmap(NULL, 2 * k * psz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	if (p == MAP_FAILED)
		return fail("mmap of %d VMAs: %s", k, strerror(errno));
	for (i = 0; i < k; i++) {
		if (mprotect(p + 2 * i * psz, psz, i & 1 ? PROT_READ : PROT_READ | PROT_WRITE))
			return fail("mprotect for %d VMAs: %s (vm.max_map_count?)", k,
				    strerror(errno));
	}
	return 0;
}

/* ---- mmap_lock acquisitions of the faulting threads ------------------- */

static char trace_inst[128];

static int trace_start(void)
{
	char path[192], pids[MAX_THREADS * 12] = "";
	size_t n = 0;
	int i;

	if (access(TRACEFS "/instances", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	snprintf(trace_inst, sizeof(trace_inst), TRACEFS "/instances/vmabench%d", getpid());
	if (mkdir(trace_inst, 0755))
		return fail("mkdir %s: %s", trace_inst, strerror(errno));
	for (i = 0; i < opt.threads; i++)
		n += snprintf(pids + n, sizeof(pids) - n, "%d ", faulters[i].tid);
	snprintf(path, sizeof(path), "%s/set_event_pid", trace_inst);
	if (write_file(path, "%s", pids))
		return fail("set_event_pid");
	snprintf(path, sizeof(path), "%s/buffer_size_kb", trace_inst);
	write_file(path, "4096");
	snprintf(path, sizeof(path), "%s/events/mmap_lock/mmap_lock_acquire_returned/enable",
		 trace_inst);
	if (write_file(path, "1"))
		return fail("no mmap_lock trace events");
	return 0;
}

/* Our instance's trace, its recording stopped (NULL: errno says why). */
static FILE *trace_open(void)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/tracing_on", trace_inst);
	write_file(path, "0");
	snprintf(path, sizeof(path), "%s/trace", trace_inst);
	return fopen(path, "re");
}

/* Acquisitions that succeeded, and the events the buffer lost (-1: error). */
static long trace_count(long *lost)
{
	char line[512];
	long n = 0;
	FILE *f;

	*lost = 0;
	f = trace_open();
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#') {
			char *e = strstr(line, "entries-in-buffer/entries-written:");
			long in, written;

			if (e && sscanf(e, "entries-in-buffer/entries-written: %ld/%ld", &in,
					&written) == 2)
				*lost = written - in;
			continue;
		}
		if (strstr(line, "mmap_lock_acquire_returned") && strstr(line, "success=true"))
			n++;
	}
	fclose(f);
	return n;
}

static void trace_stop(void)
{
	char path[192];

	if (!trace_inst[0])
		return;
	snprintf(path, sizeof(path), "%s/" EV_TRIGGER, trace_inst);
	if (opt.lock_stacks)
		write_file(path, "!stacktrace if write == 0");
	snprintf(path, sizeof(path), "%s/events/enable", trace_inst);
	write_file(path, "0");
	rmdir(trace_inst);
	trace_inst[0] = 0;
}

/* ---- memcg thrash ------------------------------------------------------- */

static char cg_dir[192], cg_root[128] = "/sys/fs/cgroup";

static int memcg_enter(size_t high)
{
	char path[256], buf[256];

	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK)) {
		snprintf(cg_root, sizeof(cg_root), "/tmp/vmabench-cg");
		mkdir(cg_root, 0755);
		/* EBUSY: an earlier run mounted it there */
		if (mount("cgroup2", cg_root, "cgroup2", 0, NULL) && errno != EBUSY)
			return fail("mount cgroup2: %s", strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cg_root);
	if (read_file(path, buf, sizeof(buf)) || (!strstr(buf, "memory") &&
						 write_file(path, "+memory")))
		return fail("cannot enable the memory controller");
	snprintf(cg_dir, sizeof(cg_dir), "%s/vmabench%d", cg_root, getpid());
	if (mkdir(cg_dir, 0755))
		return fail("mkdir %s: %s", cg_dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/memory.high", cg_dir);
	if (write_file(path, "%zu", high))
		return fail("cannot set memory.high");
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_dir);
	if (write_file(path, "%d", getpid()))
		return fail("cannot enter %s", cg_dir);
	return 0;
}

static void memcg_leave(void)
{
	char path[256];
	int i;

	if (!cg_dir[0])
		return;
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_root);
	write_file(path, "%d", getpid());
	for (i = 0; i < 100 && rmdir(cg_dir) && errno == EBUSY; i++)
		usleep(10000);
}

struct thrasher {
	pthread_t thread;
	long rounds;
	long long last, max_gap;
	int err;
};

static struct thrasher thrashers[MAX_THREADS];

static void *thrash_fn(void *arg)
{
	struct thrasher *t = arg;
	size_t len = (size_t)opt.slice_mb << 20, i;
	off_t off = (t - thrashers) * (off_t)len;

	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		sched_yield();
	t->last = now_ns();
	while (!atomic_load(&stop)) {
		char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, dev_fd, off);
		long long n;

		if (p == MAP_FAILED) {
			t->err = errno;
			break;
		}
		madvise(p, len, MADV_RANDOM);
		for (i = 0; i < len; i += psz)
			(void)*(volatile char *)(p + i);
		munmap(p, len);
		n = now_ns();
		if (n - t->last > t->max_gap)
			t->max_gap = n - t->last;
		t->last = n;
		t->rounds++;
	}
	return NULL;
}

/* ---- swap-in ------------------------------------------------------------ */

#define PAGE_CLUSTER "/proc/sys/vm/page-cluster"

static char page_cluster[16];
static bool swap_on;

/* A swap header on the disk (what mkswap writes), and swapon(). */
static int swap_start(void)
{
	off_t size = lseek(dev_fd, 0, SEEK_END);
	int ret;

	if (size < (off_t)dev_len)
		return fail("swap disk smaller than %zu bytes", dev_len);
	ret = write_swap_header(dev_fd, psz, size);
	if (ret)
		return fail("writing the swap header: %s", strerror(-ret));
	/* one page per swap-in, as read-ahead off for the file workloads */
	if (read_file(PAGE_CLUSTER, page_cluster, sizeof(page_cluster)) ||
	    write_file(PAGE_CLUSTER, "0"))
		return fail("cannot set %s", PAGE_CLUSTER);
	if (syscall(SYS_swapon, nullb_dev, 0))
		return fail("swapon %s: %s (CONFIG_SWAP?)", nullb_dev, strerror(errno));
	swap_on = true;
	return 0;
}

static void swap_stop(void)
{
	if (swap_on && syscall(SYS_swapoff, nullb_dev))
		fail("swapoff: %s", strerror(errno));
	swap_on = false;
	if (page_cluster[0])
		write_file(PAGE_CLUSTER, "%s", page_cluster);
}

/* The region the readers read: every page written with its index. */
static int swap_region(size_t len)
{
	size_t i;

	dev_map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dev_map == MAP_FAILED)
		return fail("mmap of %zu bytes: %s", len, strerror(errno));
	madvise(dev_map, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len / psz; i++)
		*(long *)(dev_map + i * psz) = i;
	/*
	 * Out once (dirty: written), back in once (checked), out again: from
	 * here on the pages are clean copies of their swap slots, and paging
	 * one out only frees it.
	 */
	if (madvise(dev_map, len, MADV_PAGEOUT))
		return fail("MADV_PAGEOUT: %s", strerror(errno));
	for (i = 0; i < len / psz; i++)
		if (*(volatile long *)(dev_map + i * psz) != (long)i)
			return fail("page %zu lost its contents in swap", i);
	madvise(dev_map, len, MADV_PAGEOUT);
	return 0;
}

/* ---- no I/O: page_fault1 and page_fault3 ----------------------------- */

static void *pagefault_fn(void *arg)
{
	struct faulter *f = arg;
	size_t len = (size_t)opt.slice_mb << 20, i;
	bool shmem = !strcmp(opt.op, "shmem");
	int fd = -1;
	long m0;

	f->tid = gettid();
	setpriority(PRIO_PROCESS, f->tid, opt.nice);
	if (shmem) {
		fd = memfd_create("vma_bench", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, len))
			f->err = errno;
	}
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		sched_yield();
	m0 = thread_majflt();
	while (!f->err && !atomic_load(&stop)) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       shmem ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS, fd, 0);

		if (p == MAP_FAILED) {
			f->err = errno;
			break;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (i = 0; i < len; i += psz)
			p[i] = 1;
		munmap(p, len);
		f->ops += len / psz;
	}
	f->majflt = thread_majflt() - m0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* ---- launch: an app launch ------------------------------------------- */

#define LAUNCH_LIBS 16		/* mappings of the file, like shared libraries */
#define LAUNCH_OVERLAP 2	/* faulters that walk each page of the file */
#define LAUNCH_REGION (64 * 1024)	/* the main thread's mmap() */
#define LAUNCH_RING 32		/* its regions mapped at once */
#define LAUNCH_STACK (256 * 1024)	/* a new thread's stack */
#define LAUNCH_GC_RATE 100.0	/* the GC thread's mprotect() calls/s */
#define LAUNCH_HEAP (4 << 20)	/* the heap VMA that it mprotect()s */
#define LAUNCH_TIDS 8192	/* threads the trace can tell apart */

/*
 * One open-loop stream of calls: call i is due at t0 + i / rate; its
 * latency counts from then (lat) and from its start (svc). Calls due before
 * the end of the launch but never made are censored at the end (lat only,
 * appended last, as run_writer() does).
 */
struct stream {
	const char *name;
	double rate;
	long long t0, next;
	long long *lat, *svc;
	size_t n, max, censored;
};

static long long stream_due(const struct stream *s)
{
	if (s->rate <= 0)
		return LLONG_MAX;	/* a stream that is off: never due */
	return s->t0 + (long long)(s->next * 1e9 / s->rate);
}

static int stream_init(struct stream *s, const char *name, double rate, long long t0)
{
	s->name = name;
	s->rate = rate;
	s->t0 = t0;
	s->max = (size_t)(rate * opt.duration * 1.1) + 16;
	s->lat = calloc(s->max, sizeof(*s->lat));
	s->svc = calloc(s->max, sizeof(*s->svc));
	if (!s->lat || !s->svc)
		return fail("out of memory for %zu latencies", s->max);
	return 0;
}

static void stream_record(struct stream *s, long long start, long long end)
{
	long long due = stream_due(s);

	if (s->n < s->max) {
		s->lat[s->n] = end - due;
		s->svc[s->n++] = end - start;
	}
	s->next++;
}

static void stream_censor(struct stream *s, long long end)
{
	if (!s->lat)
		return;		/* never started */
	for (; stream_due(s) < end && s->n < s->max; s->next++, s->censored++)
		s->lat[s->n++] = end - stream_due(s);
}

/* Its "NAME" (from the due time) and, with @svc, "NAME_svc" members. */
static void print_stream(FILE *o, struct stream *s, double secs, bool with_svc)
{
	double rate = secs > 0 ? (s->n - s->censored) / secs : 0;
	char name[48];

	nlat = s->n;
	print_lat_member(o, s->name, s->lat, rate);
	if (with_svc) {
		snprintf(name, sizeof(name), "%s_svc", s->name);
		nlat = s->n - s->censored;
		print_lat_member(o, name, s->svc, rate);
	}
	nlat = 0;
}

static struct {
	char mnt[64];
	int fd;			/* the file on ext4 */
	size_t npages, lib_pages;
	char *lib[LAUNCH_LIBS];
	char *heap;
	long long t0, end;
	atomic_int done, over;
	long long done_ns[MAX_THREADS];
	struct stream mmap, mprotect, thread, fork, gc;
	pthread_t gc_thread;
	pid_t gc_tid;
	int read_ahead_kb, vmas, threads_made, forks;
	char fault_around_was[32];	/* to put back, when --fault-around-bytes */
} L = { .fd = -1 };

#define FAULT_AROUND "/sys/kernel/debug/fault_around_bytes"

/* A faulter of the launch: its stretch of the file, forward in small steps. */
static void *launch_fault_fn(void *arg)
{
	struct faulter *f = arg;
	size_t off, p;
	long m0;

	m0 = faulter_start(f);
	for (off = 0; off < f->npages && !atomic_load(&stop);
	     off += 1 + rand_r(&f->seed) % 3) {
		p = (f->first + off) % L.npages;
		(void)*(volatile char *)(L.lib[p / L.lib_pages] + p % L.lib_pages * psz);
		f->ops++;
	}
	f->majflt = thread_majflt() - m0;
	L.done_ns[f - faulters] = now_ns();
	atomic_fetch_add(&L.done, 1);
	return NULL;
}

/* The GC thread: mprotect() of the middle of the heap VMA, open loop. */
static void *launch_gc_fn(void *arg)
{
	char *mid = L.heap + LAUNCH_HEAP / 4;
	long long t;

	(void)arg;
	L.gc_tid = gettid();
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		sched_yield();
	while (!atomic_load(&L.over)) {
		sleep_until(stream_due(&L.gc));
		t = now_ns();
		if (mprotect(mid, LAUNCH_HEAP / 2, L.gc.next & 1 ? PROT_READ | PROT_WRITE :
			     PROT_READ))
			break;
		stream_record(&L.gc, t, now_ns());
	}
	if (L.gc.next & 1)
		mprotect(mid, LAUNCH_HEAP / 2, PROT_READ | PROT_WRITE);
	return NULL;
}

static void *launch_child_fn(void *arg)
{
	return arg;
}

static int count_vmas(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	int c, n = 0;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * The device with the ext4 image, the file on it (--size-mb, a pattern
 * that is not zeroes), evicted; mapped in LAUNCH_LIBS mappings, every
 * fourth PROT_EXEC; the heap; the --vmas small VMAs.
 */
static int launch_setup(void)
{
	long long fs = ext4_image_bytes(opt.ext4_image);
	size_t len = (size_t)opt.size_mb << 20, i, res = 0;
	unsigned char *vec;
	char path[192], buf[32];
	long *page;
	int j, k;

	if (fs < 0)
		return fail("--ext4-image %s: %s", opt.ext4_image,
			    fs == -EINVAL ? "not an ext4 image" : strerror((int)-fs));
	if ((long long)len + (8 << 20) > fs)
		return fail("a %d MiB file does not fit the %lld MiB file system of %s",
			    opt.size_mb, fs >> 20, opt.ext4_image);
	dev_fd = nullb_open((int)((fs + (1 << 20) - 1) >> 20), opt.delay_ms);
	if (dev_fd < 0)
		return -1;
	close(dev_fd);
	dev_fd = -1;
	j = write_ext4_image(opt.ext4_image, nullb_dev);
	if (j)
		return fail("writing %s to %s: %s", opt.ext4_image, nullb_dev, strerror(-j));
	snprintf(L.mnt, sizeof(L.mnt), "/tmp/vmabench-fs%d", getpid());
	if (mkdir(L.mnt, 0755) || mount(nullb_dev, L.mnt, "ext4", 0, NULL)) {
		j = errno;
		rmdir(L.mnt);
		L.mnt[0] = 0;
		return fail("mount ext4 on %s: %s (CONFIG_EXT4_FS?)", nullb_dev, strerror(j));
	}
	snprintf(path, sizeof(path), "/sys/block/%s/queue/read_ahead_kb", nullb_disk);
	if (read_file(path, buf, sizeof(buf)))
		return fail("cannot read %s", path);
	L.read_ahead_kb = atoi(buf);
	if (opt.fault_around) {
		if (read_file(FAULT_AROUND, L.fault_around_was, sizeof(L.fault_around_was)))
			return fail("cannot read %s (CONFIG_DEBUG_FS?)", FAULT_AROUND);
		if (write_file(FAULT_AROUND, "%ld", opt.fault_around)) {
			L.fault_around_was[0] = 0;
			return fail("cannot write %s", FAULT_AROUND);
		}
	}
	snprintf(path, sizeof(path), "%s/lib", L.mnt);
	L.fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	page = malloc(psz);
	if (L.fd < 0 || !page)
		return fail("%s: %s", path, strerror(errno));
	L.npages = len / psz;
	for (i = 0; i < L.npages; i++) {
		for (j = 0; j < (int)(psz / sizeof(long)); j++)
			page[j] = (long)(i << 16 | j) | 1;
		if (write(L.fd, page, psz) != (ssize_t)psz)
			return fail("writing %s: %s", path, strerror(errno));
	}
	free(page);
	if (fsync(L.fd))
		return fail("fsync %s: %s", path, strerror(errno));
	posix_fadvise(L.fd, 0, 0, POSIX_FADV_DONTNEED);
	L.lib_pages = L.npages / LAUNCH_LIBS;
	L.npages = L.lib_pages * LAUNCH_LIBS;
	for (j = 0; j < LAUNCH_LIBS; j++) {
		L.lib[j] = mmap(NULL, L.lib_pages * psz, PROT_READ | (j % 4 ? 0 : PROT_EXEC),
				MAP_PRIVATE, L.fd, (off_t)j * L.lib_pages * psz);
		if (L.lib[j] == MAP_FAILED) {
			L.lib[j] = NULL;
			return fail("mmap of the file: %s", strerror(errno));
		}
	}
	vec = malloc(L.lib_pages);
	for (k = 0; k < 2; k++) {
		if (k) {
			/* a folio the journal still held: once more, after a commit */
			syncfs(L.fd);
			write_file("/proc/sys/vm/drop_caches", "1");
			posix_fadvise(L.fd, 0, 0, POSIX_FADV_DONTNEED);
		}
		for (j = 0, res = 0; vec && j < LAUNCH_LIBS; j++) {
			if (mincore(L.lib[j], L.lib_pages * psz, vec))
				break;
			for (i = 0; i < L.lib_pages; i++)
				res += vec[i] & 1;
		}
		if (!vec || j < LAUNCH_LIBS) {
			free(vec);
			return fail("mincore: %s", strerror(errno));
		}
		if (!res)
			break;
	}
	free(vec);
	if (res)
		return fail("%zu pages of the file still resident after eviction", res);
	L.heap = mmap(NULL, LAUNCH_HEAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (L.heap == MAP_FAILED) {
		L.heap = NULL;
		return fail("mmap of the heap: %s", strerror(errno));
	}
	madvise(L.heap, LAUNCH_HEAP, MADV_NOHUGEPAGE);
	memset(L.heap, 1, LAUNCH_HEAP);
	return make_vmas(opt.vmas);
}

static void launch_cleanup(void)
{
	int j;

	for (j = 0; j < LAUNCH_LIBS; j++)
		if (L.lib[j])
			munmap(L.lib[j], L.lib_pages * psz);
	if (L.fd >= 0)
		close(L.fd);
	L.fd = -1;
	if (L.fault_around_was[0] && write_file(FAULT_AROUND, "%s", L.fault_around_was))
		fprintf(stderr, "vma_bench: could not put back %s\n", FAULT_AROUND);
	L.fault_around_was[0] = 0;
	if (L.mnt[0]) {
		for (j = 0; j < 100 && umount(L.mnt) && errno == EBUSY; j++)
			usleep(10000);
		rmdir(L.mnt);
	}
}

/* Faulter i walks LAUNCH_OVERLAP / N of the file from i / N of it. */
static int launch_start_threads(void)
{
	size_t len = L.npages * LAUNCH_OVERLAP / opt.threads;
	int i;

	for (i = 0; i < opt.threads; i++) {
		faulters[i].first = L.npages * i / opt.threads;
		faulters[i].npages = len ? len : 1;
		faulters[i].seed = 1234 + i;
	}
	if (spawn(opt.threads, launch_fault_fn, faulters, sizeof(*faulters)))
		return -1;
	if (pthread_create(&L.gc_thread, NULL, launch_gc_fn, NULL))
		return fail("pthread_create: %s", strerror(errno));
	while (atomic_load(&ready) < opt.threads + 1)
		usleep(1000);
	return 0;
}

/*
 * The main thread, at nice -20, until every faulter is done: open-loop
 * streams of mmap() of a small region (the one mapped LAUNCH_RING calls
 * before is unmapped after it, untimed), mprotect() of the first page of
 * the last one, pthread_create() with its own stack (mmap() and a guard
 * page's mprotect(), timed with the call; the thread before is joined and
 * its stack unmapped after it, untimed), each at --rate, and fork() at
 * --fork-rate (the child _exits at once; reaped before the next).
 */
static int launch_main(void)
{
	struct stream *st[] = { &L.mmap, &L.mprotect, &L.thread, &L.fork };
	size_t ss = LAUNCH_STACK > PTHREAD_STACK_MIN ? LAUNCH_STACK : PTHREAD_STACK_MIN;
	char *ring[LAUNCH_RING] = { 0 }, *last = NULL, *stack, *prev_stack = NULL;
	long long t, t1, cap = L.t0 + (long long)(opt.duration * 1e9);
	pthread_t th, prev_th = 0;
	pthread_attr_t attr;
	int k, ret = 0, r = 0;
	pid_t pid;

	setpriority(PRIO_PROCESS, gettid(), -20);
	pthread_attr_init(&attr);
	while (atomic_load(&L.done) < opt.threads) {
		struct stream *s = st[0];

		for (k = 1; k < (int)ARRAY_SIZE(st); k++)
			if (stream_due(st[k]) < stream_due(s))
				s = st[k];
		if (stream_due(s) >= cap) {
			ret = fail("the launch did not finish in %g s (--duration)", opt.duration);
			break;
		}
		sleep_until(stream_due(s));
		if (atomic_load(&L.done) == opt.threads)
			break;
		t = now_ns();
		if (s == &L.mmap) {
			char *p = mmap(NULL, LAUNCH_REGION, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			t1 = now_ns();
			if (p == MAP_FAILED) {
				ret = fail("mmap: %s", strerror(errno));
				break;
			}
			stream_record(s, t, t1);
			if (ring[r])
				munmap(ring[r], LAUNCH_REGION);
			ring[r] = p;
			last = p;
			r = (r + 1) % LAUNCH_RING;
		} else if (s == &L.mprotect) {
			if (last && mprotect(last, psz, PROT_READ)) {
				ret = fail("mprotect: %s", strerror(errno));
				break;
			}
			stream_record(s, t, now_ns());
		} else if (s == &L.thread) {
			stack = mmap(NULL, ss + psz, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
			if (stack == MAP_FAILED || mprotect(stack, psz, PROT_NONE) ||
			    pthread_attr_setstack(&attr, stack + psz, ss) ||
			    pthread_create(&th, &attr, launch_child_fn, NULL)) {
				ret = fail("a thread with its own stack: %s", strerror(errno));
				break;
			}
			stream_record(s, t, now_ns());
			if (prev_stack) {
				pthread_join(prev_th, NULL);
				munmap(prev_stack, ss + psz);
			}
			prev_th = th;
			prev_stack = stack;
			L.threads_made++;
		} else {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			pid = fork();
			if (!pid)
				_exit(0);
			if (pid < 0) {
				ret = fail("fork: %s", strerror(errno));
				break;
			}
			stream_record(s, t, now_ns());
			L.forks++;
		}
	}
	L.end = now_ns();
	atomic_store(&L.over, 1);
	if (atomic_load(&L.done) < opt.threads)
		atomic_store(&stop, 1);
	for (k = 0; k < (int)ARRAY_SIZE(st); k++)
		stream_censor(st[k], L.end);
	if (prev_stack) {
		pthread_join(prev_th, NULL);
		munmap(prev_stack, ss + psz);
	}
	for (k = 0; k < LAUNCH_RING; k++)
		if (ring[k])
			munmap(ring[k], LAUNCH_REGION);
	while (wait(NULL) > 0)
		;
	pthread_attr_destroy(&attr);
	return ret;
}

/* ---- launch: mmap_lock acquisitions and waits from the trace ---------- */

/*
 * A private instance on the mono clock (a lock wait can start on one CPU
 * and end on another) with @events (NULL-terminated, "group/name"),
 * following this process's threads (the faulters, and @extra unless 0)
 * and every thread or child they create (event-fork).
 */
static int event_trace_start(pid_t extra, const char *const *events, int buffer_kb)
{
	char path[192], pids[(MAX_THREADS + 2) * 12];
	size_t n;
	int i, fd;

	if (access(TRACEFS "/instances", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	snprintf(trace_inst, sizeof(trace_inst), TRACEFS "/instances/vmabench%d", getpid());
	if (mkdir(trace_inst, 0755)) {
		trace_inst[0] = 0;
		return fail("mkdir %s/instances/vmabench%d: %s", TRACEFS, getpid(),
			    strerror(errno));
	}
	n = snprintf(pids, sizeof(pids), "%d", getpid());
	if (extra)
		n += snprintf(pids + n, sizeof(pids) - n, " %d", extra);
	for (i = 0; i < opt.threads; i++)
		n += snprintf(pids + n, sizeof(pids) - n, " %d", faulters[i].tid);
	snprintf(path, sizeof(path), "%s/trace_clock", trace_inst);
	if (write_file(path, "mono"))
		return fail("no mono trace clock");
	snprintf(path, sizeof(path), "%s/buffer_size_kb", trace_inst);
	write_file(path, "%d", buffer_kb);
	snprintf(path, sizeof(path), "%s/options/event-fork", trace_inst);
	if (write_file(path, "1"))
		return fail("no trace option event-fork");
	/* too long for write_file() */
	snprintf(path, sizeof(path), "%s/set_event_pid", trace_inst);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || write(fd, pids, n) != (ssize_t)n) {
		i = errno;
		if (fd >= 0)
			close(fd);
		return fail("set_event_pid: %s", strerror(i));
	}
	close(fd);
	for (; *events; events++) {
		snprintf(path, sizeof(path), "%s/events/%s/enable", trace_inst, *events);
		if (write_file(path, "1"))
			return fail("no trace event %s", *events);
	}
	return 0;
}

static int launch_trace_start(void)
{
	static const char *const events[] = {
		"mmap_lock/mmap_lock_start_locking", "mmap_lock/mmap_lock_acquire_returned",
		NULL
	};
	char path[192];

	if (event_trace_start(L.gc_tid, events, 16384))
		return -1;
	snprintf(path, sizeof(path), "%s/" EV_TRIGGER, trace_inst);
	if (opt.lock_stacks && write_file(path, "stacktrace if write == 0"))
		return fail("no stacktrace trigger on mmap_lock_start_locking");
	return 0;
}

/* The thread id of a trace line: "comm-tid [cpu] ..." or "comm-tid (tgid) [cpu]". */
static pid_t trace_line_tid(const char *line)
{
	const char *p = line, *e, *s;

	for (;;) {
		const char *q;

		p = strchr(p, '[');
		if (!p)
			return -1;
		for (q = p + 1; *q >= '0' && *q <= '9'; q++)
			;
		if (q > p + 1 && *q == ']')
			break;
		p++;
	}
	for (e = p; e > line && e[-1] == ' '; e--)
		;
	if (e > line && e[-1] == ')') {
		while (e > line && e[-1] != '(')
			e--;
		for (e = e > line ? e - 1 : e; e > line && e[-1] == ' '; e--)
			;
	}
	for (s = e; s > line && s[-1] >= '0' && s[-1] <= '9'; s--)
		;
	if (s == e || s == line || s[-1] != '-')
		return -1;
	return strtol(s, NULL, 10);
}

/* The time (ns) of the trace timestamp "seconds.fraction" that ends at @e. */
static long long trace_ts(const char *line, const char *e)
{
	const char *p = e;
	long long sec, frac = 0, scale = 1000000000LL;
	char *q;

	while (p > line && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.'))
		p--;
	sec = strtoll(p, &q, 10);
	if (*q == '.')
		for (q++; q < e && *q >= '0' && *q <= '9'; q++, scale /= 10)
			frac = frac * 10 + (*q - '0');
	return sec * 1000000000LL + frac * scale;
}

#define LOCK_CALLERS 48
#define LOCK_FRAMES 4	/* of a read's stack, in its signature */

struct lock_count {
	long rd, wr;		/* acquisitions (acquire_returned, success) */
	long failed;		/* trylocks that failed, killable locks killed */
	long unpaired;		/* acquisitions without a start (a downgrade) */
	long long rd_wait, wr_wait, rd_max, wr_max;	/* ns, start to acquired */
	/* by role: the main thread, the GC thread, a faulter, any other */
	long rd_by[4], wr_by[4];
	long long rd_wait_by[4], wr_wait_by[4];
	/* --lock-stacks: the reads by role and LOCK_FRAMES callers */
	struct {
		char sig[160];
		long n;
		long long wait;
	} caller[LOCK_CALLERS];
	int ncallers;
};

enum { ROLE_MAIN, ROLE_GC, ROLE_FAULTER, ROLE_OTHER };
static const char *const role_names[] = { "main", "gc", "faulter", "other" };

static int launch_role(pid_t tid)
{
	int i;

	if (tid == getpid())
		return ROLE_MAIN;
	if (tid == L.gc_tid)
		return ROLE_GC;
	for (i = 0; i < opt.threads; i++)
		if (faulters[i].tid == tid)
			return ROLE_FAULTER;
	return ROLE_OTHER;
}

/* The frames of a read's stack that are the lock and the trace themselves. */
static bool lock_frame_skipped(const char *fn)
{
	return strstr(fn, "mmap_lock") || strstr(fn, "mmap_read_lock") ||
	       strstr(fn, "trace") || !strncmp(fn, "down_read", 9);
}

/* The index of @sig in lc->caller[], added if new; the last one is "(more)". */
static int lock_caller(struct lock_count *lc, const char *sig)
{
	int i;

	for (i = 0; i < lc->ncallers; i++)
		if (!strcmp(lc->caller[i].sig, sig))
			return i;
	if (lc->ncallers == LOCK_CALLERS - 1) {
		snprintf(lc->caller[i].sig, sizeof(lc->caller[i].sig), "(more)");
		return i;
	}
	snprintf(lc->caller[i].sig, sizeof(lc->caller[i].sig), "%s", sig);
	return lc->ncallers++;
}

/* The threads of the launch's trace, open addressing on the thread id. */
static struct {
	pid_t tid;
	int role;	/* ROLE_*, found once */
	long long ts;	/* of its pending start_locking, or -1 */
	bool rd;	/* that start is a read's */
	int caller;	/* --lock-stacks: its lc->caller[], or -1 */
} tab[LAUNCH_TIDS];

/* The slot of @tid in tab[], or the free slot where it goes. */
static int tab_slot(pid_t tid)
{
	int i = tid % LAUNCH_TIDS;

	while (tab[i].tid && tab[i].tid != tid)
		if (++i == LAUNCH_TIDS)
			i = 0;
	return i;
}

/*
 * Pairs each thread's mmap_lock_start_locking with its next
 * mmap_lock_acquire_returned, on this process's mm only (the mm= of the
 * main thread's first event: the trace starts before its first call). 0,
 * or -1 with the error set.
 */
static int launch_lock_count(struct lock_count *lc)
{
	char line[512], mm[40] = "", sig[160] = "";
	pid_t tid, me = getpid();
	long lost = 0, in, written;
	int pass, i, used = 0, stack = -1, frames = 0;
	size_t n;
	FILE *f;

	memset(lc, 0, sizeof(*lc));
	for (pass = 0; pass < 2; pass++) {
		f = trace_open();
		if (!f)
			return fail("cannot read the trace: %s", strerror(errno));
		while (fgets(line, sizeof(line), f)) {
			const char *ev = strstr(line, ": mmap_lock_"), *m, *p;
			long long ts;
			bool start, write;

			/* --lock-stacks: " => func" lines after a read's "<stack trace>" */
			if (pass && !strncmp(line, " => ", 4)) {
				if (stack >= 0 && frames < LOCK_FRAMES && !lock_frame_skipped(line + 4)) {
					n = strlen(sig);
					snprintf(sig + n, sizeof(sig) - n, "%s%.*s", frames ? "<" : "",
						 (int)strcspn(line + 4, "+ \n"), line + 4);
					if (++frames == LOCK_FRAMES)
						tab[stack].caller = lock_caller(lc, sig);
				}
				continue;
			}
			if (stack >= 0 && frames && frames < LOCK_FRAMES)
				tab[stack].caller = lock_caller(lc, sig);
			stack = -1;
			if (pass && strstr(line, ": <stack trace>")) {
				tid = trace_line_tid(line);
				i = tid > 0 ? tab_slot(tid) : 0;
				if (tid > 0 && tab[i].tid == tid && tab[i].ts >= 0 && tab[i].rd) {
					stack = i;
					frames = 0;
					snprintf(sig, sizeof(sig), "%s:", role_names[tab[i].role]);
				}
				continue;
			}
			if (line[0] == '#') {
				p = strstr(line, "entries-in-buffer/entries-written:");
				if (pass && p &&
				    sscanf(p, "entries-in-buffer/entries-written: %ld/%ld", &in,
					   &written) == 2)
					lost = written - in;
				continue;
			}
			m = ev ? strstr(ev, "mm=") : NULL;
			tid = trace_line_tid(line);
			if (!m || tid < 0)
				continue;
			m += 3;
			if (!pass) {
				if (tid == me) {
					snprintf(mm, sizeof(mm), "%.*s", (int)strcspn(m, " "), m);
					break;
				}
				continue;
			}
			if (strncmp(m, mm, strlen(mm)) || m[strlen(mm)] != ' ')
				continue;
			ts = trace_ts(line, ev);
			start = !strncmp(ev, ": mmap_lock_start_locking:", 26);
			if (!start && strncmp(ev, ": mmap_lock_acquire_returned:", 29))
				continue;
			write = strstr(ev, "write=true");
			i = tab_slot(tid);
			if (!tab[i].tid) {
				if (++used == LAUNCH_TIDS) {
					fclose(f);
					return fail("more than %d threads in the trace",
						    LAUNCH_TIDS - 1);
				}
				tab[i].tid = tid;
				tab[i].role = launch_role(tid);
				tab[i].ts = -1;
			}
			if (start) {
				tab[i].ts = ts;
				tab[i].rd = !write;
				tab[i].caller = -1;
				continue;
			}
			if (strstr(ev, "success=false")) {
				lc->failed++;
			} else if (tab[i].ts < 0) {
				lc->unpaired++;
				*(write ? &lc->wr : &lc->rd) += 1;
			} else if (write) {
				lc->wr_by[tab[i].role]++;
				lc->wr_wait_by[tab[i].role] += ts - tab[i].ts;
				lc->wr++;
				lc->wr_wait += ts - tab[i].ts;
				if (ts - tab[i].ts > lc->wr_max)
					lc->wr_max = ts - tab[i].ts;
			} else {
				lc->rd_by[tab[i].role]++;
				lc->rd_wait_by[tab[i].role] += ts - tab[i].ts;
				if (tab[i].caller >= 0) {
					lc->caller[tab[i].caller].n++;
					lc->caller[tab[i].caller].wait += ts - tab[i].ts;
				}
				lc->rd++;
				lc->rd_wait += ts - tab[i].ts;
				if (ts - tab[i].ts > lc->rd_max)
					lc->rd_max = ts - tab[i].ts;
			}
			tab[i].ts = -1;
		}
		fclose(f);
		if (!mm[0])
			return fail("no mmap_lock event of the main thread in the trace");
	}
	if (lost)
		return fail("the trace lost %ld events", lost);
	return 0;
}

/*
 * The whole launch: the faulters' major faults and page touches, the
 * vmstat counters before and after, the mmap_lock counts.
 */
static int run_launch(struct lock_count *lc, long long *majflt, long long *touches,
		      long long *vs0, long long *vs1)
{
	long long vs_ops = 0, min_ops;
	bool started = false;
	long mj = 0;
	int ret;

	ret = launch_setup();
	if (!ret)
		ret = launch_start_threads();
	started = !ret;
	/* before the trace: reading the maps may take the mmap_lock */
	L.vmas = count_vmas();
	if (!ret)
		ret = launch_trace_start();
	if (!ret)
		ret = vmstat(vs0);
	if (!ret) {
		L.t0 = now_ns();
		if (stream_init(&L.mmap, "mmap", opt.rate, L.t0) ||
		    stream_init(&L.mprotect, "mprotect", opt.rate, L.t0) ||
		    stream_init(&L.thread, "pthread_create", opt.rate, L.t0) ||
		    stream_init(&L.fork, "fork", opt.fork_rate, L.t0) ||
		    stream_init(&L.gc, "gc_mprotect", LAUNCH_GC_RATE, L.t0))
			ret = -1;
	}
	if (!ret) {
		atomic_store(&go, 1);
		ret = launch_main();
	} else {
		atomic_store(&stop, 1);
		atomic_store(&go, 1);
		atomic_store(&L.over, 1);
	}
	if (started) {
		pthread_join(L.gc_thread, NULL);
		join_faulters(&vs_ops, &mj, &min_ops);
		vmstat(vs1);
		stream_censor(&L.gc, L.end);
	}
	if (!ret)
		ret = launch_lock_count(lc);
	/* a launch from a cold page cache waits for the device */
	if (!ret && (!vs_ops || !mj))
		ret = fail("%lld page reads, %ld major faults: the file was not read cold",
			   vs_ops, mj);
	/* every mmap() call took the mmap_lock for write */
	if (!ret && lc->wr < (long)(L.mmap.n - L.mmap.censored))
		ret = fail("the trace has %ld write acquisitions, fewer than the %zu mmap() calls",
			   lc->wr, L.mmap.n - L.mmap.censored);
	trace_stop();
	launch_cleanup();
	*majflt = mj;
	*touches = vs_ops;
	return ret;
}

static void print_launch(FILE *o, const struct lock_count *lc, long long majflt,
			 long long touches)
{
	double secs = (L.end - L.t0) / 1e9;
	long long last = 0, med = 0;
	int i;

	for (i = 0; i < opt.threads; i++)
		if (L.done_ns[i] > last)
			last = L.done_ns[i];
	qsort(L.done_ns, opt.threads, sizeof(L.done_ns[0]), cmp_ll);
	if (opt.threads)
		med = L.done_ns[(opt.threads - 1) / 2];
	fprintf(o, ",\"launch\":{\"makespan_ms\":%.3f,\"faulter_p50_ms\":%.3f,"
		"\"vmas\":%d,\"file_mb\":%d,\"read_ahead_kb\":%d,\"touches\":%lld,"
		"\"majflt\":%lld,\"threads_made\":%d,\"forks\":%d,\"rate_offered\":%g,"
		"\"fork_rate_offered\":%g,\"gc_rate_offered\":%g,\"censored\":%zu}",
		last > L.t0 ? (last - L.t0) / 1e6 : 0, med > L.t0 ? (med - L.t0) / 1e6 : 0,
		L.vmas, opt.size_mb, L.read_ahead_kb, touches, majflt, L.threads_made,
		L.forks, opt.rate, opt.fork_rate, LAUNCH_GC_RATE,
		L.mmap.censored + L.mprotect.censored + L.thread.censored + L.fork.censored +
		L.gc.censored);
	if (!L.mmap.name)
		return;		/* it failed before it started */
	print_stream(o, &L.mmap, secs, false);
	print_stream(o, &L.mprotect, secs, false);
	print_stream(o, &L.thread, secs, false);
	print_stream(o, &L.fork, secs, true);
	print_stream(o, &L.gc, secs, false);
	fprintf(o, ",\"mmap_lock\":{\"acquisitions\":%ld,\"read_acq\":%ld,\"write_acq\":%ld,"
		"\"read_wait_ms\":%.3f,\"write_wait_ms\":%.3f,\"read_wait_max_ms\":%.3f,"
		"\"write_wait_max_ms\":%.3f,\"failed\":%ld,\"unpaired\":%ld",
		lc->rd + lc->wr, lc->rd, lc->wr, lc->rd_wait / 1e6, lc->wr_wait / 1e6,
		lc->rd_max / 1e6, lc->wr_max / 1e6, lc->failed, lc->unpaired);
	/* by role: main_write_wait_ms and the others */
	for (i = 0; i < 4; i++)
		fprintf(o, ",\"%s_read_acq\":%ld,\"%s_read_wait_ms\":%.3f,"
			"\"%s_write_acq\":%ld,\"%s_write_wait_ms\":%.3f",
			role_names[i], lc->rd_by[i], role_names[i], lc->rd_wait_by[i] / 1e6,
			role_names[i], lc->wr_by[i], role_names[i], lc->wr_wait_by[i] / 1e6);
	/* "role:caller<its caller<...=reads/wait ms;..." (--lock-stacks) */
	if (opt.lock_stacks) {
		fputs(",\"read_callers\":\"", o);
		for (i = 0; i < lc->ncallers || (i == lc->ncallers && lc->caller[i].n); i++)
			fprintf(o, "%s%s=%ld/%.1f", i ? ";" : "", lc->caller[i].sig,
				lc->caller[i].n, lc->caller[i].wait / 1e6);
		fputc('"', o);
	}
	fputc('}', o);
}

/* ---- breakdown: the trace ------------------------------------------------ */

static const char *const bd_name[NR_BD] = {
	"lat", "svc", "wr_wait", "wr_hold", "other", "off_pre", "off_wait", "off_hold",
	"off_post", "off_d", "off_r", "off_r_f", "wake_run", "waker_d", "waker_r",
	"rd_start", "rd_queued", "rd_hold", "rd_hold_d", "rd_hold_r",
};


struct bd_thread {
	pid_t tid;
	int state;		/* off-CPU in 0 D, 1 R, 2 other; -1 on CPU */
	int out_phase;		/* the writer: its phase when it went off-CPU */
	bool out_faulter;	/* the writer: a faulter ran in its place */
	long long woken_ts;	/* its last sched_waking while off-CPU, or -1 */
	long long out_ts, cum[3], snap[3], acq_cum[3];
	long long rd_acq;	/* its read acquisition's time, or -1 */
};

static struct bd_thread bd_tab[BD_TIDS];

static struct bd_summary {
	long events, lost, matched;
	long kinds[NR_BD_WAKER], wait_kinds[NR_BD_WAKER];
	long rd_acq, rd_holds, rd_holds_d;	/* faulters' read acquisitions */
	long long rd_hold_sum, rd_hold_d_sum;
} bs;

static struct bd_thread *bd_thread(pid_t tid, bool add)
{
	unsigned int i = (unsigned int)tid & (BD_TIDS - 1);

	while (bd_tab[i].tid && bd_tab[i].tid != tid)
		i = (i + 1) & (BD_TIDS - 1);
	if (bd_tab[i].tid)
		return &bd_tab[i];
	if (!add)
		return NULL;
	bd_tab[i].tid = tid;
	bd_tab[i].state = -1;
	bd_tab[i].rd_acq = -1;
	bd_tab[i].woken_ts = -1;
	return &bd_tab[i];
}

static int bd_trace_start(void)
{
	static const char *const events[] = {
		"mmap_lock/mmap_lock_start_locking", "mmap_lock/mmap_lock_acquire_returned",
		"mmap_lock/mmap_lock_released", "sched/sched_switch", "sched/sched_waking",
		NULL
	};
	int i;

	bd_thread(getpid(), true);
	for (i = 0; i < opt.threads; i++)
		bd_thread(faulters[i].tid, true);
	return event_trace_start(0, events, 32768);
}

static long field(const char *s, const char *name)
{
	const char *p = strstr(s, name);

	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static int bd_state(const char *ev)
{
	const char *p = strstr(ev, "prev_state=");

	if (!p)
		return 2;
	p += 11;
	return *p == 'D' ? 0 : *p == 'R' ? 1 : 2;
}

/* The thread's off-CPU time by state until @at, into @v. */
static void bd_off_at(const struct bd_thread *t, long long at, long long *v)
{
	memcpy(v, t->cum, sizeof(t->cum));
	if (t->state >= 0 && at > t->out_ts)
		v[t->state] += at - t->out_ts;
}

static void bd_event(const char *ev, pid_t tid, long long ts, struct bd_call *c)
{
	struct bd_thread *t = bd_thread(tid, false), *n;
	bool me = tid == getpid(), write = strstr(ev, "write=true");
	long long d;
	int i;

	if (!strncmp(ev, "mmap_lock_start_locking:", 24)) {
		if (me && write && c && (c->phase == 0 || c->phase == 3)) {
			c->phase = 1;
			c->phase_ts = ts;
		} else if (t && !me && !write && c) {
			c->v[BD_RD_START]++;
			if (c->phase == 1 || c->phase == 2)
				c->v[BD_RD_QUEUED]++;
		}
	} else if (!strncmp(ev, "mmap_lock_acquire_returned:", 27)) {
		if (strstr(ev, "success=false")) {
			if (me && c && c->phase == 1)
				c->phase = c->nacq ? 3 : 0;
		} else if (me && write && c && c->phase == 1) {
			c->v[BD_WAIT] += ts - c->phase_ts;
			c->phase = 2;
			c->phase_ts = ts;
			c->nacq++;
		} else if (t && !me && !write) {
			bs.rd_acq++;
			t->rd_acq = ts;
			memcpy(t->acq_cum, t->cum, sizeof(t->cum));
		}
	} else if (!strncmp(ev, "mmap_lock_released:", 19)) {
		/* a downgraded write lock is released as a read lock */
		if (me && c && c->phase == 2) {
			c->v[BD_HOLD] += ts - c->phase_ts;
			c->phase = 3;
			c->nrel++;
		} else if (t && !me && !write && t->rd_acq >= 0) {
			d = t->cum[0] - t->acq_cum[0];
			bs.rd_holds++;
			bs.rd_hold_sum += ts - t->rd_acq;
			if (d > 0) {
				bs.rd_holds_d++;
				bs.rd_hold_d_sum += d;
			}
			if (c && c->phase == 1 && ts - t->rd_acq > c->v[BD_RD_HOLD]) {
				c->v[BD_RD_HOLD] = ts - t->rd_acq;
				c->v[BD_RD_HOLD_D] = d;
				c->v[BD_RD_HOLD_R] = t->cum[1] - t->acq_cum[1];
			}
			t->rd_acq = -1;
		}
	} else if (!strncmp(ev, "sched_switch:", 13)) {
		t = bd_thread(field(ev, " prev_pid="), false);
		n = bd_thread(field(ev, " next_pid="), false);
		if (t) {
			t->state = bd_state(ev);
			t->out_ts = ts;
			t->out_phase = c && t->tid == getpid() ? c->phase : -1;
			t->out_faulter = n && n->tid != getpid();
		}
		if (n && n->state >= 0) {
			d = ts - n->out_ts;
			n->cum[n->state] += d;
			if (c && n->tid == getpid() && n->out_phase >= 0 &&
			    n->out_ts >= c->start - BD_SLOP) {
				if (n->state < 2)
					c->v[n->state ? BD_OFF_R : BD_OFF_D] += d;
				if (n->state == 1 && n->out_faulter)
					c->v[BD_OFF_R_F] += d;
				if (n->woken_ts >= n->out_ts)
					c->v[BD_WAKE_RUN] += ts - n->woken_ts;
				/* off_pre, off_wait, off_hold, off_post: phases 0-3 */
				c->v[BD_OFF_PRE + n->out_phase] += d;
			}
			n->state = -1;
			n->woken_ts = -1;
		}
	} else if (!strncmp(ev, "sched_waking:", 13)) {
		n = bd_thread(field(ev, " pid="), false);
		if (n && n->state >= 0)
			n->woken_ts = ts;
		if (!c || !n || n->tid != getpid() || c->phase == 0 || c->phase == 3)
			return;
		i = t && !me ? BD_FAULTER : BD_OTHER_TASK;
		if (c->phase == 1) {
			c->wait_waker = i;
			return;
		}
		c->waker = i;
		c->v[BD_WAKER_D] = 0;
		c->v[BD_WAKER_R] = 0;
		if (i == BD_FAULTER) {
			c->v[BD_WAKER_D] = t->cum[0] - t->snap[0];
			c->v[BD_WAKER_R] = t->cum[1] - t->snap[1];
		}
	}
}

/*
 * Reads the trace (events in time order) into bd[] and bs. 0, or -1 with
 * the error set.
 */
static int bd_parse(void)
{
	char line[512];
	size_t ci = 0, i;
	bool open = false;
	long in, written;
	FILE *f;

	f = trace_open();
	if (!f)
		return fail("cannot read the trace: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		const char *p, *colon;
		long long ts;
		pid_t tid;

		if (line[0] == '#') {
			p = strstr(line, "entries-in-buffer/entries-written:");
			if (p && sscanf(p, "entries-in-buffer/entries-written: %ld/%ld", &in,
					&written) == 2)
				bs.lost = written - in;
			continue;
		}
		tid = trace_line_tid(line);
		p = strchr(line, ']');
		colon = p ? strstr(p, ": ") : NULL;
		if (tid < 0 || !colon)
			continue;
		ts = trace_ts(line, colon);
		bs.events++;
		while (ci < nbd && ts > bd[ci].end + BD_SLOP) {
			ci++;
			open = false;
		}
		if (ci < nbd && !open && ts >= bd[ci].start - BD_SLOP) {
			for (i = 0; i < BD_TIDS; i++)
				if (bd_tab[i].tid)
					bd_off_at(&bd_tab[i], bd[ci].start, bd_tab[i].snap);
			open = true;
		}
		bd_event(colon + 2, tid, ts, open ? &bd[ci] : NULL);
	}
	fclose(f);
	for (i = 0; i < nbd; i++) {
		struct bd_call *c = &bd[i];

		c->v[BD_LAT] = c->end - c->due;
		c->v[BD_SVC] = c->end - c->start;
		c->v[BD_OTHER] = c->v[BD_SVC] - c->v[BD_WAIT] - c->v[BD_HOLD];
		bs.matched += c->nacq && c->nacq == c->nrel;
		bs.kinds[c->waker]++;
		bs.wait_kinds[c->wait_waker]++;
	}
	if (bs.lost)
		return fail("the trace lost %ld events", bs.lost);
	return 0;
}

static int cmp_svc_desc(const void *a, const void *b)
{
	const struct bd_call *x = a, *y = b;

	return (y->v[BD_SVC] > x->v[BD_SVC]) - (y->v[BD_SVC] < x->v[BD_SVC]);
}

/* "name":[mean,p50,p90,p99,max] of each component over the first @n calls */
static void bd_print_set(FILE *o, const char *name, size_t n)
{
	long long *v = malloc((n ? n : 1) * sizeof(*v));
	size_t i, k, q;
	const double qs[] = { 0.5, 0.9, 0.99 };
	double sum, div;

	fprintf(o, ",\"%s\":{\"n\":%zu", name, n);
	for (k = 0; v && n && k < NR_BD; k++) {
		div = k == BD_RD_START || k == BD_RD_QUEUED ? 1 : 1000;
		for (i = 0, sum = 0; i < n; i++) {
			v[i] = bd[i].v[k];
			sum += v[i];
		}
		qsort(v, n, sizeof(*v), cmp_ll);
		fprintf(o, ",\"%s\":[%.1f", bd_name[k], sum / n / div);
		for (q = 0; q < ARRAY_SIZE(qs); q++) {
			i = (size_t)ceil(qs[q] * n) - 1;
			fprintf(o, ",%.1f", v[i < n ? i : n - 1] / div);
		}
		fprintf(o, ",%.1f]", v[n - 1] / div);
	}
	fprintf(o, "}");
	free(v);
}

static void bd_print(FILE *o)
{
	static const char *const kind[NR_BD_WAKER] = { "none", "faulter", "other" };
	size_t i;

	fprintf(o, ",\"breakdown\":{\"units\":\"us; rd_start, rd_queued: counts; "
		"[mean,p50,p90,p99,max]\",\"calls\":%zu,\"matched\":%ld,\"events\":%ld,"
		"\"lost\":%ld", nbd, bs.matched, bs.events, bs.lost);
	fprintf(o, ",\"hold_waker\":{");
	for (i = 0; i < NR_BD_WAKER; i++)
		fprintf(o, "%s\"%s\":%ld", i ? "," : "", kind[i], bs.kinds[i]);
	fprintf(o, "},\"wait_waker\":{");
	for (i = 0; i < NR_BD_WAKER; i++)
		fprintf(o, "%s\"%s\":%ld", i ? "," : "", kind[i], bs.wait_kinds[i]);
	fprintf(o, "},\"rd\":{\"acq\":%ld,\"holds\":%ld,\"hold_mean_us\":%.1f,"
		"\"holds_d\":%ld,\"d_mean_us\":%.1f}", bs.rd_acq, bs.rd_holds,
		bs.rd_holds ? bs.rd_hold_sum / 1e3 / bs.rd_holds : 0, bs.rd_holds_d,
		bs.rd_holds_d ? bs.rd_hold_d_sum / 1e3 / bs.rd_holds_d : 0);
	bd_print_set(o, "all", nbd);
	qsort(bd, nbd, sizeof(*bd), cmp_svc_desc);
	bd_print_set(o, "slow", nbd ? (nbd + 9) / 10 : 0);
	fprintf(o, "}");
}

/* ---- main --------------------------------------------------------------- */

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: vma_bench [options] WORKLOAD\n"
		"WORKLOAD: writer, samevma, fork, mmaplock, memcg, swapin, pagefault or launch\n"
		"          (see the source's header)\n"
		"  --op mmap|mprotect   the writer's call (writer)\n"
		"  --op anon|shmem      the memory faulted (pagefault)\n"
		"  --delay-ms D         I/O latency of the device (0: page-cache hits)\n"
		"  --threads N          faulting threads (writer: 0 = idle floor)\n"
		"  --nice X             the faulters' nice value\n"
		"  --rate R             writer calls or forks per second (writer: 0 = no writer)\n"
		"  --duration S         seconds of measurement\n"
		"  --vmas K             extra VMAs (fork)\n"
		"  --slice-mb M         each thread's file or mapping size (memcg, pagefault)\n"
		"  --size-mb M          the device's size (swapin: the mapping's; launch: the file's)\n"
		"  --queue-depth Q      the device's hw_queue_depth (launch; default 64)\n"
		"  --ext4-image FILE    an empty ext4 image for the device (launch)\n"
		"  --lock-stacks        launch: a kernel stack trace of every mmap_lock read,\n"
		"                       its acquisitions and waits by caller (slows them)\n"
		"  --fork-rate F        launch: the main thread's forks/s (default 2; 0: none)\n"
		"  --fault-around-bytes B  launch: set debugfs fault_around_bytes to B for\n"
		"                       the run (4096: no fault-around), then put it back\n"
		"  --breakdown          trace where each call's time goes (writer, samevma, fork)\n"
		"  --no-dontneed        faulters touch each page of their slice once, no\n"
		"                       MADV_DONTNEED (writer, samevma; size the device with\n"
		"                       --size-mb so that the run never wraps: the record's\n"
		"                       touch.wraps counts the slices dropped and walked again)\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "op", 1, 0, 'o' }, { "delay-ms", 1, 0, 'd' }, { "threads", 1, 0, 't' },
		{ "nice", 1, 0, 'n' }, { "rate", 1, 0, 'r' }, { "duration", 1, 0, 's' },
		{ "vmas", 1, 0, 'k' }, { "slice-mb", 1, 0, 'm' }, { "size-mb", 1, 0, 'z' },
		{ "queue-depth", 1, 0, 'q' }, { "ext4-image", 1, 0, 'e' },
		{ "breakdown", 0, 0, 'b' }, { "no-dontneed", 0, 0, 'u' },
		{ "lock-stacks", 0, 0, 'S' }, { "fork-rate", 1, 0, 'F' },
		{ "fault-around-bytes", 1, 0, 'A' },
		{ "help", 0, 0, 'h' }, { 0 }
	};
	long long vs0[NR_VS] = { 0 }, vs1[NR_VS] = { 0 }, ops = 0;
	long majflt = 0, acq = -1, lost = 0, min_rounds = -1, rounds = 0;
	long long max_gap = 0, min_ops = -1, l_majflt = 0, l_touches = 0;
	struct lock_count lc = { 0 };
	double secs = 0;
	bool has_lat = false, has_faults = false;
	int c, ret = 0;
	size_t i;
	FILE *o = stdout;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt.op = optarg;
			break;
		case 'd':
			opt.delay_ms = atoi(optarg);
			break;
		case 't':
			opt.threads = atoi(optarg);
			break;
		case 'n':
			opt.nice = atoi(optarg);
			break;
		case 'r':
			opt.rate = atof(optarg);
			break;
		case 's':
			opt.duration = atof(optarg);
			break;
		case 'k':
			opt.vmas = atoi(optarg);
			break;
		case 'm':
			opt.slice_mb = atoi(optarg);
			break;
		case 'z':
			opt.size_mb = atoi(optarg);
			break;
		case 'q':
			opt.queue_depth = atoi(optarg);
			break;
		case 'e':
			opt.ext4_image = optarg;
			break;
		case 'b':
			opt.breakdown = true;
			break;
		case 'u':
			opt.no_dontneed = true;
			break;
		case 'S':
			opt.lock_stacks = true;
			break;
		case 'F':
			opt.fork_rate = atof(optarg);
			break;
		case 'A':
			opt.fault_around = atol(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || opt.threads < 0 || opt.threads > MAX_THREADS ||
	    opt.rate < 0 || opt.duration <= 0 || opt.delay_ms < 0 || opt.queue_depth < 0 ||
	    opt.fork_rate < 0 || opt.fault_around < 0) {
		usage(stderr);
		return 2;
	}
	opt.workload = argv[optind];
	swapin = !strcmp(opt.workload, "swapin");
	pagefault = !strcmp(opt.workload, "pagefault");
	launch = !strcmp(opt.workload, "launch");
	if (launch && (!opt.ext4_image || opt.threads < 1 || opt.rate <= 0 ||
		       opt.size_mb < 1 || opt.vmas < 0)) {
		fprintf(stderr, "vma_bench: launch needs --ext4-image, --threads >= 1, "
			"--rate > 0 and --size-mb >= 1\n");
		return 2;
	}
	if (launch && access(opt.ext4_image, R_OK)) {
		fprintf(stderr, "vma_bench: --ext4-image %s: %s\n", opt.ext4_image,
			strerror(errno));
		return 2;
	}
	if (!strcmp(opt.workload, "fork")) {
		opt.op = "fork";
	} else if (pagefault) {
		if (!strcmp(opt.op, "mmap"))
			opt.op = "anon";
		if (strcmp(opt.op, "anon") && strcmp(opt.op, "shmem")) {
			fprintf(stderr, "vma_bench: pagefault --op is anon or shmem\n");
			return 2;
		}
	} else if (strcmp(opt.workload, "writer")) {
		opt.op = strcmp(opt.workload, "samevma") ? "none" : "mprotect";
	}
	if (strcmp(opt.workload, "writer") && strcmp(opt.workload, "samevma") &&
	    strcmp(opt.workload, "fork") && strcmp(opt.workload, "mmaplock") &&
	    strcmp(opt.workload, "memcg") && !swapin && !pagefault && !launch) {
		fprintf(stderr, "vma_bench: unknown workload '%s'\n", opt.workload);
		return 2;
	}
	if (opt.breakdown && strcmp(opt.workload, "writer") &&
	    strcmp(opt.workload, "samevma") && strcmp(opt.workload, "fork")) {
		fprintf(stderr, "vma_bench: --breakdown is for writer, samevma and fork\n");
		return 2;
	}
	if (opt.no_dontneed &&
	    strcmp(opt.workload, "writer") && strcmp(opt.workload, "samevma")) {
		fprintf(stderr, "vma_bench: --no-dontneed is for writer and samevma\n");
		return 2;
	}
	if (opt.breakdown && opt.rate <= 0) {
		fprintf(stderr, "vma_bench: --breakdown needs a writer (--rate > 0)\n");
		return 2;
	}
	if (opt.no_dontneed && !opt.delay_ms) {
		fprintf(stderr, "vma_bench: --no-dontneed needs --delay-ms > 0\n");
		return 2;
	}
	if (pagefault)
		opt.delay_ms = 0;
	setvbuf(o, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	psz = sysconf(_SC_PAGESIZE);
	if (geteuid())
		ret = fail("needs root");
	if (!ret)
		ret = check_clock();
	if (!strcmp(opt.workload, "memcg")) {
		dev_len = (size_t)opt.slice_mb * opt.threads << 20;
		if (!ret && !opt.delay_ms)
			ret = fail("memcg needs --delay-ms > 0");
	} else {
		dev_len = (size_t)opt.size_mb << 20;
	}
	/* swapin: swap 4 times the mapping, never half full (vm_swap_full()) */
	opt.backed = swapin || launch;
	if (!ret && !pagefault && !launch) {
		dev_fd = nullb_open((dev_len >> 20) * (swapin ? 4 : 1) + 1, opt.delay_ms);
		if (dev_fd < 0)
			ret = -1;
	}
	if (!ret && swapin)
		ret = swap_start();
	if (!ret && swapin)
		ret = swap_region(dev_len);
	else if (!ret && strcmp(opt.workload, "memcg") && !pagefault && !launch)
		ret = map_device();
	if (!ret && !strcmp(opt.workload, "fork"))
		ret = make_vmas(opt.vmas);
	wr_region = mmap(NULL, 4 * psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (ret) {
		/* nothing to do */
	} else if (launch) {
		ret = run_launch(&lc, &l_majflt, &l_touches, vs0, vs1);
	} else if (swapin || pagefault) {
		if (swapin)
			ret = start_faulters(false);
		else
			ret = spawn(opt.threads, pagefault_fn, faulters, sizeof(*faulters));
		if (!ret)
			ret = vmstat(vs0);
		if (!ret) {
			long long t0 = go_for_duration();

			c = join_faulters(&ops, &majflt, &min_ops);
			secs = (now_ns() - t0) / 1e9;
			vmstat(vs1);
			has_faults = true;
			if (c == EIO)
				ret = fail("a page read back from swap lost its contents");
			else if (c)
				ret = fail("a thread failed: %s", strerror(c));
			else if (min_ops == 0)
				ret = fail("a thread made no progress in %.1f s", secs);
		}
		if (swapin)
			munmap(dev_map, dev_len);	/* frees the swap entries */
		swap_stop();
	} else if (!strcmp(opt.workload, "memcg")) {
		ret = memcg_enter(dev_len / 4);
		if (!ret)
			ret = spawn(opt.threads, thrash_fn, thrashers, sizeof(*thrashers));
		if (!ret)
			ret = vmstat(vs0);
		if (!ret) {
			long long t0 = go_for_duration();

			atomic_store(&stop, 1);
			for (c = 0; c < opt.threads; c++) {
				struct thrasher *t = &thrashers[c];

				pthread_join(t->thread, NULL);
				rounds += t->rounds;
				if (min_rounds < 0 || t->rounds < min_rounds)
					min_rounds = t->rounds;
				if (t->max_gap > max_gap)
					max_gap = t->max_gap;
				if (t->err && !ret)
					ret = fail("mmap: %s", strerror(t->err));
			}
			secs = (now_ns() - t0) / 1e9;
			vmstat(vs1);
			if (!ret && min_rounds == 0)
				ret = fail("a thread made no progress in %.1f s", secs);
		}
		memcg_leave();
	} else {
		bool once = !strcmp(opt.workload, "mmaplock");

		ret = start_faulters(once);
		if (!ret && once)
			ret = trace_start();
		if (!ret && opt.breakdown)
			ret = bd_trace_start();
		if (!ret)
			ret = vmstat(vs0);
		if (!ret) {
			long long t0 = now_ns();

			atomic_store(&go, 1);
			if (once) {
				for (c = 0; c < opt.threads; c++)
					pthread_join(faulters[c].thread, NULL);
			} else if (opt.rate > 0) {
				if (run_writer() < 0)
					ret = -1;
				has_lat = true;
			} else {
				usleep((useconds_t)(opt.duration * 1e6));
			}
			if (once) {
				for (c = 0; c < opt.threads; c++) {
					ops += faulters[c].ops;
					majflt += faulters[c].majflt;
				}
			} else {
				join_faulters(&ops, &majflt, &min_ops);
			}
			secs = (now_ns() - t0) / 1e9;
			vmstat(vs1);
			has_faults = opt.threads > 0;
			if (!ret && opt.breakdown)
				ret = bd_parse();
			if (once) {
				acq = trace_count(&lost);
				if (!ret && acq < 0)
					ret = fail("cannot read the trace");
				if (!ret && lost)
					ret = fail("the trace lost %ld events", lost);
				if (!ret && majflt < ops / 2)
					ret = fail("only %ld of %lld faults were major", majflt, ops);
			}
		}
		trace_stop();
	}
	nullb_destroy();

	fprintf(o, "# VMA_BENCH {\"v\":1,\"workload\":\"%s\",\"params\":{\"op\":\"%s\","
		"\"delay_ms\":%d,\"threads\":%d,\"nice\":%d,\"rate\":%g,\"duration_s\":%g,"
		"\"vmas\":%d", opt.workload, opt.op, opt.delay_ms, opt.threads, opt.nice,
		opt.rate, opt.duration, opt.vmas);
	if (launch)
		fprintf(o, ",\"size_mb\":%d,\"queue_depth\":%d", opt.size_mb, opt.queue_depth);
	/* only when given: the records of earlier runs are the same configurations */
	if (opt.breakdown)
		fprintf(o, ",\"breakdown\":1");
	if (launch && opt.fork_rate != 2)
		fprintf(o, ",\"fork_rate\":%g", opt.fork_rate);
	if (launch && opt.fault_around)
		fprintf(o, ",\"fault_around_bytes\":%ld", opt.fault_around);
	if (opt.lock_stacks)
		fprintf(o, ",\"lock_stacks\":1");
	if (opt.no_dontneed)
		fprintf(o, ",\"no_dontneed\":1,\"size_mb\":%d", opt.size_mb);
	fprintf(o, "},\"clock\":{\"source\":\"%s\",\"res_ns\":%ld}", clocksource,
		clock_res_ns);
	if (launch)
		print_launch(o, &lc, l_majflt, l_touches);
	if (has_lat)
		print_lat(o, secs);
	if (has_faults)
		fprintf(o, ",\"faults\":{\"n\":%lld,\"per_s\":%.1f,\"majflt\":%ld,"
			"\"major_frac\":%.4f}", ops, secs > 0 ? ops / secs : 0, majflt,
			ops ? (double)majflt / ops : 0);
	if (min_rounds >= 0)
		fprintf(o, ",\"memcg\":{\"rounds\":%ld,\"rounds_per_s\":%.2f,"
			"\"min_thread_rounds\":%ld,\"max_gap_ms\":%.1f}", rounds,
			secs > 0 ? rounds / secs : 0, min_rounds, max_gap / 1e6);
	if (swapin)
		fprintf(o, ",\"swapin\":{\"swapins\":%ld,\"swapins_per_s\":%.1f,"
			"\"min_thread_reads\":%lld}", majflt,
			secs > 0 ? majflt / secs : 0, min_ops);
	if (opt.no_dontneed) {
		long wraps = 0;

		for (c = 0; c < opt.threads; c++)
			wraps += faulters[c].wraps;
		fprintf(o, ",\"touch\":{\"wraps\":%ld,\"slice_pages\":%zu}", wraps,
			opt.threads ? faulters[0].npages : 0);
	}
	if (opt.breakdown)
		bd_print(o);
	if (acq >= 0)
		fprintf(o, ",\"mmap_lock\":{\"acquisitions\":%ld,\"per_major\":%.4f}", acq,
			majflt ? (double)acq / majflt : 0);
	fprintf(o, ",\"vmstat\":{");
	for (i = 0; i < NR_VS; i++) {
		fprintf(o, "%s\"%s\":", i ? "," : "", vs_name[i]);
		if (vs_have[i])
			fprintf(o, "%lld", vs1[i] - vs0[i]);
		else
			fprintf(o, "null");
	}
	fprintf(o, "},\"ok\":%s", ret ? "false" : "true");
	if (ret)
		fprintf(o, ",\"error\":\"%s\"", errbuf);
	fprintf(o, "}\n");
	if (ret)
		printf("# %s\nnot ok 1 %s\n", errbuf, opt.workload);
	else
		printf("ok 1 %s\n", opt.workload);
	return ret ? 1 : 0;
}
