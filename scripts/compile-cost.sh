#!/usr/bin/env bash
# Compile cost per added provider (issue 12, "Measured targets"; results in BENCHMARKS.md).
#
# For each N given (default: 10 100; the first is the baseline), writes N synthetic providers
# (scripts/synthetic-specs.sh), generates a standalone crate of them with
# `tokenspec generate --crate-name`, and times a debug, non-incremental `cargo build --offline`
# of that crate alone, then prints (t_N - t_first) / (N - first) per added provider.
#
# What is timed is the generated crate only: the dependencies are built first, untimed, in a
# target folder of the script's own (so no other cargo run holds its lock while a build is
# timed), and every timed build finds them fresh (the script checks cargo compiled exactly one
# crate). Each N is built REPEAT times with its sources touched in between; the fastest counts,
# since load from other processes only ever adds time. Incremental compilation is off: with it,
# a rebuild of unchanged sources answers from its query cache and measures nothing.
#
# usage: scripts/compile-cost.sh [N...]        e.g. scripts/compile-cost.sh 10 100 1000
# env:   COMPILE_COST_DIR  scratch folder (default: <repo>/target/compile-cost)
#        COMPILE_COST_TARGET  cargo target folder of the timed builds (default: the scratch
#                          folder's target/; another run's folder reuses its dependencies)
#        REPEAT            timed builds per N (default: 2)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${COMPILE_COST_DIR:-$repo/target/compile-cost}
repeat=${REPEAT:-2}
sizes=("$@")
if [[ ${#sizes[@]} -eq 0 ]]; then
    sizes=(10 100)
fi
for n in "${sizes[@]}"; do
    if [[ ! $n =~ ^[1-9][0-9]*$ ]]; then
        echo "usage: $0 [N...] (positive numbers of providers)" >&2
        exit 2
    fi
done
if [[ ! $repeat =~ ^[1-9][0-9]*$ ]]; then
    echo "REPEAT must be a positive number" >&2
    exit 2
fi

# The generator, built by the workspace (its own target folder, not timed).
(cd "$repo" && cargo build --quiet --release -p tokenspec)
tokenspec=${CARGO_TARGET_DIR:-$repo/target}/release/tokenspec

# A scratch workspace of its own, one member per N, with this repository's lock file so that
# `--offline` resolves to the versions the workspace already downloaded.
mkdir -p "$work"
members=""
for n in "${sizes[@]}"; do
    members+="\"providers-$n\", "
done
printf '# Scratch workspace of scripts/compile-cost.sh: not a member of the tokenspec workspace.\n[workspace]\nresolver = "3"\nmembers = [%s]\n' \
    "${members%, }" >"$work/Cargo.toml"
cp "$repo/Cargo.lock" "$work/Cargo.lock"

for n in "${sizes[@]}"; do
    rm -rf "$work/specs-$n" "$work/providers-$n"
    "$repo/scripts/synthetic-specs.sh" "$n" "$work/specs-$n"
    "$tokenspec" generate --specs "$work/specs-$n" --out "$work/providers-$n" \
        --crate-name "providers-$n" --runtime-path "$repo/runtime" >/dev/null
done

export CARGO_TARGET_DIR=${COMPILE_COST_TARGET:-$work/target}
export CARGO_INCREMENTAL=0
# A build outside the workspace takes no flags from the caller's environment.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

cargo_build() {
    (cd "$work" && cargo build --offline -p "providers-$1" "${@:2}")
}

# The dependencies, once, untimed: the smallest crate pulls in all of them.
echo "building the dependencies (untimed) ..." >&2
cargo_build "${sizes[0]}" --quiet

declare -A best
for n in "${sizes[@]}"; do
    lines=$(cat "$work/providers-$n"/src/*.rs | wc -l)
    times=""
    for ((r = 0; r < repeat; r++)); do
        # Fresh sources: cargo rebuilds the generated crate and nothing else.
        touch "$work/providers-$n"/src/*.rs
        log=$(mktemp)
        start=$(date +%s.%N)
        cargo_build "$n" 2>"$log"
        end=$(date +%s.%N)
        compiled=$(grep -c '^ *Compiling ' "$log" || true)
        only=$(grep -c "^ *Compiling providers-$n " "$log" || true)
        rm -f "$log"
        if [[ $compiled -ne 1 || $only -ne 1 ]]; then
            echo "N=$n: cargo compiled $compiled crates, expected providers-$n alone" >&2
            exit 1
        fi
        t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
        times+="$t s  "
        if [[ -z ${best[$n]:-} ]] || awk -v a="$t" -v b="${best[$n]}" 'BEGIN { exit !(a < b) }'; then
            best[$n]=$t
        fi
    done
    printf 'N=%-5s %7s lines  builds: %s fastest: %s s\n' "$n" "$lines" "$times" "${best[$n]}"
done

base=${sizes[0]}
for n in "${sizes[@]:1}"; do
    if [[ $n -le $base ]]; then
        continue
    fi
    awk -v n="$n" -v b="$base" -v tn="${best[$n]}" -v tb="${best[$base]}" \
        'BEGIN { printf "per added provider, %d -> %d: (%.2f - %.2f) / %d = %.3f s\n", b, n, tn, tb, n - b, (tn - tb) / (n - b) }'
done
echo "load: $(uptime)"
