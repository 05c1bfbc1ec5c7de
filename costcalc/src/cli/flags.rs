//! Which flag sets which engine input, per command family: engine errors name the input
//! (`error::Input`) and get their flag here.

use crate::error::Input;

/// `report` and `breakeven`.
pub fn scenario(input: Input) -> Option<&'static str> {
    use Input::*;
    Some(match input {
        RequestsPerMonth => "--requests-per-month",
        DurationMs => "--duration-ms",
        RequestBytes => "--request-bytes",
        ResponseBytes => "--response-bytes",
        PeakRps => "--peak-rps",
        PeakToAverage => "--peak-to-average",
        ThroughputPerVcpu => "--throughput-per-vcpu",
        LogBytesPerRequest => "--log-bytes-per-request",
        HoursPerMonth | Hours => "--hours-per-month",
        LambdaMemoryMb => "--lambda-memory-mb",
        LambdaEphemeralMb => "--lambda-ephemeral-mb",
        ProvisionedConcurrency => "--provisioned-concurrency",
        NatGb => "--nat-gb",
        InstanceType => "--instance-type",
        EbsGb => "--ebs-gb",
        FargateVcpu => "--fargate-vcpu",
        FargateMemoryGb => "--fargate-memory-gb",
        FargateSpot => "--spot",
        AlbAzs => "--alb-azs",
        DbInstanceClass => "--db-instance-class",
        DbStorageGb => "--db-storage-gb",
        TargetUtilization => "--target-utilization",
        DbPoolSize => "--db-pool-size",
        SweepFrom => "--from",
        SweepTo => "--to",
        SweepPoints => "--points",
        Region => "--region",
        Commitment => "--commitment",
        RdsReserved => "--rds-reserved",
        SpotDiscount => "--spot-discount",
        Database => "--db",
        AcuMin => "--acu-min",
        AcuMax => "--acu-max",
        PauseAfter => "--pause-after",
        AcuScaleDownLag => "--acu-scale-down-lag",
        RdsProxy => "--proxy",
        AuroraStorageGb => "--db-storage-gb",
        DbIoPerRequest => "--db-io-per-request",
        other => return snapshot(other),
    })
}

/// The price snapshot and what it holds, in every command that prices.
fn snapshot(input: Input) -> Option<&'static str> {
    Some(match input {
        Input::Prices => "--prices FILE",
        Input::SavingsPlansRates => {
            "--prices FILE with [savings_plans] (`costcalc prices fetch --savings-plans-file FILE` \
             writes it from AWS's public Savings Plans price list file)"
        }
        Input::RdsReservedRates => {
            "--prices FILE with [rds_reserved] (`costcalc prices fetch` writes it from the \
             AmazonRDS price list)"
        }
        _ => return None,
    })
}

/// The per-service commands (`lambda`, `fargate`, `ec2`, `rds`, ...), which name their flags
/// after the service.
pub fn service(input: Input) -> Option<&'static str> {
    use Input::*;
    Some(match input {
        RequestsPerMonth => "--requests",
        DurationMs => "--duration-ms",
        RequestBytes => "--payload-kb",
        ResponseBytes => "--response-kb",
        HoursPerMonth => "--hours-per-month",
        Hours => "--hours",
        LambdaMemoryMb => "--memory-mb",
        LambdaEphemeralMb => "--ephemeral-mb",
        ProvisionedConcurrency => "--provisioned-concurrency",
        InstanceType => "--instance-type",
        InstanceCount => "--count",
        EbsGb => "--ebs-gb",
        PublicIpv4 => "--public-ipv4",
        FargateVcpu => "--vcpu",
        FargateMemoryGb => "--memory-gb",
        FargateTasks => "--tasks",
        FargateStorageGb => "--storage-gb",
        FargateSpot => "--spot",
        SecondsPerDay => "--seconds-per-day",
        Days => "--days",
        DbInstanceClass => "--instance-class",
        DbStorageGb => "--storage-gb",
        DbVcpus => "--vcpus",
        Addresses => "--addresses",
        AlbRules => "--rules",
        Region => "--region",
        Commitment => "--commitment",
        RdsReserved => "--reserved",
        SpotDiscount => "--spot-discount",
        other => return snapshot(other),
    })
}

/// `fargate-tasks`: memory in GiB, one --seconds per task run; the rest as the service commands.
pub fn fargate_tasks(input: Input) -> Option<&'static str> {
    match input {
        Input::FargateMemoryGb => Some("--memory-gib"),
        Input::SecondsPerDay => Some("--seconds"),
        other => service(other),
    }
}
