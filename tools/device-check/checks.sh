#!/bin/bash
# Second device call (docs/testing.md, "On a lent GPU"), as .devcheck/checks.sh with .devcheck carried: the build
# of tools/device-check/build.sh on the GPU, through the carried Debian 13 loader and libraries and the device's own
# LibTorch. Every step is timed and limited; the log comes back as $OUT/log.txt, with two pictures.
set -u
R=$(cd "$(dirname "$0")/.." && pwd); D=$R/.devcheck; O=${OUT:-/tmp/out}; mkdir -p "$O"
exec > >(tee "$O/log.txt") 2>&1
T=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
S=$(cat $D/source_root); mkdir -p "$(dirname "$S")"; [ -e "$S" ] || ln -s "$R" "$S"  # the tests' fixtures
W=/tmp/dc; mkdir -p $W/models $W/run; cd $W
tar -xJf $D/libs.tar.xz; tar -xJf $D/bin.tar.xz
(xz -dc $D/inception_v3.f16.xz > $W/i.f16 && python3 $D/half_precision.py $W/i.f16 $W/models/inception_v3.safetensors F32) &
(xz -dc $D/mobilenet_v2.f16.xz > $W/m.f16 && python3 $D/half_precision.py $W/m.f16 $W/models/mobilenet_v2.safetensors F32) &
python3 - <<PY
from PIL import Image
k = Image.open('$D/img/kite.jpg').convert('RGB')
k.resize((4000, 3000), Image.LANCZOS).save('$W/big.jpg', quality=92)
Image.open('$D/img/tubingen.jpg').convert('RGB').resize((2048, 1536), Image.LANCZOS).save('$W/tub2048.jpg', quality=92)
import os; os.makedirs('$W/frames', exist_ok=True)
for i in range(12): k.crop((100 + 4 * i, 100 + i, 100 + 4 * i + 640, 100 + i + 360)).save('$W/frames/f%02d.png' % i)
PY
wait
export ATELIER_MODELS_DIR=$W/models
LP=$W/lib:$T/lib:/usr/local/nvidia/lib64
A="$W/lib/ld-linux-x86-64.so.2 --library-path $LP $W/bin/atelier"
U="$W/lib/ld-linux-x86-64.so.2 --library-path $LP $W/bin/unit_tests"
step() { local name=$1 lim=$2; shift 2; echo "=== $name"; local t0=$EPOCHREALTIME
  timeout $lim "$@"; local rc=$?; echo "=== $name rc=$rc seconds=$(awk "BEGIN{print $EPOCHREALTIME - $t0}")"; }
I=$D/img
step devices 60 $A devices
step unit-cuda 120 $U --gtest_filter='*Cuda*:Device.*' --gtest_brief=1
step stylize-default 120 $A stylize --content $I/tubingen.jpg --style-image $I/the_scream.jpg --output $W/run/stylize.png --device cuda
step stylize-2048-fullres 150 $A stylize --content $W/tub2048.jpg --style-image $I/the_scream.jpg --output $O/stylize-2048-fullres.jpg --full-resolution true --device cuda
step arbitrary-4000 120 $A stylize --method arbitrary --content $W/big.jpg --style-image $I/cezanne.jpg --output $W/run/arb.jpg --device cuda
step instant-4000 120 $A stylize --method feed-forward --fast-model wave --content $W/big.jpg --output $W/run/inst.jpg --device cuda
step texture 120 $A texture --source $I/starry_night.jpg --size 1024 --output $W/run/tex.png --device cuda
step dream 120 $A dream --input $I/tubingen.jpg --output $W/run/dream.png --device cuda
step large-style-2048 150 $A large-style --content $W/tub2048.jpg --size 2048 --style-image $I/the_scream.jpg --output $O/large-2048.jpg --device cuda
step train-style 120 $A train-style --style $I/the_scream.jpg --photos $W/frames --iterations 200 --output-model gpu_check --device cuda
step frames 120 $A stylize-frames --frames $W/frames --output $W/run/fr --style-image $I/the_scream.jpg --device cuda
step bench-gatys-cuda 120 $A bench --sizes 512,1024 --networks inception_v3 --iterations 10 --device cuda
step bench-gatys-cpu16 120 $A bench --sizes 512 --networks inception_v3 --iterations 3 --device cpu
step bench-train-cuda 120 $A bench --train-style --sizes 256,512 --iterations 10 --device cuda
step bench-arbitrary-cuda 120 $A bench --arbitrary-widths 1024,4000 --content $I/kite.jpg --style $I/the_scream.jpg --device cuda
ls -la $W/run $W/run/fr | head -30
step unit-filters-cuda 150 env ATELIER_DEVICE=cuda $W/lib/ld-linux-x86-64.so.2 --library-path $LP $W/bin/unit_tests --gtest_brief=1 --gtest_filter='ArbitraryStyle.*:FeedforwardStylize.*:StylizeFilter.*:TextureFilter.*:Dream.*:LargeStyle.*:RunFilter.*:StylizeFrames.*'
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv
