//! Parse: the attribute's arguments into a checked [`Config`].
//!
//! Arguments are `name` or `name = value`, separated by commas. Each value is checked here for
//! its own shape (a string, a bool, a positive integer, a path) and the arguments against each
//! other (`skip_group_on_error` needs `sqs_fifo`, ...). What depends on the function
//! (`concurrency` needs an `async fn`) is checked in `signature`.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitInt, LitStr, Path, Token};

use crate::Errors;
use crate::sources::{self, SOURCE_ALIASES, SOURCES, Source};

/// Every argument `#[batch_handler]` takes, in the order the docs list them.
const ARGUMENTS: &[&str] = &[
    "source",
    "skip_group_on_error",
    "raise_on_entire_batch_failure",
    "concurrency",
    "stop_on_first_failure",
    "deadline_margin_ms",
    "record_timeout_ms",
    "state",
    "hooks",
    "processor",
    "entrypoint",
    "concurrent_invocations",
    "delete_successes",
    "suppress_exception",
    "retry_backoff",
    "sqs_client",
    "crate",
];

/// Names people reach for, and the argument that does it.
const RENAMED: &[(&str, &str)] = &[
    ("fifo", "source = \"sqs_fifo\""),
    ("event_source", "source"),
    ("skip_group", "skip_group_on_error"),
    ("skip_group_on_failure", "skip_group_on_error"),
    ("raise_on_batch_failure", "raise_on_entire_batch_failure"),
    ("raise_on_all_failed", "raise_on_entire_batch_failure"),
    ("raise_on_failure", "raise_on_entire_batch_failure"),
    ("max_concurrency", "concurrency"),
    ("parallelism", "concurrency"),
    ("stop_on_failure", "stop_on_first_failure"),
    ("stop_on_error", "stop_on_first_failure"),
    ("stop_on_first_error", "stop_on_first_failure"),
    ("deadline_margin", "deadline_margin_ms"),
    ("deadline_ms", "deadline_margin_ms"),
    ("record_timeout", "record_timeout_ms"),
    ("timeout_ms", "record_timeout_ms"),
    ("handler_timeout_ms", "record_timeout_ms"),
    ("init", "state"),
    ("main", "entrypoint"),
    ("concurrent", "concurrent_invocations"),
    ("run_concurrent", "concurrent_invocations"),
    ("managed_instances", "concurrent_invocations"),
    ("concurrent_requests", "concurrent_invocations"),
    ("backoff", "retry_backoff"),
    ("exponential_backoff", "retry_backoff"),
];

/// A value and the tokens it was written with, for errors that point at them.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// The checked arguments. Every field not given keeps `batch_core`'s default.
pub(crate) struct Config {
    pub(crate) source: Option<Spanned<&'static Source>>,
    pub(crate) skip_group_on_error: Option<Spanned<bool>>,
    pub(crate) raise_on_entire_batch_failure: Option<bool>,
    pub(crate) concurrency: Option<Spanned<usize>>,
    /// The span of the `concurrency` name, for errors about the argument as a whole.
    pub(crate) concurrency_name: Option<Span>,
    pub(crate) stop_on_first_failure: Option<Spanned<bool>>,
    pub(crate) deadline_margin_ms: Option<u64>,
    /// Cancel a record still running after this many milliseconds, and the span of the name.
    pub(crate) record_timeout_ms: Option<Spanned<u64>>,
    pub(crate) state: Option<Path>,
    /// Whether `state` was given, valid or not: a handler taking `State<&T>` then needs no
    /// second error.
    pub(crate) state_given: bool,
    pub(crate) hooks: Option<Expr>,
    pub(crate) processor: Option<Expr>,
    pub(crate) entrypoint: bool,
    /// Whether the generated `main` serves concurrent invocations.
    pub(crate) concurrent_invocations: Option<Spanned<bool>>,
    /// SQS without `ReportBatchItemFailures`: delete the successes (R17, feature `sqs-api`).
    pub(crate) delete_successes: Option<Spanned<bool>>,
    pub(crate) suppress_exception: Option<Spanned<bool>>,
    /// SQS: a `RetryBackoff` expression (R18, feature `sqs-api`), and the span of the name.
    pub(crate) retry_backoff: Option<Expr>,
    pub(crate) retry_backoff_name: Option<Span>,
    /// `async fn() -> Result<aws_sdk_sqs::Client, E>`, and the span of the argument's name.
    pub(crate) sqs_client: Option<Path>,
    pub(crate) sqs_client_name: Option<Span>,
    /// The span of `raise_on_entire_batch_failure`'s value.
    pub(crate) raise_span: Option<Span>,
    /// The path of `batch_core`: `::batch_core` unless `crate = "..."` renames it.
    pub(crate) krate: Path,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            source: None,
            skip_group_on_error: None,
            raise_on_entire_batch_failure: None,
            concurrency: None,
            concurrency_name: None,
            stop_on_first_failure: None,
            deadline_margin_ms: None,
            record_timeout_ms: None,
            state: None,
            state_given: false,
            hooks: None,
            processor: None,
            entrypoint: true,
            concurrent_invocations: None,
            delete_successes: None,
            suppress_exception: None,
            retry_backoff: None,
            retry_backoff_name: None,
            sqs_client: None,
            sqs_client_name: None,
            raise_span: None,
            krate: syn::parse_quote!(::batch_core),
        }
    }
}

