#!/usr/bin/env bash
# Fails when an import inside di-core runs back up the data path.
#
# The layers, top to bottom (a module may use its own items and any module *below* it):
#
#   1. registration   ServiceCollection, the factory traits, erasure into descriptors
#   2. inject         the `Dependency` trait and its implementations (factory arguments)
#   3. plan           build(): index, plan, validate, freeze
#   4. provider       run time: ServiceProvider, Scope, Resolver, call sites, storage
#   5. dispose        AsyncDispose, Disposer, the disposal log and its passes
#   6. bottom         types every phase shares: error, key, lifetime, type_name, sync,
#                     registered, graph
#
# Modules in the bottom layer may use each other (they form no phase). Every path that names a
# crate module counts, not only `use` lines: `crate::plan::Planner` written inline is an import
# of `plan`. Comments (and so doc links) are ignored. `crate::{a, b}` groups are refused, so
# that every import names its module on its own line; `super::super` is refused, so that
# `crate::` is the only way out of a module.
set -euo pipefail
cd "$(dirname "$0")/../di-core/src"

level() {
    case "$1" in
    registration) echo 1 ;;
    inject) echo 2 ;;
    plan) echo 3 ;;
    provider) echo 4 ;;
    dispose) echo 5 ;;
    error | key | lifetime | type_name | sync | registered | graph) echo 6 ;;
    *) echo "unknown" ;;
    esac
}

failed=0
while IFS= read -r file; do
    [ "$file" = "./lib.rs" ] && continue
    module=${file#./}
    module=${module%%/*}
    module=${module%.rs}
    own=$(level "$module")
    if [ "$own" = unknown ]; then
        echo "$file: module \`$module\` has no layer; add it to scripts/check-layers.sh"
        failed=1
        continue
    fi
    # Strip line comments (and so doc comments), then list every `crate::name` with its line.
    while IFS=: read -r line used; do
        case "$used" in
        "{"*)
            echo "$file:$line: \`crate::{…}\` group; write one \`use\` per module"
            failed=1
            continue
            ;;
        super::super)
            echo "$file:$line: \`super::super\`; name the module with \`crate::\`"
            failed=1
            continue
            ;;
        esac
        [ "$used" = "$module" ] && continue
        theirs=$(level "$used")
        if [ "$theirs" = unknown ]; then
            echo "$file:$line: \`crate::$used\` is not a known module"
            failed=1
        elif [ "$own" -ne 6 ] && [ "$theirs" -lt "$own" ]; then
            echo "$file:$line: \`$module\` (layer $own) uses \`$used\` (layer $theirs), which is above it"
            failed=1
        elif [ "$own" -eq 6 ] && [ "$theirs" -ne 6 ]; then
            echo "$file:$line: bottom module \`$module\` uses \`$used\` (layer $theirs)"
            failed=1
        fi
    done < <(sed -e 's#//.*$##' "$file" |
        grep -noE '(\$?crate::(\{|[a-z_]+)|super::super)' |
        grep -v ':\$crate' |
        sed -e 's/:crate::/:/')
done < <(find . -name '*.rs' | sort)

if [ "$failed" -ne 0 ]; then
    echo "check-layers: an import runs back up the data path (see the list above)"
    exit 1
fi
echo "check-layers: imports point down the data path"
