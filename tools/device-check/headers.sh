#!/bin/bash
# First device call (docs/testing.md, "On a lent GPU"): what the device has, and its PyTorch wheel's LibTorch
# headers in $OUT/torch-include.tar.xz (3.4 MB) for tools/device-check/build.sh.
set -x
T=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
python3 -c 'import torch;print(torch.__version__,torch.version.cuda,torch.backends.cudnn.version(),torch._C._GLIBCXX_USE_CXX11_ABI,torch.cuda.get_device_name(0))'
head -1 /etc/os-release; ldd --version | head -1; nvidia-smi -L; ls "$T/lib"
tar -C "$T" -cf - include | xz -T0 -6 > "$OUT/torch-include.tar.xz"
