//! A real SQS server for the `sqs-api` tests: moto's (`moto_server`, PyPI `moto[server]`),
//! started on a free 127.0.0.1 port and stopped by its process id when the last test using it
//! drops its handle, also when an assertion fails. Each test makes its own queue.
//!
//! The server is `$MOTO_SERVER`, else the project's `.venv/bin/moto_server` (which
//! `scripts/test` installs). When there is none the tests fail with the command that installs
//! it: they never skip silently.
//!
//! Helpers cover what Lambda does around a function: receive messages for real receipt handles
//! and receive counts, build the Lambda SQS event from them, apply what Lambda does with the
//! invocation's result, and read what is left in the queue once the visibility timeout passed.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use aws_sdk_sqs::Client;
use aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName, QueueAttributeName};
use batch_core::sqs_api::aws_sdk_sqs;

/// The region the tests' clients name; moto puts it in queue ARNs.
pub const REGION: &str = "us-east-1";
/// The account moto uses for every queue.
pub const ACCOUNT: &str = "123456789012";

/// A running moto server; killed by pid on drop.
pub struct Moto {
    child: Mutex<Child>,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The workspace root (this file is included by more than one package).
fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").exists())
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The `moto_server` program: `$MOTO_SERVER` or the project's `.venv`.
pub fn moto_server() -> PathBuf {
    if let Some(path) = std::env::var_os("MOTO_SERVER") {
        return PathBuf::from(path);
    }
    let venv = workspace().join(".venv/bin/moto_server");
    if venv.exists() {
        return venv;
    }
    panic!(
        "moto_server is not installed, and the sqs-api tests need a real SQS server. Install it with\n    \
         python3 -m venv .venv && .venv/bin/pip install \"moto[server]\"\n\
         (or set MOTO_SERVER to a moto_server program), or run scripts/test, which does that first."
    )
}

/// The server shared by the tests running now: started by the first, stopped when the last
/// one drops its handle.
pub fn moto() -> Arc<Moto> {
    static SHARED: Mutex<Weak<Moto>> = Mutex::new(Weak::new());
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(moto) = shared.upgrade() {
        return moto;
    }
    let moto = Arc::new(start());
    *shared = Arc::downgrade(&moto);
    moto
}

/// Starts a server of its own on a free port and waits until it answers.
pub fn start() -> Moto {
    let program = moto_server();
    let port = free_port();
    let child = Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "starting {} failed: {e}. Install moto with\n    \
                 python3 -m venv .venv && .venv/bin/pip install \"moto[server]\"",
                program.display()
            )
        });
    let moto = Moto {
        child: Mutex::new(child),
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    loop {
        if answers(port) {
            return moto;
        }
        if let Ok(Some(status)) = moto.child.lock().unwrap().try_wait() {
            panic!(
                "{} exited with {status} before answering",
                program.display()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "moto_server did not answer on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

/// Whether an HTTP server answers on the port.
fn answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/")
}

/// A client for `endpoint` with dummy credentials, the tests' region and no retries of the
/// SDK's own (so a refused connection fails at once).
pub fn client(endpoint: &str) -> Client {
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_sqs::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// A queue made for one test.
pub struct Queue {
    pub url: String,
    pub name: String,
    pub fifo: bool,
    pub visibility: Duration,
}

impl Queue {
    /// The queue's ARN, as Lambda puts it in `eventSourceARN`.
    pub fn arn(&self) -> String {
        format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{}", self.name)
    }
}

/// A queue name no other test uses: the test's name and a counter.
fn unique_name(test: &str, fifo: bool) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let base: String = test
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(60)
        .collect();
    let suffix = if fifo { ".fifo" } else { "" };
    format!("{base}-{}-{n}{suffix}", std::process::id())
}

/// Creates a queue with this visibility timeout (whole seconds).
pub async fn create_queue(client: &Client, test: &str, fifo: bool, visibility: Duration) -> Queue {
    let name = unique_name(test, fifo);
    let mut request = client.create_queue().queue_name(&name).attributes(
        QueueAttributeName::VisibilityTimeout,
        visibility.as_secs().to_string(),
    );
    if fifo {
        request = request
            .attributes(QueueAttributeName::FifoQueue, "true")
            .attributes(QueueAttributeName::ContentBasedDeduplication, "true");
    }
    let url = request
        .send()
        .await
        .expect("CreateQueue")
        .queue_url
        .expect("a queue URL");
    Queue {
        url,
        name,
        fifo,
        visibility,
    }
}

/// Sends these bodies in order; on a FIFO queue each with its message group.
pub async fn send(client: &Client, queue: &Queue, messages: &[(&str, &str)]) {
    for (body, group) in messages {
        let mut request = client
            .send_message()
            .queue_url(&queue.url)
            .message_body(*body);
        if queue.fifo {
            request = request.message_group_id(*group);
        }
        request.send().await.expect("SendMessage");
    }
}

/// Sends these bodies to a standard queue.
pub async fn send_bodies(client: &Client, queue: &Queue, bodies: &[&str]) {
    let messages: Vec<(&str, &str)> = bodies.iter().map(|b| (*b, "")).collect();
    send(client, queue, &messages).await;
}

/// Receives `n` messages (10 a call), with their system attributes, and the instant of the
/// first receive: the visibility timeout runs from then.
pub async fn receive(client: &Client, queue: &Queue, n: usize) -> (Vec<Message>, Instant) {
    let started = Instant::now();
    let mut messages = Vec::new();
    while messages.len() < n {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "received {} of {n} messages",
            messages.len()
        );
        let wanted = (n - messages.len()).min(10) as i32;
        let output = client
            .receive_message()
            .queue_url(&queue.url)
            .max_number_of_messages(wanted)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .expect("ReceiveMessage");
        messages.extend(output.messages.unwrap_or_default());
    }
    (messages, started)
}

/// The Lambda SQS event for these received messages, as Lambda builds it.
pub fn lambda_event(queue: &Queue, messages: &[Message]) -> String {
    let records: Vec<serde_json::Value> = messages
        .iter()
        .map(|m| {
            let attributes: serde_json::Map<String, serde_json::Value> = m
                .attributes()
                .into_iter()
                .flatten()
                .map(|(name, value)| (name.as_str().to_owned(), value.clone().into()))
                .collect();
            serde_json::json!({
                "messageId": m.message_id(),
                "receiptHandle": m.receipt_handle(),
                "body": m.body(),
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": m.md5_of_body(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue.arn(),
                "awsRegion": REGION,
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}

/// A message's `ApproximateReceiveCount`.
pub fn receive_count(message: &Message) -> u32 {
    message
        .attributes()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .and_then(|c| c.parse().ok())
        .expect("ApproximateReceiveCount")
}

/// What Lambda does after a normal return of a function whose event source mapping has no
/// `ReportBatchItemFailures`: deletes every message of the batch. (After an error it deletes
/// none.)
pub async fn lambda_deletes_the_batch(client: &Client, queue: &Queue, messages: &[Message]) {
    for message in messages {
        client
            .delete_message()
            .queue_url(&queue.url)
            .receipt_handle(message.receipt_handle().expect("a receipt handle"))
            .send()
            .await
            .expect("DeleteMessage");
    }
}

/// What Lambda does after a normal return with `ReportBatchItemFailures`: deletes every message
/// whose id is not reported.
pub async fn lambda_deletes_all_but(
    client: &Client,
    queue: &Queue,
    messages: &[Message],
    reported: &[String],
) {
    let kept: Vec<&Message> = messages
        .iter()
        .filter(|m| {
            !reported
                .iter()
                .any(|id| Some(id.as_str()) == m.message_id())
        })
        .collect();
    let kept: Vec<Message> = kept.into_iter().cloned().collect();
    lambda_deletes_the_batch(client, queue, &kept).await;
}

/// Waits until the visibility timeout of the receive at `received` has passed, then returns
/// the bodies of every message in the queue, sorted. Reads them with a long visibility timeout
/// so that each is counted once.
pub async fn left_after_timeout(client: &Client, queue: &Queue, received: Instant) -> Vec<String> {
    let visible_again = received + queue.visibility + Duration::from_millis(300);
    tokio::time::sleep_until(visible_again.into()).await;
    let mut bodies = Vec::new();
    loop {
        let output = client
            .receive_message()
            .queue_url(&queue.url)
            .max_number_of_messages(10)
            .visibility_timeout(60)
            .send()
            .await
            .expect("ReceiveMessage");
        let messages = output.messages.unwrap_or_default();
        if messages.is_empty() {
            break;
        }
        bodies.extend(messages.into_iter().filter_map(|m| m.body));
    }
    bodies.sort();
    bodies
}

/// Waits until the visibility timeout of the receive at `received` has passed, then returns
/// the bodies of the `received` messages still in a FIFO queue, sorted, after checking that the
/// queue holds no other message.
///
/// For FIFO queues, where [`left_after_timeout`] cannot be used: after a receive whose timeout
/// passed, moto keeps the later messages of a group marked in flight until they are received
/// again, and so never returns the group's earlier messages to `ReceiveMessage`. Instead each
/// message is probed with `ChangeMessageVisibility` on its receipt handle (moto refuses the
/// handle of a deleted message with `ReceiptHandleIsInvalid`), and the queue's
/// `ApproximateNumberOfMessages` (exact on moto) must equal what the probes found.
pub async fn left_in_fifo_after_timeout(
    client: &Client,
    queue: &Queue,
    received: Instant,
    messages: &[Message],
) -> Vec<String> {
    let visible_again = received + queue.visibility + Duration::from_millis(300);
    tokio::time::sleep_until(visible_again.into()).await;
    let mut bodies = Vec::new();
    for message in messages {
        let probe = client
            .change_message_visibility()
            .queue_url(&queue.url)
            .receipt_handle(message.receipt_handle().expect("a receipt handle"))
            .visibility_timeout(0)
            .send()
            .await;
        match probe {
            Ok(_) => bodies.push(message.body().unwrap_or_default().to_owned()),
            Err(e)
                if e.as_service_error().and_then(|e| e.meta().code())
                    == Some("ReceiptHandleIsInvalid") => {}
            Err(e) => panic!("ChangeMessageVisibility: {:?}", e),
        }
    }
    assert_eq!(
        message_count(client, queue).await,
        bodies.len(),
        "the queue holds messages that were not received"
    );
    bodies.sort();
    bodies
}

/// How many messages `queue` holds (`ApproximateNumberOfMessages`, exact on moto).
async fn message_count(client: &Client, queue: &Queue) -> usize {
    let output = client
        .get_queue_attributes()
        .queue_url(&queue.url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .expect("GetQueueAttributes");
    output
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
        .and_then(|n| n.parse().ok())
        .expect("ApproximateNumberOfMessages")
}

/// Owned, sorted strings, to compare with [`left_after_timeout`].
pub fn sorted(items: &[&str]) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
    items.sort();
    items
}
