use batch_core::prelude::*;

struct Thresholds {
    max_celsius: f64,
}

async fn load_thresholds() -> Result<Thresholds, BoxError> {
    Ok(Thresholds { max_celsius: 40.0 })
}

#[batch_handler(source = "kinesis", state = load_thresholds, stop_on_first_failure)]
async fn check(Json(celsius): Json<f64>, State(limits): State<&Thresholds>) -> Result<(), &str> {
    if celsius > limits.max_celsius {
        return Err("too hot");
    }
    Ok(())
}
