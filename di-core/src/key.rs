//! Keys that tell apart several registrations of one service type.

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The key of a keyed registration: a string or any hashable value such as an enum variant.
///
/// Keys of different types never compare equal: the string `"eu"` and an enum variant `Eu` are
/// distinct keys. A keyed lookup never falls back to unkeyed registrations.
///
/// # Examples
///
/// ```
/// use di_core::ServiceKey;
///
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// enum Region { Eu, Us }
///
/// assert_eq!(ServiceKey::from("eu"), ServiceKey::from(String::from("eu")));
/// assert_eq!(ServiceKey::new("eu"), ServiceKey::from("eu"));
/// assert_ne!(ServiceKey::new(Region::Eu), ServiceKey::new(Region::Us));
/// assert_ne!(ServiceKey::new(Region::Eu), ServiceKey::from("Eu"));
/// ```
#[derive(Clone)]
pub struct ServiceKey(Repr);

#[derive(Clone)]
enum Repr {
    Str(Cow<'static, str>),
    Value(Arc<dyn DynKey>),
    /// The catch-all key of [`ServiceKey::any`].
    Any,
}

trait DynKey: Send + Sync + 'static {
    fn as_any(&self) -> &dyn Any;
    fn eq_dyn(&self, other: &dyn DynKey) -> bool;
    fn hash_dyn(&self, state: &mut dyn Hasher);
    fn fmt_dyn(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<K: Hash + Eq + fmt::Debug + Send + Sync + 'static> DynKey for K {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn eq_dyn(&self, other: &dyn DynKey) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }

    fn hash_dyn(&self, mut state: &mut dyn Hasher) {
        TypeId::of::<K>().hash(&mut state);
        self.hash(&mut state);
    }

    fn fmt_dyn(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl ServiceKey {
    /// Makes a key from any hashable value. Strings (`&'static str`, `String`) become string
    /// keys, equal to the same text given through `From`.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::ServiceKey;
    ///
    /// assert_eq!(ServiceKey::new(3_u8), ServiceKey::new(3_u8));
    /// assert_ne!(ServiceKey::new(3_u8), ServiceKey::new(3_u16));
    /// ```
    pub fn new<K: Hash + Eq + fmt::Debug + Send + Sync + 'static>(key: K) -> Self {
        let any: &dyn Any = &key;
        if let Some(text) = any.downcast_ref::<&'static str>() {
            return Self(Repr::Str(Cow::Borrowed(text)));
        }
        if let Some(text) = any.downcast_ref::<String>() {
            return Self(Repr::Str(Cow::Owned(text.clone())));
        }
        Self(Repr::Value(Arc::new(key)))
    }

    /// The catch-all key (.NET's `KeyedService.AnyKey`): a registration under it serves every
    /// key that has no registration of its own. A singleton catch-all creates one instance per
    /// distinct requested key, a scoped one one per key per scope; its factory can take the
    /// requested key as a [`ServiceKey`] argument. It is never served for unkeyed lookups, and
    /// looking up the catch-all key itself finds nothing.
    ///
    /// Concurrent first resolutions of one key run the factory once; the others wait for it.
    /// A factory that resolves its own key again at run time (through
    /// [`KeyedServices`](crate::KeyedServices)) would wait for itself; the same through a
    /// [`Keyed`](crate::Keyed) argument is a cycle that `build()` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::{ServiceCollection, ServiceKey};
    ///
    /// struct Db { name: String }
    /// let mut services = ServiceCollection::new();
    /// services.add_keyed_singleton(ServiceKey::any(), |key: ServiceKey| {
    ///     Arc::new(Db { name: key.to_string() })
    /// });
    /// services.add_keyed_singleton("main", || Arc::new(Db { name: String::from("primary") }));
    /// let provider = services.build()?;
    /// let reports = provider.get_keyed::<Db>("reports")?;
    /// assert_eq!(reports.name, "reports");
    /// assert!(Arc::ptr_eq(&reports, &provider.get_keyed::<Db>("reports")?));
    /// assert_eq!(provider.get_keyed::<Db>("main")?.name, "primary", "an exact key wins");
    /// assert!(provider.get::<Db>().is_err(), "never served without a key");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn any() -> Self {
        Self(Repr::Any)
    }

    /// Whether this is the catch-all key of [`ServiceKey::any`].
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::ServiceKey;
    /// assert!(ServiceKey::any().is_any());
    /// assert!(!ServiceKey::from("any").is_any());
    /// ```
    pub fn is_any(&self) -> bool {
        matches!(self.0, Repr::Any)
    }

