// SPDX-License-Identifier: GPL-2.0
/*
 * vma-retry guest init: the static /init of the test initramfs.
 *
 * Mounts the pseudo filesystems the tests need, runs the test programs listed
 * in /tests/list (or in the list file vr.list= names; only those named by
 * vr.tests= on the kernel command line),
 * prints one KTAP document with each program's own KTAP output as a subtest,
 * and reboots; QEMU runs with -no-reboot, so that ends the VM on every arch.
 *
 * /tests/list: one test a line, "name timeout-seconds required|optional|regress
 * [args]" (vr.slow=N multiplies the timeouts). Before the first regress
 * program init puts back the settings of boot time and gives it swap
 * (regress_env()).
 * Exit status of a test program: 0 pass, 4 skip (KSFT_SKIP), other fail.
 * Before the programs, init loads and unloads each module of /modules/list
 * (one file name of /modules a line; only the initramfs of a kunit-module
 * kernel has one): KUnit runs the suites of a module when it loads.
 * With vr.shell=1 a minimal command loop replaces the test run (there is no
 * shell binary for every arch in the initramfs).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "swap_header.h"

#define KSFT_SKIP 4
#define MAX_TESTS 128
#define MAX_ARGS 24
#define MAX_MODULES 8

struct test {
	char name[64];
	int timeout;
	int required;
	int regress;	/* a regression guard program (selftests/regress) */
	char *argv[MAX_ARGS];
};

static struct test tests[MAX_TESTS];
static int ntests;
static char modules[MAX_MODULES][64];	/* file names in /modules */
static int nmodules;
static char cmdline[4096];

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void do_mount(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		say("# init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

static const char *cmdline_arg(const char *key)
{
	static char val[1024];
	size_t klen = strlen(key);
	char *p = cmdline;

	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			if (n >= sizeof(val))
				n = sizeof(val) - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = 0;
			return val;
		}
		p += klen;
	}
	return NULL;
}

/* Is @name in the comma-separated @list? */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static void load_tests(const char *list, const char *filter)
{
	char line[512];
	FILE *f = fopen(list, "r");

	if (!f) {
		say("# init: no %s: %s\n", list, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) && ntests < MAX_TESTS) {
		struct test *t = &tests[ntests];
		char *tok, *save = NULL, path[128];
		int i = 0;

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		tok = strtok_r(line, " \t", &save);
		snprintf(t->name, sizeof(t->name), "%s", tok);
		tok = strtok_r(NULL, " \t", &save);
		t->timeout = tok ? atoi(tok) : 120;
		tok = strtok_r(NULL, " \t", &save);
		t->required = tok && !strcmp(tok, "required");
		t->regress = tok && !strcmp(tok, "regress");
		snprintf(path, sizeof(path), "/tests/%s", t->name);
		t->argv[i++] = strdup(path);
		while (i < MAX_ARGS - 1 && (tok = strtok_r(NULL, " \t", &save)))
			t->argv[i++] = strdup(tok);
		t->argv[i] = NULL;
		if (filter && !in_list(filter, t->name))
			continue;
		ntests++;
	}
	fclose(f);
}

/* The modules to load, file names in /modules; no list: none. */
static void load_module_list(const char *list)
{
	char line[sizeof(modules[0])];
	FILE *f = fopen(list, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && nmodules < MAX_MODULES) {
		line[strcspn(line, " \t\n")] = 0;
		if (line[0] && line[0] != '#')
			snprintf(modules[nmodules++], sizeof(modules[0]), "%s", line);
	}
	fclose(f);
}

/* The name of the module in @file: without .ko, '-' read as '_'. */
static void module_name(const char *file, char *name, size_t size)
{
	size_t i;

	snprintf(name, size, "%.*s", (int)strcspn(file, "."), file);
	for (i = 0; name[i]; i++)
		if (name[i] == '-')
			name[i] = '_';
}

/*
 * Load /modules/@file with finit_module(2), then unload it by its module
 * @name: 0 when both worked, else -1 (said why). KUnit runs the module's
 * suites when it goes live, before finit_module() returns, and prints their
 * KTAP to the console (kunit autorun); the unload shows that they left
 * nothing behind that still points into the module.
 */
