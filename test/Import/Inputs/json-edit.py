#!/usr/bin/env python3
"""Sets (or with no value, deletes) one top-level key of a JSON file, for the
importer's config tests.  json-edit.py FILE KEY [JSON_VALUE]"""
import json
import sys

path, key = sys.argv[1], sys.argv[2]
config = json.load(open(path))
if len(sys.argv) > 3:
    config[key] = json.loads(sys.argv[3])
else:
    config.pop(key, None)
json.dump(config, open(path, "w"), indent=2)
