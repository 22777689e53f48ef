//! Concurrency (R9, DESIGN §7): 1,000 records whose handler awaits `tokio::time::sleep(1 ms)`,
//! with N = 1, 10 and 100 records in flight. One such sleep really takes a latency L of about
//! 2 ms (tokio's timer rounds up), so N = 1 measures L and the target for N is
//! 1.2 × (1000 / N) × L.
//!
//! `cargo bench -p batch-core --bench concurrency`

use std::time::Duration;

use batch_core::source::Kinesis;
use batch_core::testing::{event_from_records, kinesis_record};
use batch_core::{BatchProcessor, RecordCx, RecordError, RecordHandler};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

struct Sleep1ms;

impl RecordHandler<Kinesis> for Sleep1ms {
    type Output = ();
    async fn call(&self, _: &RecordCx<'_, Kinesis>) -> Result<(), RecordError> {
        tokio::time::sleep(Duration::from_millis(1)).await;
        Ok(())
    }
}

fn concurrency(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Distinct partition keys: ordering never holds a record back.
    let event = event_from_records(
        (0..1000).map(|i| kinesis_record(&i.to_string(), &format!("key-{i}"), b"{}")),
    );
    let mut group = c.benchmark_group("sleep_1ms_x1000");
    group.sample_size(10);
    for n in [1usize, 10, 100] {
        let processor = BatchProcessor::<Kinesis>::new().concurrency(n);
        group.measurement_time(Duration::from_secs(if n == 1 { 25 } else { 5 }));
        group.bench_with_input(BenchmarkId::new("concurrency", n), &n, |b, _| {
            b.to_async(&runtime).iter(|| async {
                processor
                    .process(&event.payload, &event.context, &Sleep1ms)
                    .await
                    .unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, concurrency);
criterion_main!(benches);
