//! The `#[batch_handler]` attribute of lambda-batch. Use it through `batch_core`.

use proc_macro::TokenStream;

/// Turns a per-record function into a complete Lambda function.
#[proc_macro_attribute]
pub fn batch_handler(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut out: TokenStream = "::core::compile_error!(\"#[batch_handler] is not available yet\");"
        .parse()
        .expect("valid tokens");
    out.extend(item);
    out
}
