//! Check: the annotated function, and what the expansion needs to know about it.
//!
//! The function may be `async` or not; its parameters are extractors (checked by the compiler
//! through `FromRecord`, at each parameter's type); it returns `()` or `Result<T, E>` (checked
//! through `IntoRecordResult`, at the return type). What is checked here is what the compiler
//! would report badly or not at all: a name the expansion needs, generics, `self`, and the
//! arguments that depend on the function.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{
    FnArg, GenericArgument, GenericParam, ItemFn, Lifetime, PathArguments, ReturnType, Safety,
    Type, TypeReference,
};

use crate::Errors;
use crate::args::Config;

/// Names the expansion defines next to the function.
const RESERVED_NAMES: &[&str] = &["main", "lambda_handler"];

/// What the expansion needs to know about the handler function.
pub(crate) struct Handler {
    pub(crate) item: ItemFn,
    pub(crate) is_async: bool,
    /// Each parameter's type, in order.
    pub(crate) params: Vec<Type>,
    /// The return type as the name of a type without the function's lifetimes (elided and
    /// named lifetimes become `'static`): the handler's `Output` is named from it.
    pub(crate) output: Type,
    /// The return type as written (the function's name when it returns `()`), for errors.
    pub(crate) output_tokens: TokenStream,
    /// Whether the return type as written names a lifetime or a reference: it may borrow from the
    /// record, so the value is converted into the record's result where it is returned.
    pub(crate) output_borrows: bool,
    /// `T` of the first `State<&T>` parameter: the state's type.
    pub(crate) state_type: Option<Type>,
    /// Whether every parameter is written as one of the extractors that read only the
    /// record's payload and identifier (`Json<T>`, `NewImage<T>`, `&Context`, `State<&T>` ...):
    /// then the event keeps only those of each record.
    pub(crate) reads_only_payload: bool,
}

/// Checks the function against the arguments. Errors go to `errors`.
pub(crate) fn check(mut item: ItemFn, config: &Config, errors: &mut Errors) -> Handler {
    let sig = &item.sig;
    let name = sig.ident.to_string();
    if RESERVED_NAMES.contains(&name.as_str()) {
        errors.spanned(
            &sig.ident,
            format!(
                "a batch handler cannot be named `{name}`: #[batch_handler] generates \
                 `lambda_handler` and `main` next to it; name it after what it does, e.g. \
                 `handle_order`"
            ),
        );
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(_) | GenericParam::Const(_) => errors.spanned(
                param,
                "a batch handler cannot be generic: the macro calls it once per record with \
                 concrete extractor types; name the types, e.g. `Json<Order>`",
            ),
        }
    }
    if let Safety::Unsafe(token) = &sig.safety {
        errors.spanned(token, "a batch handler cannot be an `unsafe fn`");
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(abi, "a batch handler cannot have an `extern` ABI");
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, "a batch handler cannot be variadic");
    }
    let is_async = sig.asyncness.is_some();
    if !is_async && let Some(span) = config.concurrency_name {
        errors.at(
            span,
            format!(
                "`concurrency` needs an `async fn`: a plain `fn` runs each record to completion, \
                 so records cannot overlap; write `async fn {name}` or remove `concurrency`"
            ),
        );
    }

    if !is_async && let Some(timeout) = &config.record_timeout_ms {
        errors.at(
            timeout.span,
            format!(
                "`record_timeout_ms` needs an `async fn`: a plain `fn` cannot be stopped while it \
                 runs, only a future at its `.await`s; write `async fn {name}` or remove \
                 `record_timeout_ms`"
            ),
        );
    }

    let mut params = Vec::new();
    let mut state_type = None;
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.spanned(
                receiver,
                "a batch handler is a free function, not a method: `self` is not an extractor; \
                 move shared values into `state = ...`",
            ),
            FnArg::Typed(pat) => {
                let ty = &*pat.ty;
                if let Type::ImplTrait(_) = ty {
                    errors.spanned(
                        ty,
                        "a batch handler's parameter needs a concrete extractor type, not \
                         `impl Trait`",
                    );
                }
                if let Some(state) = state_param(ty) {
                    if !config.state_given {
                        errors.spanned(
                            ty,
                            format!(
                                "this handler takes `State<&{}>` but #[batch_handler] has no \
                                 `state`: add `state = build_state` with \
                                 `async fn build_state() -> Result<{0}, E>`",
                                quote::ToTokens::to_token_stream(&state)
                            ),
                        );
                    }
                    state_type.get_or_insert(state);
                }
                params.push(ty.clone());
            }
        }
    }

    let (output, output_tokens, output_borrows) = match &sig.output {
        ReturnType::Default => (syn::parse_quote!(()), sig.ident.to_token_stream(), false),
        ReturnType::Type(_, ty) => {
            if let Type::ImplTrait(_) = &**ty {
                errors.spanned(
                    ty,
                    "a batch handler returns `()` or `Result<T, E>`, not `impl Trait`: name the \
                     type",
                );
            }
            let mut output = (**ty).clone();
            StaticLifetimes.visit_type_mut(&mut output);
            (output, ty.to_token_stream(), has_lifetime(ty))
        }
    };

    // The error above says what is wrong with `self`; without the receiver the function as
    // emitted does not also get rustc's "`self` parameter is only allowed in associated
    // functions".
    item.sig.inputs = std::mem::take(&mut item.sig.inputs)
        .into_pairs()
        .filter(|pair| !matches!(pair.value(), FnArg::Receiver(_)))
        .collect();

    let reads_only_payload = params.iter().all(reads_only_payload);
    Handler {
        is_async,
        reads_only_payload,
        params,
        output,
        output_tokens,
        output_borrows,
        state_type,
        item,
    }
}