    /// The key's text, when it is a string key.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::ServiceKey;
    ///
    /// assert_eq!(ServiceKey::from("primary").as_str(), Some("primary"));
    /// assert_eq!(ServiceKey::new(1_i32).as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Repr::Str(text) => Some(text),
            Repr::Value(_) | Repr::Any => None,
        }
    }
}

impl PartialEq for ServiceKey {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Str(a), Repr::Str(b)) => a == b,
            (Repr::Value(a), Repr::Value(b)) => a.eq_dyn(&**b),
            (Repr::Any, Repr::Any) => true,
            _ => false,
        }
    }
}

impl Eq for ServiceKey {}

impl Hash for ServiceKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0 {
            Repr::Str(text) => {
                0_u8.hash(state);
                text.hash(state);
            }
            Repr::Value(value) => {
                1_u8.hash(state);
                value.hash_dyn(state);
            }
            Repr::Any => 2_u8.hash(state),
        }
    }
}

impl fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Str(text) => fmt::Debug::fmt(text, f),
            Repr::Value(value) => value.fmt_dyn(f),
            Repr::Any => f.write_str("ServiceKey::any()"),
        }
    }
}

impl fmt::Display for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Str(text) => f.write_str(text),
            Repr::Value(value) => value.fmt_dyn(f),
            Repr::Any => f.write_str("any key"),
        }
    }
}

impl From<&'static str> for ServiceKey {
    fn from(key: &'static str) -> Self {
        Self(Repr::Str(Cow::Borrowed(key)))
    }
}

impl From<String> for ServiceKey {
    fn from(key: String) -> Self {
        Self(Repr::Str(Cow::Owned(key)))
    }
}

/// A key known at compile time, so that a factory argument ([`Keyed<T, K>`](crate::Keyed)) can
/// name a keyed registration and `build()` can validate it.
///
/// Declare one with [`service_key!`](crate::service_key).
///
/// # Examples
///
/// ```
/// use di_core::{ServiceKey, StaticKey};
///
/// struct Primary;
/// impl StaticKey for Primary {
///     fn key() -> ServiceKey {
///         ServiceKey::from("primary")
///     }
/// }
/// assert_eq!(Primary::key().as_str(), Some("primary"));
/// ```
pub trait StaticKey: Send + Sync + 'static {
    /// The key this marker stands for.
    fn key() -> ServiceKey;
}

/// Declares a marker type implementing [`StaticKey`].
///
/// # Examples
///
/// ```
/// use di_core::{service_key, StaticKey};
///
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// enum Region { Eu }
///
/// service_key!(pub Primary = "primary");
/// service_key!(EuKey = Region::Eu);
/// assert_eq!(Primary::key().as_str(), Some("primary"));
/// assert_eq!(EuKey::key(), di_core::ServiceKey::new(Region::Eu));
/// ```
#[macro_export]
macro_rules! service_key {
    ($vis:vis $name:ident = $key:expr) => {
        #[doc = concat!("The service key `", stringify!($key), "`.")]
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;
        impl $crate::StaticKey for $name {
            fn key() -> $crate::ServiceKey {
                $crate::ServiceKey::new($key)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;

    use super::*;

    fn hash_of(key: &ServiceKey) -> u64 {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn equal_keys_hash_alike_and_different_keys_spread() {
        assert_eq!(
            hash_of(&ServiceKey::from("a")),
            hash_of(&ServiceKey::from(String::from("a")))
        );
        assert_ne!(
            hash_of(&ServiceKey::from("a")),
            hash_of(&ServiceKey::from("b"))
        );
        assert_ne!(
            hash_of(&ServiceKey::new(1_i32)),
            hash_of(&ServiceKey::new(2_i32))
        );
        assert_ne!(
            hash_of(&ServiceKey::new(1_i32)),
            hash_of(&ServiceKey::new(1_u32)),
            "the value's type is part of the key"
        );
        assert_ne!(hash_of(&ServiceKey::any()), hash_of(&ServiceKey::from("")));
    }

    #[test]
    fn only_a_string_key_has_text() {
        assert_eq!(ServiceKey::from("primary").as_str(), Some("primary"));
        assert_eq!(ServiceKey::new(1_i32).as_str(), None);
        assert_eq!(ServiceKey::any().as_str(), None);
    }
}
