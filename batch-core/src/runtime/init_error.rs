//! Reports a failed init phase (the handler's state could not be built) to the Lambda Runtime
//! API, so that Lambda records why the function could not start instead of only seeing the
//! process exit.

use lambda_runtime::Diagnostic;
use lambda_runtime_api_client::body::Body;
use lambda_runtime_api_client::{Client, build_request};

use super::RUNTIME_API_VAR;
use crate::error::{BatchError, BoxError};

/// The Runtime API resource an init error is posted to.
const INIT_ERROR_PATH: &str = "/2018-06-01/runtime/init/error";

/// The header that carries the error's category, as the Runtime API defines it; the value is
/// the one `lambda_runtime` itself sends for init errors.
const ERROR_TYPE_HEADER: &str = "Lambda-Runtime-Function-Error-Type";
const ERROR_TYPE_HEADER_VALUE: &str = "Runtime.InitError";

/// Posts `error` to `/runtime/init/error` as `{"errorType": ..., "errorMessage": ...}`.
/// Fails when the request cannot be built or sent, or when the Runtime API refuses it.
pub(super) async fn report(error: &BatchError) -> Result<(), BoxError> {
    let endpoint = std::env::var(RUNTIME_API_VAR)
        .map_err(|e| format!("{RUNTIME_API_VAR} is unusable: {e}"))?;
    let base = endpoint
        .as_str()
        .try_into()
        .map_err(|e| format!("{RUNTIME_API_VAR} `{endpoint}` is not an address: {e}"))?;
    let client = Client::builder().with_endpoint(base).build()?;
    // `Client` panics on a base without an authority (`host:port`): refuse it here instead.
    if client.base.authority().is_none() {
        return Err(format!("{RUNTIME_API_VAR} `{endpoint}` has no host and port").into());
    }
    let diagnostic = Diagnostic {
        error_type: error.error_type().to_owned(),
        error_message: error.to_string(),
    };
    let request = build_request()
        .method("POST")
        .uri(INIT_ERROR_PATH)
        .header(ERROR_TYPE_HEADER, ERROR_TYPE_HEADER_VALUE)
        .header("Content-Type", "application/json")
        .body(Body::from(serde_json::to_vec(&diagnostic)?))?;
    let response = client.call(request).await?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the Runtime API answered {status}").into());
    }
    Ok(())
}
