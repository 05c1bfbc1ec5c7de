use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

#[test]
fn steady_is_flat_and_integrates_to_rate_times_duration() {
    let p = builtin("steady", 20.0, 1).unwrap().scaled(10.0).unwrap();
    assert_eq!(p.rate_at(0.0), 100.0);
    assert_eq!(p.rate_at(19.9), 100.0);
    assert_eq!(p.rate_at(20.0), 0.0);
    assert!(close(p.expected_arrivals(), 2000.0));
    assert_eq!(p.peak_rate(), 100.0);
}

#[test]
fn ramp_is_linear_from_1_to_20() {
    let p = builtin("ramp", 100.0, 1).unwrap();
    assert!(close(p.rate_at(0.0), 1.0));
    assert!(close(p.rate_at(50.0), 10.5));
    assert!(close(p.rate_at(99.999), 20.0 - 19.0 * 0.001 / 100.0));
    assert!(close(p.expected_arrivals(), 1050.0));
}

#[test]
fn spike_has_three_short_bursts_on_a_base() {
    let p = builtin("spike", 3600.0, 1).unwrap();
    assert!(close(p.duration_s(), 3600.0));
    // Bursts are capped at a minute and centred on the quarters.
    assert_eq!(p.rate_at(900.0), 50.0);
    assert_eq!(p.rate_at(1800.0), 50.0);
    assert_eq!(p.rate_at(2700.0), 50.0);
    assert_eq!(p.rate_at(900.0 - 31.0), 5.0);
    assert_eq!(p.rate_at(900.0 + 31.0), 5.0);
    let bursts = p.segments.iter().filter(|s| s.from_per_s == 50.0).count();
    assert_eq!(bursts, 3);
    // 3 minutes at 50, the rest at 5.
    assert!(close(p.expected_arrivals(), 180.0 * 50.0 + 3420.0 * 5.0));
}

#[test]
fn diurnal_has_night_trough_and_afternoon_peak() {
    let p = builtin("diurnal", DAY_S, 1).unwrap();
    assert!(close(p.rate_at(2.0 * 3600.0), 2.0));
    assert!(close(p.rate_at(14.0 * 3600.0), 20.0));
    assert!(p.rate_at(8.0 * 3600.0) > 5.0 && p.rate_at(8.0 * 3600.0) < 15.0);
    // The hourly chords of a raised cosine average to the midpoint: 11 req/s.
    assert!((p.mean_rate() - 11.0).abs() < 0.05, "{}", p.mean_rate());
    // Two days repeat the first.
    let two = builtin("diurnal", 2.0 * DAY_S, 1).unwrap();
    assert!(close(two.rate_at(DAY_S + 14.0 * 3600.0), 20.0));
    assert!(close(two.expected_arrivals(), 2.0 * p.expected_arrivals()));
}

#[test]
fn side_project_is_mostly_idle_about_200_a_day_and_seeded() {
    let p = builtin("side-project", 7.0 * DAY_S, 42).unwrap();
    assert!(close(p.duration_s(), 7.0 * DAY_S));
    let per_day = p.expected_arrivals() / 7.0;
    // 12 visits of 15 requests unless two overlap and merge.
    assert!((150.0..=180.0 + 1e-6).contains(&per_day), "{per_day}");
    let busy: f64 = p
        .segments
        .iter()
        .filter(|s| s.from_per_s > 0.0)
        .map(|s| s.duration_s)
        .sum();
    assert!(
        busy / p.duration_s() < 0.02,
        "busy fraction {}",
        busy / p.duration_s()
    );
    assert_eq!(p, builtin("side-project", 7.0 * DAY_S, 42).unwrap());
    assert_ne!(p, builtin("side-project", 7.0 * DAY_S, 43).unwrap());
    // The documented --rate-scale range spans 10 to 1,000 a day.
    let lo = p.clone().scaled(0.05).unwrap().expected_arrivals() / 7.0;
    let hi = p.scaled(5.0).unwrap().expected_arrivals() / 7.0;
    assert!(
        (5.0..=10.0).contains(&lo) && (750.0..=1000.0).contains(&hi),
        "{lo} {hi}"
    );
}

#[test]
fn fitted_repeats_and_cuts_ramps_at_the_reached_rate() {
    let p = Profile {
        name: "x".into(),
        source: Source::Builtin,
        segments: vec![Segment {
            duration_s: 10.0,
            from_per_s: 0.0,
            to_per_s: 10.0,
        }],
    };
    let f = p.fitted(25.0);
    assert_eq!(f.segments.len(), 3);
    assert!(close(f.duration_s(), 25.0));
    assert!(close(f.segments[2].to_per_s, 5.0));
}

#[test]
fn durations_parse_with_units() {
    assert_eq!(parse_duration("90").unwrap(), 90.0);
    assert_eq!(parse_duration("20s").unwrap(), 20.0);
    assert_eq!(parse_duration("1h30m").unwrap(), 5400.0);
    assert_eq!(parse_duration("1.5h").unwrap(), 5400.0);
    assert_eq!(parse_duration("1d").unwrap(), 86400.0);
    assert_eq!(parse_duration("250ms").unwrap(), 0.25);
    for bad in ["", "0", "-5", "10x", "h", "1h30", "abc"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn profile_file_with_rates_and_ramps() {
    let p = parse_file(
        "launch.toml",
        r#"
        name = "launch-day"
        description = "quiet, then a ramp to a launch peak"
        [[segment]]
        duration = "10m"
        rate = 2
        [[segment]]
        duration = 300
        from = 2.0
        to = 50.0
        "#,
    )
    .unwrap();
    assert_eq!(p.name, "launch-day");
    assert_eq!(p.source, Source::File("launch.toml".into()));
    assert!(close(p.duration_s(), 900.0));
    assert!(close(p.expected_arrivals(), 1200.0 + 7800.0));
    assert!(close(p.rate_at(750.0), 26.0));
}

#[test]
fn malformed_profile_files_say_what_is_wrong() {
    let cases = [
        ("", "no segments"),
        ("[[segment]]\nduration = \"1m\"\n", "give either rate"),
        (
            "[[segment]]\nduration = \"1m\"\nrate = 1\nfrom = 1\nto = 2\n",
            "give either rate",
        ),
        (
            "[[segment]]\nduration = \"1q\"\nrate = 1\n",
            "invalid duration '1q'",
        ),
        (
            "[[segment]]\nduration = -3\nrate = 1\n",
            "duration must be > 0",
        ),
        ("[[segment]]\nduration = 5\nrate = -1\n", ">= 0"),
        ("[[segment]]\nduration = 5\nrat = 1\n", "unknown field"),
        ("[[segment]\n", "p.toml"),
    ];
    for (text, want) in cases {
        let e = parse_file("p.toml", text).unwrap_err().to_string();
        assert!(e.contains(want), "{text:?}: {e}");
        assert!(e.starts_with("profile file p.toml: "), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

#[test]
fn resolve_rejects_unknown_names_and_bad_scales() {
    let e = resolve("stedy", Some(10.0), 1.0, 1).unwrap_err();
    assert!(e.to_string().starts_with("unknown profile 'stedy'"));
    assert!(matches!(
        resolve("steady", None, 1.0, 1),
        Err(ProfileError::NeedsDuration(_))
    ));
    assert!(matches!(
        resolve("steady", Some(1.0), 0.0, 1),
        Err(ProfileError::RateScale(_))
    ));
    let e = resolve("/nonexistent/x.toml", None, 1.0, 1).unwrap_err();
    assert!(e.to_string().contains("cannot read it"), "{e}");
}