/// One argument as written: `name` or `name = value`.
struct Arg {
    name: Ident,
    value: Option<Expr>,
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // `parse_any` so that `crate = "..."` parses.
        let name = Ident::parse_any(input)?;
        if input.peek(syn::token::Paren) || input.peek(syn::token::Bracket) {
            return Err(syn::Error::new(
                input.span(),
                format!("expected `,` or `=` after `{name}`: arguments are written `name = value`"),
            ));
        }
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Arg { name, value })
    }
}

/// Parses and checks the arguments. Errors go to `errors`; what could be read is returned.
pub(crate) fn parse(args: TokenStream, errors: &mut Errors) -> Config {
    let parsed = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(args.clone()) {
        Ok(parsed) => parsed,
        Err(e) => {
            errors.push(e);
            return Config {
                entrypoint: !mentions_entrypoint_false(args),
                ..Config::default()
            };
        }
    };
    let mut config = Config::default();
    let mut seen: Vec<String> = Vec::new();
    for arg in parsed {
        let name = arg.name.unraw().to_string();
        if seen.contains(&name) {
            errors.spanned(
                &arg.name,
                format!("duplicate argument `{name}`: give each argument once"),
            );
            continue;
        }
        seen.push(name.clone());
        read_arg(&mut config, &name, arg, errors);
    }
    // A misspelled `source` already has its error.
    let source_named = seen
        .iter()
        .any(|name| name == "source" || suggestion(name).is_some_and(|s| s.starts_with("source")));
    if !source_named {
        errors.at(
            Span::call_site(),
            format!(
                "missing `source`: #[batch_handler] needs the event source, \
                 e.g. `#[batch_handler(source = \"sqs\")]` (one of {})",
                sources::list()
            ),
        );
    }
    check(&config, errors);
    config
}