static int load_unload_module(const char *file, const char *name)
{
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), "/modules/%.*s", (int)sizeof(modules[0]) - 1, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("# init: %s: %s\n", path, strerror(errno));
		return -1;
	}
	say("# init: loading %s\n", path);
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (ret) {
		say("# init: finit_module %s: %s\n", path, strerror(errno));
		return -1;
	}
	say("# init: unloading %s\n", name);
	if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
		say("# init: delete_module %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* How long a killed program gets to exit before init gives up on it. */
#define KILL_GRACE 10

/* Results of run_program() other than a wait status. */
#define RUN_TIMEOUT -1	/* killed after its timeout, and reaped */
#define RUN_ERROR -2	/* could not be started or waited for */
#define RUN_STUCK -3	/* still there KILL_GRACE s after SIGKILL (D state) */

/*
 * Wait for @pid until @deadline: 1 when it was reaped (*status is set), 0 when
 * it is still running then, -1 on an error. Never blocks past the deadline,
 * so a child stuck in D state, which SIGKILL does not end, cannot hang init.
 */
static int wait_until(pid_t pid, int *status, double deadline)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now() >= deadline)
			return 0;
		usleep(50 * 1000);
	}
}

/*
 * Run one program with its output indented as a KTAP subtest.
 * Returns its wait status, or one of the RUN_* codes above: a program that
 * outlives its timeout is killed; one that does not go away even then is
 * left behind, so that the next program can run.
 */
static int run_program(char *const argv[], int timeout)
{
	/* vma_bench's records are one line of several KiB */
	static char line[1 << 16];
	char buf[4096];
	size_t len = 0;
	int pfd[2], status = 0, done = 0, timed_out = 0, w;
	double deadline = now() + timeout;
	pid_t pid;

	if (pipe(pfd))
		return RUN_ERROR;
	pid = fork();
	if (pid < 0)
		return RUN_ERROR;
	if (!pid) {
		setsid();
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		chdir("/tests");
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	while (!done) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int left = (int)((deadline - now()) * 1000);

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (poll(&p, 1, left > 1000 ? 1000 : left) <= 0)
			continue;
		ssize_t n = read(pfd[0], buf, sizeof(buf));

		if (n <= 0) {
			done = 1;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n' && len < sizeof(line) - 1) {
				line[len++] = buf[i];
				continue;
			}
			/* a longer line is split, losing nothing */
			line[len] = 0;
			say("    %s\n", line);
			len = 0;
			if (buf[i] != '\n')
				line[len++] = buf[i];
		}
	}
	if (len) {
		line[len] = 0;
		say("    %s\n", line);
	}
	close(pfd[0]);
	/* Its output ended: it has until its deadline to exit. */
	w = timed_out ? 0 : wait_until(pid, &status, deadline);
	if (w == 0) {
		say("    # init: %s timed out after %d s, killed\n", argv[0], timeout);
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		w = wait_until(pid, &status, now() + KILL_GRACE);
		if (w == 0) {
			say("    # init: %s still there %d s after SIGKILL (stuck in D state?), left behind\n",
			    argv[0], KILL_GRACE);
			return RUN_STUCK;
		}
		return w < 0 ? RUN_ERROR : RUN_TIMEOUT;
	}
	/* Leftover children of the test must not outlive it. */
	kill(-pid, SIGKILL);
	return w < 0 ? RUN_ERROR : status;
}

/* A harness self-check that needs no test program: the counters exist. */
static int check_vmstat(void)
{
	static const char *const want[] = {
		"vma_lock_success ", "vma_lock_abort ", "vma_lock_retry ",
		"vma_lock_miss ",
	};
	char buf[16384];
	int fd = open("/proc/vmstat", O_RDONLY), ok = 1;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buf, want[i])) {
			say("# init: /proc/vmstat lacks %s\n", want[i]);
			ok = 0;
		}
	}
	return ok;
}

/* ---- the regression guard's environment -------------------------------- */

/*
 * The regress programs run alone on the base kernel (the baseline) and after
 * KUnit and the series' tests on the patched one, which change vm sysctls,
 * THP settings and swap. So init saves every readable and writable setting
 * under these directories at boot, and before the first regress program
 * writes back each one that differs, then gives both runs the same swap: a
 * zram device of REGRESS_SWAP_MB (so that the swap cases of cow, uffd and
 * the others run, not skip).
 */
