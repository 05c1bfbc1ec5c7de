use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reqwest::Method;

fn account() -> Account {
    Account {
        email: "setup-1@loadgen.example.com".into(),
        password: "pw with space&".into(),
    }
}

fn cx<'a>(a: &'a Account, access: Option<&'a str>, entry: Option<&'a str>) -> Context<'a> {
    Context {
        journey: Journey::Writer,
        account: a,
        access,
        refresh: Some("R1"),
        entry,
    }
}

#[test]
fn login_is_the_oauth2_form_and_carries_no_token() {
    let a = account();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let login = plan(Step::Login, &cx(&a, Some("T"), None), &mut rng).unwrap();
    assert_eq!(
        (login.method, login.route),
        (&Method::POST, "/api/v1/auth/login")
    );
    assert_eq!(
        login.body,
        Body::Form("username=setup-1%40loadgen.example.com&password=pw+with+space%26".into())
    );
    assert_eq!(login.bearer, None);
    let refresh = plan(Step::Refresh, &cx(&a, Some("T"), None), &mut rng).unwrap();
    assert_eq!(refresh.body, Body::Json(r#"{"refresh_token":"R1"}"#.into()));
    assert_eq!(refresh.bearer, None);
    let logout = plan(Step::Logout, &cx(&a, Some("T"), None), &mut rng).unwrap();
    assert_eq!(
        (logout.route, logout.bearer.as_deref()),
        ("/api/v1/auth/logout", Some("T"))
    );
}

#[test]
fn entry_steps_need_a_token_and_an_entry() {
    let a = account();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let create = plan(Step::Create, &cx(&a, Some("T"), None), &mut rng).unwrap();
    assert_eq!(create.bearer.as_deref(), Some("T"));
    let Body::Json(j) = &create.body else {
        panic!()
    };
    let v: serde_json::Value = serde_json::from_str(j).unwrap();
    for f in ["work", "struggle", "intention"] {
        let s = v[f].as_str().unwrap();
        assert!(!s.is_empty() && s.len() <= 256);
    }
    assert!(plan(Step::Create, &cx(&a, None, None), &mut rng).is_none());
    assert!(plan(Step::Update, &cx(&a, Some("T"), None), &mut rng).is_none());
    let update = plan(Step::Update, &cx(&a, Some("T"), Some("e-42")), &mut rng).unwrap();
    assert_eq!(
        (update.method, update.route, update.path.as_str()),
        (&Method::PUT, "/api/v1/entries/{id}", "/api/v1/entries/e-42")
    );
    let list = plan(Step::List, &cx(&a, Some("T"), None), &mut rng).unwrap();
    assert_eq!(list.path, "/api/v1/entries?limit=20");
    let health = plan(Step::Health, &cx(&a, None, None), &mut rng).unwrap();
    assert_eq!((health.path.as_str(), health.bearer), ("/health", None));
}

#[test]
fn mix_parses_weights_and_picks_in_proportion() {
    let m: Mix = "reader=3, health=1".parse().unwrap();
    assert_eq!(m.weights, [0, 0, 3, 1]);
    assert!(!m.health_only());
    assert!("health=2".parse::<Mix>().unwrap().health_only());
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let readers = (0..4000)
        .filter(|_| m.pick(&mut rng) == Journey::Reader)
        .count();
    assert!((2850..=3150).contains(&readers), "{readers}");
    assert!(
        "reader=x"
            .parse::<Mix>()
            .unwrap_err()
            .contains("name=weight")
    );
    assert!(
        "visitor=1"
            .parse::<Mix>()
            .unwrap_err()
            .contains("unknown journey 'visitor'")
    );
    assert!(
        "reader=0"
            .parse::<Mix>()
            .unwrap_err()
            .contains("weight > 0")
    );
    assert_eq!(Mix::default().weights, [1, 9, 19, 1]);
}