/// Reads one argument into `config`.
fn read_arg(config: &mut Config, name: &str, arg: Arg, errors: &mut Errors) {
    let Arg { name: ident, value } = arg;
    match name {
        "source" => {
            if let Some(lit) = string_value(&ident, value.as_ref(), &source_usage(), errors) {
                config.source = parse_source(&lit, errors);
            }
        }
        "skip_group_on_error" => {
            config.skip_group_on_error = flag(&ident, value.as_ref(), errors);
        }
        "stop_on_first_failure" => {
            config.stop_on_first_failure = flag(&ident, value.as_ref(), errors);
        }
        "concurrent_invocations" => {
            config.concurrent_invocations = flag(&ident, value.as_ref(), errors);
        }
        "delete_successes" => {
            config.delete_successes = flag(&ident, value.as_ref(), errors);
        }
        "suppress_exception" => {
            config.suppress_exception = flag(&ident, value.as_ref(), errors);
        }
        "retry_backoff" => {
            config.retry_backoff_name = Some(ident.span());
            let usage = "`retry_backoff` takes a `batch_core::sqs_api::RetryBackoff`: \
                         `retry_backoff = RetryBackoff::exponential(Duration::from_secs(30), Duration::from_secs(3600))`";
            config.retry_backoff = required(&ident, value.as_ref(), usage, errors).cloned();
        }
        "sqs_client" => {
            config.sqs_client_name = Some(ident.span());
            let usage = "`sqs_client` takes the path of an `async fn() -> Result<aws_sdk_sqs::Client, E>` \
                         run once per process: `sqs_client = build_sqs_client`";
            if let Some(expr) = required(&ident, value.as_ref(), usage, errors) {
                match expr {
                    Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => {
                        config.sqs_client = Some(path.path.clone());
                    }
                    _ => errors.spanned(expr, usage),
                }
            }
        }
        "raise_on_entire_batch_failure" => {
            config.raise_span = value.as_ref().map(syn::spanned::Spanned::span);
            config.raise_on_entire_batch_failure = bool_value(&ident, value.as_ref(), errors);
        }
        "entrypoint" => {
            if let Some(entrypoint) = bool_value(&ident, value.as_ref(), errors) {
                config.entrypoint = entrypoint;
            }
        }
        "concurrency" => {
            config.concurrency_name = Some(ident.span());
            let usage = "`concurrency` takes a positive integer, the most records in flight: \
                         `concurrency = 10`";
            if let Some(lit) = int_value(&ident, value.as_ref(), usage, errors) {
                match lit.base10_parse::<usize>() {
                    Ok(0) | Err(_) => errors.spanned(&lit, usage),
                    Ok(n) => {
                        config.concurrency = Some(Spanned {
                            value: n,
                            span: lit.span(),
                        })
                    }
                }
            }
        }
        "deadline_margin_ms" => {
            let usage = "`deadline_margin_ms` takes a whole number of milliseconds: \
                         `deadline_margin_ms = 2000`";
            if let Some(lit) = int_value(&ident, value.as_ref(), usage, errors) {
                match lit.base10_parse::<u64>() {
                    Ok(ms) => config.deadline_margin_ms = Some(ms),
                    Err(_) => errors.spanned(&lit, usage),
                }
            }
        }
        "record_timeout_ms" => {
            let usage = "`record_timeout_ms` takes a whole number of milliseconds greater than \
                         0: `record_timeout_ms = 5000`";
            if let Some(lit) = int_value(&ident, value.as_ref(), usage, errors) {
                match lit.base10_parse::<u64>() {
                    Ok(0) | Err(_) => errors.spanned(&lit, usage),
                    Ok(ms) => {
                        config.record_timeout_ms = Some(Spanned {
                            value: ms,
                            span: ident.span(),
                        })
                    }
                }
            }
        }
        "state" => {
            config.state_given = true;
            config.state = state_path(&ident, value, errors);
        }
        "hooks" => {
            config.hooks = expr_value(
                &ident,
                value,
                "`hooks` takes an expression that builds the hooks once per process: \
                 `hooks = Metrics::default()`",
                errors,
            );
        }
        "processor" => {
            config.processor = expr_value(
                &ident,
                value,
                "`processor` takes an expression that builds the processor once per process: \
                 `processor = BulkWriter::new()`",
                errors,
            );
        }
        "crate" => {
            let usage = "`crate` takes the path of `batch_core` as a string: \
                         `crate = \"my_batch_core\"`";
            if let Some(lit) = string_value(&ident, value.as_ref(), usage, errors) {
                match lit.parse::<Path>() {
                    Ok(path) => config.krate = path,
                    Err(_) => errors.spanned(&lit, usage),
                }
            }
        }
        _ => errors.spanned(&ident, unknown_argument(name)),
    }
}

/// The argument a user probably meant by `name`, when it is a known rename or a misspelling.
fn suggestion(name: &str) -> Option<&'static str> {
    RENAMED
        .iter()
        .find(|(from, _)| *from == name)
        .map(|(_, to)| *to)
        .or_else(|| closest(name, ARGUMENTS.iter().copied()))
}

/// The message for an argument that does not exist, with a hint when one is close.
fn unknown_argument(name: &str) -> String {
    match suggestion(name) {
        Some(meant) => format!("unknown argument `{name}`: did you mean `{meant}`?"),
        None => {
            let allowed = ARGUMENTS
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("unknown argument `{name}`: #[batch_handler] takes {allowed}")
        }
    }
}

fn source_usage() -> String {
    format!(
        "`source` takes the event source as a string: `source = \"sqs\"`, {}",
        sources::list()
    )
}

