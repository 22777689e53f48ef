//! Expand: `lambda_handler`, `main` and a hidden `RecordHandler` that calls the function.
//!
//! The expansion is a few lines that call into `batch_core::__private`; every processing
//! decision is made in `batch_core`. It names only paths under `::batch_core::__private` (or the
//! `crate = "..."` path), so a user depends on `batch-core` alone.

use proc_macro2::{Delimiter, Group, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Ident, Item};

use crate::Errors;
use crate::args::{self, Config};
use crate::signature::{self, Handler};
use crate::sources::Source;

/// The whole macro: parse, check, expand; on errors, the item as written and the errors.
pub(crate) fn batch_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let config = args::parse(args, &mut errors);
    let function = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => function,
        Ok(other) => {
            errors.spanned(
                head_tokens(&other),
                "#[batch_handler] goes on a function that handles one record: \
                 `async fn handle(message: &SqsMessage) -> Result<(), BoxError>`",
            );
            return with_errors(item, errors, config.entrypoint);
        }
        Err(e) => {
            errors.push(e);
            return with_errors(item, errors, config.entrypoint);
        }
    };
    let handler = signature::check(function, &config, &mut errors);
    let named_main = handler.item.sig.ident == "main";
    match (errors.into_compile_errors(), &config.source) {
        (None, Some(source)) => expand(&config, source.value, &handler),
        (errors, _) => {
            let mut tokens = handler.item.to_token_stream();
            tokens.extend(errors);
            if config.entrypoint && !named_main {
                tokens.extend(stub_main());
            }
            tokens
        }
    }
}

/// The item as written, the errors, and a stub `main` unless `entrypoint = false`.
fn with_errors(item: TokenStream, errors: Errors, entrypoint: bool) -> TokenStream {
    let mut tokens = item;
    tokens.extend(errors.into_compile_errors());
    if entrypoint {
        tokens.extend(stub_main());
    }
    tokens
}

/// Keeps a missing `main` (E0601) from joining the real errors.
fn stub_main() -> TokenStream {
    quote! {
        #[allow(dead_code)]
        fn main() {}
    }
}

/// The item's tokens from its keyword to its name, skipping attributes and visibility.
fn head_tokens(item: &Item) -> TokenStream {
    let tokens: Vec<TokenTree> = item.to_token_stream().into_iter().collect();
    let mut i = 0;
    // Outer attributes: `#` then `[...]`.
    while matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        i += 2;
    }
    // Visibility: `pub` and an optional `(crate)`.
    if matches!(tokens.get(i), Some(TokenTree::Ident(id)) if id == "pub") {
        i += 1;
        if matches!(tokens.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            i += 1;
        }
    }
    let start = i.min(tokens.len().saturating_sub(1));
    let end = tokens[start..]
        .iter()
        .position(|t| !matches!(t, TokenTree::Ident(_)))
        .map_or(tokens.len(), |n| start + n)
        .max(start + 1)
        .min(tokens.len());
    tokens[start..end].iter().cloned().collect()
}

