#!/usr/bin/env python3
"""Breaks each property the loom models check, once, and runs the model that must catch it.

Last run (preemption bound 3, 7 min on a loaded 2-core machine): 10 caught, 1 missed as
expected (the fence in `close`, redundant on the modeled paths since the disposal-pass fix).
The `order` mutation (added later) was run on its own: caught, 10 s.

Each mutation is a small textual change to the real di-core code. The script applies one,
runs its model (`--cfg loom`), expects the model to FAIL, and restores the file (from a copy
taken first, so uncommitted work is safe). Prints one line per mutation: caught or MISSED.

    python3 scripts/model_mutations.py            # all
    python3 scripts/model_mutations.py fence      # those whose name contains "fence"

Slow (one release rebuild of di-core per mutation): a manual check, not part of CI.
"""

import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(ROOT, "di-core", "src")

# (name, file under di-core/src, old text, new text, model that must fail)
MUTATIONS = [
    (
        "order: the creation order word updated by a load and a store, not a compare-and-swap",
        "dispose/log.rs",
        """        let mut old = self.order.load(Ordering::Relaxed);
        while let Err(current) = self.order.compare_exchange_weak(
            old,
            ((old & !SLOT_MASK) + ONE_SEQ) | link,
            Ordering::AcqRel,
            Ordering::Relaxed,
        ) {
            old = current;
        }""",
        """        let old = self.order.load(Ordering::Acquire);
        self.order
            .store(((old & !SLOT_MASK) + ONE_SEQ) | link, Ordering::Release);""",
        "concurrent_creations_in_one_scope_are_all_disposed_newest_first",
    ),
    (
        "catch-all: a key's factory run outside its cell's once-initialization",
        "provider/catch_all.rs",
        """        let instance = cell.get_or_try_init(|| {
            created = true;
            create()
        })?;""",
        """        let instance = match cell.get() {
            Some(instance) => instance,
            None => {
                created = true;
                let _ = cell.set(create()?);
                cell.get().expect("set")
            }
        };""",
        "concurrent_first_resolutions_of_a_catch_all_share_one_instance_per_key",
    ),
    (
        "catch-all: the requested key in a std thread-local",
        "provider/catch_all.rs",
        "crate::sync::thread_local! {",
        "std::thread_local! {",
        "concurrent_first_resolutions_of_a_catch_all_share_one_instance_per_key",
    ),
    (
        "slot: factory run outside the cell's once-initialization",
        "provider/storage/cells.rs",
        """        self.value.get_or_try_init(|| {
            self.filling.store(me, Ordering::Relaxed);
            let _reset = Reset(&self.filling);
            init()
        })""",
        """        let value = {
            self.filling.store(me, Ordering::Relaxed);
            let _reset = Reset(&self.filling);
            init()?
        };
        let _ = self.value.set(value);
        Ok(self.value.get().expect("set"))""",
        "concurrent_first_resolutions_share_one_instance_and_one_factory_run",
    ),
    (
        "slot: filling token cleared after init returns, not by a drop guard",
        "provider/storage/cells.rs",
        """            let _reset = Reset(&self.filling);
            init()
        })""",
        """            let outcome = init();
            self.filling.store(0, Ordering::Relaxed);
            outcome
        })""",
        "a_factory_that_panics_leaves_its_slot_retryable_by_every_thread",
    ),
    (
        "re-entrance: any filling thread taken for this one",
        "provider/storage/cells.rs",
        "if self.filling.load(Ordering::Relaxed) == me {",
        "if self.filling.load(Ordering::Relaxed) != 0 {",
        "a_factory_reentering_its_slot_is_told_so_while_a_concurrent_caller_waits",
    ),
    (
        "re-entrance: model thread token from a std thread-local (the trap)",
        "sync/model.rs",
        "loom::thread_local! {",
        "std::thread_local! {",
        "a_factory_reentering_its_slot_is_told_so_while_a_concurrent_caller_waits",
    ),
    (
        "disposal: passes not excluding each other (no `disposal` lock)",
        "dispose/passes.rs",
        """            let Some(mut handed_over) = disposal.try_lock() else {
                break;
            };
            self.take_pass_requests();
            self.hand_over(&mut handed_over);
            for created in self.newest_first(slots, &handed_over) {
                let Some(dispose) = claim(created) else {""",
        """            let Some(mut handed_over) = Some(Vec::new()) else {
                break;
            };
            let _ = disposal;
            self.take_pass_requests();
            self.hand_over(&mut handed_over);
            for created in self.newest_first(slots, &handed_over) {
                let Some(dispose) = claim(created) else {""",
        "concurrent_disposals_dispose_each_instance_once_newest_first",
    ),
    (
        "disposal: started flag set once the dispose finished",
        "dispose/passes.rs",
        """                let Some(dispose) = claim(created) else {
                    continue;
                };
                let outcome = AssertUnwindSafe(dispose(&*created.instance))
                    .catch_unwind()
                    .await;""",
        """                let Some(dispose) = created
                    .dispose
                    .filter(|_| !created.disposal_started.load(Ordering::Acquire))
                else {
                    continue;
                };
                let outcome = AssertUnwindSafe(dispose(&*created.instance))
                    .catch_unwind()
                    .await;
                created.disposal_started.store(true, Ordering::Release);""",
        "a_cancelled_disposal_is_resumed_once_by_concurrent_disposals",
    ),
    (
        "race: no re-read of `closed` after publishing",
        "dispose/log.rs",
        "        if self.closed.load(Ordering::Relaxed) {\n            return Err(self.published_late(slots, service, by_me));",
        "        if false {\n            return Err(self.published_late(slots, service, by_me));",
        "a_scoped_creation_racing_disposal_is_disposed_exactly_once",
    ),
    (
        "race: no fence between publishing and reading `closed`",
        "dispose/log.rs",
        "        // Pairs with the fence in `close`; see the type's docs.\n        fence(Ordering::SeqCst);\n",
        "",
        "a_scoped_creation_racing_disposal_is_disposed_exactly_once",
    ),
    # Not caught, and rightly: since the fix, `pass_still_wanted`'s fence also separates
    # `close` from the walk in `dispose_all`. The fence in `close` still orders
    # `try_dispose_now`'s walk, which no model covers. Kept to show that.
    (
        "race: no fence between closing and walking (redundant on the modeled paths)",
        "dispose/passes.rs",
        "        // Pairs with the fence in `published`; see the docs of `Slots`.\n        fence(Ordering::SeqCst);\n",
        "",
        "a_scoped_creation_racing_disposal_is_disposed_exactly_once",
    ),
    (
        "race: pass requests reset by a plain store, no fence (the bug loom found)",
        "dispose/passes.rs",
        """        fence(Ordering::SeqCst);
        self.pass_wanted.load(Ordering::Relaxed)""",
        """        self.pass_wanted.load(Ordering::SeqCst)""",
        "a_scoped_creation_racing_disposal_is_disposed_exactly_once",
    ),
    (
        "race: a tracked transient not checked against `closed`",
        "dispose/log.rs",
        "        lock(&self.transients).push(created);\n        self.published(slots, service, true)",
        "        lock(&self.transients).push(created);\n        Ok(())",
        "a_transient_tracked_while_its_scope_is_disposed_is_disposed_exactly_once",
    ),
]


