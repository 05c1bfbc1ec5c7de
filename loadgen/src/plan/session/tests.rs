use super::*;
use crate::plan::journey::Body;
use rand::SeedableRng;

fn account() -> Account {
    Account {
        email: "setup-1@loadgen.example.com".into(),
        password: "pw".into(),
    }
}

fn at(sched_s: f64) -> Now {
    Now {
        sched_s,
        wall_s: sched_s / 100.0,
    }
}

/// A JWT-shaped token whose claims say it lives `life` seconds.
fn jwt(life: i64, n: u32) -> String {
    let claims = format!(r#"{{"sub":"u","iat":1000,"exp":{},"n":{n}}}"#, 1000 + life);
    let b64: String = {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = claims.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let mut b = [0u8; 3];
            b[..chunk.len()].copy_from_slice(chunk);
            let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    };
    format!("eyJhbGciOiJIUzI1NiJ9.{b64}.sig")
}

fn pair(life: i64, n: u32) -> Vec<u8> {
    format!(
        r#"{{"access_token":"{}","refresh_token":"R{n}","token_type":"bearer"}}"#,
        jwt(life, n)
    )
    .into_bytes()
}

fn session(j: Journey, target: u32, logout: bool) -> Session {
    Session::new(j, account(), target, logout, ChaCha8Rng::seed_from_u64(3))
}

#[test]
fn the_jwt_lifetime_is_read_from_its_claims() {
    assert_eq!(jwt_lifetime_s(&jwt(900, 1)), Some(900.0));
    assert_eq!(jwt_lifetime_s("opaque-token"), None);
    assert_eq!(crate::scenario::base64url_decode("aGk").unwrap(), b"hi");
}

#[test]
fn a_writer_logs_in_once_then_cycles_create_update_delete_and_logs_out() {
    let mut s = session(Journey::Writer, 6, true);
    let steps = |s: &mut Session, t: f64| {
        let n = s.next_request(at(t)).unwrap();
        (n.planned.step, n.planned.bearer.is_some())
    };
    assert_eq!(steps(&mut s, 0.0), (Step::Login, false));
    assert!(s.absorb(200, &pair(900, 1), at(0.0), 0.0));
    let mut seen = Vec::new();
    for i in 0..6 {
        let t = 10.0 * (i + 1) as f64;
        let n = s.next_request(at(t)).unwrap();
        assert_eq!(n.token_age_s, Some(t));
        seen.push(n.planned.step);
        let body: &[u8] = match n.planned.step {
            Step::Create => br#"{"id":"e-1"}"#,
            _ => b"{}",
        };
        s.absorb(
            if n.planned.step == Step::Delete {
                204
            } else {
                200
            },
            body,
            at(t),
            t,
        );
        assert!(!s.finished());
    }
    use Step::*;
    assert_eq!(seen, [Create, Update, Delete, Create, Update, Delete]);
    assert_eq!(steps(&mut s, 70.0), (Logout, true));
    s.absorb(204, b"", at(70.0), 70.0);
    assert!(s.finished());
    assert!(s.next_request(at(80.0)).is_none());
}

#[test]
fn the_token_is_refreshed_before_it_expires_on_either_clock() {
    let mut s = session(Journey::Reader, 1000, false);
    s.next_request(at(0.0)).unwrap();
    s.absorb(200, &pair(900, 1), at(0.0), 0.0);
    // 60 s before expiry (900 - 60): still in use, then refreshed.
    let n = s.next_request(at(839.0)).unwrap();
    assert_eq!(n.planned.step, Step::List);
    s.absorb(
        200,
        br#"[{"id":"new"},{"id":"old"}]"#,
        at(839.0),
        at(839.0).sched_s,
    );
    let n = s.next_request(at(841.0)).unwrap();
    assert_eq!(n.planned.step, Step::Refresh);
    assert_eq!(
        n.planned.body,
        Body::Json(r#"{"refresh_token":"R1"}"#.into())
    );
    s.absorb(200, &pair(900, 2), at(841.0), 841.0);
    let n = s.next_request(at(842.0)).unwrap();
    assert_eq!(
        (n.planned.step, n.planned.path.as_str()),
        (Step::Get, "/api/v1/entries/old")
    );
    assert_eq!(n.token_age_s, Some(1.0));
    // In slow motion (wall ahead of schedule) the wall clock decides.
    let slow = Now {
        sched_s: 850.0,
        wall_s: 900.0,
    };
    s.absorb(200, b"{}", at(842.0), 842.0);
    assert_eq!(s.next_request(slow).unwrap().planned.step, Step::Refresh);
}

#[test]
fn a_refused_refresh_or_a_401_sends_the_session_back_to_login() {
    let mut s = session(Journey::Reader, 1000, false);
    s.next_request(at(0.0));
    s.absorb(200, &pair(900, 1), at(0.0), 0.0);
    s.next_request(at(10.0));
    s.absorb(
        401,
        br#"{"detail":"Could not validate credentials"}"#,
        at(10.0),
        10.0,
    );
    assert_eq!(s.next_request(at(11.0)).unwrap().planned.step, Step::Login);
    s.absorb(200, &pair(900, 2), at(11.0), 11.0);
    s.next_request(at(900.0)).unwrap();
    s.absorb(401, b"{}", at(900.0), 900.0);
    assert_eq!(s.next_request(at(901.0)).unwrap().planned.step, Step::Login);
}

#[test]
fn a_newcomer_registers_writes_a_first_entry_and_logs_in_only_without_a_token() {
    let mut s = session(Journey::Newcomer, 2, false);
    assert_eq!(
        s.next_request(at(0.0)).unwrap().planned.step,
        Step::Register
    );
    s.absorb(200, &pair(900, 1), at(0.0), 0.0);
    assert_eq!(s.next_request(at(1.0)).unwrap().planned.step, Step::Create);
    s.absorb(201, br#"{"id":"first"}"#, at(1.0), 1.0);
    assert_eq!(s.next_request(at(2.0)).unwrap().planned.step, Step::Create);
    s.absorb(201, br#"{"id":"second"}"#, at(2.0), 2.0);
    assert!(s.finished());
    // A server whose registration answers without tokens: log in next.
    let mut s = session(Journey::Newcomer, 2, false);
    s.next_request(at(0.0));
    s.absorb(200, br#"{"id":"u1","email":"x"}"#, at(0.0), 0.0);
    assert_eq!(s.next_request(at(1.0)).unwrap().planned.step, Step::Login);
}

#[test]
fn a_failed_login_ends_the_session_and_health_is_one_request() {
    let mut s = session(Journey::Writer, 5, true);
    s.next_request(at(0.0));
    assert!(!s.absorb(401, b"{}", at(0.0), 0.0));
    assert!(s.finished() && s.next_request(at(1.0)).is_none());
    let mut h = session(Journey::Health, 50, true);
    let n = h.next_request(at(0.0)).unwrap();
    assert_eq!((n.planned.step, n.token_age_s), (Step::Health, None));
    h.absorb(200, br#"{"status":"healthy"}"#, at(0.0), 0.0);
    assert!(h.finished());
}

#[test]
fn a_reader_with_nothing_listed_lists_again() {
    let mut s = session(Journey::Reader, 3, false);
    s.next_request(at(0.0));
    s.absorb(200, &pair(900, 1), at(0.0), 0.0);
    s.next_request(at(1.0));
    s.absorb(200, b"[]", at(1.0), 1.0);
    assert_eq!(s.next_request(at(2.0)).unwrap().planned.step, Step::List);
}

#[test]
fn a_resumed_session_uses_its_token_then_logs_in_again_instead_of_refreshing() {
    let issued = Now {
        sched_s: -5.0,
        wall_s: -3.0,
    };
    let mut s = Session::resumed(
        Journey::Reader,
        account(),
        10,
        jwt(900, 1),
        issued,
        ChaCha8Rng::seed_from_u64(1),
    );
    assert_eq!(s.last_s, -5.0);
    assert_eq!(s.token_lifetime_s(), Some(900.0));
    let n = s.next_request(at(10.0)).unwrap();
    assert_eq!((n.planned.step, n.token_age_s), (Step::List, Some(15.0)));
    s.absorb(200, b"[]", at(10.0), 10.0);
    assert_eq!(s.next_request(at(836.0)).unwrap().planned.step, Step::Login);
}
