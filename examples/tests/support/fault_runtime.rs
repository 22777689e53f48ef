//! A mock of the Lambda Runtime API on 127.0.0.1 that misbehaves on cue: each
//! `GET .../invocation/next` takes the next step of a script (an event, an error status, no
//! answer, or a connection closed halfway through the event), and each `POST` (response or error)
//! is recorded and then answered as its own script says (accepted, an error status, or the
//! connection closed without an answer). With the script used up, `next` never answers (as
//! Lambda freezes) and posts are accepted.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How the mock answers one `GET .../invocation/next`.
pub enum Next {
    /// The event, with request id `req-<n>` (`n` counts `next` requests from 1).
    Event(String),
    /// This status and a short JSON error body, without a request id.
    Status(u16),
    /// No answer at all: the connection stays open.
    Hang,
    /// Headers for the whole event, then half of it, then the connection is closed.
    CloseMidBody(String),
}

/// How the mock answers one `POST`.
pub enum Answer {
    Accept,
    Status(u16),
    /// The connection is closed without an answer.
    Close,
}

/// What the function posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Response { request_id: String, body: String },
    Error { request_id: String, body: String },
}

struct Script {
    next: Mutex<VecDeque<Next>>,
    answers: Mutex<VecDeque<Answer>>,
    next_requests: AtomicUsize,
}

pub struct FaultRuntime {
    address: String,
    posted: Receiver<Posted>,
    script: Arc<Script>,
}

impl FaultRuntime {
    pub fn start(next: Vec<Next>, answers: Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let script = Arc::new(Script {
            next: Mutex::new(next.into()),
            answers: Mutex::new(answers.into()),
            next_requests: AtomicUsize::new(0),
        });
        let (sender, posted) = channel();
        let shared = script.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (script, sender) = (shared.clone(), sender.clone());
                thread::spawn(move || serve(stream, &script, &sender));
            }
        });
        Self {
            address,
            posted,
            script,
        }
    }

    /// Everything posted within `wait`.
    pub fn posted_within(&self, wait: Duration) -> Vec<Posted> {
        let until = Instant::now() + wait;
        let mut posted = Vec::new();
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match self.posted.recv_timeout(left) {
                Ok(post) => posted.push(post),
                Err(_) => break,
            }
        }
        posted
    }

    /// The next post, waiting up to 20 s.
    pub fn next_posted(&self) -> Posted {
        self.posted
            .recv_timeout(Duration::from_secs(20))
            .expect("the function posts within 20 s")
    }

    /// How many `GET .../invocation/next` requests the function made.
    pub fn next_requests(&self) -> usize {
        self.script.next_requests.load(Ordering::SeqCst)
    }

    /// Runs `bin` as Lambda would, against this mock.
    pub fn spawn_function(&self, bin: &str) -> Function {
        let child = Command::new(bin)
            .env("AWS_LAMBDA_RUNTIME_API", &self.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", "mock-function")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("RUST_LOG", "off")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Function(child)
    }
}

/// The function's process; killed when dropped.
pub struct Function(Child);

impl Function {
    /// The exit status, or `None` when it is still running after `wait`.
    pub fn exit_within(&mut self, wait: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + wait;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= until {
                return None;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(stream: TcpStream, script: &Script, sender: &Sender<Posted>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let path = path.trim_start_matches("/2018-06-01/runtime/");
        let written = if method == "GET" && path == "invocation/next" {
            let n = script.next_requests.fetch_add(1, Ordering::SeqCst) + 1;
            let step = script.next.lock().unwrap().pop_front();
            match step {
                Some(Next::Event(event)) => write_event(&mut writer, n, &event, event.len()),
                Some(Next::Status(status)) => {
                    let body = r#"{"errorMessage":"mock failure","errorType":"ServiceException"}"#;
                    write!(
                        writer,
                        "HTTP/1.1 {status} Error\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                }
                Some(Next::CloseMidBody(event)) => {
                    let half = &event[..event.len() / 2];
                    let _ = write_event(&mut writer, n, half, event.len());
                    let _ = writer.flush();
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
                Some(Next::Hang) | None => {
                    thread::sleep(Duration::from_secs(3600));
                    return;
                }
            }
        } else {
            let posted = match path.rsplit_once('/') {
                Some((id, "response")) => Posted::Response {
                    request_id: id.trim_start_matches("invocation/").to_owned(),
                    body,
                },
                Some((id, "error")) => Posted::Error {
                    request_id: id.trim_start_matches("invocation/").to_owned(),
                    body,
                },
                _ => panic!("unexpected request {method} {path}"),
            };
            let _ = sender.send(posted);
            let answer = script.answers.lock().unwrap().pop_front();
            match answer.unwrap_or(Answer::Accept) {
                Answer::Accept => {
                    writer.write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}")
                }
                Answer::Status(status) => write!(
                    writer,
                    "HTTP/1.1 {status} Error\r\ncontent-length: 2\r\n\r\n{{}}"
                ),
                Answer::Close => {
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
            }
        };
        if written.and_then(|()| writer.flush()).is_err() {
            return;
        }
    }
}

/// An event's head (with `content-length` announcing `announced` bytes) and `body`.
fn write_event(
    writer: &mut TcpStream,
    n: usize,
    body: &str,
    announced: usize,
) -> std::io::Result<()> {
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 60_000;
    write!(
        writer,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
         lambda-runtime-aws-request-id: req-{n}\r\nlambda-runtime-deadline-ms: {deadline}\r\n\
         lambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:000000000000:function:mock-function\r\n\
         content-length: {announced}\r\n\r\n"
    )?;
    writer.write_all(body.as_bytes())
}
