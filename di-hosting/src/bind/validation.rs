//! [`ValidationError`]: why a validator rejected bound options.

/// Why a validator (added with
/// [`HostBuilder::validate_options`](crate::HostBuilder::validate_options)) rejected options.
/// Name the offending field with [`field`](Self::field), so the host's error can show its full
/// key, its value and where that value came from.
///
/// # Examples
///
/// ```
/// use di_hosting::ValidationError;
///
/// let error = ValidationError::field("batch_size", "must be between 1 and 1000");
/// assert_eq!(error.key(), Some("batch_size"));
/// assert_eq!(error.to_string(), "must be between 1 and 1000");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    key: Option<String>,
    message: String,
}

impl ValidationError {
    /// The options are invalid as a whole (e.g. two fields contradict each other).
    ///
    /// # Examples
    ///
    /// ```
    /// let error = di_hosting::ValidationError::new("`min` must not exceed `max`");
    /// assert_eq!(error.key(), None);
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            key: None,
            message: message.into(),
        }
    }

    /// The field `key` (dotted, relative to the options' section) is invalid.
    ///
    /// # Examples
    ///
    /// See [`ValidationError`].
    pub fn field(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: Some(key.into()),
            message: message.into(),
        }
    }

    /// The offending field, relative to the section.
    ///
    /// # Examples
    ///
    /// See [`ValidationError`].
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// What is wrong.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(di_hosting::ValidationError::new("bad").message(), "bad");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}