def run_model(model):
    env = dict(os.environ)
    env["RUSTFLAGS"] = "--cfg loom"
    env.setdefault("CARGO_TARGET_DIR", os.path.join(ROOT, "target", "loom"))
    command = [
        "cargo", "test", "-q", "-p", "di-core", "--release", "--test", "loom_models",
        "--", "--exact", model,
    ]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def main():
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    missed = 0
    for name, file, old, new, model in MUTATIONS:
        if wanted not in name:
            continue
        path = os.path.join(CORE, file)
        backup = path + ".unmutated"
        shutil.copyfile(path, backup)
        try:
            with open(path) as f:
                text = f.read()
            if text.count(old) != 1:
                print(f"STALE    {name}: the text to mutate is not in {file} once")
                missed += 1
                continue
            with open(path, "w") as f:
                f.write(text.replace(old, new))
            began = time.time()
            outcome = run_model(model)
            took = time.time() - began
            if "error[" in outcome.stderr:
                print(f"NOBUILD  {name}")
                missed += 1
            elif outcome.returncode != 0:
                print(f"caught   {name} ({model}, {took:.0f} s)")
            elif "redundant" in name:
                print(f"missed   {name} ({model}): as expected")
            else:
                print(f"MISSED   {name} ({model})")
                missed += 1
        finally:
            shutil.move(backup, path)
            # The backup is older than the mutant's build: without a fresh mtime, cargo would
            # keep running the mutant.
            os.utime(path)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