/// The last path segment of a type and its generic arguments: `Json` and `<Order>`.
fn last_segment(ty: &Type) -> Option<(&syn::Ident, Vec<&Type>)> {
    let Type::Path(path) = ty else {
        return match ty {
            Type::Group(group) => last_segment(&group.elem),
            Type::Paren(paren) => last_segment(&paren.elem),
            _ => None,
        };
    };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    let args = match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((&segment.ident, args))
}

/// Whether a parameter is written as one of batch-core's extractors that never read the record's
/// own text. Read from the words written: a type of the user's own with one of these names is
/// caught by `PayloadOnly`, which only batch-core's implement.
fn reads_only_payload(ty: &Type) -> bool {
    if let Type::Reference(reference) = ty {
        return last_segment(&reference.elem).is_some_and(|(name, args)| {
            name == "Context" && args.is_empty() && reference.mutability.is_none()
        });
    }
    match last_segment(ty) {
        Some((name, args)) if name == "Option" && args.len() == 1 => last_segment(args[0])
            .is_some_and(|(inner, inner_args)| {
                ["Json", "NewImage", "OldImage"]
                    .iter()
                    .any(|known| inner == known)
                    && inner_args.len() == 1
            }),
        Some((name, args)) => {
            ["Json", "NewImage", "OldImage", "State"]
                .iter()
                .any(|known| name == known)
                && args.len() == 1
        }
        None => false,
    }
}

/// `T` when the parameter is `State<&T>`.
fn state_param(ty: &Type) -> Option<Type> {
    match last_segment(ty)? {
        (name, args) if name == "State" && args.len() == 1 => match args[0] {
            Type::Reference(TypeReference {
                elem,
                mutability: None,
                ..
            }) => Some((**elem).clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a type names a lifetime or a reference (which may hide one).
fn has_lifetime(ty: &Type) -> bool {
    struct Finder(bool);
    impl syn::visit::Visit<'_> for Finder {
        fn visit_lifetime(&mut self, _: &Lifetime) {
            self.0 = true;
        }
        fn visit_type_reference(&mut self, _: &TypeReference) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

/// Makes every lifetime of a type `'static`, so that it can be named outside the function
/// (`Result<(), &str>` returns a `&'static str`).
struct StaticLifetimes;

impl VisitMut for StaticLifetimes {
    fn visit_type_reference_mut(&mut self, reference: &mut TypeReference) {
        let span = reference.and_token.span;
        reference
            .lifetime
            .get_or_insert_with(|| Lifetime::new("'static", span));
        syn::visit_mut::visit_type_reference_mut(self, reference);
    }

    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        *lifetime = Lifetime::new("'static", lifetime.apostrophe);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> Type {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn finds_the_state_type() {
        let state = state_param(&ty("State<&Config>")).unwrap();
        assert_eq!(quote::quote!(#state).to_string(), "Config");
        let state = state_param(&ty("batch_core::State<&'static Db>")).unwrap();
        assert_eq!(quote::quote!(#state).to_string(), "Db");
        assert!(state_param(&ty("State<Config>")).is_none());
    }

    #[test]
    fn output_lifetimes_become_static() {
        let mut output = ty("Result<&'a str, &str>");
        StaticLifetimes.visit_type_mut(&mut output);
        assert_eq!(
            quote::quote!(#output).to_string(),
            "Result < & 'static str , & 'static str >"
        );
    }
}
