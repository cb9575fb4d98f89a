#!/usr/bin/env python3
# EXPERIMENT, NOT PART OF THE BUILD (docs/wasm-split-study.md). Debian's binaryen 108 writes
# the export `__wbindgen_externrefs` (wasm-bindgen's externref table) pointing at the funcref
# table (a plain `wasm-opt -all in.wasm -o out.wasm` round trip shows it); the glue's first
# `table.set` then throws. This rewrites that export, in place, to the module's externref table.
#   python3 fix-externref-export.py FILE.wasm
import sys


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def name(b, i):
    n, i = leb(b, i)
    return b[i : i + n].decode(), i + n


def skip_limits(b, i):
    flags = b[i]
    i += 1
    _, i = leb(b, i)
    if flags & 1:
        _, i = leb(b, i)
    return i


path = sys.argv[1]
b = bytearray(open(path, "rb").read())
tables = []  # element type per table index (imports first)
exports = None
i = 8
while i < len(b):
    sid = b[i]
    size, j = leb(b, i + 1)
    end = j + size
    if sid == 2:  # imports
        n, k = leb(b, j)
        for _ in range(n):
            _, k = name(b, k)
            _, k = name(b, k)
            kind = b[k]
            k += 1
            if kind == 0:
                _, k = leb(b, k)
            elif kind == 1:
                tables.append(b[k])
                k = skip_limits(b, k + 1)
            elif kind == 2:
                k = skip_limits(b, k)
            elif kind == 3:
                k += 2
            else:
                sys.exit(f"import kind {kind} not handled")
    elif sid == 4:  # tables
        n, k = leb(b, j)
        for _ in range(n):
            tables.append(b[k])
            k = skip_limits(b, k + 1)
    elif sid == 7:
        exports = (j, end)
    i = end
externref = [t for t, ty in enumerate(tables) if ty == 0x6F]
if len(externref) != 1:
    sys.exit(f"expected one externref table, found {externref} in {tables}")
n, k = leb(b, exports[0])
for _ in range(n):
    nm, k = name(b, k)
    kind = b[k]
    idx, k2 = leb(b, k + 1)
    if nm == "__wbindgen_externrefs" and kind == 1:
        if k2 - (k + 1) != 1 or externref[0] > 0x7F:
            sys.exit("index not one byte")
        b[k + 1] = externref[0]
        print(f"fix-externref-export: __wbindgen_externrefs table {idx} -> {externref[0]}")
    k = k2
open(path, "wb").write(b)
