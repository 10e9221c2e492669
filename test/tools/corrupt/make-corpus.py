#!/usr/bin/env python3
"""make-corpus.py WORK OUT: writes the corrupted-input corpus into OUT.

WORK holds good files the project's tools wrote (corpus.test): tiny.gguf,
tiny.lqm, tiny.session (liquid-run --session), hf/ (a Hugging Face
checkpoint). Every file written into OUT must be refused by every tool
that reads files (check-corpus.sh): truncations, bit flips in the parts
that carry structure, huge counts, wrong types, foreign formats, deep
nesting. Directories, FIFOs and unreadable paths are made by
check-corpus.sh itself.
"""
import json
import os
import random
import struct
import sys

work, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
count = 0


def write(name, data):
    global count
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    count += 1


def read(name):
    with open(os.path.join(work, name), "rb") as f:
        return f.read()


gguf = read("tiny.gguf")
lqm = read("tiny.lqm")
session = read("tiny.session")
config = read("hf/config.json")
safetensors = read("hf/model.safetensors")
table_end = 4 + struct.unpack_from("<I", lqm)[0]

# Truncations: inside each header, at the end of it, one byte short.
for name, data, cuts in [
        ("gguf", gguf, [0, 3, 4, 7, 8, 15, 24, 100, 5000, len(gguf) - 1]),
        ("lqm", lqm, [0, 4, 11, 12, 64, table_end // 2, table_end,
                      table_end + 8, len(lqm) // 2, len(lqm) - 1]),
        ("session", session, [0, 8, 16, 40, len(session) // 2,
                              len(session) - 1]),
        ("safetensors", safetensors, [0, 7, 8, 100, len(safetensors) - 1])]:
    for cut in cuts:
        write(f"truncated-{name}-{cut}", data[:cut])


def flip(data, at, mask=0xFF):
    b = bytearray(data)
    b[at] ^= mask
    return bytes(b)


# Bit flips where the bytes carry structure: GGUF magic, version, counts
# and the type tag of the first key; the artifact's table at several
# places (its checksum refuses any change) and its stored checksum; the
# session file's magic, token count and snapshot.
for at in [0, 4, 8, 16, 24, 52]:
    write(f"flipped-gguf-{at}", flip(gguf, at))
for at in [0, 8, 20, table_end // 3, table_end - 2, (table_end + 7) // 8 * 8]:
    write(f"flipped-lqm-{at}", flip(lqm, at, 0x01))
for at in [0, 8, 20, len(session) - 5]:
    write(f"flipped-session-{at}", flip(session, at, 0x10))

# Huge counts: GGUF tensor and key counts, an array length, a string
# length; the safetensors header length; the artifact's table size.
def patch(data, at, fmt, value):
    b = bytearray(data)
    struct.pack_into(fmt, b, at, value)
    return bytes(b)


write("huge-gguf-tensor-count", patch(gguf, 8, "<Q", 1 << 60))
write("huge-gguf-key-count", patch(gguf, 16, "<Q", (1 << 63) - 1))
write("huge-gguf-key-length", patch(gguf, 24, "<Q", 1 << 62))
write("huge-safetensors-header", patch(safetensors, 0, "<Q", 1 << 62))
write("huge-lqm-table", patch(lqm, 0, "<I", 0xFFFFFFF0))
write("huge-session-count", patch(session, 8, "<Q", 1 << 40))

# Wrong types: the first key's type tag as an array of strings, then as a
# type that does not exist; a GGUF of version 1 and 99.
key_len = struct.unpack_from("<Q", gguf, 24)[0]
tag = 24 + 8 + key_len
write("wrongtype-gguf-array", patch(gguf, tag, "<I", 9))
write("wrongtype-gguf-unknown", patch(gguf, tag, "<I", 77))
write("version-gguf-1", patch(gguf, 4, "<I", 1))
write("version-gguf-99", patch(gguf, 4, "<I", 99))
write("patched-lqm-root", patch(lqm, 4, "<I", 0x7FFFFFF0))

# Foreign formats and empty or tiny files.
write("empty", b"")
write("one-byte", b"\x00")
write("zeros-4k", bytes(4096))
write("text", b"This is not a model.\n" * 20)
write("png", b"\x89PNG\r\n\x1a\n" + bytes(64))
write("zip", b"PK\x03\x04" + bytes(60))
write("gzip", b"\x1f\x8b\x08\x00" + bytes(60))
with open("/bin/true", "rb") as f:
    write("elf", f.read())
write("json-config", config)
write("safetensors-alone", safetensors[:8 + struct.unpack_from("<Q", safetensors)[0]] + bytes(64))
write("lqm-magic-only", b"\x08\x00\x00\x00\x00\x00\x00\x00LQM1")
write("gguf-magic-only", b"GGUF")
write("session-magic-only", b"LQRUNSS1")
write("deep-json", b"[" * 100000)
write("random", random.Random(7).randbytes(8192))

print(f"make-corpus: {count} files")
