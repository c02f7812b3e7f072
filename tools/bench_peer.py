#!/usr/bin/env python3
"""The benchmark peer: a straightforward PyTorch-Python implementation of the same Gatys algorithm as
engine/gatys.cc (same networks and weights, same losses, L-BFGS with strong-Wolfe line search, one iteration
per step), timed the same way. Prints one JSON object per configuration, one per line.

usage: bench_peer.py --models-dir DIR [--sizes 256,512] [--networks inception_v3,vgg19] [--iterations 5]
"""
import argparse
import json
import math
import os
import resource
import struct
import time

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "I64": torch.int64}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out, meta


def same_pad(size, k, s):
    total = max((math.ceil(size / s) - 1) * s + k - size, 0)
    return total // 2, total - total // 2


class KerasInception:
    """Evaluates the Keras model_config stored with the weights (conv + folded BN, pools, concat)."""

    def __init__(self, path, device, padding=8):
        w, meta = load_safetensors(path)
        model_config = json.loads(meta["keras_model_config"])
        self.layers = model_config.get("config", model_config)["layers"]
        self.padding = padding
        self.params = {}
        by_name = {l["name"]: l for l in self.layers}
        for l in self.layers:
            if l["class_name"] == "Conv2D":
                k = w[l["name"] + "/kernel"].permute(3, 2, 0, 1).contiguous()
                self.params[l["name"]] = [k.to(device), None]
            if l["class_name"] == "BatchNormalization":
                conv = l["inbound_nodes"][0][0][0]
                eps = l["config"]["epsilon"]
                mean, var = w[l["name"] + "/moving_mean"], w[l["name"] + "/moving_variance"]
                beta = w[l["name"] + "/beta"]
                scale = 1 / torch.sqrt(var + eps)
                k, _ = self.params[conv]
                self.params[conv] = [(k * scale.to(device).view(-1, 1, 1, 1)).contiguous(),
                                     ((beta - mean * scale)).to(device)]
        self.by_name = by_name

    def extract(self, x, wanted):
        if self.padding:
            x = F.pad(x, [self.padding] * 4, mode="reflect")
        out = {}
        vals = {}
        remaining = set(wanted)
        for l in self.layers:
            cls, name, cfg = l["class_name"], l["name"], l["config"]
            ins = [vals[n[0]] for n in l["inbound_nodes"][0]] if l["inbound_nodes"] else []
            if cls == "InputLayer":
                y = x
            elif cls == "Conv2D":
                k, b = self.params[name]
                s = cfg["strides"][0]
                inp = ins[0]
                if cfg["padding"] == "same":
                    ph = same_pad(inp.shape[2], k.shape[2], s)
                    pw = same_pad(inp.shape[3], k.shape[3], s)
                    inp = F.pad(inp, [pw[0], pw[1], ph[0], ph[1]])
                y = F.conv2d(inp, k, b, stride=s)
            elif cls == "BatchNormalization":
                y = ins[0]  # folded
            elif cls == "Activation":
                y = F.relu(ins[0]) if cfg["activation"] == "relu" else ins[0]
            elif cls == "MaxPooling2D":
                y = F.max_pool2d(ins[0], cfg["pool_size"], cfg["strides"])
            elif cls == "AveragePooling2D":
                if cfg["padding"] == "same":
                    y = F.avg_pool2d(ins[0], cfg["pool_size"], cfg["strides"], padding=cfg["pool_size"][0] // 2,
                                     count_include_pad=False)
                else:
                    y = F.avg_pool2d(ins[0], cfg["pool_size"], cfg["strides"])
            elif cls == "Concatenate":
                y = torch.cat(ins, 1)
            else:
                break
            vals[name] = y
            if name in remaining:
                out[name] = y
                remaining.discard(name)
                if not remaining:
                    break
        return out


