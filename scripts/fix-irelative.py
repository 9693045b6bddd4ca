#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Repair the IRELATIVE addends that lld 19 leaves stale in static LoongArch
executables.

Usage: fix-irelative.py [--check] FILE...

lld 19 computes the addend of an R_LARCH_IRELATIVE relocation (the address
of an ifunc resolver, which glibc's static start-up calls before main())
before it deletes the alignment nops of R_LARCH_ALIGN. trixie's loong64
glibc has such a nop in front of every resolver (memcpy_ifunc, strlen_ifunc,
...), so the addends point 4 bytes into the resolvers, the first instruction
(pcalau12i) is skipped and init dies with SIGBUS before main(). The symbol
table is right, so the fix is exact: move each IRELATIVE addend back to the
function symbol (the resolver, e.g. memcpy_ifunc) at or below it: lld
deleted only a few bytes, and a resolver is longer than that.

Files of another machine, and files whose addends already match, are left
alone. --check only reports. Exit status: 0 done or nothing to do, 1 a file
cannot be repaired (no symbol table, an addend with no function symbol close
below it), 2 usage.
"""
import bisect
import struct
import sys

EM_LOONGARCH = 258
R_LARCH_IRELATIVE = 12
SHT_SYMTAB, SHT_RELA = 2, 4
STT_FUNC, STT_GNU_IFUNC = 2, 10
MAX_SHIFT = 64


def sections(data):
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', data, 0x3a)
    for i in range(shnum):
        (name, typ, flags, addr, off, size, link, info, align,
         entsize) = struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
        yield typ, off, size, entsize


def fix(path, check):
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        return 0
    if struct.unpack_from('<H', data, 0x12)[0] != EM_LOONGARCH:
        return 0
    funcs, relocs = set(), []
    for typ, off, size, entsize in sections(data):
        if typ == SHT_SYMTAB:
            for p in range(off, off + size, entsize):
                info = data[p + 4]
                value, = struct.unpack_from('<Q', data, p + 8)
                if info & 0xf in (STT_FUNC, STT_GNU_IFUNC):
                    funcs.add(value)
        elif typ == SHT_RELA:
            for p in range(off, off + size, entsize):
                _, info, addend = struct.unpack_from('<QQq', data, p)
                if info & 0xffffffff == R_LARCH_IRELATIVE:
                    relocs.append((addend, p))
    if not relocs:
        return 0
    if all(a in funcs for a, _ in relocs):
        return 0
    if not funcs:
        print(f'{path}: stale IRELATIVE addends and no symbol table', file=sys.stderr)
        return 1
    # The resolver an addend belongs to is the nearest function symbol at or
    # below it: lld only deleted a few alignment bytes in front of it.
    targets = sorted(funcs)
    new = {}
    for a in set(a for a, _ in relocs):
        i = bisect.bisect_right(targets, a)
        if i == 0 or a - targets[i - 1] > MAX_SHIFT:
            print(f'{path}: IRELATIVE addend {a:#x} has no function symbol within '
                  f'{MAX_SHIFT} bytes below it', file=sys.stderr)
            return 1
        new[a] = targets[i - 1]
    moved = sum(1 for a, t in new.items() if t != a)
    if check:
        print(f'{path}: {moved} stale IRELATIVE addend(s)')
        return 0
    for addend, p in relocs:
        struct.pack_into('<q', data, p + 16, new[addend])
    with open(path, 'wb') as f:
        f.write(data)
    print(f'{path}: repaired {moved} IRELATIVE addend(s) (lld 19)')
    return 0


def main(argv):
    if not argv or argv[0] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if argv else 2
    check = argv[0] == '--check'
    files = argv[1:] if check else argv
    if not files:
        print('fix-irelative.py: no FILE given (see --help)', file=sys.stderr)
        return 2
    return max(fix(f, check) for f in files)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
