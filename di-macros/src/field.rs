//! How one field is injected: the dependency type it is fetched as, and the expression that
//! turns the fetched value into the field's value.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{GenericArgument, PathArguments, Type};

/// The shapes a keyed field may have.
enum Shape<'a> {
    /// `Arc<T>`.
    Arc(&'a Type),
    /// `Option<Arc<T>>`.
    Option(&'a Type),
    /// `Vec<Arc<T>>`.
    Vec(&'a Type),
}

/// One injected field.
pub(crate) struct Injected {
    /// The type fetched from the container.
    pub(crate) dependency: TokenStream,
    /// Turns the fetched value, bound to `binding`, into the field's value.
    pub(crate) convert: TokenStream,
}

/// An unkeyed field is fetched as its own type.
pub(crate) fn unkeyed(ty: &Type, binding: &syn::Ident) -> Injected {
    Injected {
        dependency: quote_spanned!(ty.span()=> #ty),
        convert: quote!(#binding),
    }
}

/// An `#[inject(owned)]` field of type `T` is fetched as `Owned<T>` (or `OwnedKeyed<T, K>`
/// under a key) and moved out.
pub(crate) fn owned(ty: &Type, key: Option<&TokenStream>, binding: &syn::Ident) -> Injected {
    let span = ty.span();
    match key {
        None => Injected {
            dependency: quote_spanned!(span=> ::di_core::Owned<#ty>),
            convert: quote!(::di_core::Owned::into_inner(#binding)),
        },
        Some(key) => Injected {
            dependency: quote_spanned!(span=> ::di_core::OwnedKeyed<#ty, #key>),
            convert: quote!(::di_core::OwnedKeyed::into_inner(#binding)),
        },
    }
}

/// A keyed field is fetched as `Keyed<T, K>` (or its `Option`/`Vec`) and unwrapped.
pub(crate) fn keyed(ty: &Type, key: &TokenStream, binding: &syn::Ident) -> syn::Result<Injected> {
    let span = ty.span();
    let keyed = |inner: &Type| quote_spanned!(span=> ::di_core::Keyed<#inner, #key>);
    let injected = match shape(ty) {
        Some(Shape::Arc(inner)) => Injected {
            dependency: keyed(inner),
            convert: quote!(::di_core::Keyed::into_inner(#binding)),
        },
        Some(Shape::Option(inner)) => {
            let keyed = keyed(inner);
            Injected {
                dependency: quote_spanned!(span=> ::core::option::Option<#keyed>),
                convert: quote!(#binding.map(::di_core::Keyed::into_inner)),
            }
        }
        Some(Shape::Vec(inner)) => {
            let keyed = keyed(inner);
            Injected {
                dependency: quote_spanned!(span=> ::std::vec::Vec<#keyed>),
                convert: quote!(#binding.into_iter().map(::di_core::Keyed::into_inner).collect()),
            }
        }
        None => {
            return Err(syn::Error::new(
                span,
                "a keyed field must be `Arc<T>`, `Option<Arc<T>>` or `Vec<Arc<T>>`",
            ));
        }
    };
    Ok(injected)
}

fn shape(ty: &Type) -> Option<Shape<'_>> {
    let (name, inner) = single_argument(ty)?;
    match name.as_str() {
        "Arc" => Some(Shape::Arc(inner)),
        "Option" => arc_of(inner).map(Shape::Option),
        "Vec" => arc_of(inner).map(Shape::Vec),
        _ => None,
    }
}

fn arc_of(ty: &Type) -> Option<&Type> {
    match single_argument(ty)? {
        (name, inner) if name == "Arc" => Some(inner),
        _ => None,
    }
}

/// `Name<Inner>` → (`"Name"`, `Inner`), for a path type whose last segment has one type argument.
fn single_argument(ty: &Type) -> Option<(String, &Type)> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    let mut types = arguments.args.iter().filter_map(|argument| match argument {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    });
    let inner = types.next()?;
    if types.next().is_some() {
        return None;
    }
    Some((segment.ident.to_string(), inner))
}
