#!/bin/sh
# `atelier models` paths that need no network: help, list on an empty library (the bundled networks listed as
# such), verify detecting a corrupt file,
# unknown names and import errors.
set -u
ATELIER=$1
. "$(dirname "$0")/cli_lib.sh"
expect 0 "install \[NAME" "$ATELIER" models --help
expect 2 "usage" "$ATELIER" models
expect 0 "inception_v3 *missing" "$ATELIER" models --dir "$DIR" list
expect 0 "atelier models import vgg19" "$ATELIER" models --dir "$DIR" list
# The networks that come with the program are usable without a copy in the library.
expect 0 "fast-style/wave *bundled" "$ATELIER" models --dir "$DIR" list
expect 0 "arbitrary-style/magenta *bundled" "$ATELIER" models --dir "$DIR" list
expect 0 "no models are installed" "$ATELIER" models --dir "$DIR" verify
expect 1 "MISSING" "$ATELIER" models --dir "$DIR" verify inception_v3
echo "not the real weights" >"$DIR/inception_v3.safetensors"
expect 1 "CORRUPT" "$ATELIER" models --dir "$DIR" verify
expect 0 "inception_v3 *installed" "$ATELIER" models --dir "$DIR" list
expect 1 "unknown model 'nosuch'" "$ATELIER" models --dir "$DIR" install nosuch
expect 1 "is not a file" "$ATELIER" models --dir "$DIR" import vgg19 "$DIR/missing.pth"
expect 1 "is not a directory" "$ATELIER" models --dir "$DIR" import fast-style "$DIR/missing"
expect 1 "vgg19' or 'fast-style" "$ATELIER" models --dir "$DIR" import resnet "$DIR"
expect 2 "unknown command" "$ATELIER" models --dir "$DIR" frobnicate
echo "cli-models: all checks passed"
