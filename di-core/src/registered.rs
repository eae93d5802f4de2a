//! [`Registrations`]: what is registered for a type that a lookup did not find.

use std::fmt;

use crate::key::ServiceKey;
use crate::type_name::ShortTypeName;

/// What is registered for a type that a lookup did not find: whether it has unkeyed
/// registrations, and its keys. "Not registered" errors show it, so that a lookup under the
/// wrong key (or without one) says what would have been found.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use di_core::{ResolveError, ServiceCollection, ServiceKey};
///
/// struct Db;
/// let mut services = ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Db));
/// services.add_keyed_singleton("primary", || Arc::new(Db));
/// let provider = services.build()?;
/// let Err(ResolveError::KeyedNotRegistered { registered, .. }) = provider.get_keyed::<Db>("replica") else {
///     panic!("no `replica` key");
/// };
/// assert!(registered.has_unkeyed());
/// assert_eq!(registered.keys(), [ServiceKey::from("primary")]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registrations(Option<Box<Known>>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Known {
    unkeyed: bool,
    keys: Vec<ServiceKey>,
    /// The type is registered in the other form than the lookup asked for: owned where a
    /// shared `Arc` was asked for, or the reverse.
    other_form: Option<OtherForm>,
}

/// The other form a type is registered in (see [`Registrations::in_other_form`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OtherForm {
    /// Owned transients of the named type (`add_owned`), where an `Arc` was asked for.
    Owned(&'static str),
    /// Shared registrations of the named type, where an owned value was asked for.
    Shared(&'static str),
}

impl Registrations {
    /// `unkeyed` and `keys` (in registration order); nothing allocated when both are empty.
    pub(crate) fn new(unkeyed: bool, keys: Vec<ServiceKey>) -> Self {
        if !unkeyed && keys.is_empty() {
            return Self(None);
        }
        Self(Some(Box::new(Known {
            unkeyed,
            keys,
            other_form: None,
        })))
    }

    /// Notes that the type is registered in `form` too, so that the message points there.
    pub(crate) fn in_other_form(self, form: OtherForm) -> Self {
        let mut known = self.0.unwrap_or_else(|| {
            Box::new(Known {
                unkeyed: false,
                keys: Vec::new(),
                other_form: None,
            })
        });
        known.other_form = Some(form);
        Self(Some(known))
    }

    /// Whether the type has at least one registration without a key.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!di_core::Registrations::default().has_unkeyed());
    /// ```
    pub fn has_unkeyed(&self) -> bool {
        self.0.as_ref().is_some_and(|known| known.unkeyed)
    }

    /// The keys the type is registered under, each once, in the order of their first
    /// registration.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(di_core::Registrations::default().keys().is_empty());
    /// ```
    pub fn keys(&self) -> &[ServiceKey] {
        self.0.as_ref().map_or(&[], |known| &known.keys)
    }

    /// Whether nothing at all is registered for the type in the form the lookup asked for
    /// (shared `Arc<T>`, or owned `T`): no unkeyed registration and no key.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(di_core::Registrations::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        !self.has_unkeyed() && self.keys().is_empty()
    }

    /// The clause a "not registered" message ends with: `` ; `T` is registered without a key
    /// and with the key "a"``, or nothing when nothing is registered.
    pub(crate) fn hint<'a>(&'a self, service: &'a str) -> Hint<'a> {
        Hint {
            registered: self,
            service,
        }
    }
}

/// For a trait object that nothing provides, the usual cause: the implementation was registered
/// as itself (`Arc<Impl>`), and the container never converts `Arc<Impl>` to `Arc<dyn Trait>`.
fn dyn_hint(f: &mut fmt::Formatter<'_>, service: &str) -> fmt::Result {
    if service.starts_with("dyn ") {
        let service = ShortTypeName::new(service);
        write!(
            f,
            "; a registration of an implementation does not provide `{service}`: register it as the trait object, e.g. `add_singleton(|| Arc::new(MyImpl) as Arc<{service}>)`"
        )?;
    }
    Ok(())
}

/// See [`Registrations::hint`].
pub(crate) struct Hint<'a> {
    registered: &'a Registrations,
    service: &'a str,
}

/// Where a type registered only in the other form is found instead.
fn other_form_hint(f: &mut fmt::Formatter<'_>, form: OtherForm) -> fmt::Result {
    match form {
        OtherForm::Owned(name) => {
            let name = ShortTypeName::new(name);
            write!(
                f,
                "; `{name}` is registered as an owned transient (`add_owned`): resolve it with `get_owned::<{name}>()` or inject `Owned<{name}>`"
            )
        }
        OtherForm::Shared(name) => {
            let name = ShortTypeName::new(name);
            write!(
                f,
                "; `{name}` is registered as a shared service: resolve it with `get::<{name}>()` or inject `Arc<{name}>`"
            )
        }
    }
}

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(known) = &self.registered.0 else {
            return dyn_hint(f, self.service);
        };
        if !self.registered.is_empty() {
            self.registered_as(f, known)?;
        }
        match known.other_form {
            Some(form) => other_form_hint(f, form),
            None => Ok(()),
        }
    }
}

impl Hint<'_> {
    /// `` ; `T` is registered without a key and with the key "a"``.
    fn registered_as(&self, f: &mut fmt::Formatter<'_>, known: &Known) -> fmt::Result {
        write!(f, "; `{}` is registered", ShortTypeName::new(self.service))?;
        if known.unkeyed {
            f.write_str(" without a key")?;
            if !known.keys.is_empty() {
                f.write_str(" and")?;
            }
        }
        match known.keys.as_slice() {
            [] => Ok(()),
            [key] => write!(f, " with the key {key:?}"),
            keys => {
                f.write_str(" with the keys ")?;
                for (i, key) in keys.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key:?}")?;
                }
                Ok(())
            }
        }
    }
}
