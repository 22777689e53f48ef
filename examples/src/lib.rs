//! Example Lambda functions built with lambda-batch: one binary per example in `src/bin/`.
