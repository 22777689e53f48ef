//! The `#[batch_handler]` attribute of lambda-batch. Use it through `batch_core`, which
//! re-exports it with the full documentation: `use batch_core::prelude::*;`.
//!
//! The macro works in three steps, one module each:
//! - [`args`] parses the attribute's arguments into a checked [`args::Config`];
//! - [`signature`] checks the function and reads what the expansion needs from it;
//! - [`expand`] emits `lambda_handler`, `main` and the glue that calls into `batch_core`.
//!
//! Every error of the first two steps is collected and reported at once, each at the offending
//! token. On errors the user's function is still emitted (so IDEs keep working), together with a
//! stub `main` so that a missing `main` does not join the real errors.

mod args;
mod expand;
mod signature;

use proc_macro::TokenStream;

/// Turns a per-record function into a complete Lambda function; see `batch_core::batch_handler`.
#[proc_macro_attribute]
pub fn batch_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::batch_handler(args.into(), item.into()).into()
}

/// Every error found so far, reported together (as serde_derive's `Ctxt`).
#[derive(Default)]
pub(crate) struct Errors {
    errors: Option<syn::Error>,
}

impl Errors {
    /// Adds an error spanned at `tokens`.
    pub(crate) fn spanned(
        &mut self,
        tokens: impl quote::ToTokens,
        message: impl std::fmt::Display,
    ) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Adds an error at `span`.
    pub(crate) fn at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Adds an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// The errors as `compile_error!` invocations, or `None` when there are none.
    pub(crate) fn into_compile_errors(self) -> Option<proc_macro2::TokenStream> {
        self.errors.map(|e| e.to_compile_error())
    }
}