/// Reads the source's name.
fn parse_source(lit: &LitStr, errors: &mut Errors) -> Option<Spanned<&'static Source>> {
    let name = lit.value();
    if let Some(source) = sources::find(&name) {
        return Some(Spanned {
            value: source,
            span: lit.span(),
        });
    }
    let hint = SOURCE_ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(&name))
        .map(|(_, source)| *source)
        .or_else(|| closest(&name.to_ascii_lowercase(), SOURCES.iter().map(|s| s.name)));
    let message = match hint {
        Some(source) => format!("unknown source \"{name}\": did you mean \"{source}\"?"),
        None => format!("unknown source \"{name}\": expected {}", sources::list()),
    };
    errors.spanned(lit, message);
    None
}

/// The closest of `candidates` to `name`, when it is close enough to be a misspelling.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Checks the arguments against each other.
fn check(config: &Config, errors: &mut Errors) {
    let source = config.source.as_ref().map(|s| s.value);
    if let (Some(skip), Some(why)) = (
        &config.skip_group_on_error,
        source.and_then(|s| s.no_skip_group),
    ) {
        errors.at(
            skip.span,
            format!("`skip_group_on_error` applies only to `source = \"sqs_fifo\"`: {why}"),
        );
    }
    if let (Some(stop), Some(why)) = (
        &config.stop_on_first_failure,
        source.and_then(|s| s.no_stop_on_first_failure),
    ) {
        errors.at(
            stop.span,
            format!(
                "`stop_on_first_failure` applies only to {}: {why}",
                sources::stopping()
            ),
        );
    }
    if let Some(concurrent) = &config.concurrent_invocations
        && concurrent.value
        && !config.entrypoint
    {
        errors.at(
            concurrent.span,
            "`concurrent_invocations` shapes the generated `main`, and `entrypoint = false` \
             asks for none: drop one of them (your own `main` can call \
             `batch_core::runtime::start_concurrent(lambda_handler)`)",
        );
    }
    check_sqs_api(config, source, errors);
    let skips_groups = config.skip_group_on_error.as_ref().is_some_and(|s| s.value);
    if let Some(concurrency) = &config.concurrency
        && concurrency.value > 1
        && source.is_some_and(|s| s.fifo)
        && !skips_groups
    {
        errors.at(
            concurrency.span,
            format!(
                "`concurrency = {}` with `source = \"sqs_fifo\"` needs `skip_group_on_error`: \
                 without it the first failure stops the whole batch, so records run one at \
                 a time",
                concurrency.value
            ),
        );
    }
}

/// A flag that is given and on.
fn on(flag: &Option<Spanned<bool>>) -> Option<&Spanned<bool>> {
    flag.as_ref().filter(|f| f.value)
}

/// Checks `delete_successes`, `suppress_exception`, `retry_backoff` and `sqs_client` (R17, R18).
fn check_sqs_api(config: &Config, source: Option<&Source>, errors: &mut Errors) {
    let delete = on(&config.delete_successes);
    let given = [
        ("delete_successes", delete.map(|d| d.span)),
        (
            "suppress_exception",
            on(&config.suppress_exception).map(|s| s.span),
        ),
        ("retry_backoff", config.retry_backoff_name),
        ("sqs_client", config.sqs_client_name),
    ];
    if let Some(source) = source.filter(|s| s.ty != "Sqs") {
        for (name, span) in given {
            if let Some(span) = span {
                errors.at(
                    span,
                    format!(
                        "`{name}` applies only to `source = \"sqs\"` and `source = \"sqs_fifo\"`: \
                         it works with the SQS API, which {} records do not come from",
                        source.title
                    ),
                );
            }
        }
        return;
    }
    if let (Some(suppress), None) = (on(&config.suppress_exception), delete) {
        errors.at(
            suppress.span,
            "`suppress_exception` applies only with `delete_successes`: with \
             `ReportBatchItemFailures` the response already reports the failed records",
        );
    }
    if let (Some(span), None, None) = (config.sqs_client_name, delete, &config.retry_backoff) {
        errors.at(
            span,
            "`sqs_client` builds the client that `delete_successes` and `retry_backoff` use: \
             add one of them, or drop `sqs_client`",
        );
    }
    if let (Some(delete), Some(false)) = (delete, config.raise_on_entire_batch_failure) {
        errors.at(
            config.raise_span.unwrap_or(delete.span),
            "`delete_successes` with `raise_on_entire_batch_failure = false` would return \
             normally when every record failed, and Lambda would then delete every failed \
             message: drop `raise_on_entire_batch_failure = false` (or use `suppress_exception` \
             if that is really what you want)",
        );
    }
}

