use super::*;
use crate::catalog::bundled;
use rust_decimal_macros::dec;

#[test]
fn grid_is_log_spaced_and_ends_exact() {
    let g = grid(dec!(1000), dec!(10000000000), 8).unwrap();
    assert_eq!(
        g,
        vec![
            dec!(1000),
            dec!(10000),
            dec!(100000),
            dec!(1000000),
            dec!(10000000),
            dec!(100000000),
            dec!(1000000000),
            dec!(10000000000)
        ]
    );
    assert!(grid(dec!(0), dec!(10), 5).is_err());
    assert!(grid(dec!(10), dec!(100), 1).is_err());
    assert!(grid(dec!(10), dec!(100), 2001).is_err());
}

/// Which of the pair (ia, ib) is strictly cheaper at r according to the crossings: the order at
/// `from`, flipped at each crossing of the pair at or below r.
fn predicted(a: &Analysis, first: &Point, ia: usize, ib: usize, r: Decimal) -> Option<Kind> {
    let (ka, kb) = (Kind::ALL[ia], Kind::ALL[ib]);
    let mut winner = match first.totals[ia].cmp(&first.totals[ib]) {
        std::cmp::Ordering::Less => Some(ka),
        std::cmp::Ordering::Greater => Some(kb),
        std::cmp::Ordering::Equal => None,
    };
    for c in &a.crossings {
        let pair = [c.cheaper_above, c.cheaper_below];
        if c.requests_per_month <= r && pair.contains(&ka) && pair.contains(&kb) {
            winner = Some(c.cheaper_above);
        }
    }
    winner
}

/// Every crossing is exact (the new winner is strictly cheaper there and not one request
/// before), and between crossings the order of every pair is what the crossings say, at a
/// thousand request counts that no sampling of the analysis chose.
fn assert_complete(w: &Workload, o: &Options, from: Decimal, to: Decimal) -> Analysis {
    let p = bundled("us-east-1").unwrap();
    let a = analyse(w, o, &p, from, to).unwrap();
    for c in &a.crossings {
        let idx = |k: Kind| Kind::ALL.iter().position(|x| *x == k).unwrap();
        let (above, below) = (idx(c.cheaper_above), idx(c.cheaper_below));
        let at = totals_at(w, o, &p, c.requests_per_month).unwrap();
        let before = totals_at(w, o, &p, c.requests_per_month - dec!(1)).unwrap();
        assert!(at[above] < at[below], "{c:?}");
        assert!(before[above] >= before[below], "{c:?}");
    }
    let first = &a.breakpoints[0];
    let probe = grid(from, to, 997).unwrap();
    for r in probe.iter().chain(&[dec!(32850001), dec!(28800000)]) {
        if *r < from || *r > to {
            continue;
        }
        let t = totals_at(w, o, &p, *r).unwrap();
        for (ia, ib) in [(0usize, 1usize), (0, 2), (1, 2)] {
            let actual = match t[ia].cmp(&t[ib]) {
                std::cmp::Ordering::Less => Some(Kind::ALL[ia]),
                std::cmp::Ordering::Greater => Some(Kind::ALL[ib]),
                std::cmp::Ordering::Equal => continue,
            };
            assert_eq!(predicted(&a, first, ia, ib, *r), actual, "at {r}: {t:?}");
        }
        let span = a
            .cheapest
            .iter()
            .find(|s| s.from_requests_per_month <= *r && *r <= s.to_requests_per_month)
            .expect("spans cover the range");
        let best = t.iter().min().unwrap();
        let i = Kind::ALL.iter().position(|k| *k == span.cheapest).unwrap();
        assert_eq!(t[i], *best, "span says {:?} at {r}: {t:?}", span.cheapest);
    }
    a
}

#[test]
fn every_crossing_is_found_exactly_at_default_settings() {
    // The peak at 10 x the average (the default before the weekdays shape), as these crossings
    // were found.
    let a = assert_complete(
        &Workload {
            peak_to_average: dec!(10),
            ..Workload::default()
        },
        &Options::default(),
        dec!(1000),
        dec!(10000000000),
    );
    // The pair of Lambda/Fargate crossings around 32.85M that a 200-point sweep missed.
    let around = a
        .crossings
        .iter()
        .filter(|c| c.requests_per_month > dec!(28000000) && c.requests_per_month < dec!(40000000))
        .count();
    assert!(around >= 2, "{:#?}", a.crossings);
    // Below 40M, 13 crossings between Fargate's task steps and Lambda's line (a 200-point sweep
    // found 7); above 72M more, where Fargate's pools of 10 connections per task outgrow a
    // db.t4g.micro (112) and then a db.t4g.small (225) and the database is sized up. EC2 stays
    // the cheapest throughout.
    let below_40m: Vec<Decimal> = a
        .crossings
        .iter()
        .map(|c| c.requests_per_month)
        .filter(|r| *r < dec!(40000000))
        .collect();
    assert_eq!(
        below_40m,
        [
            6502682, 6570001, 12069726, 13140001, 17636770, 19710001, 23203814, 26280001, 28770858,
            32850001, 34337902, 39420001, 39904946
        ]
        .map(Decimal::from)
    );
    assert!(a.crossings.len() > 13, "{:#?}", a.crossings);
    assert_eq!(a.cheapest.len(), 1, "{:#?}", a.cheapest);
    assert_eq!(a.cheapest[0].cheapest, Kind::Ec2);
}

#[test]
fn every_crossing_is_found_with_tiers_free_tier_and_a_given_peak() {
    let o = Options {
        free_tier: true,
        rds_proxy: false,
        high_availability: true,
        ..Options::default()
    };
    let without_proxy = assert_complete(&Workload::default(), &o, dec!(1000), dec!(1e10));
    assert!(
        without_proxy.cheapest.len() >= 2,
        "{:#?}",
        without_proxy.cheapest
    );
    let w = Workload {
        peak_rps: Some(dec!(20)),
        requests_per_month: dec!(1000000),
        throughput_rps_per_vcpu: dec!(800),
        response_bytes: dec!(60000),
        ..Workload::default()
    };
    assert_complete(&w, &o, dec!(1), dec!(100000000000));
}

#[test]
fn crossings_do_not_depend_on_the_chart_points() {
    let p = bundled("us-east-1").unwrap();
    let (w, o) = (Workload::default(), Options::default());
    let a = analyse(&w, &o, &p, dec!(1000), dec!(1e10)).unwrap();
    let b = analyse(&w, &o, &p, dec!(1000), dec!(1e10)).unwrap();
    let at = |a: &Analysis| {
        a.crossings
            .iter()
            .map(|c| c.requests_per_month)
            .collect::<Vec<_>>()
    };
    assert_eq!(at(&a), at(&b));
}
