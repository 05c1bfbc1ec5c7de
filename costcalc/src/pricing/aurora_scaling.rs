//! Aurora Serverless v2 capacity over time: what an instance holds when demand moves, with a
//! stated scale-down lag.
//!
//! The model (docs/aurora-serverless-v2.md, "Scaling up and down"):
//! - **up at once**: when a stretch needs more ACUs than the instance holds, it holds them for the
//!   whole stretch (AWS: scale-up takes seconds, faster at higher capacity);
//! - **down by 0.5 ACU every `lag_s` seconds**: AWS says only that scaling down is gradual (buffer
//!   cache in use is released slowly, no fixed cool-down) and publishes no rate, so the rate is an
//!   assumption the caller states and lets the user change; `lag_s` 0 follows demand at once (the
//!   lower bound);
//! - **never below the floor** (the minimum, at least 0.5 ACU while up);
//! - **paused**: with auto-pause, after `pause_wait_s` of idle stretches the instance pauses and
//!   holds nothing above the floor (the paused time itself is `aurora_pause`'s to price).
//!
//! The timeline is played in a loop (a profile or a week repeated over the month), so its start
//! holds what its end left: it is played twice and the second pass counted.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// ACUs move in half steps.
pub const STEP: Decimal = dec!(0.5);

/// A stretch of time at one demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    pub seconds: Decimal,
    /// ACUs the load needs: in 0.5 steps, at least the floor, at most the maximum.
    pub acus: Decimal,
    /// No requests in it (counts towards auto-pause).
    pub idle: bool,
}

/// How the instance follows demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaling {
    pub floor: Decimal,
    /// Seconds per 0.5-ACU step down (0: at once).
    pub lag_s: Decimal,
    /// With auto-pause: idle seconds after which the instance pauses.
    pub pause_wait_s: Option<Decimal>,
}

/// What the instance is doing.
#[derive(Debug, Clone, Copy)]
struct State {
    acus: Decimal,
    /// Seconds since the last step down (or since capacity last met demand).
    clock: Decimal,
    idle_s: Decimal,
}

/// ACU-seconds held above the floor over one pass of `stretches`, in steady state.
pub fn excess_acu_seconds(stretches: &[Stretch], s: &Scaling) -> Decimal {
    let mut st = State {
        acus: s.floor,
        clock: Decimal::ZERO,
        idle_s: Decimal::ZERO,
    };
    let mut total = Decimal::ZERO;
    for _ in 0..2 {
        total = Decimal::ZERO;
        for x in stretches {
            total += play(&mut st, x, s);
        }
    }
    total
}

/// One stretch: splits off the part after the pause, then follows demand.
fn play(st: &mut State, x: &Stretch, s: &Scaling) -> Decimal {
    if !x.idle {
        st.idle_s = Decimal::ZERO;
        return follow(st, x.seconds, x.acus, s);
    }
    let Some(wait) = s.pause_wait_s else {
        return follow(st, x.seconds, x.acus, s);
    };
    let up = (wait - st.idle_s).max(Decimal::ZERO).min(x.seconds);
    st.idle_s += x.seconds;
    let held = follow(st, up, x.acus, s);
    if up < x.seconds {
        // Paused: a resume starts from the floor and scales up to what the next stretch needs.
        st.acus = s.floor;
        st.clock = Decimal::ZERO;
    }
    held
}

