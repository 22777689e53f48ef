#![no_main]
//! Bytes -> the event as lambda_runtime decodes it -> the processor -> the response, checked
//! against the reference model and the invariants (see `batch_core_fuzz::check`).

use batch_core_fuzz::{Target, check, ignore_marked_panics};

libfuzzer_sys::fuzz_target!(init: ignore_marked_panics(), |data: &[u8]| check(Target::Kinesis, data));
