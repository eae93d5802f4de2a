#!/usr/bin/env bash
# Instruction counts per operation (callgrind) of the hot paths, ours vs the baseline.
# Usage: benches/callgrind.sh   (needs valgrind; CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
CARGO_PROFILE_RELEASE_DEBUG=true cargo build -q -p benches --release --example callgrind
bin="$target/release/examples/callgrind"
out=$(mktemp -d)
per_op() { # case contender iterations
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='callgrind::measure*' \
        --callgrind-out-file="$out/$1.$2" "$bin" "$1" "$2" "$3" 2>&1 |
        awk -v n="$3" '/Collected/ { printf "%.0f", $4 / n }'
}
echo "| case | baseline Ir/op | ours Ir/op | ratio |"
echo "|---|---:|---:|---:|"
for case in a_singleton b_transient c_transient_deps d_scope e_complex; do
    b=$(per_op "$case" baseline 10000)
    o=$(per_op "$case" ours 10000)
    echo "| $case | $b | $o | $(awk -v o="$o" -v b="$b" 'BEGIN { printf "%.2f×", o / b }') |"
done
echo "| d_scope (hand-written scope) | $(per_op d_scope manual_scope 10000) | | |"
for case in scope_1 scope_1000 get_all_8 keyed; do
    echo "| $case | | $(per_op "$case" ours 2000) | |"
done
echo "| build_1000 | | $(per_op build_1000 ours 5) | |"
echo "| build_10000 | | $(per_op build_10000 ours 2) | |"
echo
echo "callgrind profiles: $out (callgrind_annotate --auto=yes FILE)"
