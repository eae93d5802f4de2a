#!/usr/bin/env bash
# Instruction counts per operation (callgrind) of the hot paths: ours vs the baseline, and with
# --peers every peer crate on the same driver. Deterministic, unlike wall time on a shared machine.
# With --web, only the web cases (case 7): instructions and heap allocations (dhat) per request.
# Usage: benches/callgrind.sh [--peers | --web]   (needs valgrind; CARGO_TARGET_DIR is honoured)
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
per_request() { # case contender; prints "Ir | allocations" per request
    # Whole program, so that the runtime and any disposal task count: the difference between
    # 4,000 and 2,000 requests, divided by 2,000, leaves out the setup.
    local ir=() blocks=() n
    for n in 2000 4000; do
        ir+=("$(valgrind --tool=callgrind --callgrind-out-file="$out/$1.$n" "$bin" "$1" "$2" "$n" 2>&1 |
            awk '/Collected/ { print $4 }')")
        blocks+=("$(valgrind --tool=dhat --dhat-out-file=/dev/null "$bin" "$1" "$2" "$n" 2>&1 |
            awk '/Total:/ { x = $6; gsub(",", "", x); print x }')")
    done
    awk -v a="${ir[0]}" -v b="${ir[1]}" -v c="${blocks[0]}" -v d="${blocks[1]}" \
        'BEGIN { printf "%.0f | %.2f", (b - a) / 2000, (d - c) / 2000 }'
}
web() {
    echo "| web case (per request) | Ir | allocations |"
    echo "|---|---:|---:|"
    for case in web_state:baseline web_state_new_repo:baseline web_hand_scope:baseline \
        web_inject:ours web_inject_outer:ours web_hyper_state:baseline \
        web_hyper_hand_scope:baseline web_hyper_inject:ours web_hyper_inject_outer:ours; do
        echo "| ${case%%:*} | $(per_request "${case%%:*}" "${case##*:}") |"
    done
}
if [[ "${1:-}" == "--web" ]]; then
    web
    echo
    echo "callgrind profiles: $out (callgrind_annotate --inclusive=yes FILE)"
    exit 0
fi
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
echo "| owned case (Ir/op) | baseline (by value) | baseline_boxed | ours | ours_boxed |"
echo "|---|---:|---:|---:|---:|"
for case in b_owned c_owned e_owned; do
    row="| $case |"
    for who in baseline baseline_boxed ours ours_boxed; do
        row+=" $(per_op "$case" "$who" 5000) |"
    done
    echo "$row"
done
echo
echo "| case | ours Ir/op |"
echo "|---|---:|"
echo "| d_scope, hand-written scope (baseline) | $(per_op d_scope manual_scope 5000) |"
echo "| d_scope, hand-written scope holding a type-erased \`Box<dyn Any>\` (the floor without \`unsafe\`) | $(per_op d_scope erased_scope 5000) |"
echo "| d_scope, the type-erased scope plus a scope's required atomics (provider kept alive, creation number, fence) | $(per_op d_scope contract_scope 5000) |"
for case in scope_1 scope_100 scope_1000 scope_10000; do
    echo "| $case (create scope, resolve the last scoped registration, drop) | $(per_op "$case" ours 2000) |"
done
echo "| build_1000 | $(per_op build_1000 ours 5) |"
echo "| build_10000 | $(per_op build_10000 ours 2) |"
echo
web
echo
echo "callgrind profiles: $out (callgrind_annotate --auto=yes FILE)"
