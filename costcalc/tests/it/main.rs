//! costcalc's integration tests, one binary with a module per area (fewer link steps than a
//! binary per file). Most run the real `costcalc` binary as a user would; the AWS modules drive the
//! library's SDK clients against recorded responses served on loopback.
//!
//! What the unit tests beside the code prove (the integration modules say their own in their
//! headers): each Lambda duration tier boundary (x86_64 and arm64), API Gateway tiers and 512 KB
//! metering, each ALB LCU dimension winning once and the 10 free rules, free tier on and off, the
//! Fargate one-minute minimum and task sizes, 1 ms rounding per invocation, ephemeral storage, RDS
//! Proxy minimum, logs, transfer, half-up rounding, snapshot validation, loadgen schema versions;
//! the break-even engine against brute force (every pair's order at 1,000 unsampled request counts
//! matches the crossings; each crossing's winner is strictly cheaper there and not one request
//! before) and its linearity claim (every total is affine between consecutive breakpoints, also
//! under a Savings Plan, Reserved Instances and Spot). Commitments: AWS's Savings Plans example
//! from the Savings Plans User Guide ("Understanding How Savings Plans are Applied to Your Usage":
//! illustrative c5.9xlarge, c5.24xlarge and Fargate rates; Scenario 1, a $25.00/hour Compute
//! Savings Plan covering all usage, to the cent), a smaller $10.00/hour commitment worked by hand
//! from the rule that page states, an unused EC2 Instance Savings Plan still paid, usage below the
//! break-even utilisation (25 / 39 of AWS's example hour) costing more under the plan than
//! on-demand, all-upfront amortisation over 1 and 3 years equal to the hourly rate times the hours,
//! a rate on usage its plan does not cover refused with a typed error. AWS's Lambda, Fargate and
//! RDS pricing-page commitment examples could not be read, so none is reproduced.

mod aws_cli;
mod aws_cloudwatch;
mod aws_prices;
mod breakeven;
mod commitments;
mod compare;
mod defaults;
mod errors;
mod fargate_tasks;
mod hostile;
mod logs;
mod logs_apigw_examples;
mod logs_examples;
mod logs_files;
mod logs_shape;
mod no_panic;
mod pricing_examples;
mod readme;
mod report;
mod subject;
mod support;
mod tune;
