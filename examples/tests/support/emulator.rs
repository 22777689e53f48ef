//! Drives example binaries under `cargo lambda watch --only-lambda-apis`, the ecosystem's Lambda
//! Runtime API emulator, and invokes them with `cargo lambda invoke`. Every process started here
//! is killed by its process id when its guard drops, also when an assertion fails.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `cargo-lambda` binary: `$CARGO_LAMBDA`, the project's `.venv`, or `PATH`. Fails with
/// install instructions when there is none: these tests never skip silently.
pub fn cargo_lambda() -> PathBuf {
    if let Some(path) = std::env::var_os("CARGO_LAMBDA") {
        return PathBuf::from(path);
    }
    let venv = workspace().join(".venv/bin/cargo-lambda");
    if venv.exists() {
        return venv;
    }
    let on_path = Command::new("cargo-lambda")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if on_path.is_ok() {
        return PathBuf::from("cargo-lambda");
    }
    panic!(
        "cargo-lambda is not installed, and the emulator tests need it. Install it with\n    \
         python3 -m venv .venv && .venv/bin/pip install cargo-lambda\n\
         or run the README's test command, which does that first."
    )
}

/// The release binary of an example, built once per test run.
pub fn release_binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "-p", "examples", "--bins"])
            .current_dir(workspace())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the release examples failed");
    });
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    target.join("release").join(name)
}

/// A child process killed by its pid when dropped.
pub struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Guard {
    pub fn is_running(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }
}

/// An emulator on a free port of 127.0.0.1 with one function process attached.
pub struct Emulator {
    port: u16,
    // Dropped in this order: the function first, then the emulator.
    function: Option<Guard>,
    _watch: Guard,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the emulator did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Emulator {
    /// Starts `cargo lambda watch --only-lambda-apis` and the example `bin` against it, with
    /// the environment variables the emulator asks for.
    pub fn start(bin: &str) -> Self {
        let port = free_port();
        let watch = Command::new(cargo_lambda())
            .args([
                "lambda",
                "watch",
                "--only-lambda-apis",
                "-A",
                "127.0.0.1",
                "-P",
                &port.to_string(),
            ])
            .current_dir(workspace())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cargo lambda watch starts");
        let watch = Guard(watch);
        wait_for_port(port);
        let function = Command::new(release_binary(bin))
            .env(
                "AWS_LAMBDA_RUNTIME_API",
                format!("http://127.0.0.1:{port}/.rt"),
            )
            .env("AWS_LAMBDA_FUNCTION_NAME", "_")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "4096")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the example binary starts");
        Self {
            port,
            function: Some(Guard(function)),
            _watch: watch,
        }
    }

    /// `cargo lambda invoke --data-file EVENT`: the output and exit status.
    pub fn invoke(&self, event: &Path) -> Output {
        Command::new(cargo_lambda())
            .args([
                "lambda",
                "invoke",
                "-A",
                "127.0.0.1",
                "-P",
                &self.port.to_string(),
                "--data-file",
            ])
            .arg(event)
            .current_dir(workspace())
            .stdin(Stdio::null())
            .output()
            .expect("cargo lambda invoke runs")
    }

    /// Invokes and expects a response: the response JSON.
    pub fn invoke_ok(&self, event: &Path) -> String {
        let output = self.invoke(event);
        assert!(
            output.status.success(),
            "invoke failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .trim_end()
            .to_owned()
    }

    /// Whether the function process still runs.
    pub fn function_running(&mut self) -> bool {
        self.function.as_mut().unwrap().is_running()
    }

    /// Stops the function and returns what it printed on stdout: its logs, under Lambda.
    pub fn stop_function(&mut self) -> String {
        let mut guard = self.function.take().unwrap();
        let _ = guard.0.kill();
        let mut logs = String::new();
        if let Some(mut stdout) = guard.0.stdout.take() {
            std::io::Read::read_to_string(&mut stdout, &mut logs).unwrap();
        }
        logs
    }
}
