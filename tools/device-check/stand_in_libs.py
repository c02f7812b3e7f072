#!/usr/bin/env python3
"""For tools/device-check: copies the Debian 13 libraries that PROGRAMs need into OUT_DIR, the real ones where
listed in REAL, and stand-ins for the rest (the symbols the real libraries use from them, returning 0, with their
version nodes), so that a Debian 13 build runs on the device's Ubuntu, with its own LibTorch, through the carried
loader. The full set (FFmpeg, GStreamer, GDAL, ... behind OpenCV's video input) is 360 MB; this one is 6 MB packed.
Video files cannot be read there (their decoders are stand-ins): the checks use folders of frames.
usage: stand_in_libs.py OUT_DIR PROGRAM..."""
import os, re, subprocess, sys
from collections import defaultdict
LIB = '/usr/lib/x86_64-linux-gnu'
DEVICE = {'libtorch_cpu.so', 'libc10.so', 'libtorch_cuda.so', 'libc10_cuda.so', 'libtorch.so'}
REAL = set('''ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 libstdc++.so.6
libgcc_s.so.1 libgomp.so.1 libopencv_core.so.410 libopencv_imgproc.so.410 libopencv_video.so.410
libopencv_videoio.so.410
libopencv_flann.so.410 libexif.so.12 libcurl.so.4 libzip.so.5 libz.so.1 libzstd.so.1
libbz2.so.1.0 liblzma.so.5 libtbb.so.12 libatomic.so.1'''.split())

def sh(*a): return subprocess.run(a, capture_output=True, text=True, check=True).stdout
def path_of(so):
    for d in (LIB, '/lib64', '/usr/lib/x86_64-linux-gnu/openblas-pthread', '/usr/lib/x86_64-linux-gnu/blas',
              '/usr/lib/x86_64-linux-gnu/lapack'):
        p = os.path.join(d, so)
        if os.path.exists(p): return os.path.realpath(p)
    sys.exit('not found: ' + so)
def needed(p): return re.findall(r'\(NEEDED\).*\[(.*)\]', sh('readelf', '-dW', p))
def dynsyms(p):  # (name, version or '', hidden?, defined?, type, size)
    out = []
    for line in sh('readelf', '--dyn-syms', '-W', p).splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].rstrip(':').isdigit(): continue
        typ, bind, ndx, name = f[3], f[4], f[6], f[7]
        if bind == 'LOCAL' or not name: continue
        ver, hidden = '', False
        if '@@' in name: name, ver = name.split('@@', 1)
        elif '@' in name: name, ver = name.split('@', 1); hidden = True
        ver = ver.split(' ')[0]
        size = int(f[2], 0) if f[2].startswith('0x') else int(f[2])
        out.append((name, ver, hidden, ndx != 'UND', typ, size, bind))
    return out
def verneed(p):  # {file: set(versions)}
    res, cur = defaultdict(set), None
    txt = sh('readelf', '-V', '-W', p)
    part = txt.split("Version needs section")[1] if "Version needs section" in txt else ''
    for line in part.splitlines():
        m = re.search(r'File: (\S+)', line)
        if m: cur = m.group(1); continue
        m = re.search(r'Name: (\S+)', line)
        if m and cur: res[cur].add(m.group(1))
    return res

out_dir, roots = sys.argv[1], sys.argv[2:]
os.makedirs(out_dir, exist_ok=True)
carried, stubs, todo = {}, set(), []
for r in roots: todo += needed(r)
while todo:
    so = todo.pop()
    if so in carried or so in stubs or so in DEVICE: continue
    if so in REAL or so.startswith(('libgtest', 'libgmock')):
        carried[so] = path_of(so); todo += needed(carried[so])
    else:
        stubs.add(so)
objs = list(roots) + list(carried.values())
undef, vneeds = set(), defaultdict(set)
for o in objs:
    for s in dynsyms(o):
        if not s[3]: undef.add(s[0])
    for f, vs in verneed(o).items(): vneeds[f] |= vs
for so, p in carried.items():
    subprocess.run(['cp', '-L', p, os.path.join(out_dir, so)], check=True)
for so in sorted(stubs):
    defs = [s for s in dynsyms(path_of(so)) if s[3] and s[0] in undef]
    nodes = set(vneeds.get(so, ())) | {s[1] for s in defs if s[1]}
    asm, script = ['.text'], defaultdict(list)
    for i, (name, ver, hidden, _, typ, size, bind) in enumerate(defs):
        label = name if not hidden else f'__stub_{i}'
        if typ in ('OBJECT', 'TLS'):
            asm += ['.data', f'.globl {label}', f'.type {label},@object', f'.size {label},{max(size,1)}', f'{label}:',
                    f'.zero {max(size,1)}', '.text']
        else:
            asm += [f'.globl {label}', f'.type {label},@function', f'{label}:', 'xor %eax,%eax', 'ret']
        if hidden: asm.append(f'.symver {label},{name}@{ver}')
        elif ver: script[ver].append(name)
    base = os.path.join(out_dir, 'stub_' + so)
    open(base + '.s', 'w').write('\n'.join(asm) + '\n')
    vs = ''.join(f'{v} {{ global: {"; ".join(script[v]) + ";" if script[v] else ""} }};\n' for v in sorted(nodes))
    unversioned = [s[0] for s in defs if not s[1]]
    if nodes:
        vs = vs.rstrip('\n')
        vs = vs[:-2] + ' local: *; };\n' if not unversioned else vs + '\n'
    open(base + '.map', 'w').write(vs)
    args = ['gcc', '-shared', '-nostdlib', '-o', os.path.join(out_dir, so), base + '.s', '-Wl,-soname,' + so]
    if nodes: args.append('-Wl,--version-script=' + base + '.map')
    subprocess.run(args, check=True)
    os.remove(base + '.s'); os.remove(base + '.map')
print(f'{len(carried)} carried, {len(stubs)} stand-ins')
