#!/usr/bin/env python3
"""Rewrites a GGUF v3 file with one deliberate defect, for the importer's
bad-input tests. Parses the header, applies the edits, writes the header back
and copies the tensor data unchanged (offsets are relative to the data start).

  gguf-edit.py IN OUT [--drop-tensor NAME]... [--set-type NAME GGML_TYPE]
                      [--set-shape NAME D0,D1,...] [--set-offset NAME BYTES]
                      [--set-string KEY VALUE] [--drop-key KEY]

Shapes are given outermost first, as the importer reports them.
"""
import argparse
import struct

SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f",
           7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        (v,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return v

    def string(self):
        n = self.take("<Q")
        s = self.data[self.pos:self.pos + n]
        self.pos += n
        return s

    def value(self, t):
        if t in SCALARS:
            return self.take(SCALARS[t])
        if t == 8:
            return self.string()
        et, n = self.take("<I"), self.take("<Q")
        return (et, [self.value(et) for _ in range(n)])


def put_string(s):
    return struct.pack("<Q", len(s)) + s


def put_value(t, v):
    if t in SCALARS:
        return struct.pack(SCALARS[t], v)
    if t == 8:
        return put_string(v)
    et, items = v
    return struct.pack("<IQ", et, len(items)) + b"".join(put_value(et, x) for x in items)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--drop-tensor", action="append", default=[])
    p.add_argument("--set-type", nargs=2)
    p.add_argument("--set-shape", nargs=2)
    p.add_argument("--set-offset", nargs=2)
    p.add_argument("--set-string", nargs=2)
    p.add_argument("--drop-key")
    a = p.parse_args()

    data = open(a.input, "rb").read()
    r = Reader(data)
    magic, version = r.take("<I"), r.take("<I")
    n_tensors, n_kv = r.take("<Q"), r.take("<Q")
    kvs = []
    for _ in range(n_kv):
        key = r.string()
        t = r.take("<I")
        kvs.append([key, t, r.value(t)])
    tensors = []
    for _ in range(n_tensors):
        name = r.string()
        dims = [r.take("<Q") for _ in range(r.take("<I"))]
        tensors.append([name, dims, r.take("<I"), r.take("<Q")])
    align = next((v for k, t, v in kvs if k == b"general.alignment"), 32)
    data_start = (r.pos + align - 1) // align * align
    blob = data[data_start:]

    def tensor(name):
        return next(x for x in tensors if x[0] == name.encode())

    for name in a.drop_tensor:
        tensors.remove(tensor(name))
    if a.set_type:
        tensor(a.set_type[0])[2] = int(a.set_type[1])
    if a.set_shape:
        tensor(a.set_shape[0])[1] = [int(d) for d in reversed(a.set_shape[1].split(","))]
    if a.set_offset:
        tensor(a.set_offset[0])[3] = int(a.set_offset[1])
    if a.set_string:
        key = a.set_string[0].encode()
        entry = next(x for x in kvs if x[0] == key)
        entry[1], entry[2] = 8, a.set_string[1].encode()
    if a.drop_key:
        kvs = [x for x in kvs if x[0] != a.drop_key.encode()]

    out = struct.pack("<IIQQ", magic, version, len(tensors), len(kvs))
    for key, t, v in kvs:
        out += put_string(key) + struct.pack("<I", t) + put_value(t, v)
    for name, dims, t, off in tensors:
        out += put_string(name) + struct.pack("<I", len(dims))
        out += b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", t, off)
    out += b"\0" * ((-len(out)) % align)
    open(a.output, "wb").write(out + blob)


if __name__ == "__main__":
    main()
