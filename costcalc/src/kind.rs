//! The three ways to run the journal API: a leaf, so that what measures a workload (CloudWatch
//! knows which one it read) and what prices one both name them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Ec2,
    Fargate,
    Lambda,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Ec2, Kind::Fargate, Kind::Lambda];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ec2 => "ec2",
            Kind::Fargate => "fargate",
            Kind::Lambda => "lambda",
        }
    }
    /// The name a report gives it.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Ec2 => "EC2",
            Kind::Fargate => "ECS Fargate",
            Kind::Lambda => "Lambda",
        }
    }
}
