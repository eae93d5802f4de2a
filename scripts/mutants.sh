#!/usr/bin/env bash
# Mutation testing of di-core and di-hosting with cargo-mutants: every mutant that the tests do
# not catch is either a missing test or listed, with the reason it changes nothing observable,
# in mutants-equivalent.md (whose `regex` lines are passed as --exclude-re).
#
#   scripts/mutants.sh                                               # both crates: ~19 h on 2 cores
#   scripts/mutants.sh -p di-core -f di-core/src/dispose/log.rs   # one file
#   scripts/mutants.sh -p di-hosting --features axum -f 'di-hosting/src/web/*.rs'
#
# di-hosting's web/ is compiled only with its `axum` feature: without `--features axum` every
# web mutant builds to nothing and is reported missed.
#
# Runs in place (the checkout is mutated one mutant at a time and restored): a copy of the
# workspace would rebuild every dependency in a second target dir. Do not edit files meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
excludes=()
while IFS= read -r re; do
    excludes+=(--exclude-re "$re")
done < <(sed -n 's/^- regex: `\(.*\)`.*$/\1/p' mutants-equivalent.md)
if [[ $# -eq 0 ]]; then
    set -- -p di-core -p di-hosting --features di-hosting/axum
fi
# Mutants that break a property test make proptest save a seed in a checked-in regressions file:
# restore those files afterwards, whatever the outcome.
restore_regressions() {
    git ls-files -z '*proptest-regressions*' | xargs -0 -r git checkout --
}
trap restore_regressions EXIT
# The loom models are compiled only under --cfg loom; the mutants run the normal suite. Narrow
# the tests per area to save time (the build too: `-C` reaches `cargo test --no-run`), e.g.
#   scripts/mutants.sh -p di-hosting -f 'di-hosting/src/runtime/*.rs' -C --lib -C --test=stop_order
# (then re-check the misses with the whole suite: some are caught only by other test files).
# A mutant that turns a loop endless runs until this timeout (seconds): 300 leaves room for
# the slowest suite on a loaded machine; a narrowed run can lower it (MUTANTS_TIMEOUT=90).
cargo mutants --in-place --no-shuffle --timeout "${MUTANTS_TIMEOUT:-300}" "${excludes[@]}" "$@"
