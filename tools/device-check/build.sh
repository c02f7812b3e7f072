#!/bin/bash
# Builds Neural Atelier against the LibTorch of the device machine's PyTorch wheel and stages what the GPU checks
# need in .devcheck/ (docs/testing.md, "On a lent GPU"). Runs in the Debian 13 build environment:
#   ./run shell tools/device-check/build.sh /work/.device/N/torch-include.tar.xz
# The wheel's libraries (about 1 GB) stay on the device. Here the build links against stand-ins that define every
# LibTorch symbol our objects use; on the device the real libraries answer them. The Debian 13 libraries the
# programs need travel with the carried loader (stand_in_libs.py): the device's Ubuntu has neither them nor glibc 2.41.
set -euo pipefail
HEADERS=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
HERE=$ROOT/tools/device-check
TORCH=${DEVICE_TORCH:-${ATELIER_CACHE:-$HOME/.cache/neural-atelier}/torch-wheel}   # outside the source tree, for meson
BUILD=${DEVICE_BUILD:-$ROOT/_build/device}
STAGE=$ROOT/.devcheck
MODELS=${ATELIER_MODELS_DIR:-${ATELIER_CACHE:-$HOME/.cache/neural-atelier}/models}

rm -rf "$TORCH" && mkdir -p "$TORCH/lib"
tar -C "$TORCH" -xJf "$HEADERS"
echo > "$TORCH/empty.c"
for l in torch_cpu c10; do gcc -shared -fPIC -o "$TORCH/lib/lib$l.so" -Wl,-soname,lib$l.so "$TORCH/empty.c"; done
[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" --buildtype=release -Dtorch_dir="$TORCH" -Dplugin=disabled -Dcpp_args=-fPIC
ninja -C "$BUILD" -k 0 cli/atelier tests/unit_tests || true   # compiles everything; the links fail until the stand-ins

# The link stand-in: every symbol our objects use that neither they nor the Debian libraries define.
objects=$(find "$BUILD" -name '*.o')
nm -u --format=posix $objects 2>/dev/null | grep -v ':$' | awk '{print $1}' | sort -u > "$TORCH/undefined.txt"
nm --defined-only --format=posix $objects 2>/dev/null | awk '$2 ~ /[TtWwVvDdBbRru]/ {print $1}' | sort -u > "$TORCH/ours.txt"
L=/usr/lib/x86_64-linux-gnu
{ for f in libstdc++.so.6 libgcc_s.so.1 libc.so.6 libm.so.6 libopencv_core.so.410 libopencv_imgproc.so.410 \
    libopencv_video.so.410 libopencv_videoio.so.410 libexif.so.12 libcurl.so.4 libzip.so.5; do
    nm -D --defined-only --format=posix $L/$f | awk '{print $1}' | sed 's/@.*//'
  done
  nm --defined-only --format=posix $L/libgtest.a $L/libgmock.a 2>/dev/null | awk 'NF >= 2 && $2 ~ /[TtWwVvDdBbRru]/ {print $1}'
} | sort -u > "$TORCH/system.txt"
comm -23 "$TORCH/undefined.txt" "$TORCH/ours.txt" | comm -23 - "$TORCH/system.txt" |
  grep -v -E '^(_GLOBAL_OFFSET_TABLE_|__dso_handle|__tls_get_addr)$' > "$TORCH/torch.txt"
# Thread-locals (c10's dispatch key set) must be thread-locals in the stand-in too.
readelf -rW $objects | awk '/TPOFF|TLSGD|TLSLD|DTPOFF|TLSDESC/ {print $5}' | sort -u | comm -12 - "$TORCH/torch.txt" > "$TORCH/tls.txt"
{ comm -23 "$TORCH/torch.txt" "$TORCH/tls.txt" | awk '{printf ".globl %s\n.type %s,@function\n%s:\nret\n", $1, $1, $1}'
  awk '{printf ".section .tbss,\"awT\",@nobits\n.globl %s\n.type %s,@object\n.size %s,64\n%s:\n.zero 64\n", $1, $1, $1, $1}' "$TORCH/tls.txt"
} > "$TORCH/stand_in.s"
gcc -shared -nostdlib -o "$TORCH/lib/libtorch_cpu.so" -Wl,-soname,libtorch_cpu.so "$TORCH/stand_in.s"
echo "$(wc -l < "$TORCH/torch.txt") LibTorch symbols, $(wc -l < "$TORCH/tls.txt") of them thread-local"
ninja -C "$BUILD" cli/atelier tests/unit_tests

# What travels: the programs, their Debian 13 libraries, the feature networks in half precision (the transfer
# limit is 64 MiB; the device turns them back into single precision), test pictures and the checks.
rm -rf "$STAGE" && mkdir -p "$STAGE/pack/bin" "$STAGE/img"
cp "$BUILD/cli/atelier" "$BUILD/tests/unit_tests" "$STAGE/pack/bin/" && strip "$STAGE/pack/bin/"*
python3 "$HERE/stand_in_libs.py" "$STAGE/pack/lib" "$STAGE/pack/bin/atelier" "$STAGE/pack/bin/unit_tests"
tar -C "$STAGE/pack" -cJf "$STAGE/libs.tar.xz" lib && tar -C "$STAGE/pack" -cJf "$STAGE/bin.tar.xz" bin && rm -rf "$STAGE/pack"
for m in inception_v3 mobilenet_v2; do
  python3 "$HERE/half_precision.py" "$MODELS/$m.safetensors" "$STAGE/$m.f16" F16 && xz -T2 "$STAGE/$m.f16"
done
cp "$ROOT"/../shared/data/images/{tubingen.jpg,the_scream.jpg,starry_night.jpg,kite.jpg,cezanne.jpg} "$STAGE/img/"
cp "$HERE/checks.sh" "$HERE/half_precision.py" "$STAGE/" && echo "$ROOT" > "$STAGE/source_root"
du -sh "$STAGE"
