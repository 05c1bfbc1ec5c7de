//! Deployment choices: what runs the API in each of the three deployments. The defaults are what
//! a sensible person deploys for a side project; they live here once and the CLI's help shows them.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

use crate::catalog::PriceSnapshot;
use crate::error::{Error, Input, Problem, Result, check_range, check_whole};
use crate::limits as l;
use crate::pricing::{self, apigw, ec2, fargate, rds};
use crate::purchase::Arch;
use crate::purchase::{Commitment, Payment, Term};

/// The default of every choice, used by `Options::default()` and shown by `--help`.
pub mod defaults {
    use super::*;
    pub const LAMBDA_ARCH: Arch = Arch::Arm64;
    pub const LAMBDA_MEMORY_MB: Decimal = dec!(512);
    pub const LAMBDA_EPHEMERAL_MB: Decimal = dec!(512);
    pub const NAT_GB: Decimal = dec!(1);
    pub const INSTANCE_TYPE: &str = "t4g.micro";
    pub const EBS_GB: Decimal = dec!(8);
    pub const FARGATE_VCPU: Decimal = dec!(0.25);
    pub const FARGATE_MEMORY_GB: Decimal = dec!(0.5);
    pub const FARGATE_ARCH: Arch = Arch::Arm64;
    pub const FARGATE_STORAGE_GB: Decimal = dec!(20);
    pub const ALB_AZS: Decimal = dec!(2);
    pub const DB_INSTANCE_CLASS: &str = "db.t4g.micro";
    pub const DB_STORAGE_GB: Decimal = dec!(20);
    /// The share of each vCPU that sizing plans to use at the peak: the rest absorbs bursts
    /// within the peak second, the kernel and network work a load test on one machine does not
    /// see, and noisy neighbours; autoscaling policies commonly target 50-70%.
    pub const TARGET_UTILIZATION: Decimal = dec!(0.6);
    /// journal-api's default DB_MAX_CONNECTIONS.
    pub const DB_POOL_SIZE: Decimal = dec!(10);
    /// Aurora I/O requests per API request (assumed: journal-api's queries read an index and a
    /// few rows that the buffer cache holds, and a write's WAL record is about one 4 KiB write
    /// I/O; about half the journeys' requests write). Stated in every Aurora report.
    pub const DB_IO_PER_REQUEST: Decimal = dec!(2);
}

/// Deployment choices.
#[derive(Debug, Clone, Serialize)]
pub struct Options {
    pub hours: Decimal,
    pub free_tier: bool,
    pub high_availability: bool,
    // Lambda
    pub lambda_arch: Arch,
    pub lambda_memory_mb: Decimal,
    /// The p99 target `lambda_memory_mb` was picked for from a memory sweep (the cheapest size
    /// that meets it); None when the size was given.
    pub lambda_p99_slo_ms: Option<Decimal>,
    pub lambda_ephemeral_mb: Decimal,
    pub provisioned_concurrency: Decimal,
    pub api: apigw::ApiKind,
    pub rds_proxy: bool,
    pub nat: bool,
    pub nat_gb: Decimal,
    // EC2
    pub instance_type: String,
    pub ebs_gb: Decimal,
    // Fargate
    pub fargate_vcpu: Decimal,
    pub fargate_memory_gb: Decimal,
    pub fargate_arch: Arch,
    pub fargate_spot: bool,
    pub task_public_ip: bool,
    pub alb_azs: Decimal,
    // Database
    pub db_instance_class: String,
    pub db_storage_gb: Decimal,
    pub multi_az: bool,
    /// RDS (the class above) or Aurora Serverless v2 (the summary names it; not in the JSON yet).
    #[serde(skip)]
    pub database: super::aurora::Database,
    /// Share of each vCPU (instances, tasks, the database) that sizing plans to use.
    pub target_utilization: Decimal,
    /// The database class was chosen by the user: kept even when it does not hold the load.
    pub db_class_given: bool,
    /// Connections each instance or task pools (the API's DB_MAX_CONNECTIONS).
    pub db_pool_size: Decimal,
    /// Aurora I/O requests per API request, and whether it was given (else assumed).
    pub db_io_per_request: Decimal,
    pub db_io_given: bool,
    /// Savings Plans, RDS Reserved Instances and EC2 Spot.
    pub purchase: Purchase,
}

/// How compute is bought: a Savings Plan, RDS Reserved Instances, EC2 Spot at a given discount.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Purchase {
    pub commitment: Commitment,
    /// Term and payment of the Savings Plan.
    pub term: Term,
    pub payment: Payment,
    /// RDS Reserved Instances for the database, of this term and payment.
    pub rds_reserved: Option<(Term, Payment)>,
    /// EC2 Spot, at this fraction off on-demand: Spot prices move and are not in the Price List,
    /// so the discount is the user's assumption.
    pub ec2_spot_discount: Option<Decimal>,
}

impl Default for Purchase {
    fn default() -> Self {
        Purchase {
            commitment: Commitment::None,
            term: Term::OneYear,
            payment: Payment::NoUpfront,
            rds_reserved: None,
            ec2_spot_discount: None,
        }
    }
}

impl Purchase {
    /// Nothing but on-demand.
    pub fn is_on_demand(&self) -> bool {
        self.commitment == Commitment::None
            && self.rds_reserved.is_none()
            && self.ec2_spot_discount.is_none()
    }
}

