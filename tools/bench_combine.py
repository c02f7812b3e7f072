#!/usr/bin/env python3
"""Combines the C++ and PyTorch-Python benchmark lines into one JSON document with speed-up ratios."""
import datetime
import json
import platform
import sys


def read(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


cpp, peer = read(sys.argv[1]), read(sys.argv[2])
key = lambda r: (r.get("benchmark"), r.get("network"), r.get("size"), r.get("device"))
peers = {key(r): r for r in peer if "ms_per_iteration" in r}
results = []
for r in cpp:
    p = peers.get(key(r))
    row = {"benchmark": r["benchmark"], "network": r["network"], "size": r["size"], "device": r["device"],
           "atelier": r, "pytorch_python": p}
    if p and r.get("ms_per_iteration") and p.get("ms_per_iteration"):
        row["speedup_vs_pytorch_python"] = round(p["ms_per_iteration"] / r["ms_per_iteration"], 2)
    if p and r.get("ms_per_evaluation") and p.get("ms_per_evaluation"):
        row["speedup_per_evaluation"] = round(p["ms_per_evaluation"] / r["ms_per_evaluation"], 2)
    results.append(row)
doc = {"date": datetime.date.today().isoformat(), "machine": platform.node(), "cpu": platform.processor(),
       "results": results}
print(json.dumps(doc, indent=2))
