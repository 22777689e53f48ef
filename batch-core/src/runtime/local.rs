//! Local invoke: run the handler once on an event from a file or stdin.

use std::ffi::OsString;
use std::future::Future;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::{HandlerFn, HandlerFuture, REMAINING_MS_VAR};
use crate::error::BoxError;
use crate::event::HandlerEvent;
use crate::testing::{TEST_DEADLINE, test_context_with_remaining, test_event};

/// Where the event comes from.
enum Input {
    Help,
    Stdin,
    File(OsString),
}

pub(super) async fn invoke<I, F, E, Fut, R>(init: I, handler: F) -> ExitCode
where
    I: Future<Output = Result<(), BoxError>>,
    F: HandlerFn<E, Fut, R>,
    E: HandlerEvent,
    Fut: HandlerFuture<R>,
    R: Serialize,
{
    let mut args = std::env::args_os();
    let program = args.next().unwrap_or_default();
    let name = function_name(&program);
    let input = match parse_args(args) {
        Ok(input) => input,
        Err(message) => return fail(&format!("{message}\n\n{}", usage(&name))),
    };
    let text = match read_event(&input) {
        Ok(Some(text)) => text,
        Ok(None) => {
            print!("{}", usage(&name));
            return ExitCode::SUCCESS;
        }
        Err(message) => return fail(&message),
    };
    let remaining = match remaining_time(std::env::var_os(REMAINING_MS_VAR)) {
        Ok(remaining) => remaining,
        Err(message) => return fail(&message),
    };
    if let Err(e) = init.await {
        return fail(&super::init_failure(e).to_string());
    }
    // The deadline counts from here, as Lambda's counts from the invocation, not from init.
    let context = test_context_with_remaining(&name, remaining);
    let event = test_event(E::from_event_json(&text), context);
    match handler(event).await {
        Ok(response) => match serde_json::to_string(&response) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("cannot serialize the response: {e}")),
        },
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("Error: {message}");
    ExitCode::FAILURE
}

fn function_name(program: &OsString) -> String {
    Path::new(program)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|stem| !stem.is_empty())
        .unwrap_or_else(|| "lambda-function".to_owned())
}

fn parse_args(mut args: impl Iterator<Item = OsString>) -> Result<Input, String> {
    let input = match args.next() {
        None => Input::Stdin,
        Some(arg) if arg == "--help" || arg == "-h" => Input::Help,
        Some(arg) if arg == "-" => Input::Stdin,
        Some(arg) if arg.to_string_lossy().starts_with('-') => {
            return Err(format!("unknown option `{}`", arg.to_string_lossy()));
        }
        Some(arg) => Input::File(arg),
    };
    match args.next() {
        Some(extra) => Err(format!(
            "unexpected argument `{}`: give one event file",
            extra.to_string_lossy()
        )),
        None => Ok(input),
    }
}

/// The event's text, or `None` for `--help`.
fn read_event(input: &Input) -> Result<Option<String>, String> {
    match input {
        Input::Help => Ok(None),
        Input::File(path) => std::fs::read_to_string(path)
            .map(Some)
            .map_err(|e| format!("cannot read `{}`: {e}", Path::new(path).display())),
        Input::Stdin => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(
                    "no event given: pass an event file, or pipe the event on stdin (see --help)"
                        .to_owned(),
                );
            }
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map(|_| Some(text))
                .map_err(|e| format!("cannot read the event from stdin: {e}"))
        }
    }
}

/// The test context's remaining time: the value of `LAMBDA_BATCH_REMAINING_MS` when it is set
/// (a whole number of milliseconds, at least 1), 15 minutes otherwise.
fn remaining_time(value: Option<OsString>) -> Result<Duration, String> {
    let Some(value) = value else {
        return Ok(TEST_DEADLINE);
    };
    value
        .to_str()
        .and_then(|text| text.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
        .ok_or_else(|| {
            format!(
                "{REMAINING_MS_VAR} must be a whole number of milliseconds from 1 up, not `{}`",
                value.to_string_lossy()
            )
        })
}

fn usage(name: &str) -> String {
    format!(
        "Usage: {name} [EVENT.json | -]

Runs this Lambda function once on a batch event (local invoke) and prints the
response as one line of JSON on stdout. With `-` or no argument the event is
read from stdin. Logs go to stderr.

Exit status: 0 when the function returned a response; 1 when it returned an
error (printed on stderr as `Error: ...`), or the event could not be read.

Environment:
  {REMAINING_MS_VAR}  the time the invocation has left, in milliseconds
      (default 900000: 15 minutes). Set it below the handler's deadline_margin_ms
      plus the time its records take to see the deadline guard stop records.

Deployed, the same binary serves the Lambda Runtime API: it does so whenever
AWS_LAMBDA_RUNTIME_API is set (by AWS Lambda or `cargo lambda watch`).
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_time_defaults_to_fifteen_minutes() {
        assert_eq!(remaining_time(None), Ok(Duration::from_secs(900)));
    }

    #[test]
    fn remaining_time_reads_milliseconds() {
        assert_eq!(
            remaining_time(Some("1900".into())),
            Ok(Duration::from_millis(1900))
        );
        assert_eq!(
            remaining_time(Some("1".into())),
            Ok(Duration::from_millis(1))
        );
    }

    #[test]
    fn an_invalid_remaining_time_names_the_variable() {
        for value in ["", "0", "-5", "1.5", "2s", " 100", "99999999999999999999"] {
            assert_eq!(
                remaining_time(Some(value.into())),
                Err(format!(
                    "LAMBDA_BATCH_REMAINING_MS must be a whole number of milliseconds from 1 up, not `{value}`"
                )),
                "{value:?}"
            );
        }
    }
}
