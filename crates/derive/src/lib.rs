//! `#[derive(Decode)]` and `#[derive(Encode)]`: kubelab-api's strict decoder from a YAML
//! value and encoder to a JSON value for a struct, read off the same `#[serde(...)]`
//! attributes its serde derives read (`rename_all = "camelCase"`, `deny_unknown_fields`,
//! `rename`, `default`, `skip`, `skip_serializing(_if)`), so the two cannot disagree on a
//! field's name, on whether it may be left out or on when it is printed. Any other serde
//! attribute is a compile error here, not a silent difference.
//!
//! The generated functions are not generic: one copy per type, where serde's derives are
//! compiled once per (de)serializer and visitor. `decode` hands the map's walk (keys, the
//! path, unknown and non-string keys) to `crate::tracked::decode_struct` and only says
//! which field each index decodes into; every message is the one serde's derive would give
//! (see crates/api/src/tracked.rs). The generated code names `crate::tracked` and
//! `crate::encode`, so the derives are for kubelab-api's own types.

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields, LitStr};

#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// What one field's `#[serde(...)]` says.
struct Field {
    ident: syn::Ident,
    ty: syn::Type,
    json: String,
    default: bool,
    skip: bool,
    /// Left out of the JSON (`skip`, `skip_serializing`).
    skip_encode: bool,
    skip_encode_if: Option<syn::Path>,
}

#[proc_macro_derive(Encode, attributes(serde))]
pub fn derive_encode(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand_encode(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// `Encode`: the JSON value `serde_json::to_value` gives for the type's serde `Serialize`
/// derive (the fields in order, `skip_serializing_if` and `skip_serializing` honoured).
fn expand_encode(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let fields = named_fields(input)?;
    let name = &input.ident;
    let puts = fields.iter().filter(|f| !f.skip_encode).map(|f| {
        let ident = &f.ident;
        let json = &f.json;
        let put = quote! { crate::encode::put(&mut map, #json, &self.#ident); };
        match &f.skip_encode_if {
            Some(skip_if) => quote! { if !#skip_if(&self.#ident) { #put } },
            None => put,
        }
    });
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics crate::encode::Encode for #name #ty_generics #where_clause {
            fn encode(&self) -> crate::encode::Json {
                let mut map = crate::encode::JsonMap::new();
                #(#puts)*
                crate::encode::Json::Object(map)
            }
        }
    })
}

fn named_fields(input: &DeriveInput) -> syn::Result<Vec<Field>> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "this derive is for structs with named fields"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(input, "this derive is for structs with named fields"));
    };
    let container = container_attrs(&input.attrs)?;
    named.named.iter().map(|f| field_attrs(f, container.camel_case)).collect()
}

/// What the struct's own `#[serde(...)]` says.
#[derive(Default)]
struct Container {
    camel_case: bool,
    deny_unknown_fields: bool,
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let container = container_attrs(&input.attrs)?;
    let fields = named_fields(input)?;
    let name = &input.ident;
    // serde's derive expects "struct NAME", NAME the Rust type's (a `rename` does not change it).
    let expected = format!("struct {name}");
    let deny = container.deny_unknown_fields;
    let decoded: Vec<&Field> = fields.iter().filter(|f| !f.skip).collect();
    if decoded.len() > 64 {
        return Err(syn::Error::new_spanned(input, "#[derive(Decode)] keeps which fields it saw in a u64: 64 at most"));
    }
    let names = decoded.iter().map(|f| &f.json);
    let idents = decoded.iter().map(|f| &f.ident);
    let indexes = 0..decoded.len();
    // Every field starts at its type's default; a field without `#[serde(default)]` that
    // the map did not have is then serde's "missing field" (or `None` for an `Option`).
    let inits = fields.iter().map(|f| {
        let ident = &f.ident;
        quote! { #ident: ::core::default::Default::default() }
    });
    let required = decoded.iter().enumerate().filter(|(_, f)| !f.default).map(|(i, f)| {
        let ident = &f.ident;
        let ty = &f.ty;
        let json = &f.json;
        let bit = 1u64 << i;
        quote! {
            if seen & #bit == 0 {
                out.#ident = <#ty as crate::tracked::Decode>::missing(#json)?;
            }
        }
    });
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics crate::tracked::Decode for #name #ty_generics #where_clause {
            fn decode(
                value: crate::tracked::Value,
                path: &crate::tracked::Path,
            ) -> ::core::result::Result<Self, crate::tracked::Error> {
                const FIELDS: &[&str] = &[#(#names),*];
                let mut out = #name { #(#inits),* };
                let seen = crate::tracked::decode_struct(value, path, #expected, FIELDS, #deny, &mut |index, value| {
                    match index {
                        #( #indexes => crate::tracked::decode_into(&mut out.#idents, value, path), )*
                        _ => ::core::result::Result::Ok(()),
                    }
                })?;
                let _ = seen;
                #(#required)*
                ::core::result::Result::Ok(out)
            }
        }
    })
}

fn container_attrs(attrs: &[syn::Attribute]) -> syn::Result<Container> {
    let mut c = Container::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let s: LitStr = meta.value()?.parse()?;
                if s.value() != "camelCase" {
                    return Err(meta.error("#[derive(Decode)] knows rename_all = \"camelCase\" only"));
                }
                c.camel_case = true;
            } else if meta.path.is_ident("rename") {
                // The name serde gives the deserializer; not part of any message.
                let _: LitStr = meta.value()?.parse()?;
            } else if meta.path.is_ident("deny_unknown_fields") {
                c.deny_unknown_fields = true;
            } else {
                return Err(meta.error("#[derive(Decode)] does not know this serde attribute"));
            }
            Ok(())
        })?;
    }
    Ok(c)
}

fn field_attrs(f: &syn::Field, camel_case: bool) -> syn::Result<Field> {
    let ident = f.ident.clone().ok_or_else(|| syn::Error::new_spanned(f, "a named field"))?;
    let rust_name = ident.to_string();
    let rust_name = rust_name.strip_prefix("r#").unwrap_or(&rust_name).to_string();
    let mut out = Field {
        json: if camel_case { camel(&rust_name) } else { rust_name },
        ident,
        ty: f.ty.clone(),
        default: false,
        skip: false,
        skip_encode: false,
        skip_encode_if: None,
    };
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                out.default = true;
            } else if meta.path.is_ident("rename") {
                let s: LitStr = meta.value()?.parse()?;
                out.json = s.value();
            } else if meta.path.is_ident("skip") {
                out.skip = true;
                out.skip_encode = true;
            } else if meta.path.is_ident("skip_serializing") {
                out.skip_encode = true;
            } else if meta.path.is_ident("skip_serializing_if") {
                let s: LitStr = meta.value()?.parse()?;
                out.skip_encode_if = Some(s.parse()?);
            } else {
                return Err(meta.error("#[derive(Decode)] does not know this serde attribute"));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// serde's `rename_all = "camelCase"` of a snake_case field name: each `_x` becomes `X`.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for ch in snake.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}
