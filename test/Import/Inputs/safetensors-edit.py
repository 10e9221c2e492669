#!/usr/bin/env python3
"""Rewrites a .safetensors file with one deliberate defect in its JSON header,
for the importer's bad-input tests; the tensor data is copied unchanged.

  safetensors-edit.py FILE --set-dtype NAME DTYPE
  safetensors-edit.py FILE --drop-tensor NAME
  safetensors-edit.py FILE --alias NEW OLD    (NEW shares OLD's bytes)
"""
import argparse
import json
import struct

p = argparse.ArgumentParser()
p.add_argument("file")
p.add_argument("--set-dtype", nargs=2)
p.add_argument("--drop-tensor")
p.add_argument("--alias", nargs=2)
a = p.parse_args()

data = open(a.file, "rb").read()
(n,) = struct.unpack_from("<Q", data)
header = json.loads(data[8:8 + n])
if a.set_dtype:
    header[a.set_dtype[0]]["dtype"] = a.set_dtype[1]
if a.drop_tensor:
    del header[a.drop_tensor]
if a.alias:
    header[a.alias[0]] = dict(header[a.alias[1]])
text = json.dumps(header).encode()
text += b" " * ((-len(text)) % 8)
open(a.file, "wb").write(struct.pack("<Q", len(text)) + text + data[8 + n:])
