//! Integration tests of lambda-batch live in `tests/`.
