#!/usr/bin/env node
// Converts a Keras model of the npm package nsfwjs@4.4.0 (InceptionV3 or MobileNetV2: Keras 2.2.4 functional models
// exported for TensorFlow.js, uint8-quantised weights embedded as base64 in UMD modules) into one safetensors file:
// one F32 tensor per weight under its Keras name in Keras layout, and the Keras model_config as JSON in the
// metadata (key keras_model_config). No npm dependencies; the output is byte-for-byte deterministic.
//
// usage: node nsfwjs_to_safetensors.js NSFWJS_PACKAGE_DIR OUT.safetensors [inception_v3|mobilenet_v2]
"use strict";

const fs = require("fs");
const path = require("path");

function fail(msg) {
  process.stderr.write("nsfwjs_to_safetensors: error: " + msg + "\n");
  process.exit(1);
}

function load_module(file) {
  if (!fs.existsSync(file)) {
    fail("'" + file + "' is missing; pass the directory of the extracted nsfwjs-4.4.0 package " +
         "(npm pack nsfwjs@4.4.0 && tar xzf nsfwjs-4.4.0.tgz gives ./package)");
  }
  try {
    return require(path.resolve(file));
  } catch (e) {
    fail("cannot load '" + file + "': " + e.message + " (is the package complete and not corrupted?)");
  }
}

function main(argv) {
  const models = ["inception_v3", "mobilenet_v2"];
  if (argv.length < 2 || argv.length > 3 || (argv.length === 3 && !models.includes(argv[2]))) {
    process.stderr.write("usage: node nsfwjs_to_safetensors.js NSFWJS_PACKAGE_DIR OUT.safetensors [" +
                         models.join("|") + "]\n");
    process.exit(2);
  }
  const [pkg_dir, out_path, model_name = "inception_v3"] = argv;
  const model_dir = path.join(pkg_dir, "dist", "models", model_name);
  const model = load_module(path.join(model_dir, "model.min.js"));
  if (!model || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    fail("model.min.js does not export {modelTopology, weightsManifest}; expected nsfwjs 4.4.0");
  }
  const model_config = model.modelTopology.model_config;
  if (!model_config || model_config.class_name !== "Model") fail("model.min.js has no Keras functional model_config");

  const tensors = [];  // {name, shape, data: Buffer of little-endian float32}
  for (const group of model.weightsManifest) {
    const shards = group.paths.map((p) => {
      const b64 = load_module(path.join(model_dir, p + ".min.js"));
      if (typeof b64 !== "string") fail("shard '" + p + ".min.js' does not export a base64 string");
      return Buffer.from(b64, "base64");
    });
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      const numel = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      if (w.dtype !== "float32" || !q || q.dtype !== "uint8" || typeof q.min !== "number" ||
          typeof q.scale !== "number") {
        fail("weight '" + w.name + "': expected float32 quantised to uint8 with {min, scale}, found " +
             JSON.stringify({dtype: w.dtype, quantization: q}));
      }
      if (offset + numel > bytes.length) {
        fail("shards are truncated: weight '" + w.name + "' needs bytes " + offset + ".." + (offset + numel) +
             " but the shards hold " + bytes.length);
      }
      // Same arithmetic as tfjs' decodeWeights (double, then rounded to float32).
      const values = new Float32Array(numel);
      for (let i = 0; i < numel; ++i) values[i] = bytes[offset + i] * q.scale + q.min;
      offset += numel;
      const data = Buffer.alloc(numel * 4);
      for (let i = 0; i < numel; ++i) data.writeFloatLE(values[i], i * 4);
      tensors.push({name: w.name, shape: w.shape, data});
    }
    if (offset !== bytes.length) fail("shards hold " + bytes.length + " bytes but the manifest uses " + offset);
  }

  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header = {};
  let pos = 0;
  for (const t of tensors) {
    if (header[t.name]) fail("duplicate weight name '" + t.name + "'");
    header[t.name] = {dtype: "F32", shape: t.shape, data_offsets: [pos, pos + t.data.length]};
    pos += t.data.length;
  }
  header.__metadata__ = {
    format: "keras-functional",
    keras_model_config: JSON.stringify(model_config),
    keras_version: String(model.modelTopology.keras_version || ""),
    source: "npm:nsfwjs@4.4.0",
  };
  let header_text = JSON.stringify(header);
  header_text += " ".repeat((8 - (header_text.length % 8)) % 8);  // align the data to 8 bytes
  const header_bytes = Buffer.from(header_text, "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header_bytes.length));

  const tmp = out_path + ".tmp-" + process.pid;
  try {
    const fd = fs.openSync(tmp, "w");
    fs.writeSync(fd, len);
    fs.writeSync(fd, header_bytes);
    for (const t of tensors) fs.writeSync(fd, t.data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, out_path);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch (_) { /* nothing to clean up */ }
    fail("cannot write '" + out_path + "': " + e.message);
  }
  process.stdout.write("wrote " + out_path + ": " + tensors.length + " tensors, " +
                       (pos / 1048576).toFixed(1) + " MiB\n");
}

main(process.argv.slice(2));