/// The full expansion.
fn expand(config: &Config, source: &Source, handler: &Handler) -> TokenStream {
    let krate = &config.krate;
    let p = quote!(#krate::__private);
    let source_ty = Ident::new(source.ty, Span::call_site());
    let source_ty = quote!(#p::#source_ty);
    let response_ty = quote!(<#source_ty as #p::BatchSource>::Response);
    let function = &handler.item;
    let name = &function.sig.ident;
    let handler_fn = Ident::new("__BatchHandler", Span::call_site());
    // The generated `RecordHandler`, as a type and as a value. The return type is checked where
    // the value must be a `RecordHandler`: without a `processor`, that is `run`, whose error is
    // then located at the return type (one error for a wrong return type). With a `processor`,
    // its check meets the return type first, and `run` stays where a processor that does not fit
    // is reported.
    //
    // A return type that may borrow from the record (`Result<T, &str>`) is converted where the
    // function returns, in a `RecordHandler` of its own; a wrong one of those is reported at each
    // use of the return type.
    let (record_handler_ty, mut record_handler) = if handler.output_borrows {
        (quote!(#handler_fn), quote!(#handler_fn))
    } else {
        (
            quote!(#p::Generated<#handler_fn>),
            quote!(#p::Generated(#handler_fn)),
        )
    };
    // A handler whose extractors read only payloads takes an event that keeps only those of
    // each record (half the memory). Hooks, a processor and the SQS API steps see each record
    // whole, so they keep the whole event.
    let sqs_api =
        config.delete_successes.as_ref().is_some_and(|d| d.value) || config.retry_backoff.is_some();
    let compact = handler.reads_only_payload
        && config.processor.is_none()
        && config.hooks.is_none()
        && !sqs_api;
    let (event_ty, mut run) = if compact {
        (quote!(#p::CompactEvent<#source_ty>), quote!(run_event))
    } else {
        (quote!(#p::BatchEvent), quote!(run))
    };
    // The extractors were picked by their names: each must be batch-core's.
    let payload_only_checks = handler
        .params
        .iter()
        .filter(|_| compact)
        .map(|ty| at(ty, quote!(#p::payload_only::<#ty>();)));
    if config.processor.is_none() && !handler.output_borrows {
        record_handler = at(&handler.output_tokens, record_handler);
        run = at(&handler.output_tokens, run);
    }
    let state_cell = Ident::new("__BATCH_HANDLER_STATE", Span::call_site());
    // Not visible to the user's `hooks` and `processor` expressions.
    let state = Ident::new("state", Span::mixed_site());

    let constructor = if source.fifo {
        quote!(fifo)
    } else {
        quote!(new)
    };
    let mut options = Vec::new();
    if let Some(skip) = &config.skip_group_on_error {
        let value = skip.value;
        options.push(quote!(.skip_group_on_error(#value)));
    }
    if let Some(raise) = config.raise_on_entire_batch_failure {
        options.push(quote!(.raise_on_entire_batch_failure(#raise)));
    }
    if let Some(concurrency) = &config.concurrency {
        let n = Literal::usize_unsuffixed(concurrency.value);
        options.push(quote!(.concurrency(#n)));
    }
    if let Some(stop) = &config.stop_on_first_failure {
        let value = stop.value;
        options.push(quote!(.stop_on_first_failure(#value)));
    }
    if let Some(ms) = config.deadline_margin_ms {
        let ms = Literal::u64_unsuffixed(ms);
        options.push(quote!(.deadline_margin(#p::Duration::from_millis(#ms))));
    }
    if let Some(timeout) = &config.record_timeout_ms {
        let ms = Literal::u64_unsuffixed(timeout.value);
        options.push(quote!(.record_timeout(#p::Duration::from_millis(#ms))));
    }

    let mut statics = Vec::new();
    let mut get_state = None;
    let mut state_cell_item = None;
    let mut build_state_item = None;
    let build_state = Ident::new("__batch_handler_state", Span::call_site());
    if let Some(init) = &config.state {
        // `State<&T>` names the state's type: a state fn that builds another type is an error
        // at `state = ...`, not a failure of every record at run time.
        let turbofish = handler.state_type.as_ref().map(|ty| quote!(::<#ty, _>));
        // The one place the state function is checked: `main` awaits this too.
        let get = at(init, quote!(#state_cell.get_or_init #turbofish(#init)));
        get_state = Some(quote!(let #state = #build_state().await?;));
        build_state_item = Some(at(
            init,
            quote! {
                fn #build_state() -> impl #p::Future<
                    Output = #p::Result<&'static (dyn #p::Any + ::core::marker::Send + ::core::marker::Sync), #p::BatchError>,
                > {
                    #get
                }
            },
        ));
        options.push(quote!(.with_static_state(#state)));
        state_cell_item = Some(quote! {
            static #state_cell: #p::StateCell = #p::StateCell::new();
        });
    }
    if let Some(processor) = &config.processor {
        statics.push(quote! {
            static __BATCH_PROCESSOR: #p::PerProcess = #p::PerProcess::new();
        });
        let check = at(
            processor,
            quote!(#p::processor::<#source_ty, #record_handler_ty, _>),
        );
        options.push(quote! {
            .with_processor(#check(__BATCH_PROCESSOR.get_or_init(|| #processor), &#record_handler))
        });
    }
    if let Some(hooks) = &config.hooks {
        statics.push(quote! {
            static __BATCH_HOOKS: #p::PerProcess = #p::PerProcess::new();
        });
        let check = at(
            hooks,
            quote!(#p::hooks::<#source_ty, #record_handler_ty, _>),
        );
        options.push(quote! {
            .with_hooks(#check(__BATCH_HOOKS.get_or_init(|| #hooks), &#record_handler))
        });
    }

    let mut processor = quote! {
        #p::BatchProcessor::<#source_ty>::#constructor()
            #(#options)*
            .#run(event, &#record_handler)
            .await
    };
    // The SQS API steps (feature `sqs-api`). Without the feature each step's macro is an
    // error that names it, located (as `start_concurrent!`) at the user's argument.
    // Both steps take the one client of the process from `sqs_cell`, which `main` fills in its
    // init phase.
    let sqs_cell = Ident::new("__BATCH_SQS_CLIENT", Span::call_site());
    let sqs_init = config.sqs_client.as_ref().map(|init| quote!(, #init));
    let mut sqs_api_steps = Vec::new();
    if let Some(delete) = config.delete_successes.as_ref().filter(|d| d.value) {
        let suppress = config.suppress_exception.as_ref().is_some_and(|s| s.value);
        let call = located_macro_call(
            quote!(#p::delete_successes!),
            quote!(__processor, #suppress, #sqs_cell #sqs_init),
            delete.span,
        );
        sqs_api_steps.push(quote!(let __processor = #call;));
    }
    if let (Some(policy), Some(name)) = (&config.retry_backoff, config.retry_backoff_name) {
        let call = located_macro_call(
            quote!(#p::retry_backoff!),
            quote!(__processor, #policy, #sqs_cell #sqs_init),
            name,
        );
        sqs_api_steps.push(quote!(let __processor = #call;));
    }
    let uses_sqs_client = !sqs_api_steps.is_empty();
    let sqs_cell_item = uses_sqs_client.then(|| quote!(#p::sqs_client_cell!(#sqs_cell);));
    if !sqs_api_steps.is_empty() {
        processor = quote! {
            let __processor = #p::BatchProcessor::<#source_ty>::#constructor() #(#options)*;
            #(#sqs_api_steps)*
            __processor.#run(event, &#record_handler).await
        };
    }

    let doc = format!(
        " Processes one {} batch with `{name}` and reports the records that failed \
         (`ReportBatchItemFailures`).",
        source.title
    );
    let lambda_handler = quote! {
        #[doc = #doc]
        ///
        /// Generated by `#[batch_handler]`. Call it from tests with an event from
        /// `batch_core::testing::event_from_str` or `event_from_file`.
        pub async fn lambda_handler(
            event: #p::LambdaEvent<#event_ty>,
        ) -> #p::Result<#response_ty, #p::BatchError> {
            #(#payload_only_checks)*
            #(#statics)*
            #get_state
            #processor
        }
    };

    // Errors about a parameter's type (not an extractor, not `Deserialize`) point at the type.
    let args = handler
        .params
        .iter()
        .map(|ty| at(ty, quote!(#p::FromRecord::from_record(record)?)));
    let awaited = handler.is_async.then(|| quote!(.await));
    let output = &handler.output;
    let record_handler_item = if handler.output_borrows {
        let output_ty = at(
            &handler.output_tokens,
            quote!(<#output as #p::IntoRecordResult>::Output),
        );
        let call_output = at(
            &handler.output_tokens,
            quote!(#p::Result<Self::Output, #p::RecordError>),
        );
        let into_record_result = at(
            &handler.output_tokens,
            quote!(#p::IntoRecordResult::into_record_result(output)),
        );
        quote! {
            struct #handler_fn;

            impl #p::RecordHandler<#source_ty> for #handler_fn {
                type Output = #output_ty;

                async fn call(&self, record: &#p::RecordCx<'_, #source_ty>) -> #call_output {
                    let output = #name(#(#args),*)#awaited;
                    #into_record_result
                }
            }
        }
    } else {
        quote! {
            struct #handler_fn;

            impl #p::HandlerFn<#source_ty> for #handler_fn {
                type Return = #output;

                async fn call(
                    &self,
                    record: &#p::RecordCx<'_, #source_ty>,
                ) -> #p::Result<Self::Return, #p::RecordError> {
                    #p::Result::Ok(#name(#(#args),*)#awaited)
                }
            }
        }
    };

    let main = config.entrypoint.then(|| {
        let concurrent = config
            .concurrent_invocations
            .as_ref()
            .filter(|concurrent| concurrent.value);
        let state_init = config
            .state
            .as_ref()
            .map(|_| quote!(#state_cell.init(#build_state())));
        let client_init =
            uses_sqs_client.then(|| quote!(#p::sqs_client_init!(#sqs_cell #sqs_init)));
        let init = match (state_init, client_init) {
            (Some(state), Some(client)) => Some(quote!(async {
                #state.await?;
                #client.await
            })),
            (state, client) => state.or(client),
        };
        let has_init = init.is_some();
        let arguments = match init {
            Some(init) => quote!(#init, lambda_handler),
            None => quote!(lambda_handler),
        };
        let call = match concurrent {
            // Without batch-core's `concurrency-tokio` feature, `start_concurrent!` is an error
            // that names the feature. rustc reports it at the macro call, so the call (path and
            // parentheses, not the arguments inside) is located at the user's argument.
            Some(concurrent) => {
                let span = Span::call_site().located_at(concurrent.span);
                let mut parenthesized = Group::new(Delimiter::Parenthesis, arguments);
                parenthesized.set_span(span);
                let mut call = respan(quote!(#p::start_concurrent!), span);
                call.extend([TokenTree::Group(parenthesized)]);
                call
            }
            None if has_init => quote!(#p::start_with_init(#arguments)),
            None => quote!(#p::start(#arguments)),
        };
        // In a module of its own and glob-imported, so that a `main` of the user's shadows it
        // (instead of rustc's bare "defined multiple times"); the check then says to add
        // `entrypoint = false`.
        quote! {
            mod __batch_main {
                #[allow(unused_imports)]
                use super::*;

                pub(super) fn main() -> #p::GeneratedMain {
                    #p::GeneratedMain(#call)
                }
            }
            #[allow(unused_imports)]
            use __batch_main::*;
            #[allow(dead_code)]
            fn __batch_main_is_generated() {
                #p::assert_generated_main(main)
            }
        }
    });

    quote! {
        #function
        #lambda_handler
        #record_handler_item
        #state_cell_item
        #build_state_item
        #sqs_cell_item
        #main
    }
}

/// Generated tokens that the compiler's errors should attribute to `user` (a parameter's type,
/// the return type, an argument's value): every token is located at the user's first token
/// (stable proc macros cannot join spans), with call-site hygiene.
fn at(user: &impl ToTokens, tokens: TokenStream) -> TokenStream {
    match user.to_token_stream().into_iter().next() {
        Some(first) => respan(tokens, Span::call_site().located_at(first.span())),
        None => tokens,
    }
}

/// `path!(arguments)` with the path and the parentheses located at `span`: rustc reports an
/// error of the called macro at the call.
fn located_macro_call(path: TokenStream, arguments: TokenStream, span: Span) -> TokenStream {
    let span = Span::call_site().located_at(span);
    let mut parenthesized = Group::new(Delimiter::Parenthesis, arguments);
    parenthesized.set_span(span);
    let mut call = respan(path, span);
    call.extend([TokenTree::Group(parenthesized)]);
    call
}

/// Sets the span of every token, inside groups too.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                TokenTree::Group(respanned)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}
