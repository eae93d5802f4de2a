#!/usr/bin/env bash
# Schedule exploration of di-core's storage protocols with loom (di-core/tests/loom_models.rs).
#
# The storage code is compiled with `--cfg loom`, which switches its primitives to loom's through
# di-core/src/sync. A separate target dir keeps that build from invalidating the normal one.
#
#   scripts/models.sh                      # every model, preemption bound 3 (~10 s after the build)
#   LOOM_MAX_PREEMPTIONS=4 scripts/models.sh concurrent_first    # deeper, one model
#   scripts/models.sh --mutations          # break each property once, expect each model to fail
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTFLAGS="--cfg loom"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_LOOM:-$PWD/target/loom}"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-3}"
if [[ "${1:-}" == "--mutations" ]]; then
    shift
    exec python3 scripts/model_mutations.py "$@"
fi
cargo test -p di-core --release --test loom_models -- --test-threads=2 --nocapture "$@"