static const char *const settings_dirs[] = {
	"/sys/kernel/mm/transparent_hugepage",	/* first: it resets min_free_kbytes */
	"/proc/sys/vm",
};
#define MAX_SETTINGS 512
#define REGRESS_SWAP_MB 256

static struct setting {
	char path[160];
	char val[256];
} settings[MAX_SETTINGS];
static int nsettings;

static int read_setting(const char *path, char *val, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, val, size - 1);
	close(fd);
	if (n <= 0 || n == (ssize_t)size - 1)
		return -1;	/* unreadable, empty or too long: not a setting */
	val[n] = 0;
	return 0;
}

static int write_setting(const char *path, const char *val)
{
	char buf[256];
	const char *p = val, *b = strchr(val, '[');
	size_t n = strcspn(val, "\n");
	int fd, ret = 0;

	/* "always [madvise] never": the choice is the bracketed word */
	if (b && strchr(b, ']')) {
		p = b + 1;
		n = strchr(b, ']') - p;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, strlen(buf)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void save_settings(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && nsettings < MAX_SETTINGS) {
		struct setting *st = &settings[nsettings];
		char path[sizeof(st->path)];
		struct stat sb;

		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &sb))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			save_settings(path);
			continue;
		}
		if (S_ISREG(sb.st_mode) && (sb.st_mode & 0200) && (sb.st_mode & 0444) &&
		    !read_setting(path, st->val, sizeof(st->val))) {
			memcpy(st->path, path, sizeof(path));
			nsettings++;
		}
	}

	closedir(d);
}

/* Swap off whatever swap the earlier programs left on. */
static void swapoff_all(void)
{
	char line[512], dev[256];
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s", dev) == 1 && dev[0] == '/') {
			say("# init: regress: swapoff %s (left on)\n", dev);
			if (swapoff(dev))
				say("# init: regress: swapoff %s: %s\n", dev, strerror(errno));
		}
	fclose(f);
}

/* A zram device with swap on it; its name, or NULL (said why). */
static const char *zram_swap(void)
{
	static char dev[64];
	char path[96], id[16], size[16];
	int fd, ret;

	if (read_setting("/sys/class/zram-control/hot_add", id, sizeof(id))) {
		say("# init: regress: no zram swap: no /sys/class/zram-control (CONFIG_ZRAM?)\n");
		return NULL;
	}
	id[strcspn(id, "\n")] = 0;
	snprintf(path, sizeof(path), "/sys/block/zram%s/disksize", id);
	snprintf(dev, sizeof(dev), "/dev/zram%s", id);
	snprintf(size, sizeof(size), "%dM", REGRESS_SWAP_MB);
	ret = write_setting(path, size);
	if (ret) {
		say("# init: regress: no zram swap: %s: %s\n", path, strerror(-ret));
		return NULL;
	}
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		say("# init: regress: no zram swap: %s: %s\n", dev, strerror(errno));
		return NULL;
	}
	ret = write_swap_header(fd, sysconf(_SC_PAGESIZE), (off_t)REGRESS_SWAP_MB << 20);
	close(fd);
	if (ret || swapon(dev, 0)) {
		say("# init: regress: no zram swap: %s: %s\n", dev,
		    strerror(ret ? -ret : errno));
		return NULL;
	}
	return dev;
}

/* Before the first regress program: the settings of boot time, and swap. */
static void regress_env(void)
{
	int i, restored = 0, failed = 0;
	const char *swap;
	char now_val[256];

	for (i = 0; i < nsettings; i++) {
		struct setting *st = &settings[i];
		int ret;

		if (!read_setting(st->path, now_val, sizeof(now_val)) &&
		    !strcmp(now_val, st->val))
			continue;
		ret = write_setting(st->path, st->val);
		if (!ret && !read_setting(st->path, now_val, sizeof(now_val)) &&
		    !strcmp(now_val, st->val)) {
			say("# init: regress: restored %s to its boot value\n", st->path);
			restored++;
		} else {
			say("# init: regress: could not restore %s: %s\n", st->path,
			    ret ? strerror(-ret) : "it reads back differently");
			failed++;
		}
	}
	swapoff_all();
	swap = zram_swap();
	say("# init: regress environment: %d settings as at boot (%d restored, %d not), swap %s\n",
	    nsettings - failed, restored, failed, swap ? swap : "none");
}

