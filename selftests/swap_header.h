/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A version 1 swap header, what mkswap writes, for the guest programs
 * (selftests/init.c, selftests/bench/vma_bench.c): the initramfs has no
 * mkswap.
 */
#ifndef VMA_RETRY_SWAP_HEADER_H
#define VMA_RETRY_SWAP_HEADER_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Write the header of a swap area of @size bytes at the start of @fd, with
 * pages of @psz bytes, and fsync it. 0, or a negative errno.
 */
static inline int write_swap_header(int fd, size_t psz, off_t size)
{
	/* version, last_page, nr_badpages (struct swap_header's info) */
	unsigned int v[3] = { 1, size / psz - 1, 0 };
	unsigned char *hdr = calloc(1, psz);
	int ret = 0;

	if (!hdr)
		return -ENOMEM;
	memcpy(hdr + 1024, v, sizeof(v));
	memcpy(hdr + psz - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, hdr, psz, 0) != (ssize_t)psz || fsync(fd))
		ret = errno ? -errno : -EIO;
	free(hdr);
	return ret;
}

#endif
