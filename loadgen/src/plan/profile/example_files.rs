use super::*;

/// The example files shipped in profiles/ (also shown in README.md) parse as documented.
#[test]
fn shipped_examples_parse() {
    let launch = parse_file(
        "launch-day.toml",
        include_str!("../../../profiles/launch-day.toml"),
    )
    .unwrap();
    assert_eq!(launch.name, "launch-day");
    assert!((launch.duration_s() - DAY_S).abs() < 1e-9);
    assert_eq!(launch.peak_rate(), 40.0);
    let office = parse_file(
        "business-hours.toml",
        include_str!("../../../profiles/business-hours.toml"),
    )
    .unwrap();
    assert_eq!(office.name, "business-hours");
    assert!((office.duration_s() - DAY_S).abs() < 1e-9);
    let week = office.fitted(7.0 * DAY_S);
    assert_eq!(week.segments.len(), 35);
}
