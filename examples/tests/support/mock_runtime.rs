//! An in-process mock of the Lambda Runtime API on 127.0.0.1, enough for `lambda_runtime`:
//! `GET /2018-06-01/runtime/invocation/next` hands out queued events, `POST .../response` and
//! `POST .../error` and `POST .../init/error` are recorded, and `next` requests counted. With no
//! event left, `next` never answers (as Lambda freezes).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the function posted for one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Response {
        request_id: String,
        body: String,
    },
    Error {
        request_id: String,
        body: String,
    },
    /// `error_type` is the `Lambda-Runtime-Function-Error-Type` header, when sent.
    InitError {
        error_type: Option<String>,
        body: String,
    },
}

pub struct MockRuntime {
    pub address: String,
    posted: Receiver<Posted>,
    next_requests: Arc<AtomicUsize>,
}

impl MockRuntime {
    /// Starts the mock with these events queued; request ids are `req-1`, `req-2`, ...
    pub fn start(events: Vec<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let queue = Arc::new(Mutex::new(
            events.into_iter().enumerate().collect::<VecDeque<_>>(),
        ));
        let (sender, posted) = channel();
        let next_requests = Arc::new(AtomicUsize::new(0));
        let counter = next_requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (queue, sender, counter) = (queue.clone(), sender.clone(), counter.clone());
                thread::spawn(move || serve(stream, &queue, &sender, &counter));
            }
        });
        Self {
            address,
            posted,
            next_requests,
        }
    }

    /// The next thing the function posted, waiting up to 20 s.
    pub fn next_posted(&self) -> Posted {
        self.posted
            .recv_timeout(Duration::from_secs(20))
            .expect("the function posts a result within 20 s")
    }

    /// Something else posted, if it was already recorded: `None` once everything posted was
    /// taken (each post is recorded before it is answered).
    #[allow(dead_code)] // Not every test crate that includes this file uses every helper.
    pub fn try_next_posted(&self) -> Option<Posted> {
        self.posted.try_recv().ok()
    }

    /// How many `GET .../invocation/next` requests the function made.
    #[allow(dead_code)]
    pub fn next_requests(&self) -> usize {
        self.next_requests.load(Ordering::SeqCst)
    }

    /// Runs `bin` as Lambda would, against this mock.
    #[allow(dead_code)]
    pub fn spawn_function(&self, bin: &str) -> FunctionProcess {
        self.spawn_function_with_env(bin, &[])
    }

    /// Runs `bin` as Lambda would, against this mock, with these extra environment variables.
    pub fn spawn_function_with_env(&self, bin: &str, env: &[(&str, &str)]) -> FunctionProcess {
        self.spawn(bin, env, Stdio::null())
    }

    /// Like [`spawn_function_with_env`](Self::spawn_function_with_env), with the function's logs
    /// (its stdout under Lambda) written to `log`.
    #[allow(dead_code)]
    pub fn spawn_function_logging(
        &self,
        bin: &str,
        env: &[(&str, &str)],
        log: std::fs::File,
    ) -> FunctionProcess {
        self.spawn(bin, env, Stdio::from(log))
    }

    fn spawn(&self, bin: &str, env: &[(&str, &str)], stdout: Stdio) -> FunctionProcess {
        let child = Command::new(bin)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .env("AWS_LAMBDA_RUNTIME_API", &self.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", "mock-function")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        FunctionProcess(child)
    }
}

/// The function's process; killed when dropped, also when an assertion fails.
pub struct FunctionProcess(Child);

impl FunctionProcess {
    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }

    /// The exit status, waiting up to 20 s for the process to exit.
    #[allow(dead_code)]
    pub fn exit_status(&mut self) -> ExitStatus {
        for _ in 0..200 {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!("the function did not exit within 20 s");
    }
}

impl Drop for FunctionProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

type Queue = Mutex<VecDeque<(usize, String)>>;

// The edition-2021 package includes this file too, and has no let chains to collapse into.
#[allow(clippy::collapsible_if)]
fn serve(stream: TcpStream, queue: &Queue, sender: &Sender<Posted>, next_requests: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0;
        let mut error_type = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().unwrap();
                }
                if name.eq_ignore_ascii_case("lambda-runtime-function-error-type") {
                    error_type = Some(value.trim().to_owned());
                }
            }
        }
        let mut body = vec![0; content_length];
        reader.read_exact(&mut body).unwrap();
        let body = String::from_utf8(body).unwrap();
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let path = path.trim_start_matches("/2018-06-01/runtime/");
        if method == "GET" && path == "invocation/next" {
            next_requests.fetch_add(1, Ordering::SeqCst);
            let next = queue.lock().unwrap().pop_front();
            let Some((index, event)) = next else {
                // No more events: hold the connection, as a frozen environment would.
                thread::sleep(Duration::from_secs(3600));
                return;
            };
            let deadline = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 60_000;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                 lambda-runtime-aws-request-id: req-{}\r\nlambda-runtime-deadline-ms: {deadline}\r\n\
                 lambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:000000000000:function:mock-function\r\n\
                 content-length: {}\r\n\r\n",
                index + 1,
                event.len()
            );
            writer.write_all(head.as_bytes()).unwrap();
            writer.write_all(event.as_bytes()).unwrap();
        } else {
            let posted = match path.rsplit_once('/') {
                Some(("init", "error")) => Posted::InitError { error_type, body },
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
            // Recorded before it is answered, so a function that exits after its post has
            // always been recorded.
            let _ = sender.send(posted);
            writer
                .write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}")
                .unwrap();
        }
        writer.flush().unwrap();
    }
}
