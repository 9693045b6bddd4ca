/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An empty ext4 file system made by the host's mke2fs for the guest
 * programs (selftests/vma_retry_stress.c, selftests/bench/vma_bench.c): the
 * initramfs has no mkfs. scripts/build-initramfs.sh cuts the image after
 * its last 64 KiB that are not all zeroes; the rest of the file system
 * must read as zeroes, as a new null_blk device does.
 */
#ifndef VMA_RETRY_EXT4_IMAGE_H
#define VMA_RETRY_EXT4_IMAGE_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

/*
 * Write the 64 KiB blocks of @image that are not all zeroes onto the
 * zeroed device @dev, and fsync it. 0, or a negative errno.
 */
static inline int write_ext4_image(const char *image, const char *dev)
{
	static char buf[65536];
	int in, out, ret = 0;
	off_t off;
	ssize_t n;
	size_t i;

	in = open(image, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dev, O_WRONLY | O_CLOEXEC);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	for (off = 0; (n = read(in, buf, sizeof(buf))) > 0; off += n) {
		for (i = 0; i < (size_t)n && !buf[i]; i++)
			;
		if (i < (size_t)n && pwrite(out, buf, n, off) != n) {
			ret = -errno ?: -EIO;
			break;
		}
	}
	if (n < 0)
		ret = -errno;
	if (!ret && fsync(out))
		ret = -errno;
	close(out);
	close(in);
	return ret;
}

/*
 * The size in bytes of the file system of @image, from its superblock
 * (s_blocks_count_lo and s_log_block_size; at most 16 TiB), or a negative
 * errno (-EINVAL: not ext4).
 */
static inline long long ext4_image_bytes(const char *image)
{
	unsigned char sb[1024];
	uint32_t blocks, log_bs;
	int fd = open(image, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, sb, sizeof(sb), 1024);
	close(fd);
	if (n != (ssize_t)sizeof(sb))
		return n < 0 ? -errno : -EINVAL;
	/* little endian; s_magic 0xEF53 at 56 */
	if (sb[56] != 0x53 || sb[57] != 0xef)
		return -EINVAL;
	blocks = sb[4] | sb[5] << 8 | sb[6] << 16 | (uint32_t)sb[7] << 24;
	log_bs = sb[24] | sb[25] << 8 | sb[26] << 16 | (uint32_t)sb[27] << 24;
	if (log_bs > 6)
		return -EINVAL;
	return (long long)blocks << (10 + log_bs);
}

#endif
