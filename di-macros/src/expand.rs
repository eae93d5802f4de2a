//! The expansion of `#[derive(Injectable)]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields};

use crate::attrs::{FieldAttrs, FieldKey};
use crate::field::{self, Injected};

/// The most elements one dependency tuple may have (di-core implements `Dependency` for tuples
/// of up to twelve); longer lists are nested.
const TUPLE_LIMIT: usize = 12;

/// What the derive generates for one field.
struct FieldPlan {
    /// The field's value in the constructor.
    value: TokenStream,
    /// The field's dependency and binding, when it is injected.
    injected: Option<(Injected, syn::Ident)>,
}

/// Expands the derive for `input`, or explains (at the offending span) why it cannot.
pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(data) => &data.fields,
        Data::Enum(data) => return Err(not_a_struct(data.enum_token.span)),
        Data::Union(data) => return Err(not_a_struct(data.union_token.span)),
    };
    let mut markers = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut plans = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        match plan_field(index, field, &mut markers) {
            Ok(plan) => plans.push(plan),
            Err(error) => match &mut errors {
                Some(all) => all.combine(error),
                None => errors = Some(error),
            },
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    let (dependencies, pattern) = nest(
        plans
            .iter()
            .filter_map(|plan| plan.injected.as_ref())
            .map(|(injected, binding)| (injected.dependency.clone(), quote!(#binding)))
            .collect(),
    );
    // One check per field, at the field's type, so a field that cannot be injected is reported
    // there and not only at the derive.
    let checks = plans
        .iter()
        .filter_map(|plan| plan.injected.as_ref())
        .map(|(injected, _)| {
            let dependency = &injected.dependency;
            quote_spanned!(dependency.span()=> __assert_dependency::<#dependency>();)
        });
    let values = plans.iter().map(|plan| &plan.value);
    let construct = match fields {
        Fields::Named(named) => {
            let names = named.named.iter().map(|field| &field.ident);
            quote!(Self { #(#names: #values),* })
        }
        Fields::Unnamed(_) => quote!(Self( #(#values),* )),
        Fields::Unit => quote!(Self),
    };
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        const _: () = {
            #(#markers)*
            #[automatically_derived]
            impl #impl_generics #name #type_generics #where_clause {
                #[doc(hidden)]
                #[allow(dead_code, reason = "only type-checked: names each field that cannot be injected")]
                fn __di_assert_dependencies() {
                    fn __assert_dependency<D: ::di_core::Dependency>() {}
                    #(#checks)*
                }
            }
            #[automatically_derived]
            impl #impl_generics ::di_core::Injectable for #name #type_generics #where_clause {
                type Dependencies = #dependencies;
                #[allow(clippy::unused_unit, reason = "a struct without injected fields")]
                fn inject(#pattern: Self::Dependencies) -> Self {
                    #construct
                }
                // Autoref specialization: `Some` exactly when `Self: AsyncDispose`, so a derived
                // type registered with `add_injectable` is never left undisposed.
                fn disposer() -> ::core::option::Option<::di_core::Disposer<Self>> {
                    #[allow(unused_imports, reason = "one of the two probes applies")]
                    use ::di_core::__dispose_probe::{ProbeAsyncDispose as _, ProbeNoDispose as _};
                    (&&::di_core::__dispose_probe::DisposeProbe::<Self>::new()).disposer()
                }
            }
        };
    })
}

fn not_a_struct(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "`Injectable` can only be derived for a struct: its fields are the dependencies",
    )
}

fn plan_field(
    index: usize,
    field: &syn::Field,
    markers: &mut Vec<TokenStream>,
) -> syn::Result<FieldPlan> {
    let attrs = FieldAttrs::parse(&field.attrs)?;
    if attrs.default.is_some() {
        let value = quote_spanned!(field.ty.span()=> ::core::default::Default::default());
        return Ok(FieldPlan {
            value,
            injected: None,
        });
    }
    let binding = format_ident!("__field{index}");
    let owned = attrs.owned.is_some();
    let injected = match &attrs.key {
        None if owned => field::owned(&field.ty, None, &binding),
        None => field::unkeyed(&field.ty, &binding),
        Some(FieldKey::Type(path)) if owned => {
            field::owned(&field.ty, Some(&quote!(#path)), &binding)
        }
        Some(FieldKey::Type(path)) => field::keyed(&field.ty, &quote!(#path), &binding)?,
        Some(FieldKey::Literal(text)) => {
            let marker = format_ident!("__InjectKey{index}");
            markers.push(quote! {
                #[doc(hidden)]
                #[derive(Debug)]
                pub struct #marker;
                impl ::di_core::StaticKey for #marker {
                    fn key() -> ::di_core::ServiceKey {
                        ::di_core::ServiceKey::from(#text)
                    }
                }
            });
            if owned {
                field::owned(&field.ty, Some(&quote!(#marker)), &binding)
            } else {
                field::keyed(&field.ty, &quote!(#marker), &binding)?
            }
        }
    };
    Ok(FieldPlan {
        value: injected.convert.clone(),
        injected: Some((injected, binding)),
    })
}

/// Groups the dependencies into one tuple type and the matching pattern, nesting tuples of at
/// most [`TUPLE_LIMIT`] elements when there are more.
fn nest(items: Vec<(TokenStream, TokenStream)>) -> (TokenStream, TokenStream) {
    if items.len() <= TUPLE_LIMIT {
        let (types, patterns): (Vec<_>, Vec<_>) = items.into_iter().unzip();
        return (quote!((#(#types,)*)), quote!((#(#patterns,)*)));
    }
    let groups: Vec<_> = items
        .chunks(TUPLE_LIMIT)
        .map(|chunk| nest(chunk.to_vec()))
        .collect();
    nest(groups)
}
