//! The refusals, each from two implementations that differ in the one way it is about (the
//! command-line tests in tests/it/compare.rs check the totals against hand-worked figures).

use rust_decimal_macros::dec;

use super::*;
use crate::catalog::bundled;
use crate::deployment::Options;
use crate::report::{PriceInfo, Subject};
use crate::workload::{Origin, Workload};

fn implementation(name: &str, w: Workload) -> Implementation {
    let p = bundled("us-east-1").unwrap();
    let report = Report::build(
        Subject::named(name),
        PriceInfo::new(&p, "bundled"),
        w,
        Options::default(),
        &p,
    )
    .unwrap();
    Implementation {
        name: name.into(),
        summary: format!("{name}.json"),
        tune: None,
        window: Window {
            profile: "steady".into(),
            seconds: Some("600".into()),
        },
        machine: None,
        report,
    }
}

fn pair() -> (Implementation, Implementation) {
    (
        implementation("a", Workload::default()),
        implementation("b", Workload::default()),
    )
}

fn refused(a: Implementation, b: Implementation) -> Incomparable {
    *Comparison::build(vec![a, b]).unwrap_err()
}

#[test]
fn rows_say_the_difference_and_the_ratio() {
    let r = Row::new(None, vec![dec!(30), dec!(120), dec!(30)]);
    assert_eq!((r.cheapest, r.dearest), (0, 1));
    assert_eq!(r.difference_usd, dec!(90));
    assert_eq!(r.ratio, Some(dec!(4)));
    assert_eq!(Row::new(None, vec![dec!(0), dec!(1)]).ratio, None);
}

#[test]
fn the_same_workload_twice_costs_the_same() {
    let (a, b) = pair();
    let c = Comparison::build(vec![a, b]).unwrap();
    assert_eq!(c.rows.len(), 4);
    assert!(c.rows.iter().all(|r| r.difference_usd.is_zero()));
    assert!(c.verdicts()[0].ends_with("the implementations cost the same."));
}

#[test]
fn count_and_names() {
    let (a, _) = pair();
    assert_eq!(
        *Comparison::build(vec![a.clone()]).unwrap_err(),
        Incomparable::Count { count: 1 }
    );
    assert_eq!(
        refused(a.clone(), a),
        Incomparable::Duplicate { name: "a".into() }
    );
}

#[test]
fn different_price_snapshots_are_refused() {
    let (a, mut b) = pair();
    b.report.prices.as_of = "2020-01-01".into();
    let e = refused(a, b).to_string();
    assert!(
        e.contains("a and b were priced from different price snapshots"),
        "{e}"
    );
    assert!(e.contains("us-east-1 as of 2020-01-01 (bundled)"), "{e}");
}

#[test]
fn different_traffic_is_refused() {
    let (a, mut b) = pair();
    b.window.profile = "diurnal".into();
    let e = refused(a, b).to_string();
    assert!(
        e.contains("profile steady over 600 s against profile diurnal over 600 s"),
        "{e}"
    );
}

#[test]
fn different_volumes_are_refused_unless_one_was_given() {
    let w = Workload {
        requests_per_month: dec!(20000),
        ..Workload::default()
    };
    let (a, b) = (
        implementation("a", Workload::default()),
        implementation("b", w.clone()),
    );
    let e = refused(a, b);
    assert_eq!(e.settled_by(), Some(crate::error::Input::RequestsPerMonth));
    assert!(
        e.to_string().contains("10,000 and 20,000 requests a month"),
        "{e}"
    );
    // Given on the command line, the one volume prices both; the first says so.
    let mut given = Workload::default();
    given.origins.requests_per_month = Origin::Flag;
    let mut w2 = w;
    w2.requests_per_month = dec!(10000);
    assert!(Comparison::build(vec![implementation("a", given), implementation("b", w2)]).is_ok());
}

#[test]
fn a_sweep_for_one_only_or_from_two_processors_is_refused() {
    let (a, mut b) = pair();
    b.tune = Some("b-tune.json".into());
    let e = refused(a.clone(), b.clone());
    assert!(
        matches!(e, Incomparable::Sweep { ref with, .. } if with == "b"),
        "{e}"
    );
    let mut a = a;
    a.tune = Some("a-tune.json".into());
    a.machine = Some("EPYC".into());
    b.machine = Some("Xeon".into());
    let e = refused(a, b).to_string();
    assert!(e.contains("ran on \"EPYC\""), "{e}");
}

#[test]
fn cpu_measured_for_one_only_is_refused() {
    let (a, mut b) = pair();
    b.report.workload.origins.throughput_rps_per_vcpu = Origin::measured("b.json", "server");
    let e = refused(a, b);
    assert_eq!(e.settled_by(), Some(crate::error::Input::ThroughputPerVcpu));
    assert!(
        e.to_string()
            .contains("measured for b and a default for a (a.json"),
        "{e}"
    );
}
