//! [`ShortTypeName`]: a type name as users write it, for error messages.

use std::fmt;

/// The crate whose types are all re-exported at its root, so that their module path is an
/// internal detail.
const THIS_CRATE: &str = "di_core::";

/// Displays a type name (from [`std::any::type_name`]) the way users write it: this crate's
/// types by their public path (`di_core::ServiceProvider`) rather than the module they are
/// defined in (`di_core::provider::service_provider::ServiceProvider`), also inside generic
/// arguments. Other names are shown as they are. Every message of this crate uses it.
///
/// # Examples
///
/// ```
/// use di_core::{ServiceProvider, ShortTypeName};
///
/// let name = std::any::type_name::<Option<ServiceProvider>>();
/// assert_eq!(
///     ShortTypeName::new(name).to_string(),
///     "core::option::Option<di_core::ServiceProvider>"
/// );
/// assert_eq!(ShortTypeName::new("app::db::Pool").to_string(), "app::db::Pool");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortTypeName<'a>(&'a str);

impl<'a> ShortTypeName<'a> {
    /// Wraps a type name for display.
    ///
    /// # Examples
    ///
    /// ```
    /// let name = di_core::ShortTypeName::new("di_core::provider::scope::Scope");
    /// assert_eq!(name.to_string(), "di_core::Scope");
    /// ```
    pub fn new(name: &'a str) -> Self {
        Self(name)
    }
}

impl fmt::Display for ShortTypeName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(start) = next_path(rest) {
            f.write_str(&rest[..start])?;
            let path = &rest[start..];
            let end = path
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(path.len());
            let last = path[..end].rsplit("::").next().unwrap_or_default();
            write!(f, "{THIS_CRATE}{last}")?;
            rest = &path[end..];
        }
        f.write_str(rest)
    }
}

/// Where the next path into this crate starts: `di_core::` not preceded by an identifier
/// character (so `my_di_core::X` is left alone).
fn next_path(text: &str) -> Option<usize> {
    text.match_indices(THIS_CRATE).map(|(i, _)| i).find(|&i| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(name: &str) -> String {
        ShortTypeName::new(name).to_string()
    }

    #[test]
    fn this_crates_types_lose_their_module_path_wherever_they_appear() {
        assert_eq!(
            short("di_core::provider::service_provider::ServiceProvider"),
            "di_core::ServiceProvider"
        );
        assert_eq!(
            short("alloc::vec::Vec<di_core::inject::keyed::Keyed<app::Db, app::Primary>>"),
            "alloc::vec::Vec<di_core::Keyed<app::Db, app::Primary>>"
        );
        assert_eq!(
            short("(di_core::provider::scope::Scope, di_core::ServiceKey)"),
            "(di_core::Scope, di_core::ServiceKey)"
        );
    }

    #[test]
    fn other_names_are_shown_as_they_are() {
        assert_eq!(short("app::di_core::Thing"), "app::di_core::Thing");
        assert_eq!(short("my_di_core::a::B"), "my_di_core::a::B");
        assert_eq!(short("u8"), "u8");
        assert_eq!(short("dyn app::Clock"), "dyn app::Clock");
    }
}
