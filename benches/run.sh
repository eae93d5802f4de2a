#!/usr/bin/env bash
# Runs the whole benchmark suite and prints the medians as markdown tables.
# Usage: benches/run.sh [--peers]   (--peers adds the peer crates; CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
features=()
if [[ "${1:-}" == "--peers" ]]; then
    features=(--features peers)
fi
cargo bench -p benches --benches "${features[@]}" -- --warm-up-time 1 --measurement-time 3
python3 benches/report.py "$target/criterion"
if command -v valgrind >/dev/null; then
    benches/callgrind.sh "$@"
fi
