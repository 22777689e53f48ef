// Event sources are defined by batch-core only: an outside `BatchSource` or `StreamSource` does
// not compile, so that adding a source or a method to them is not a breaking change.
use batch_core::source::{BatchSource, StreamSource};

struct MyQueue;

impl BatchSource for MyQueue {}

impl StreamSource for MyQueue {}

fn main() {}
