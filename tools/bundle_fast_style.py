#!/usr/bin/env python3
"""Writes a float16 copy of a fast-style safetensors file (as produced by `atelier models import fast-style`),
for bundling the pretrained networks with the program (half the size; the networks run in float32 after loading).

usage: bundle_fast_style.py IN.safetensors OUT.safetensors
"""
import json
import struct
import sys

import numpy as np


def main(src, dst):
    with open(src, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out_header, blobs, offset = {}, [], 0
    for name in sorted(header):
        info = header[name]
        b, e = info["data_offsets"]
        if info["dtype"] != "F32":
            raise SystemExit(f"{src}: tensor {name} is {info['dtype']}, expected F32")
        arr = np.frombuffer(data[b:e], dtype="<f4").astype("<f2")
        blob = arr.tobytes()
        out_header[name] = {"dtype": "F16", "shape": info["shape"], "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    meta["bundled_dtype"] = "float16"
    out_header["__metadata__"] = meta
    text = json.dumps(out_header, separators=(",", ":"), sort_keys=True)
    text += " " * ((8 - (len(text) + 8) % 8) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for blob in blobs:
            f.write(blob)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
