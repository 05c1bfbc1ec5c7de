//! Numbers beyond the engines' limits and configurations AWS does not offer: one line naming
//! the flag and the valid range.

use super::fails;

/// Inputs that once overflowed the decimal arithmetic (exit 101, a backtrace) now get one line
/// naming the flag and the bound.
#[test]
fn numbers_beyond_the_engines_limits_are_refused_not_panicked_on() {
    fails(
        &["report", "--requests-per-month", "1e26"],
        1,
        &["--requests-per-month", "too large"],
    );
    fails(&["breakeven", "--to", "1e26"], 1, &["--to", "too large"]);
    fails(
        &[
            "lambda",
            "--requests",
            "1e27",
            "--duration-ms",
            "100",
            "--memory-mb",
            "512",
        ],
        1,
        &["--requests", "too large"],
    );
    fails(
        &["ec2", "--instance-type", "t4g.micro", "--count", "1e27"],
        1,
        &["--count", "too large"],
    );
    fails(
        &[
            "report",
            "--throughput-per-vcpu",
            "1e-20",
            "--requests-per-month",
            "1e15",
        ],
        1,
        &["--throughput-per-vcpu", "0.0003"],
    );
    // A throughput within bounds that would still need millions of machines.
    fails(
        &[
            "report",
            "--throughput-per-vcpu",
            "0.001",
            "--requests-per-month",
            "1e15",
        ],
        1,
        &["--throughput-per-vcpu", "more than 1,000,000"],
    );
    fails(
        &["report", "--requests-per-month", "1e30"],
        2,
        &["--requests-per-month", "too large"],
    );
    fails(
        &["breakeven", "--points", "100000"],
        1,
        &["--points", "2 to 2,000"],
    );
}

#[test]
fn impossible_fargate_configurations_list_the_valid_choices() {
    fails(
        &[
            "fargate",
            "--tasks",
            "1",
            "--vcpu",
            "0.25",
            "--memory-gb",
            "4",
            "--hours",
            "730",
        ],
        1,
        &[
            "--memory-gb",
            "0.25 vCPU: 0.5, 1, 2 GB",
            "16 vCPU: 32-120 GB",
        ],
    );
    fails(
        &["report", "--fargate-vcpu", "3"],
        1,
        &["--fargate-vcpu", "not a Fargate task size"],
    );
    fails(
        &[
            "fargate",
            "--tasks",
            "1.5",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--hours",
            "730",
        ],
        1,
        &["--tasks", "whole number"],
    );
    fails(
        &[
            "fargate",
            "--tasks",
            "1",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--seconds-per-day",
            "90000",
            "--days",
            "30",
        ],
        1,
        &["--seconds-per-day", "86,400"],
    );
}

#[test]
fn impossible_report_and_lambda_figures_name_the_bound() {
    fails(
        &["report", "--hours-per-month", "800"],
        1,
        &["--hours-per-month", "744"],
    );
    fails(
        &[
            "report",
            "--peak-rps",
            "0.001",
            "--requests-per-month",
            "1e9",
        ],
        1,
        &["--peak-rps", "below the month's average"],
    );
    fails(
        &["report", "--duration-ms", "0"],
        1,
        &["--duration-ms", "at least 1 ms"],
    );
    fails(
        &[
            "lambda",
            "--requests",
            "1",
            "--duration-ms",
            "0",
            "--memory-mb",
            "128",
        ],
        1,
        &["--duration-ms", "at least 1 ms"],
    );
    fails(&["report", "--alb-azs", "1"], 1, &["--alb-azs", "2 to 6"]);
    fails(
        &["report", "--lambda-memory-mb", "512.5"],
        1,
        &["--lambda-memory-mb", "whole number"],
    );
}
