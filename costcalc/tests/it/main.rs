//! costcalc's integration tests, one binary with a module per area (fewer link steps than a
//! binary per file). Most run the real `costcalc` binary as a user would; the AWS modules drive the
//! library's SDK clients against recorded responses served on loopback.

mod aws_cli;
mod aws_cloudwatch;
mod aws_prices;
mod breakeven;
mod commitments;
mod defaults;
mod errors;
mod fargate_tasks;
mod no_panic;
mod pricing_examples;
mod readme;
mod report;
mod support;
mod tune;
