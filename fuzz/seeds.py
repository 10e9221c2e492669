#!/usr/bin/env python3
"""seeds.py MODE FILE [ARG]: writes one fuzz seed to stdout, cut from a file
the project's tools wrote (fuzz/make-seeds.sh).

  gguf-head FILE         a GGUF file up to its tensor data
  safetensors-head FILE  a safetensors file's length and JSON header
  lqm-table FILE         a .lqm artifact's size-prefixed table
  snapshot FILE          the runtime snapshot inside a liquid-run session file
  json-string FILE KEY   the string at KEY of a JSON object (a chat template)
"""
import json
import struct
import sys


def gguf_head(data):
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values[0]

    def string():
        nonlocal pos
        n = take("Q")
        pos += n
        return data[pos - n:pos]

    sizes = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "B",
             10: "Q", 11: "q", 12: "d"}

    def value(kind):
        if kind == 8:
            return string()
        if kind == 9:
            inner, count = take("I"), take("Q")
            return [value(inner) for _ in range(count)]
        return take(sizes[kind])

    if data[:4] != b"GGUF":
        sys.exit("seeds.py: not a GGUF file")
    pos = 8  # magic, version
    tensors, keys = take("Q"), take("Q")
    alignment = 32
    for _ in range(keys):
        key = string()
        v = value(take("I"))
        if key == b"general.alignment":
            alignment = v
    for _ in range(tensors):
        string()
        dims = take("I")
        pos += 8 * dims + 4 + 8
    return data[:(pos + alignment - 1) // alignment * alignment]


def main():
    mode, path = sys.argv[1], sys.argv[2]
    data = open(path, "rb").read()
    if mode == "gguf-head":
        out = gguf_head(data)
    elif mode == "safetensors-head":
        out = data[:8 + struct.unpack_from("<Q", data)[0]]
    elif mode == "lqm-table":
        out = data[:4 + struct.unpack_from("<I", data)[0]]
    elif mode == "snapshot":
        if data[:8] != b"LQRUNSS2":
            sys.exit("seeds.py: not a liquid-run session file")
        out = data[24 + 4 * struct.unpack_from("<Q", data, 8)[0]:]
    elif mode == "json-string":
        out = json.loads(data)[sys.argv[3]].encode()
    else:
        sys.exit("seeds.py: unknown mode " + mode)
    sys.stdout.buffer.write(out)


main()
