#!/usr/bin/env python3
# compare-logits.py GOT WANT VOCAB [--tolerance T]
#
# Compares two --dump-logits files (raw little-endian float32, one row of
# VOCAB per evaluated position): same number of rows, and
# max |got - want| <= T * max |want| (T defaults to 1e-4, DESIGN.md §7).
# Prints the figures; exits 1 on a mismatch.
import argparse
import struct
import sys


def read(path, vocab):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) % (4 * vocab):
        sys.exit(f"{path}: {len(data)} bytes is not a whole number of rows of {vocab}")
    return struct.unpack(f"<{len(data) // 4}f", data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("got")
    parser.add_argument("want")
    parser.add_argument("vocab", type=int)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    got, want = read(args.got, args.vocab), read(args.want, args.vocab)
    if len(got) != len(want):
        print(f"rows: got {len(got) // args.vocab}, want {len(want) // args.vocab}")
        return 1
    scale = max(abs(w) for w in want)
    diff = max(abs(g - w) for g, w in zip(got, want))
    worst = max(range(len(want)), key=lambda i: abs(got[i] - want[i]))
    ok = diff <= args.tolerance * scale
    print(f"rows {len(want) // args.vocab}: max |diff| {diff:.3g} "
          f"(row {worst // args.vocab}), max |logit| {scale:.3g}, "
          f"ratio {diff / scale:.3g} {'<=' if ok else '>'} {args.tolerance:g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