class Vgg19:
    CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512]

    def __init__(self, device, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.convs = []
        c = 3
        for v in self.CFG:
            if v == "M":
                self.convs.append("M")
                continue
            w = torch.randn(v, c, 3, 3, generator=g) * math.sqrt(2 / (9 * c))
            self.convs.append((w.to(device), torch.zeros(v, device=device)))
            c = v
        self.mean = torch.tensor([0.485, 0.456, 0.406], device=device).view(1, 3, 1, 1)
        self.std = torch.tensor([0.229, 0.224, 0.225], device=device).view(1, 3, 1, 1)

    def extract(self, x, wanted):
        x = (x - self.mean) / self.std
        out, block, idx = {}, 1, 1
        remaining = set(wanted)
        for c in self.convs:
            if c == "M":
                x = F.max_pool2d(x, 2)
                block, idx = block + 1, 1
                continue
            x = F.relu(F.conv2d(x, c[0], c[1], padding=1))
            name = f"relu{block}_{idx}"
            idx += 1
            if name in remaining:
                out[name] = x
                remaining.discard(name)
                if not remaining:
                    break
        return out


LAYERS = {
    "inception_v3": (["activation_1", "activation_3", "activation_5", "mixed0", "mixed1", "mixed2", "mixed3",
                      "mixed4", "mixed5"], ["mixed2"]),
    "vgg19": (["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"], ["relu4_2"]),
}


def gram(f):
    n, c, h, w = f.shape
    f = f.reshape(n, c, h * w)
    return torch.bmm(f, f.transpose(1, 2)) / (h * w)


def tv(x):
    return (x[:, :, :, 1:] - x[:, :, :, :-1]).pow(2).mean() + (x[:, :, 1:, :] - x[:, :, :-1, :]).pow(2).mean()


def peak_rss_reset():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(net, name, size, iterations, device):
    style_layers, content_layers = LAYERS[name]
    g = torch.Generator().manual_seed(1)
    content = torch.rand(1, 3, size, size, generator=g).to(device)
    style = torch.rand(1, 3, size, size, generator=g).to(device)
    with torch.no_grad():
        sf = net.extract(style, style_layers)
        targets = [gram(sf[l]) for l in style_layers]
        cf = net.extract(content, content_layers)
        ctargets = [cf[l] for l in content_layers]
    x = content.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=1, history_size=50, tolerance_grad=0, tolerance_change=0,
                            line_search_fn="strong_wolfe")
    layers = style_layers + [l for l in content_layers if l not in style_layers]
    evaluations = [0]

    def closure():
        evaluations[0] += 1
        opt.zero_grad()
        feats = net.extract(x, layers)
        loss = 0
        for l, t in zip(style_layers, targets):
            loss = loss + ((gram(feats[l]) - t).pow(2).sum() / (t.pow(2).sum() + 1e-8)) * (100 / len(style_layers))
        for l, t in zip(content_layers, ctargets):
            loss = loss + (feats[l] - t).pow(2).sum() / (t.pow(2).sum() + 1e-8)
        loss = loss + tv(x) * 3e-3
        loss.backward()
        return loss

    opt.step(closure)  # warm-up
    peak_rss_reset()
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    evaluations[0] = 0
    for _ in range(iterations):
        loss = opt.step(closure)
    loss = float(loss)
    if device.type == "cuda":
        torch.cuda.synchronize()
    dt = (time.perf_counter() - t0) / iterations
    mem = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else peak_rss_mb()
    return {"impl": "pytorch-python", "benchmark": "gatys_iteration", "network": name, "size": size,
            "device": device.type, "ms_per_iteration": round(dt * 1000, 1), "iterations": iterations,
            "evaluations_per_iteration": round(evaluations[0] / iterations, 2),
            "ms_per_evaluation": round(dt * 1000 * iterations / max(1, evaluations[0]), 1),
            "peak_memory_mb": round(mem, 1), "final_loss": loss, "threads": torch.get_num_threads()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models-dir", required=True)
    ap.add_argument("--sizes", default="256,512")
    ap.add_argument("--networks", default="inception_v3,vgg19")
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = ap.parse_args()
    device = torch.device(a.device)
    for name in a.networks.split(","):
        if name == "inception_v3":
            path = os.path.join(a.models_dir, "inception_v3.safetensors")
            if not os.path.exists(path):
                print(json.dumps({"impl": "pytorch-python", "network": name, "skipped": "not installed"}))
                continue
            net = KerasInception(path, device)
        else:
            net = Vgg19(device)
        for size in [int(s) for s in a.sizes.split(",")]:
            print(json.dumps(bench(net, name, size, a.iterations, device)), flush=True)


if __name__ == "__main__":
    main()