/*
 * Lockdep switches itself off at its first report (debug_locks_off()), and
 * the tests after it run unchecked: a kernel with lockdep says whether it
 * was still on at the end, and the judge fails a run where it was not.
 */
static void say_debug_locks(void)
{
	FILE *f = fopen("/proc/lockdep_stats", "r");
	char line[256];
	int on;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " debug_locks: %d", &on) == 1) {
			say("# vma-retry-init: debug_locks %d\n", on);
			break;
		}
	fclose(f);
}

/*
 * The running kernel's GNU build ID, from its ELF notes: the judge compares
 * it with the build ID of the vmlinux that run-qemu.sh meant to boot, so that
 * a stale boot image cannot pass for the kernel that was built.
 */
static void say_build_id(void)
{
	unsigned char buf[4096];
	char hex[2 * 64 + 1];
	int fd = open("/sys/kernel/notes", O_RDONLY);
	ssize_t n;
	size_t off = 0;

	if (fd < 0) {
		say("# vma-retry-init: kernel build-id none (/sys/kernel/notes: %s)\n",
		    strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		say("# vma-retry-init: kernel build-id none (/sys/kernel/notes: read: %s)\n",
		    strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	/* Each note: its header, then its name and its desc, each 4-aligned. */
	while (off + sizeof(Elf32_Nhdr) <= (size_t)n) {
		Elf32_Nhdr nh;	/* (the same 32-bit words in a 64-bit kernel) */
		size_t name = off + sizeof(nh), desc, next;

		memcpy(&nh, buf + off, sizeof(nh));
		if (nh.n_namesz > (size_t)n || nh.n_descsz > (size_t)n)
			break;
		desc = name + ((nh.n_namesz + 3) & ~3u);
		next = desc + ((nh.n_descsz + 3) & ~3u);
		if (next > (size_t)n)
			break;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(buf + name, "GNU", 4)) {
			if (!nh.n_descsz || nh.n_descsz > 64)
				break;
			for (unsigned int i = 0; i < nh.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", buf[desc + i]);
			say("# vma-retry-init: kernel build-id %s\n", hex);
			return;
		}
		off = next;
	}
	say("# vma-retry-init: kernel build-id none (no NT_GNU_BUILD_ID note in /sys/kernel/notes)\n");
}

static void shell(void)
{
	char line[1024];

	say("# init: minimal shell. Commands: run NAME [args] | exec PATH [args] | cat FILE | ls DIR | poweroff\n");
	for (;;) {
		char *argv[MAX_ARGS], *save = NULL, *tok;
		int argc = 0;

		say("vma-retry# ");
		if (!fgets(line, sizeof(line), stdin))
			return;
		for (tok = strtok_r(line, " \t\n", &save); tok && argc < MAX_ARGS - 1;
		     tok = strtok_r(NULL, " \t\n", &save))
			argv[argc++] = tok;
		argv[argc] = NULL;
		if (!argc)
			continue;
		if (!strcmp(argv[0], "poweroff") || !strcmp(argv[0], "exit")) {
			return;
		} else if (!strcmp(argv[0], "cat") && argc > 1) {
			char buf[4096];
			int fd = open(argv[1], O_RDONLY);
			ssize_t n;

			if (fd < 0) {
				say("%s: %s\n", argv[1], strerror(errno));
				continue;
			}
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				fwrite(buf, 1, n, stdout);
			fflush(stdout);
			close(fd);
		} else if (!strcmp(argv[0], "ls")) {
			DIR *d = opendir(argc > 1 ? argv[1] : ".");
			struct dirent *e;

			if (!d) {
				say("%s\n", strerror(errno));
				continue;
			}
			while ((e = readdir(d)))
				say("%s\n", e->d_name);
			closedir(d);
		} else if ((!strcmp(argv[0], "run") || !strcmp(argv[0], "exec")) && argc > 1) {
			char path[256];

			if (!strcmp(argv[0], "run"))
				snprintf(path, sizeof(path), "/tests/%s", argv[1]);
			else
				snprintf(path, sizeof(path), "%s", argv[1]);
			argv[1] = path;
			say("# exit status %d\n", run_program(&argv[1], 3600));
		} else {
			say("unknown command\n");
		}
	}
}

int main(void)
{
	int pass = 0, fail = 0, skip = 0, regress_ready = 0, slow, fd, i;
	const char *filter, *list, *arg;

	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("devtmpfs", "/dev", "devtmpfs");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	do_mount("tracefs", "/sys/kernel/tracing", "tracefs");
	do_mount("configfs", "/sys/kernel/config", "configfs");
	do_mount("cgroup2", "/sys/fs/cgroup", "cgroup2");
	do_mount("tmpfs", "/tmp", "tmpfs");
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);

		cmdline[n > 0 ? n : 0] = 0;
		close(fd);
	}

	say("# vma-retry-init: start\n");
	say_build_id();
	if (cmdline_arg("vr.shell")) {
		shell();
		goto out;
	}
	/* cmdline_arg() returns a static buffer */
	filter = cmdline_arg("vr.tests");
	filter = filter ? strdup(filter) : NULL;
	list = cmdline_arg("vr.list");
	load_tests(list ? list : "/tests/list", filter);
	load_module_list("/modules/list");
	/* vr.slow=N: a kernel N times slower (the debug kernels): N x each timeout */
	arg = cmdline_arg("vr.slow");
	slow = arg ? atoi(arg) : 1;
	if (slow > 1) {
		say("# init: vr.slow=%d: every program's timeout is %d times its own\n", slow, slow);
		for (i = 0; i < ntests; i++)
			tests[i].timeout *= slow;
	}

	for (i = 0; i < (int)(sizeof(settings_dirs) / sizeof(settings_dirs[0])); i++)
		save_settings(settings_dirs[i]);
	if (nsettings == MAX_SETTINGS)
		say("# init: %d settings or more: the rest are not saved\n", MAX_SETTINGS);
	say("KTAP version 1\n1..%d\n", 1 + nmodules + ntests);
	if (check_vmstat()) {
		say("ok 1 proc_vmstat_has_vma_lock_counters\n");
		pass++;
	} else {
		say("not ok 1 proc_vmstat_has_vma_lock_counters\n");
		fail++;
	}
	for (i = 0; i < nmodules; i++) {
		char name[sizeof(modules[0])];

		module_name(modules[i], name, sizeof(name));
		if (!load_unload_module(modules[i], name)) {
			say("ok %d module_%s\n", 2 + i, name);
			pass++;
		} else {
			say("not ok %d module_%s\n", 2 + i, name);
			fail++;
		}
	}
	for (i = 0; i < ntests; i++) {
		struct test *t = &tests[i];
		double t0;
		int st;

		if (t->regress && !regress_ready) {
			regress_env();
			regress_ready = 1;
		}
		t0 = now();
		say("# init: running %s\n", t->name);
		st = run_program(t->argv, t->timeout);
		say("# init: %s took %.1f s\n", t->name, now() - t0);
		if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			say("ok %d %s\n", 2 + nmodules + i, t->name);
			pass++;
		} else if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == KSFT_SKIP) {
			say("ok %d %s # SKIP%s\n", 2 + nmodules + i, t->name,
			    t->required ? " (required test skipped)" : "");
			skip++;
		} else {
			if (st == RUN_TIMEOUT)
				say("# init: %s: timeout\n", t->name);
			else if (st == RUN_STUCK)
				say("# init: %s: timeout, and not reaped after SIGKILL\n", t->name);
			else if (st == RUN_ERROR)
				say("# init: %s: could not be run or waited for\n", t->name);
			else if (st >= 0 && WIFSIGNALED(st))
				say("# init: %s: killed by signal %d\n", t->name, WTERMSIG(st));
			else if (st >= 0)
				say("# init: %s: exit status %d\n", t->name, WEXITSTATUS(st));
			say("not ok %d %s\n", 2 + nmodules + i, t->name);
			fail++;
		}
	}
	say_debug_locks();
	say("# vma-retry-init: done pass=%d fail=%d skip=%d\n", pass, fail, skip);
out:
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
