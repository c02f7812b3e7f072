#!/usr/bin/env bash
# ./run bench: the engine's benchmarks and the PyTorch-Python peer, run one after the other in the same job,
# combined into one JSON document on stdout (progress on stderr).
set -euo pipefail
BUILD=$1
shift
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "[bench] atelier (C++/LibTorch) ..." >&2
"$BUILD/cli/atelier" bench "$@" >"$OUT/cpp.jsonl"
# Large Tiled Style, Texture Synthesize, Train Instant Style and Stylize's time to quality have no peer: their JSON lines as they are.
case " $* " in *" --large-style "* | *" --texture "* | *" --train-style "* | *" --stylize "*) cat "$OUT/cpp.jsonl"; exit 0 ;; esac
echo "[bench] PyTorch-Python peer ..." >&2
peer_args=()
for a in "$@"; do peer_args+=("$a"); done
# OpenBLAS on the calling thread, as atelier sets it (core/blas_threads.h): both sides with the same BLAS set-up.
OPENBLAS_NUM_THREADS=1 python3 "$ROOT/tools/bench_peer.py" --models-dir "$ATELIER_MODELS_DIR" "${peer_args[@]}" >"$OUT/peer.jsonl"
python3 "$ROOT/tools/bench_combine.py" "$OUT/cpp.jsonl" "$OUT/peer.jsonl"
