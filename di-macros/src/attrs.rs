//! Parsing the `#[inject(...)]` attribute of one field.

use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprLit, Lit, Token};

/// The key of a keyed field: a string literal, or a `StaticKey` type.
pub(crate) enum FieldKey {
    /// `#[inject(key = "primary")]`.
    Literal(syn::LitStr),
    /// `#[inject(key = Primary)]`.
    Type(syn::Path),
}

/// What `#[inject(...)]` says about a field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// `#[inject(key = ...)]`.
    pub(crate) key: Option<FieldKey>,
    /// `#[inject(default)]`: the span of the `default` word.
    pub(crate) default: Option<proc_macro2::Span>,
    /// `#[inject(owned)]`: the field is an owned transient, received by value.
    pub(crate) owned: Option<proc_macro2::Span>,
}

impl FieldAttrs {
    /// Reads every `#[inject]` attribute of a field; other attributes are ignored.
    pub(crate) fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut parsed = Self::default();
        for attr in attrs.iter().filter(|attr| attr.path().is_ident("inject")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("default") {
                    parsed.default = Some(meta.path.span());
                    Ok(())
                } else if meta.path.is_ident("owned") {
                    parsed.owned = Some(meta.path.span());
                    Ok(())
                } else if meta.path.is_ident("key") {
                    meta.input.parse::<Token![=]>()?;
                    parsed.key = Some(parse_key(meta.input.parse::<Expr>()?)?);
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown `inject` option; expected `key = \"...\"`, `key = KeyType`, `owned` or `default`",
                    ))
                }
            })?;
        }
        if let (Some(span), Some(_)) = (parsed.default, &parsed.key) {
            return Err(syn::Error::new(
                span,
                "a field cannot be both `default` and keyed: a default field is not injected",
            ));
        }
        if let (Some(span), Some(_)) = (parsed.default, parsed.owned) {
            return Err(syn::Error::new(
                span,
                "a field cannot be both `default` and `owned`: a default field is not injected",
            ));
        }
        Ok(parsed)
    }
}

fn parse_key(expr: Expr) -> syn::Result<FieldKey> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => Ok(FieldKey::Literal(text)),
        Expr::Path(path) if path.qself.is_none() => Ok(FieldKey::Type(path.path)),
        other => Err(syn::Error::new(
            other.span(),
            "the key must be a string literal or a `StaticKey` type (declare one with `di_core::service_key!`)",
        )),
    }
}