impl Default for Options {
    fn default() -> Self {
        use defaults as d;
        Options {
            hours: pricing::HOURS_PER_MONTH,
            free_tier: false,
            high_availability: false,
            lambda_arch: d::LAMBDA_ARCH,
            lambda_memory_mb: d::LAMBDA_MEMORY_MB,
            lambda_ephemeral_mb: d::LAMBDA_EPHEMERAL_MB,
            provisioned_concurrency: dec!(0),
            api: apigw::ApiKind::Http,
            rds_proxy: true,
            nat: false,
            nat_gb: d::NAT_GB,
            instance_type: d::INSTANCE_TYPE.into(),
            ebs_gb: d::EBS_GB,
            fargate_vcpu: d::FARGATE_VCPU,
            fargate_memory_gb: d::FARGATE_MEMORY_GB,
            fargate_arch: d::FARGATE_ARCH,
            fargate_spot: false,
            task_public_ip: true,
            alb_azs: d::ALB_AZS,
            db_instance_class: d::DB_INSTANCE_CLASS.into(),
            db_storage_gb: d::DB_STORAGE_GB,
            multi_az: false,
            database: super::aurora::Database::Rds,
            target_utilization: d::TARGET_UTILIZATION,
            db_class_given: false,
            db_pool_size: d::DB_POOL_SIZE,
            db_io_per_request: d::DB_IO_PER_REQUEST,
            db_io_given: false,
            purchase: Purchase::default(),
            lambda_p99_slo_ms: None,
        }
    }
}

impl Options {
    /// Every choice within AWS's limits and priced by `p`; the first that is not is the error.
    pub fn validate(&self, p: &PriceSnapshot) -> Result<()> {
        let zero = Decimal::ZERO;
        check_range(Input::HoursPerMonth, self.hours, zero, l::HOURS_PER_MONTH)?;
        if self.hours.is_zero() {
            return Err(Error::invalid(
                Input::HoursPerMonth,
                0,
                Problem::NotPositive,
            ));
        }
        check_lambda_memory(self.lambda_memory_mb)?;
        check_whole(
            Input::LambdaEphemeralMb,
            self.lambda_ephemeral_mb,
            l::LAMBDA_EPHEMERAL_MIN_MB,
            l::LAMBDA_MEMORY_MAX_MB,
        )?;
        check_whole(
            Input::ProvisionedConcurrency,
            self.provisioned_concurrency,
            zero,
            l::MACHINES,
        )?;
        check_range(Input::NatGb, self.nat_gb, zero, l::DATA_GB)?;
        ec2::instance(p, &self.instance_type)?;
        check_range(Input::EbsGb, self.ebs_gb, Decimal::ONE, l::EBS_GB)?;
        fargate::check_size(self.fargate_vcpu, self.fargate_memory_gb)?;
        fargate::compute_prices(p, self.fargate_arch, self.fargate_spot)?;
        check_whole(Input::AlbAzs, self.alb_azs, l::ALB_AZS_MIN, l::ALB_AZS_MAX)?;
        // An Aurora class given by flag is checked against Aurora's classes when priced.
        if !matches!(self.database, super::aurora::Database::AuroraProvisioned(_))
            || !self.db_class_given
        {
            rds::instance(p, &self.db_instance_class)?;
        }
        check_range(
            Input::DbIoPerRequest,
            self.db_io_per_request,
            zero,
            dec!(10000),
        )?;
        check_range(
            Input::DbStorageGb,
            self.db_storage_gb,
            l::DB_STORAGE_MIN_GB,
            l::DB_STORAGE_MAX_GB,
        )?;
        check_whole(
            Input::DbPoolSize,
            self.db_pool_size,
            Decimal::ONE,
            dec!(5000),
        )?;
        check_range(
            Input::TargetUtilization,
            self.target_utilization,
            dec!(0.05),
            Decimal::ONE,
        )?;
        match &self.database {
            super::aurora::Database::AuroraServerless(s) => {
                super::aurora::check(s, self.rds_proxy, p)?
            }
            super::aurora::Database::AuroraProvisioned(s) => {
                super::aurora_provisioned::choose(
                    &crate::workload::Workload::default(),
                    self,
                    p,
                    *s,
                    Decimal::ZERO,
                )?;
            }
            super::aurora::Database::Rds => {}
        }
        if let Some(d) = self.purchase.ec2_spot_discount {
            check_range(Input::SpotDiscount, d, zero, dec!(0.99))?;
        }
        Ok(())
    }

    /// The same choices bought on-demand: no commitment, no Spot.
    pub fn on_demand(&self) -> Options {
        Options {
            fargate_spot: false,
            purchase: Purchase::default(),
            ..self.clone()
        }
    }
}

/// Lambda memory: 128 to 10,240 MB in whole MB.
pub fn check_lambda_memory(mb: Decimal) -> Result<()> {
    check_whole(
        Input::LambdaMemoryMb,
        mb,
        l::LAMBDA_MEMORY_MIN_MB,
        l::LAMBDA_MEMORY_MAX_MB,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    #[test]
    fn defaults_are_valid_and_impossible_choices_are_refused() {
        let p = bundled("us-east-1").unwrap();
        Options::default().validate(&p).unwrap();
        let bad = |f: fn(&mut Options)| {
            let mut o = Options::default();
            f(&mut o);
            o.validate(&p).unwrap_err().to_string()
        };
        assert!(bad(|o| o.fargate_memory_gb = dec!(4)).contains("0.25 vCPU: 0.5, 1, 2 GB"));
        assert!(bad(|o| o.lambda_memory_mb = dec!(100)).contains("128 to 10,240"));
        assert!(bad(|o| o.lambda_memory_mb = dec!(512.5)).contains("whole number"));
        assert!(bad(|o| o.alb_azs = dec!(1)).contains("2 to 6"));
        assert!(bad(|o| o.hours = dec!(800)).contains("too large"));
        assert!(bad(|o| o.db_instance_class = "db.x9".into()).contains("db.t4g.micro"));
    }
}
