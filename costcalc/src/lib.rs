//! costcalc: exact monthly AWS costs of the journal API on EC2, ECS Fargate and Lambda.
//! See README.md for the commands, the price snapshot and every formula.

pub mod aws;
pub mod breakeven;
pub mod calendar;
pub mod catalog;
pub mod chart;
pub mod cli;
mod decimal_serde;
pub mod deployment;
pub mod error;
pub mod input_file;
pub mod kind;
pub mod limits;
pub mod money;
pub mod pricing;
pub mod purchase;
pub mod report;
pub mod spelling;
pub mod strict_json;
pub mod workload;
