#!/usr/bin/env bash
# Writes N synthetic provider specs into DIR: the seed specs (every *.yaml of SEEDS, default
# this repository's specs/) round-robin, provider i renamed to <seed>_<iiii> in both its
# `name:` line and its file name, which validation requires to agree.
# The same rule as `synthetic` in generator/benches/generate.rs.
#
# usage: scripts/synthetic-specs.sh N DIR [SEEDS]
set -euo pipefail

if [[ $# -lt 2 || ! $1 =~ ^[0-9]+$ ]]; then
    echo "usage: $0 N DIR [SEEDS]" >&2
    exit 2
fi
n=$1
dir=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
seeds_dir=${3:-$repo/specs}

seeds=()
for file in "$seeds_dir"/*.yaml; do
    [[ -e $file ]] || break
    seed=$(basename "$file" .yaml)
    # Exactly one top-level `name: <seed>` line, or the rename would silently miss.
    if [[ $(grep -cx "name: $seed" "$file") -ne 1 ]]; then
        echo "$file: not exactly one line 'name: $seed'" >&2
        exit 1
    fi
    seeds+=("$seed")
done
if [[ ${#seeds[@]} -eq 0 ]]; then
    echo "no *.yaml seed specs in $seeds_dir" >&2
    exit 1
fi

mkdir -p "$dir"
rm -f "$dir"/*.yaml
for ((i = 0; i < n; i++)); do
    seed=${seeds[i % ${#seeds[@]}]}
    name=$(printf '%s_%04d' "$seed" "$i")
    sed "s/^name: $seed\$/name: $name/" "$seeds_dir/$seed.yaml" >"$dir/$name.yaml"
done
