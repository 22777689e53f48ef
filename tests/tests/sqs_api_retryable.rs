//! Delete successes (R17) when SQS refuses entries with `SenderFault = false` (its own fault,
//! worth retrying), which moto never does. A scripted server on a local port answers the SDK
//! client's `DeleteMessageBatch` calls as SQS would, refusing the entries its script names, and
//! records every call: the refused entries are retried a bounded number of times, and one
//! still refused is named in the invocation's error.
#![cfg(feature = "sqs-api")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use batch_core::source::Sqs;
use batch_core::sqs_api::aws_sdk_sqs;
use batch_core::testing::event_from_str;
use batch_core::{BatchError, BatchProcessor, RecordCx, handler_fn};
use serde_json::{Value, json};

/// Whether the server refuses, on its call number `call` (from 0), the entry with this receipt
/// handle.
type Script = fn(handle: &str, call: usize) -> bool;

/// The receipt handles of each `DeleteMessageBatch` call the server answered.
type Calls = Arc<Mutex<Vec<Vec<String>>>>;

/// Starts the scripted server on a free port; returns its endpoint and its calls.
fn scripted_sqs(script: Script) -> (String, Calls) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let calls: Calls = Arc::default();
    let recorded = Arc::clone(&calls);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let calls = Arc::clone(&recorded);
            std::thread::spawn(move || serve(stream, script, &calls));
        }
    });
    (endpoint, calls)
}

/// Answers every request of one connection (the SDK keeps connections alive).
fn serve(stream: TcpStream, script: Script, calls: &Mutex<Vec<Vec<String>>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let request: Value = serde_json::from_slice(&body).unwrap();
        let entries = request["Entries"].as_array().unwrap();
        let handles: Vec<String> = entries
            .iter()
            .map(|e| e["ReceiptHandle"].as_str().unwrap().to_owned())
            .collect();
        let call = {
            let mut calls = calls.lock().unwrap();
            calls.push(handles.clone());
            calls.len() - 1
        };
        let (mut successful, mut failed) = (Vec::new(), Vec::new());
        for (entry, handle) in entries.iter().zip(&handles) {
            let id = entry["Id"].clone();
            if script(handle, call) {
                failed.push(json!({
                    "Id": id, "SenderFault": false, "Code": "InternalError",
                    "Message": "We encountered an internal error. Please try again."
                }));
            } else {
                successful.push(json!({ "Id": id }));
            }
        }
        let response = json!({ "Successful": successful, "Failed": failed }).to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n\
             x-amzn-RequestId: scripted\r\nContent-Length: {}\r\n\r\n",
            response.len()
        );
        if writer.write_all(head.as_bytes()).is_err()
            || writer.write_all(response.as_bytes()).is_err()
        {
            return;
        }
    }
}

/// A client for `endpoint` with dummy credentials and no retries of the SDK's own.
fn client(endpoint: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_sqs::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// Records `m0`..`m<n-1>` with receipt handles `rh-0`...; `m1` fails, the others succeed.
async fn run(script: Script, n: usize) -> (Result<(), BatchError>, Vec<Vec<String>>) {
    let (endpoint, calls) = scripted_sqs(script);
    let records: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"messageId":"m{i}","receiptHandle":"rh-{i}","body":"{}","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders","attributes":{{"ApproximateReceiveCount":"1"}}}}"#,
                if i == 1 { "fail" } else { "ok" }
            )
        })
        .collect();
    let event = event_from_str(&format!(r#"{{"Records":[{}]}}"#, records.join(",")));
    let handler = handler_fn(|r: &RecordCx<'_, Sqs>| {
        if r.id() == Some("m1") {
            Err("declined")
        } else {
            Ok(())
        }
    });
    let result = BatchProcessor::<Sqs>::new()
        .delete_successes(client(&endpoint))
        .run(event, &handler)
        .await
        .map(|_| ());
    let calls = calls.lock().unwrap().clone();
    (result, calls)
}

fn ids(failures: &[batch_core::RecordFailure]) -> Vec<&str> {
    failures.iter().map(|f| f.id.as_deref().unwrap()).collect()
}

#[tokio::test]
async fn an_entry_refused_once_is_retried_alone_and_deleted() {
    let (result, calls) = run(|handle, call| handle == "rh-2" && call == 0, 4).await;
    let error = result.unwrap_err();
    let BatchError::SomeFailed {
        failures,
        not_deleted,
    } = &error
    else {
        panic!("expected SomeFailed, got {error}");
    };
    assert_eq!(ids(failures), ["m1"]);
    assert_eq!(ids(not_deleted), Vec::<&str>::new());
    assert_eq!(calls, [vec!["rh-0", "rh-2", "rh-3"], vec!["rh-2"]]);
}

#[tokio::test]
async fn an_entry_refused_every_time_is_tried_three_times_then_named() {
    let (result, calls) = run(|handle, _| handle == "rh-3", 5).await;
    let error = result.unwrap_err();
    let BatchError::SomeFailed {
        failures,
        not_deleted,
    } = &error
    else {
        panic!("expected SomeFailed, got {error}");
    };
    assert_eq!(ids(failures), ["m1"]);
    assert_eq!(ids(not_deleted), ["m3"]);
    assert!(
        error
            .to_string()
            .contains("not deleted: SQS refused it with InternalError (after retries)"),
        "{error}"
    );
    assert_eq!(
        calls,
        [
            vec!["rh-0", "rh-2", "rh-3", "rh-4"],
            vec!["rh-3"],
            vec!["rh-3"]
        ]
    );
}
