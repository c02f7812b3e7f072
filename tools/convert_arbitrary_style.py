#!/usr/bin/env python3
"""Converts Magenta's arbitrary-stylization network, as published for TensorFlow.js in
reiinakano/arbitrary-image-stylization-tfjs (Apache-2.0), into models/arbitrary-style/magenta_separable.safetensors.

Takes from that repository:
  saved_model_transformer_separable_js/  the transformer (depthwise-separable distillation), complete;
  saved_model_style_inception_js/        only the style predictor's bottleneck (768 -> 100), which lies in the
                                         last shard (the InceptionV3 trunk's shards are not usable here: the
                                         project's own InceptionV3 takes their place).

Writes tensors in PyTorch layout under the layer names of models/transform_net_layout.h. Standard library only
(no numpy): the files are small. Usage:
  tools/convert_arbitrary_style.py REPO_CHECKOUT OUT.safetensors
"""
import json
import math
import os
import struct
import sys

SHARD_BYTES = 4 * 1024 * 1024  # tfjs' default shard size: every shard but the last has it

CONTRACT = ["conv1", "conv2", "conv3"]
RESIDUAL = [f"res{b}.conv{c}" for b in range(1, 6) for c in (1, 2)]
EXPAND = ["up1", "up2", "conv_out"]


def tf_scope(layer):
    """TF scope of a transformer layer; the style-parameter scope differs for the expand layers."""
    if layer in CONTRACT:
        return f"transformer/contract/{layer}", None
    if layer in RESIDUAL:
        block, conv = layer.split(".")
        scope = f"residual/residual{block[3:]}/{conv}"
        return f"transformer/residual/residual{block[3:]}/dilate_{conv}", f"style_params/transformer/{scope}/StyleNorm"
    index = EXPAND.index(layer) + 1
    return (f"transformer/expand/conv{index}/dilate_conv",
            f"style_params/transformer/expand/conv{index}/conv/StyleNorm")


def read_manifest(model_dir, available_shards):
    """name -> (shape, list of floats) for every float32 tensor whose bytes are in `available_shards`."""
    with open(os.path.join(model_dir, "model.json")) as f:
        manifest = json.load(f)["weightsManifest"]
    tensors = {}
    for group in manifest:
        shards = {}
        for i, path in enumerate(group["paths"]):
            if i in available_shards(len(group["paths"])):
                with open(os.path.join(model_dir, path), "rb") as f:
                    shards[i] = f.read()
        offset = 0
        for w in group["weights"]:
            count = math.prod(w["shape"]) if w["shape"] else 1
            size = count * 4
            shard, start = divmod(offset, SHARD_BYTES)
            if w["dtype"] == "float32" and "quantization" not in w and shard in shards and \
                    start + size <= len(shards[shard]):
                tensors[w["name"]] = (w["shape"], struct.unpack_from(f"<{count}f", shards[shard], start))
            offset += size
    return tensors


def permute(shape, values, order):
    """values (row-major, `shape`) with axes reordered: new axis i is old axis order[i]."""
    new_shape = [shape[o] for o in order]
    old_strides = [math.prod(shape[i + 1:]) for i in range(len(shape))]
    out = []

    def walk(axis, base):
        if axis == len(order):
            out.append(values[base])
            return
        for j in range(new_shape[axis]):
            walk(axis + 1, base + j * old_strides[order[axis]])

    walk(0, 0)
    return new_shape, out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    repo, out_path = sys.argv[1], sys.argv[2]
    transformer = read_manifest(os.path.join(repo, "saved_model_transformer_separable_js"), lambda n: range(n))
    predictor = read_manifest(os.path.join(repo, "saved_model_style_inception_js"), lambda n: [n - 1])
    out = {}

    def take(source, name, ours, order=None):
        if name not in source:
            sys.exit(f"missing tensor {name}: is {repo} a checkout of reiinakano/arbitrary-image-stylization-tfjs?")
        shape, values = source[name]
        if order:
            shape, values = permute(shape, values, order)
        out[ours] = (shape, values)

    for layer in CONTRACT:
        scope, _ = tf_scope(layer)
        take(transformer, f"{scope}/weights", f"{layer}.weight", (3, 2, 0, 1))  # HWIO -> OIHW
        take(transformer, f"{scope}/BatchNorm/Const", f"{layer}.norm_scale")  # ones: batch norm without gamma
        take(transformer, f"{scope}/BatchNorm/beta", f"{layer}.norm_shift")
        take(transformer, f"{scope}/BatchNorm/moving_mean", f"{layer}.norm_mean")
        take(transformer, f"{scope}/BatchNorm/moving_variance", f"{layer}.norm_var")
    for layer in RESIDUAL + EXPAND:
        scope, style = tf_scope(layer)
        take(transformer, f"{scope}/depthwise_weights", f"{layer}.depthwise", (2, 3, 0, 1))  # HWC1 -> C1HW
        take(transformer, f"{scope}/pointwise_weights", f"{layer}.pointwise", (3, 2, 0, 1))
        # Conv gives the normalisation's shift (beta), Conv_1 its scale (gamma): 1x1 convs on the embedding.
        for conv, part in (("Conv", "shift"), ("Conv_1", "scale")):
            shape, values = transformer[f"{style}/{conv}/weights"][0], transformer[f"{style}/{conv}/weights"][1]
            _, flat = permute(shape, values, (3, 2, 0, 1))
            out[f"style.{layer}.{part}_weight"] = ([shape[3], shape[2]], flat)
            take(transformer, f"{style}/{conv}/biases", f"style.{layer}.{part}_bias")
    shape, values = predictor["Conv/weights"]
    _, flat = permute(shape, values, (3, 2, 0, 1))
    out["style.bottleneck_weight"] = ([shape[3], shape[2]], flat)
    take(predictor, "Conv/biases", "style.bottleneck_bias")

    header = {"__metadata__": {
        "kind": "arbitrary-style",
        "architecture": "magenta-arbitrary-separable",
        "format": "atelier-arbitrary-style-1",
        "source": "reiinakano/arbitrary-image-stylization-tfjs: saved_model_transformer_separable_js, "
                  "saved_model_style_inception_js (bottleneck only)",
        "licence": "Apache-2.0",
    }}
    data = bytearray()
    for name in sorted(out):
        shape, values = out[name]
        begin = len(data)
        data += struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [begin, len(data)]}
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * ((8 - len(blob) % 8) % 8)
    with open(out_path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob + data)
    os.replace(out_path + ".tmp", out_path)
    print(f"{out_path}: {len(out)} tensors, {len(data)} bytes")


if __name__ == "__main__":
    main()
