//! Helpers shared by the example tests.
pub mod mock_runtime;
