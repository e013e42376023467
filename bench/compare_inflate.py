"""Whole-file gzip inflating: zlib (what libscore's reader streams through)
against Debian's libdeflate (libdeflate0, through ctypes), and zcat, on one
file, in one run; best of N. Inflating only: no parsing.

    /usr/bin/python3 bench/compare_inflate.py FILE.csv.gz [--repeat 3]
"""
import argparse
import ctypes
import ctypes.util
import struct
import subprocess
import time
import zlib


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with open(a.file, "rb") as f:
        data = f.read()
    size = struct.unpack("<I", data[-4:])[0]  # ISIZE: the single member's length mod 2^32

    def with_zlib():
        d = zlib.decompressobj(wbits=31)
        n = 0
        # 256 KB at a time, as a streaming reader would
        for i in range(0, len(data), 1 << 18):
            n += len(d.decompress(data[i:i + (1 << 18)]))
        return n

    name = ctypes.util.find_library("deflate") or "libdeflate.so.0"
    lib = ctypes.CDLL(name)
    lib.libdeflate_alloc_decompressor.restype = ctypes.c_void_p
    lib.libdeflate_gzip_decompress.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                               ctypes.c_void_p, ctypes.c_size_t,
                                               ctypes.POINTER(ctypes.c_size_t)]
    lib.libdeflate_free_decompressor.argtypes = [ctypes.c_void_p]
    dec = lib.libdeflate_alloc_decompressor()
    out = ctypes.create_string_buffer(size)

    def with_libdeflate():
        n = ctypes.c_size_t()
        rc = lib.libdeflate_gzip_decompress(dec, data, len(data), out, size, ctypes.byref(n))
        if rc != 0:
            raise SystemExit(f"libdeflate: error {rc} (a multi-member file?)")
        return n.value

    def with_zcat():
        subprocess.run(["sh", "-c", f"zcat '{a.file}' > /dev/null"], check=True)
        return size

    tz, nz = best(with_zlib, a.repeat)
    td, nd = best(with_libdeflate, a.repeat)
    tc, _ = best(with_zcat, a.repeat)
    assert nz == nd == size, (nz, nd, size)
    mb = size / 1e6
    print(f"file {a.file}: {len(data) / 1e6:.1f} MB gzip, {mb:.1f} MB inflated")
    print(f"zcat               {tc:7.3f} s  {mb / tc:7.1f} MB/s")
    print(f"zlib, 256 KB steps {tz:7.3f} s  {mb / tz:7.1f} MB/s")
    print(f"libdeflate, whole  {td:7.3f} s  {mb / td:7.1f} MB/s  {tz / td:.2f}x zlib")
    lib.libdeflate_free_decompressor(dec)


if __name__ == "__main__":
    main()
