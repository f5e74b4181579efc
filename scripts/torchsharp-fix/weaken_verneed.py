#!/usr/bin/env python3
"""Marks one version requirement of an ELF64 little-endian shared object as weak (VER_FLG_WEAK).

Usage: weaken_verneed.py FILE VERSION   (e.g. libLibTorchSharp.so GLIBCXX_3.4.32)

Walks .gnu.version_r (SHT_GNU_verneed) and sets flag 0x2 on every Vernaux entry named VERSION,
in place. glibc's loader then accepts a libstdc++ that lacks the version instead of refusing to
load the library (patchelf 0.14 has no option for this). Exit status: 0 when the flag is set (or
already was), 1 when the file has no such requirement, 2 on a file that is not ELF64 LE.
Part of scripts/torchsharp-fix.sh.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def c_string(data, offset):
    end = data.index(b"\0", offset)
    return data[offset:end].decode("ascii", "replace")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, version = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        print(f"weaken_verneed: {path} is not a little-endian ELF64 file", file=sys.stderr)
        return 2
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    found = False
    for _name, sh_type, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]
        need = offset
        for _ in range(info):  # sh_info = number of Verneed entries
            _vn_version, vn_cnt, _vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, need)
            aux = need + vn_aux
            for _ in range(vn_cnt):
                _hash, flags, _other, name, vna_next = struct.unpack_from("<IHHII", data, aux)
                if c_string(data, strtab + name) == version:
                    struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                    found = True
                aux += vna_next
            need += vn_next
    if not found:
        print(f"weaken_verneed: {path} does not require {version}", file=sys.stderr)
        return 1
    with open(path, "r+b") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
