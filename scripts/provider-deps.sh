#!/usr/bin/env bash
# Issue 12, "Measured targets": a user crate that depends on one provider compiles no other
# provider's code. Cargo compiles exactly a crate's normal dependency tree, so for each
# provider crate in generated/providers/ this lists the generated crates in that tree
# (`cargo tree -e normal`: build and dev dependencies are not the user's) and fails if any is
# another provider's crate or the registry, which holds every provider's data.
#
# usage: scripts/provider-deps.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

status=0
count=0
for dir in generated/providers/*/; do
    [[ -f $dir/Cargo.toml ]] || continue
    crate=tokenspec-provider-$(basename "$dir")
    # Package names only: `cargo tree --prefix none` prints "name vX.Y.Z (path)".
    others=$(cargo tree --offline --quiet -p "$crate" -e normal --prefix none |
        awk '{ print $1 }' | sort -u |
        grep -E '^tokenspec-provider(s|-.*)$' | grep -vx "$crate" || true)
    count=$((count + 1))
    if [[ -n $others ]]; then
        echo "$crate depends on other generated crates:" $others
        status=1
    fi
done
if [[ $count -eq 0 ]]; then
    echo "no provider crates in generated/providers/" >&2
    exit 1
fi
if [[ $status -eq 0 ]]; then
    echo "$count provider crates: each depends on no other provider's crate and not on the registry"
fi
exit $status
