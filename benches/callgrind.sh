#!/usr/bin/env bash
# Instruction counts per operation (callgrind) of the hot paths: ours vs the baseline, and with
# --peers every peer crate on the same driver. Deterministic, unlike wall time on a shared machine.
# Usage: benches/callgrind.sh [--peers]   (needs valgrind; CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
features=()
peers=(baseline ours)
if [[ "${1:-}" == "--peers" ]]; then
    features=(--features peers)
    peers+=(shaku more_di dill froodi dependency_injector host_rs ferrunix)
fi
CARGO_PROFILE_RELEASE_DEBUG=true cargo build -q -p benches --release --example callgrind "${features[@]}"
bin="$target/release/examples/callgrind"
out=$(mktemp -d)
per_op() { # case contender iterations; prints Ir per iteration, or "–" if unsupported
    local ir
    ir=$(valgrind --tool=callgrind --collect-atstart=no --toggle-collect='callgrind::measure*' \
        --callgrind-out-file="$out/$1.$2" "$bin" "$1" "$2" "$3" 2>&1 |
        awk -v n="$3" '/Collected/ && $4 > 0 { printf "%.0f", $4 / n }') || true
    echo "${ir:-–}"
}
contender() { # case who iterations
    case "$2" in
        baseline | ours) per_op "$1" "$2" "$3" ;;
        *) per_op "peer_$1" "$2" "$3" ;;
    esac
}
header="| case (Ir/op) |"
for who in "${peers[@]}"; do header+=" $who |"; done
echo "$header"
echo "|---|$(printf -- '---:|%.0s' "${peers[@]}")"
for case in a_singleton b_transient c_transient_deps d_scope e_complex get_all_8 keyed; do
    row="| $case |"
    for who in "${peers[@]}"; do
        row+=" $(contender "$case" "$who" 5000) |"
    done
    echo "$row"
done
echo
echo "| case | ours Ir/op |"
echo "|---|---:|"
echo "| d_scope, hand-written scope (baseline) | $(per_op d_scope manual_scope 5000) |"
for case in scope_1 scope_1000; do
    echo "| $case (create scope, resolve 1 scoped, drop) | $(per_op "$case" ours 2000) |"
done
echo "| build_1000 | $(per_op build_1000 ours 5) |"
echo "| build_10000 | $(per_op build_10000 ours 2) |"
echo
echo "callgrind profiles: $out (callgrind_annotate --auto=yes FILE)"
