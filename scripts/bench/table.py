#!/usr/bin/env python3
# table.py - the comparison table of bench-vs-llamacpp.sh.
#
#   table.py RESULTS_DIR
#
# RESULTS_DIR holds, per model M and thread count T, M.llama.T.json
# (llama-bench -o json) and M.liquid.T.json (liquid-bench -o json), M.gguf,
# and bandwidth.T (membw's GB/s). Prints one markdown table: per model,
# test and thread count, both tokens/s (mean +- deviation), the ratio
# Liquid / llama.cpp and, for decode tests, the bandwidth floor: the read
# bandwidth at that thread count divided by the bytes one decode step must
# read: the weights (read from the GGUF header: every tensor, with a MoE's
# stacked experts at experts_used / experts of their size and the
# embedding table at one row when the output head is a tensor of its own)
# and, for a test at depth d generating n tokens, the keys and values of
# the d + n / 2 rows an average step attends to, at f16 (llama.cpp's cache
# type; Liquid keeps f32, so this floor is the more demanding one for it).
import glob
import json
import os
import struct
import sys

# ggml type: (elements per block, bytes per block).
GGML_TYPES = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22),
              7: (32, 24), 8: (32, 34), 9: (32, 36), 10: (256, 84),
              11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210),
              15: (256, 292), 30: (1, 2)}


def read_gguf(path):
    """(metadata dict of scalars, [(name, dims, type)]) of a GGUF file."""
    with open(path, "rb") as f:
        data = f.read(64 << 20)  # The header of any model fits.
    at = 0

    def take(fmt):
        nonlocal at
        values = struct.unpack_from("<" + fmt, data, at)
        at += struct.calcsize("<" + fmt)
        return values[0] if len(values) == 1 else values

    def string():
        n = take("Q")
        nonlocal at
        text = data[at:at + n].decode("utf-8", "replace")
        at += n
        return text

    scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?",
              10: "Q", 11: "q", 12: "d"}

    def value(kind):
        if kind in scalar:
            return take(scalar[kind])
        if kind == 8:
            return string()
        if kind == 9:
            item, count = take("I"), take("Q")
            return [value(item) for _ in range(count)]
        sys.exit(f"{path}: unknown GGUF value type {kind}")

    if data[:4] != b"GGUF":
        sys.exit(f"{path}: not a GGUF file")
    at = 4
    take("I")
    tensors, kvs = take("Q"), take("Q")
    meta = {}
    for _ in range(kvs):
        key = string()
        meta[key] = value(take("I"))
    infos = []
    for _ in range(tensors):
        name = string()
        dims = [take("Q") for _ in range(take("I"))]
        kind = take("I")
        take("Q")
        infos.append((name, dims, kind))
    return meta, infos


def decode_bytes(path):
    meta, infos = read_gguf(path)
    arch = meta.get("general.architecture", "")
    experts = meta.get(f"{arch}.expert_count", 0)
    used = meta.get(f"{arch}.expert_used_count", 0)
    names = {name for name, _, _ in infos}
    total = 0.0
    for name, dims, kind in infos:
        if kind not in GGML_TYPES:
            sys.exit(f"{path}: {name}: unknown ggml type {kind}")
        per, size = GGML_TYPES[kind]
        elements = 1
        for d in dims:
            elements *= d
        nbytes = elements // per * size
        if "_exps." in name and experts:
            nbytes *= used / experts
        if name == "token_embd.weight" and "output.weight" in names:
            nbytes /= dims[1]  # One row; the output head is its own tensor.
        total += nbytes
    return total


def kv_row_bytes(path):
    """Bytes of one context row of every layer's f16 keys and values."""
    meta, _ = read_gguf(path)
    arch = meta.get("general.architecture", "")
    heads = meta.get(f"{arch}.attention.head_count", 0)
    kv = meta.get(f"{arch}.attention.head_count_kv", heads)
    layers = meta.get(f"{arch}.block_count", 0)
    per_layer = kv if isinstance(kv, list) else [kv] * layers
    head_dim = meta.get(f"{arch}.attention.key_length",
                        meta.get(f"{arch}.embedding_length", 0) // max(heads, 1))
    return sum(per_layer) * head_dim * 2 * 2


def load(path):
    with open(path) as f:
        return json.load(f)


def test_name(r):
    name = f"pp{r['n_prompt']}" if r["n_prompt"] else f"tg{r['n_gen']}"
    if r.get("n_depth"):
        name += f" @ d{r['n_depth']}"
    return name


def main():
    root = sys.argv[1]
    rows = []
    for liquid_path in sorted(glob.glob(os.path.join(root, "*.liquid.*.json"))):
        model, _, threads, _ = os.path.basename(liquid_path).rsplit(".", 3)
        llama_path = os.path.join(root, f"{model}.llama.{threads}.json")
        if not os.path.exists(llama_path):
            continue
        with open(os.path.join(root, f"bandwidth.{threads}")) as f:
            bandwidth = float(f.read())
        gguf = os.path.join(root, model + ".gguf")
        weights, row = decode_bytes(gguf), kv_row_bytes(gguf)
        llama = {test_name(r): r for r in load(llama_path)}
        for r in load(liquid_path):
            name = test_name(r)
            peer = llama.get(name)
            if not peer:
                continue
            ratio = r["avg_ts"] / peer["avg_ts"] if peer["avg_ts"] else 0
            rows_read = r.get("n_depth", 0) + r["n_gen"] / 2
            floor = bandwidth * 1e9 / (weights + rows_read * row)
            rows.append((model, name, int(threads),
                         f"{peer['avg_ts']:.1f} ± {peer['stddev_ts']:.1f}",
                         f"{r['avg_ts']:.1f} ± {r['stddev_ts']:.1f}",
                         f"{ratio:.2f}",
                         f"{floor:.0f} ({bandwidth:.0f} GB/s)"
                         if r["n_gen"] else ""))
    rows.sort(key=lambda row: (row[0], row[1].startswith("tg"), row[1], row[2]))
    print("| model | test | threads | llama.cpp t/s | Liquid t/s | Liquid / llama.cpp "
          "| decode floor t/s (read bandwidth) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


if __name__ == "__main__":
    main()