/// The value of an argument that must have one.
fn required<'a>(
    name: &Ident,
    value: Option<&'a Expr>,
    usage: &str,
    errors: &mut Errors,
) -> Option<&'a Expr> {
    if value.is_none() {
        errors.spanned(
            name,
            format!("`{name}` needs a value: {}", usage_tail(usage)),
        );
    }
    value
}

/// The example part of a usage message (after its first `: `).
fn usage_tail(usage: &str) -> &str {
    usage.split_once(": ").map_or(usage, |(_, tail)| tail)
}

/// A literal, seen through the invisible groups that `macro_rules!` adds around fragments.
fn literal(expr: &Expr) -> Option<&Lit> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        Expr::Group(group) => literal(&group.expr),
        _ => None,
    }
}

fn string_value(
    name: &Ident,
    value: Option<&Expr>,
    usage: &str,
    errors: &mut Errors,
) -> Option<LitStr> {
    let value = required(name, value, usage, errors)?;
    match literal(value) {
        Some(Lit::Str(lit)) => Some(lit.clone()),
        _ => {
            let message = match value {
                Expr::Path(path) if path.path.get_ident().is_some() => {
                    let word = quote::ToTokens::to_token_stream(&path.path);
                    format!("`{name}` takes a string: `{name} = \"{word}\"`")
                }
                _ => usage.to_owned(),
            };
            errors.spanned(value, message);
            None
        }
    }
}

fn int_value(
    name: &Ident,
    value: Option<&Expr>,
    usage: &str,
    errors: &mut Errors,
) -> Option<LitInt> {
    let value = required(name, value, usage, errors)?;
    match literal(value) {
        Some(Lit::Int(lit)) => Some(lit.clone()),
        _ => {
            errors.spanned(value, usage);
            None
        }
    }
}

/// `name = true` or `name = false`.
fn bool_value(name: &Ident, value: Option<&Expr>, errors: &mut Errors) -> Option<bool> {
    let usage = format!("`{name}` takes `true` or `false`: `{name} = false`");
    let value = required(name, value, &usage, errors)?;
    match literal(value) {
        Some(Lit::Bool(lit)) => Some(lit.value),
        Some(Lit::Str(lit)) if matches!(lit.value().as_str(), "true" | "false") => {
            errors.spanned(
                value,
                format!(
                    "`{name}` takes `true` or `false` without quotes: `{name} = {}`",
                    lit.value()
                ),
            );
            None
        }
        _ => {
            errors.spanned(value, usage);
            None
        }
    }
}

/// A flag: `name` alone (on), `name = true` or `name = false`.
fn flag(name: &Ident, value: Option<&Expr>, errors: &mut Errors) -> Option<Spanned<bool>> {
    let Some(value) = value else {
        return Some(Spanned {
            value: true,
            span: name.span(),
        });
    };
    match literal(value) {
        Some(Lit::Bool(lit)) => Some(Spanned {
            value: lit.value,
            span: name.span(),
        }),
        _ => {
            errors.spanned(
                value,
                format!("`{name}` is a flag: write `{name}` alone, or `{name} = true` / `{name} = false`"),
            );
            None
        }
    }
}

/// `state = path::to::init`: the async fn that builds the state.
fn state_path(name: &Ident, value: Option<Expr>, errors: &mut Errors) -> Option<Path> {
    let usage = "`state` takes the path of an async fn that builds the state once per process: \
                 `state = build_state` with `async fn build_state() -> Result<S, E>`";
    let value = required(name, value.as_ref(), usage, errors)?;
    match value {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => {
            Some(path.path.clone())
        }
        Expr::Group(group) => state_path(name, Some((*group.expr).clone()), errors),
        Expr::Call(call) if call.args.is_empty() => {
            errors.spanned(
                value,
                format!(
                    "{usage} (name the function without calling it: `state = {}`)",
                    quote::ToTokens::to_token_stream(&call.func)
                ),
            );
            None
        }
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => {
            errors.spanned(
                value,
                format!("{usage} (without quotes: `state = {}`)", lit.value()),
            );
            None
        }
        _ => {
            errors.spanned(value, usage);
            None
        }
    }
}

/// An expression, given as is to the expansion.
fn expr_value(name: &Ident, value: Option<Expr>, usage: &str, errors: &mut Errors) -> Option<Expr> {
    if value.is_none() {
        errors.at(
            name.span(),
            format!("`{name}` needs a value: {}", usage_tail(usage)),
        );
    }
    value
}

