//! What the compiler says about `#[batch_handler]`: `ui/pass` cases compile and run (each
//! `main` calls the generated `lambda_handler` on an inline event and checks the response);
//! `ui/fail` cases fail with the checked-in `.stderr`. Regenerate with `TRYBUILD=overwrite`,
//! then read the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
