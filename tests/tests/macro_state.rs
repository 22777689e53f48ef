//! `state = init` at run time: built once per process, shared by warm and concurrent calls of
//! the generated `lambda_handler`, and an init error is not kept.

use std::sync::atomic::{AtomicUsize, Ordering};

use batch_core::testing::event_from_str;

const ONE_MESSAGE: &str =
    r#"{"Records": [{"messageId": "1", "eventSource": "aws:sqs", "body": "\"hi\""}]}"#;

mod counted {
    use super::*;
    use batch_core::prelude::*;

    pub static BUILDS: AtomicUsize = AtomicUsize::new(0);

    pub struct Greeting(pub String);

    async fn build() -> Result<Greeting, BoxError> {
        BUILDS.fetch_add(1, Ordering::SeqCst);
        // Concurrent first calls all wait here for the one build.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Ok(Greeting("hello".to_owned()))
    }

    #[batch_handler(source = "sqs", state = build, entrypoint = false)]
    async fn greet(
        Json(name): Json<String>,
        State(greeting): State<&Greeting>,
    ) -> Result<String, BoxError> {
        Ok(format!("{}, {name}", greeting.0))
    }
}

#[tokio::test]
async fn state_is_built_once_for_concurrent_and_warm_calls() {
    let calls = (0..8).map(|_| counted::lambda_handler(event_from_str(ONE_MESSAGE)));
    for response in futures::future::join_all(calls).await {
        assert!(response.unwrap().batch_item_failures.is_empty());
    }
    let response = counted::lambda_handler(event_from_str(ONE_MESSAGE))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(counted::BUILDS.load(Ordering::SeqCst), 1);
}

mod flaky {
    use super::*;
    use batch_core::prelude::*;

    pub static ATTEMPTS: AtomicUsize = AtomicUsize::new(0);

    pub struct Connection;

    async fn connect() -> Result<Connection, String> {
        match ATTEMPTS.fetch_add(1, Ordering::SeqCst) {
            0 => Err("the database is starting".to_owned()),
            _ => Ok(Connection),
        }
    }

    #[batch_handler(source = "sqs", state = connect, entrypoint = false)]
    fn store(_connection: State<&Connection>, _message: &SqsMessage) {}
}

#[tokio::test]
async fn an_init_error_fails_the_invocation_and_is_not_kept() {
    let error = flaky::lambda_handler(event_from_str(ONE_MESSAGE))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("the database is starting"),
        "{error}"
    );
    assert!(matches!(error, batch_core::BatchError::State(_)));

    let response = flaky::lambda_handler(event_from_str(ONE_MESSAGE))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(flaky::ATTEMPTS.load(Ordering::SeqCst), 2);
}

mod per_process {
    use super::*;
    use batch_core::prelude::*;
    use batch_core::source::Sqs;
    use batch_core::{RecordCx, RecordHooks};

    pub static HOOKS_BUILT: AtomicUsize = AtomicUsize::new(0);
    pub static SEEN: AtomicUsize = AtomicUsize::new(0);

    pub struct Seen;

    impl Seen {
        fn new() -> Self {
            HOOKS_BUILT.fetch_add(1, Ordering::SeqCst);
            Seen
        }
    }

    impl<T> RecordHooks<Sqs, T> for Seen {
        fn on_success(&self, _: &RecordCx<'_, Sqs>, _: &T) {
            SEEN.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[batch_handler(source = "sqs", hooks = Seen::new(), entrypoint = false)]
    async fn handle(_message: &SqsMessage) {}
}

#[tokio::test]
async fn hooks_are_built_once_and_called_on_every_call() {
    for _ in 0..3 {
        per_process::lambda_handler(event_from_str(ONE_MESSAGE))
            .await
            .unwrap();
    }
    assert_eq!(per_process::HOOKS_BUILT.load(Ordering::SeqCst), 1);
    assert_eq!(per_process::SEEN.load(Ordering::SeqCst), 3);
}
