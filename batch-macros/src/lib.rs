//! The `#[batch_handler]` attribute of lambda-batch. Use it through `batch_core`, which
//! re-exports it with the full documentation: `use batch_core::prelude::*;`.
//!
//! The macro works in three steps, one module each:
//! - `args` parses the attribute's arguments into a checked `Config`;
//! - `signature` checks the function and reads what the expansion needs from it;
//! - `expand` emits `lambda_handler`, `main` and the glue that calls into `batch_core`.
//!
//! Every error of the first two steps is collected and reported at once, each at the offending
//! token. On errors the user's function is still emitted (so IDEs keep working), together with a
//! stub `main` so that a missing `main` does not join the real errors.

mod args;
mod expand;
mod signature;
mod sources;

use proc_macro::TokenStream;

/// Turns a function that handles **one record** into a complete AWS Lambda function that
/// processes a batch from SQS (standard or FIFO), Kinesis Data Streams or DynamoDB Streams and
/// reports exactly the records that failed (`ReportBatchItemFailures`), so only those are retried.
///
/// ```
/// # // At the root of a bin crate; here in a module, as rustdoc would wrap it in a `fn main`.
/// # mod handler {
/// use batch_core::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct Order {
///     sku: String,
///     quantity: u32,
/// }
///
/// #[batch_handler(source = "sqs")]
/// async fn place_order(Json(order): Json<Order>, context: &Context) -> Result<(), BoxError> {
///     if order.quantity == 0 {
///         return Err(format!("{}: no quantity for {}", context.request_id, order.sku).into());
///     }
///     Ok(())
/// }
/// # }
/// # fn main() {}
/// ```
///
/// Next to the function, which stays as written, the macro adds:
/// - `pub async fn lambda_handler(event: LambdaEvent<BatchEvent>) -> Result<Response, BatchError>`,
///   where `Response` is the source's response type (`SqsBatchResponse`, `KinesisEventResponse`,
///   `DynamoDbEventResponse` from `aws_lambda_events`; `batch_core::KafkaEventResponse`). It runs the function on every record and
///   lists the failed ones. Call it from your tests.
/// - `fn main()` (unless `entrypoint = false`): sets up `tracing`, then under Lambda
///   (`AWS_LAMBDA_RUNTIME_API` set) serves invocations with `lambda_handler`; otherwise it is a
///   command-line tool that runs `lambda_handler` once on an event file (**local invoke**):
///   `cargo run --bin orders -- events/orders.json` prints the response as one line of JSON, or
///   `Error: ...` on stderr and exits 1. With `concurrent_invocations` it serves several
///   invocations at once (Lambda Managed Instances).
///
/// A record *fails* when the function returns `Err`, panics, or a parameter cannot be extracted
/// (a body that is not valid JSON for `T`); the other records go on. When every record failed,
/// `lambda_handler` returns `Err(BatchError::AllFailed { .. })` so that Lambda retries the whole
/// batch (see `raise_on_entire_batch_failure`).
///
/// # Arguments
///
/// | argument | meaning | default |
/// |---|---|---|
/// | `source = "sqs" \| "sqs_fifo" \| "kinesis" \| "dynamodb" \| "kafka"` | the event source; required (Kafka: Amazon MSK and self-managed) | |
/// | `skip_group_on_error` | `sqs_fifo` only: a failure fails the rest of its message group; other groups go on | off: the first failure stops the batch |
/// | `raise_on_entire_batch_failure = bool` | when every record failed, fail the invocation | `true` |
/// | `concurrency = N` | `async fn` only: up to N records in flight; records that share an ordering key (FIFO group, Kinesis partition key, DynamoDB item keys, Kafka topic-partition) still run in order | 1 |
/// | `stop_on_first_failure` | `kinesis` and `dynamodb`: after the first failure start no more records; `kafka`: no more records of that partition | off |
/// | `deadline_margin_ms = N` | do not start a record when less than N ms remain; it is reported as failed | off |
/// | `record_timeout_ms = N` | `async fn` only: cancel a record still running after N ms; it fails with `timed out after N ms` | off |
/// | `state = path` | an `async fn() -> Result<S, E>` run once per process; the function takes `State<&S>` | none |
/// | `hooks = expr` | a value implementing `RecordHooks`, built once per process, called on every success and failure | none |
/// | `processor = expr` | a custom `Processor`, built once per process, used instead of the built-in one | built-in |
/// | `entrypoint = false` | emit `lambda_handler` but no `main` (libraries, tests, a `main` of your own) | `true` |
/// | `concurrent_invocations` | `main` serves as many invocations at once as `AWS_LAMBDA_MAX_CONCURRENCY` says (Lambda Managed Instances); needs batch-core's `concurrency-tokio` feature and a handler whose future is `Send` | off |
/// | `crate = "path"` | the path of `batch_core` when the dependency is renamed | `batch_core` |
///
/// `concurrency = N` interleaves the records' async work on the one task that runs the
/// invocation: while one record awaits I/O, another runs. Blocking or CPU-bound work does not
/// interleave (8 records that each `std::thread::sleep` for 2 s take 16 s at `concurrency = 8`):
/// run it with `tokio::task::spawn_blocking(...).await`.
///
/// Flags (`skip_group_on_error`, `stop_on_first_failure`, `concurrent_invocations`) are written
/// alone or as `= true` / `= false`. Values must be literals: an unknown or misspelled argument,
/// a value of the wrong kind, `skip_group_on_error` without `sqs_fifo`, `stop_on_first_failure`
/// on SQS, `concurrency` on a plain `fn`, `concurrency > 1` on `sqs_fifo` without
/// `skip_group_on_error`, and `concurrent_invocations` without batch-core's `concurrency-tokio`
/// feature or with `entrypoint = false` are compile errors at the offending token.
///
/// # The function
///
/// `async fn` or plain `fn`, not generic (lifetimes are fine), not a method. Its parameters are
/// **extractors**, in any order:
///
/// | type | gives |
/// |---|---|
/// | `&SqsMessage`, `&KinesisEventRecord`, `&dynamodb::EventRecord`, `&KafkaRecord` | the raw record |
/// | `Json<T>` (`T: Deserialize`) | SQS: the body parsed as JSON; Kinesis: the base64-decoded data parsed as JSON; Kafka: the base64-decoded `value` parsed as JSON |
/// | `Option<Json<T>>` | Kafka: `None` for a tombstone (`value` null or missing) |
/// | `NewImage<T>`, `OldImage<T>`, `Option<NewImage<T>>`, `Option<OldImage<T>>` | DynamoDB: the item image deserialized as `serde_dynamo` does |
/// | `&Context` | the Lambda context (request id, deadline, function ARN) |
/// | `State<&S>` | the value built by `state = ...` |
/// | a type of yours implementing `FromRecord<'_, Source>` | whatever it takes from the record |
///
/// A parameter that is not an extractor for the source (`NewImage<T>` on SQS) is a compile error
/// at its type. The function returns `()` or `Result<T, E>` with `E: Into<BoxError>` (any
/// `std::error::Error + Send + Sync`, `String`, `&'static str`, `anyhow::Error`); `T` is what
/// hooks and processors see.
///
/// # State, built once per process
///
/// The state function runs once per process: in `main` before the first invocation (Lambda's
/// init phase, where an error stops the process), or on the first call when a test calls
/// `lambda_handler` directly. Warm invocations reuse it. An error is not kept: the next call
/// tries again. A value tied to one tokio runtime (an SDK client's connection pool) does not
/// survive into another runtime, and each `#[tokio::test]` has its own.
///
/// ```
/// # // At the root of a bin crate; here in a module, as rustdoc would wrap it in a `fn main`.
/// # mod handler {
/// use batch_core::prelude::*;
///
/// struct Prices {
///     cents_per_unit: u64,
/// }
///
/// async fn load_prices() -> Result<Prices, std::io::Error> {
///     Ok(Prices { cents_per_unit: 250 })
/// }
///
/// #[batch_handler(source = "kinesis", state = load_prices, concurrency = 10)]
/// async fn price(Json(units): Json<u64>, State(prices): State<&Prices>) -> Result<u64, BoxError> {
///     Ok(units * prices.cents_per_unit)
/// }
/// # }
/// # fn main() {}
/// ```
///
/// # Testing a handler
///
/// `lambda_handler` takes a `LambdaEvent`; `batch_core::testing::event_from_file` and
/// `event_from_str` build one with a test context in one line:
///
/// ```
/// use batch_core::prelude::*;
/// use batch_core::testing::event_from_str;
///
/// #[batch_handler(source = "sqs_fifo", skip_group_on_error, entrypoint = false)]
/// fn ship(message: &SqsMessage) -> Result<(), String> {
///     match message.body.as_deref() {
///         Some("broken") => Err("cannot ship".to_owned()),
///         _ => Ok(()),
///     }
/// }
///
/// # fn main() {
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let event = event_from_str(r#"{"Records": [
///     {"messageId": "1", "eventSource": "aws:sqs", "body": "broken", "attributes": {"MessageGroupId": "a"}},
///     {"messageId": "2", "eventSource": "aws:sqs", "body": "ok", "attributes": {"MessageGroupId": "a"}},
///     {"messageId": "3", "eventSource": "aws:sqs", "body": "ok", "attributes": {"MessageGroupId": "b"}}
/// ]}"#);
/// let response = lambda_handler(event).await.unwrap();
/// let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
/// assert_eq!(failed, ["1", "2"]); // group "a" stops at its failure, group "b" goes on
/// # });
/// # }
/// ```
///
/// # Placement
///
/// `lambda_handler` has a fixed name, so one `#[batch_handler]` per module; the generated `main`
/// is the program's entry point only at the root of a bin crate. Put further handlers in modules
/// with `entrypoint = false`.
///
/// A handler declared inside a function body (a test's, say) needs `entrypoint = false` too: a
/// `main` generated there would never run. A module that defines its own `main` beside the
/// attribute gets an error that asks for `entrypoint = false`.
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
