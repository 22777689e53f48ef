//! What the compiler says about `#[batch_handler]`: `ui/pass` cases compile and run (each
//! `main` calls the generated `lambda_handler` on an inline event and checks the response);
//! `ui/fail` cases fail with the checked-in `.stderr`. Regenerate with `TRYBUILD=overwrite`,
//! then read the diff.
//!
//! Built with this package's `concurrency-tokio` feature, every case is also built with
//! batch-core's feature on (features are additive: the same cases pass and fail the same way),
//! except the one that is an error only without the feature. The same holds for `sqs-api`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
    #[cfg(not(feature = "concurrency-tokio"))]
    cases.compile_fail("ui/fail-without-concurrency-tokio/*.rs");
    #[cfg(not(feature = "sqs-api"))]
    cases.compile_fail("ui/fail-without-sqs-api/*.rs");
}