/// Whether unparseable arguments still say `entrypoint = false`, so that the error path does
/// not add a `main` the user asked not to have.
fn mentions_entrypoint_false(args: TokenStream) -> bool {
    let tokens: Vec<TokenTree> = args.into_iter().collect();
    tokens.windows(3).any(|w| match w {
        [
            TokenTree::Ident(name),
            TokenTree::Punct(eq),
            TokenTree::Ident(value),
        ] => name == "entrypoint" && eq.as_char() == '=' && value == "false",
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn messages(args: TokenStream) -> (Config, Vec<String>) {
        let mut errors = Errors::default();
        let config = parse(args, &mut errors);
        let messages = errors
            .errors
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default();
        (config, messages)
    }

    #[test]
    fn reads_every_argument() {
        let (config, errors) = messages(quote! {
            source = "sqs_fifo", skip_group_on_error, raise_on_entire_batch_failure = false,
            concurrency = 8, deadline_margin_ms = 1500, state = app::init,
            hooks = Metrics::new(), processor = &WRITER, entrypoint = true,
            concurrent_invocations, crate = "bc"
        });
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.source.map(|s| s.value.name), Some("sqs_fifo"));
        assert!(config.skip_group_on_error.unwrap().value);
        assert_eq!(config.raise_on_entire_batch_failure, Some(false));
        assert_eq!(config.concurrency.map(|c| c.value), Some(8));
        assert_eq!(config.deadline_margin_ms, Some(1500));
        assert!(config.state.is_some() && config.hooks.is_some() && config.processor.is_some());
        assert!(config.entrypoint);
        assert!(config.concurrent_invocations.unwrap().value);
        let krate = &config.krate;
        assert_eq!(quote!(#krate).to_string(), "bc");
    }

    #[test]
    fn collects_every_error() {
        let (_, errors) = messages(quote! {
            source = "sqs", skip_group_on_error, concurrency = 0, timeout = 3, source = "kinesis"
        });
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("`concurrency` takes a positive integer"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("duplicate argument `source`"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("unknown argument `timeout`"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("`skip_group_on_error` applies only"))
        );
    }

    #[test]
    fn concurrent_invocations_is_a_flag() {
        let (config, errors) = messages(quote!(source = "sqs", concurrent_invocations = false));
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!config.concurrent_invocations.unwrap().value);
        let (_, errors) = messages(quote!(source = "sqs", concurrent_invocations = 4));
        assert_eq!(
            errors,
            [
                "`concurrent_invocations` is a flag: write `concurrent_invocations` alone, or \
              `concurrent_invocations = true` / `concurrent_invocations = false`"
            ]
        );
    }

    #[test]
    fn concurrent_invocations_needs_the_generated_main() {
        let (_, errors) = messages(quote!(
            source = "sqs",
            concurrent_invocations,
            entrypoint = false
        ));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("`concurrent_invocations` shapes the generated `main`"));
        let (_, errors) = messages(quote!(
            source = "sqs",
            concurrent_invocations = false,
            entrypoint = false
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(suggestion("concurrent"), Some("concurrent_invocations"));
        assert_eq!(
            suggestion("concurrent_invocation"),
            Some("concurrent_invocations")
        );
    }

    #[test]
    fn unparseable_arguments_still_honour_entrypoint_false() {
        let (config, errors) = messages(quote!(source("sqs"), entrypoint = false));
        assert_eq!(errors.len(), 1);
        assert!(!config.entrypoint);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("source", "source"), 0);
        assert_eq!(edit_distance("sorce", "source"), 1);
        assert_eq!(
            edit_distance("skip_group_on_eror", "skip_group_on_error"),
            1
        );
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn close_names_get_a_hint() {
        assert_eq!(closest("sorce", ARGUMENTS.iter().copied()), Some("source"));
        assert_eq!(
            closest("concurency", ARGUMENTS.iter().copied()),
            Some("concurrency")
        );
        assert_eq!(closest("timeout", ARGUMENTS.iter().copied()), None);
        assert!(unknown_argument("fifo").contains("source = \"sqs_fifo\""));
        assert!(unknown_argument("timeout").contains("takes `source`"));
        assert_eq!(suggestion("sorce"), Some("source"));
        assert_eq!(suggestion("fifo"), Some("source = \"sqs_fifo\""));
    }
}
