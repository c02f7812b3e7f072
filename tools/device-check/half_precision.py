# safetensors F32 <-> F16, for tools/device-check: the feature networks travel to the device in half precision
# (the transfer limit) and are turned back there. usage: half_precision.py IN OUT F16|F32
import json, struct, sys, numpy as np
src, dst, to = sys.argv[1], sys.argv[2], sys.argv[3]
f = open(src, 'rb'); n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n)); data = f.read()
frm, dt_from, dt_to = ('F32', np.float32, np.float16) if to == 'F16' else ('F16', np.float16, np.float32)
out, off, blobs = {}, 0, []
for k, v in h.items():
    if k == '__metadata__': out[k] = v; continue
    a, b = v['data_offsets']
    arr = np.frombuffer(data[a:b], dtype=dt_from).astype(dt_to) if v['dtype'] == frm else None
    blob = arr.tobytes() if arr is not None else data[a:b]
    out[k] = dict(v, dtype=to if arr is not None else v['dtype'], data_offsets=[off, off + len(blob)])
    blobs.append(blob); off += len(blob)
hdr = json.dumps(out).encode(); hdr += b' ' * (-len(hdr) % 8)
with open(dst, 'wb') as g: g.write(struct.pack('<Q', len(hdr))); g.write(hdr); [g.write(b) for b in blobs]
