//! Fixtures of the registration-feature cases: a catch-all keyed singleton, `Lazy<T>` and a
//! decorator, each with a hand-written baseline doing the same work.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

use di_core::{Lazy, ServiceCollection, ServiceKey};

/// A database per key.
#[derive(Debug)]
pub struct Db {
    /// Its key.
    pub name: String,
}

/// What the decorator case decorates.
pub trait Greeter: Send + Sync {
    /// A value, so the call is not optimized away.
    fn greet(&self) -> usize;
}

/// The undecorated implementation.
#[derive(Debug)]
pub struct Plain;

impl Greeter for Plain {
    fn greet(&self) -> usize {
        1
    }
}

/// The decorator.
pub struct Logged(pub Arc<dyn Greeter>);

impl fmt::Debug for Logged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Logged")
    }
}

impl Greeter for Logged {
    fn greet(&self) -> usize {
        self.0.greet() + 1
    }
}

/// A transient holding a lazy database.
#[derive(Debug)]
pub struct Holder {
    /// Resolved on first use.
    pub db: Lazy<Db>,
}

/// The registrations: a catch-all keyed `Db` singleton, an unkeyed `Db` singleton behind a
/// transient `Holder`'s `Lazy`, a transient `dyn Greeter` decorated once and an undecorated
/// transient `Plain`.
pub fn services() -> ServiceCollection {
    let mut services = ServiceCollection::new();
    services.add_keyed_singleton(ServiceKey::any(), |key: ServiceKey| {
        Arc::new(Db {
            name: key.to_string(),
        })
    });
    services.add_singleton(|| {
        Arc::new(Db {
            name: String::from("main"),
        })
    });
    services.add_transient(|db: Lazy<Db>| Arc::new(Holder { db }));
    services.add_transient(|| Arc::new(Plain));
    services.add_transient(|| -> Arc<dyn Greeter> { Arc::new(Plain) });
    services.decorate(|inner: Arc<dyn Greeter>| -> Arc<dyn Greeter> { Arc::new(Logged(inner)) });
    services
}

/// A hand-written lazy holder: the function that makes the value, and the value once made.
pub struct HandHolder {
    make: Arc<dyn Fn() -> Arc<Db> + Send + Sync>,
    db: OnceLock<Arc<Db>>,
}

impl fmt::Debug for HandHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandHolder")
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl HandHolder {
    /// The value, made on first use.
    pub fn get(&self) -> Arc<Db> {
        Arc::clone(self.db.get_or_init(|| (self.make)()))
    }
}

/// The hand-written counterparts.
pub struct Baseline {
    keyed: RwLock<HashMap<String, Arc<Db>>>,
    make_db: Arc<dyn Fn() -> Arc<Db> + Send + Sync>,
}

impl fmt::Debug for Baseline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Baseline")
            .field("keyed", &self.keyed)
            .finish_non_exhaustive()
    }
}

impl Default for Baseline {
    fn default() -> Self {
        let main = Arc::new(Db {
            name: String::from("main"),
        });
        Self {
            keyed: RwLock::default(),
            make_db: Arc::new(move || Arc::clone(&main)),
        }
    }
}

impl Baseline {
    /// A per-key cache under a read-write lock, as one would write it by hand.
    ///
    /// # Panics
    ///
    /// If the lock is poisoned.
    pub fn keyed(&self, key: &str) -> Arc<Db> {
        if let Some(db) = self.keyed.read().expect("lock").get(key) {
            return Arc::clone(db);
        }
        let mut all = self.keyed.write().expect("lock");
        let db = all.entry(key.to_owned()).or_insert_with(|| {
            Arc::new(Db {
                name: key.to_owned(),
            })
        });
        Arc::clone(db)
    }

    /// A new holder with an empty lazy value.
    pub fn holder(&self) -> Arc<HandHolder> {
        Arc::new(HandHolder {
            make: Arc::clone(&self.make_db),
            db: OnceLock::new(),
        })
    }

    /// A decorated transient.
    pub fn decorated(&self) -> Arc<dyn Greeter> {
        Arc::new(Logged(Arc::new(Plain)))
    }
}