/// ACU-seconds above the floor over `t` seconds at demand `d`, stepping down at the lag.
fn follow(st: &mut State, t: Decimal, d: Decimal, s: &Scaling) -> Decimal {
    let f = s.floor;
    if d >= st.acus || s.lag_s.is_zero() {
        st.acus = d;
        st.clock = Decimal::ZERO;
        return (d - f) * t;
    }
    let c = st.acus;
    let first = s.lag_s - st.clock;
    if first > t {
        st.clock += t;
        return (c - f) * t;
    }
    // n steps fit: the first at `first`, then one every lag, at most down to the demand.
    let room = ((c - d) / STEP).ceil();
    let n = room.min(((t - first) / s.lag_s).floor() + Decimal::ONE);
    let last = first + (n - Decimal::ONE) * s.lag_s;
    // Held: c until `first`, c - 0.5 j for a lag each for j = 1..n-1, c - 0.5 n after `last`.
    let steps = (n - Decimal::ONE) * (c - f) - STEP * (n - Decimal::ONE) * n / dec!(2);
    let after = (c - STEP * n).max(d);
    let held = (c - f) * first + steps * s.lag_s + (after - f) * (t - last);
    st.acus = after;
    st.clock = if after == d { Decimal::ZERO } else { t - last };
    held
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretch(seconds: Decimal, acus: Decimal, idle: bool) -> Stretch {
        Stretch {
            seconds,
            acus,
            idle,
        }
    }

    fn scaling(lag_s: Decimal, pause_wait_s: Option<Decimal>) -> Scaling {
        Scaling {
            floor: dec!(0.5),
            lag_s,
            pause_wait_s,
        }
    }

    #[test]
    fn a_square_wave_holds_the_peak_then_steps_down_at_the_lag() {
        // 1 h at 2.5 ACU, then 1 h idle at the 0.5 floor, repeated.
        let wave = [
            stretch(dec!(3600), dec!(2.5), false),
            stretch(dec!(3600), dec!(0.5), true),
        ];
        // At once: 2 ACU above the floor for 3,600 s = 7,200 ACU-s.
        assert_eq!(
            excess_acu_seconds(&wave, &scaling(dec!(0), None)),
            dec!(7200)
        );
        // 0.5 ACU per 60 s: 2.5 for 60 s more, then 2, 1.5 and 1 for 60 s each, 0.5 after 240 s.
        // Above the floor: 2 x 60 + 1.5 x 60 + 1 x 60 + 0.5 x 60 = 300 ACU-s after each peak,
        // 7,500 ACU-s a cycle: 0.0833 ACU-hours more, $0.01 at $0.12.
        assert_eq!(
            excess_acu_seconds(&wave, &scaling(dec!(60), None)),
            dec!(7500)
        );
        // 0.5 ACU per 1,000 s: steps at 1,000, 2,000 and 3,000 s; the fourth (4,000 s) never
        // comes: 2 x 1,000 + 1.5 x 1,000 + 1 x 1,000 + 0.5 x 600 = 4,800 ACU-s more.
        assert_eq!(
            excess_acu_seconds(&wave, &scaling(dec!(1000), None)),
            dec!(12000)
        );
    }

    #[test]
    fn a_pause_cuts_the_step_down_short() {
        // The same wave, 0.5 ACU per 1,000 s, pausing after 1,500 s idle: 2.5 for 1,000 s, 2 for
        // 500 s, then paused: 2 x 1,000 + 1.5 x 500 = 2,750 ACU-s after each peak.
        let wave = [
            stretch(dec!(3600), dec!(2.5), false),
            stretch(dec!(3600), dec!(0.5), true),
        ];
        let s = scaling(dec!(1000), Some(dec!(1500)));
        assert_eq!(excess_acu_seconds(&wave, &s), dec!(9950));
    }

    #[test]
    fn a_step_down_carries_across_stretches_and_into_the_next_pass() {
        // 10 s at 1.5 ACU, then ten 10-second stretches at 0.5; 0.5 ACU per 15 s: 1.5 until
        // 15 s after the peak (5 s of the first idle stretch), 1 for 15 s, 0.5 after.
        // Above the floor: 1 x 10 (peak) + 1 x 15 + 0.5 x 15 = 32.5 ACU-s.
        let mut wave = vec![stretch(dec!(10), dec!(1.5), false)];
        wave.extend([stretch(dec!(10), dec!(0.5), true); 10]);
        assert_eq!(
            excess_acu_seconds(&wave, &scaling(dec!(15), None)),
            dec!(32.5)
        );
        // The peak last: its step-down falls in the next pass's first stretches, the same total.
        wave.rotate_left(1);
        assert_eq!(
            excess_acu_seconds(&wave, &scaling(dec!(15), None)),
            dec!(32.5)
        );
    }
}
