//! Which API a report prices, in its title and its words. The project's reference API,
//! journal-api, is what a figure nobody measured describes (its profile, the defaults); anything
//! else is named by its input: the `--compare` NAME, the memory sweep's scenario or function, the
//! run's scenario, the CloudWatch resources, or "your API" for access logs of other routes.
//! Only journal-api's wording may speak of its internals (argon2 logins): another API's report
//! never claims them.

use crate::workload::source::cloudwatch::Resources;
use crate::workload::source::loadgen::view::Scenario;

/// The API a report is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Subject {
    /// journal-api: the defaults and its measured profile describe it, and so does a run that
    /// names nothing else.
    #[default]
    JournalApi,
    /// Another implementation, by the name its input gives.
    Named(String),
    /// An API that no input names: a run from before summaries recorded their scenario, whose
    /// routes are not journal-api's.
    Unnamed,
}

/// journal-api's routes as its scenario labels them (api/README.md), by path: what a run from
/// before summary v1.7 must stay within to be taken for journal-api's.
pub const JOURNAL_API_ROUTES: [&str; 11] = [
    "/",
    "/health",
    "/ready",
    "/openapi.json",
    "/api/v1/auth/register",
    "/api/v1/auth/signup",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/entries",
    "/api/v1/entries/{id}",
];

impl Subject {
    /// The `--compare` NAME: "journal-api" is the reference API, any other name another one.
    pub fn named(name: &str) -> Self {
        if name == "journal-api" {
            Subject::JournalApi
        } else {
            Subject::Named(name.to_string())
        }
    }

    /// From a memory sweep's `function` and `scenario`: journal-api's own binary on its embedded
    /// scenario is the reference; a scenario file names the API by its stem, and a command
    /// (`--function-cmd`) on the embedded scenario by the command itself.
    pub fn of_tune(function: &str, scenario: Option<&str>) -> Self {
        let program = function.split_whitespace().next().unwrap_or("");
        let stem = |p: &str| {
            let file = p.rsplit('/').next().unwrap_or(p);
            file.strip_suffix(".toml").unwrap_or(file).to_string()
        };
        let scenario = scenario
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.starts_with("journal.toml"));
        match scenario {
            Some(s) => Subject::Named(stem(s.split_whitespace().next().unwrap_or(s))),
            None if program.is_empty() || stem(program) == "journal-api" => Subject::JournalApi,
            None => Subject::Named(format!(
                "`{}`",
                std::iter::once(stem(program).as_str())
                    .chain(function.split_whitespace().skip(1))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        }
    }

    /// From a loadgen run: the scenario it recorded (summary v1.7), `journal` being journal-api's;
    /// without one (an older summary), journal-api when every route is one of
    /// [`JOURNAL_API_ROUTES`], else no name.
    pub fn of_run<'a>(
        scenario: Option<&Scenario>,
        routes: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        match scenario {
            Some(s) if s.is_journal() => Subject::JournalApi,
            Some(s) => Subject::Named(s.name.clone()),
            None => Self::of_routes(routes),
        }
    }

    /// From routes with nothing else naming the API (an older run, access logs): journal-api
    /// when every route's path is one of [`JOURNAL_API_ROUTES`] (a log's "METHOD /path" is read
    /// by its path), else no name.
    pub fn of_routes<'a>(routes: impl IntoIterator<Item = &'a str>) -> Self {
        let path = |r: &'a str| r.split_once(' ').map_or(r, |(_, p)| p);
        let mut routes = routes.into_iter().peekable();
        let any = routes.peek().is_some();
        if !any || routes.all(|r| JOURNAL_API_ROUTES.contains(&path(r))) {
            Subject::JournalApi
        } else {
            Subject::Unnamed
        }
    }

    /// From the CloudWatch resources measured: the function, API, service, load balancer or
    /// instance they name, names a user chose before generated ids (an HTTP API's, an
    /// instance's). A database alone names no API.
    pub fn of_resources(r: &Resources) -> Self {
        let named = [
            r.lambda_function
                .as_ref()
                .map(|f| format!("Lambda function {f}")),
            r.rest_api
                .as_ref()
                .map(|(n, st)| format!("REST API {n} ({st})")),
            r.ecs_service
                .as_ref()
                .map(|(c, sv)| format!("ECS service {c}/{sv}")),
            r.alb.as_ref().map(|a| format!("load balancer {a}")),
            r.http_api_id.as_ref().map(|id| format!("HTTP API {id}")),
            r.instance_id.as_ref().map(|i| format!("instance {i}")),
        ];
        named
            .into_iter()
            .flatten()
            .next()
            .map_or(Subject::Unnamed, Subject::Named)
    }

    /// The API of a report from a run and a sweep: a name beats journal-api, the sweep's (its
    /// command or scenario names the implementation) beats the run's.
    pub fn of_run_and_tune(run: Option<Self>, tune: Option<Self>) -> Self {
        match (run, tune) {
            (_, Some(t @ Subject::Named(_))) => t,
            (Some(r), _) => r,
            (None, t) => t.unwrap_or_default(),
        }
    }

    /// The title's words: "the journal API", the name, or "your API".
    pub fn phrase(&self) -> String {
        match self {
            Subject::JournalApi => "the journal API".into(),
            Subject::Named(n) => n.clone(),
            Subject::Unnamed => "your API".into(),
        }
    }

    pub fn is_journal_api(&self) -> bool {
        matches!(self, Subject::JournalApi)
    }
}

#[cfg(test)]
mod tests {
    use super::{JOURNAL_API_ROUTES, Scenario, Subject};

    fn recorded(name: &str) -> Scenario {
        Scenario {
            name: name.into(),
            source: "file".into(),
            sha256: String::new(),
        }
    }

    #[test]
    fn a_run_is_named_by_its_scenario_and_an_older_one_by_its_routes() {
        let routes = ["/api/v1/entries", "/api/v1/entries/{id}", "/health"];
        assert_eq!(
            Subject::of_run(Some(&recorded("journal")), ["/x"]),
            Subject::JournalApi
        );
        assert_eq!(
            Subject::of_run(Some(&recorded("fastapi-journal")), routes),
            Subject::Named("fastapi-journal".into())
        );
        assert_eq!(Subject::of_run(None, routes), Subject::JournalApi);
        assert_eq!(
            Subject::of_run(None, ["/health", "/notes"]),
            Subject::Unnamed
        );
        assert_eq!(Subject::Unnamed.phrase(), "your API");
        assert!(!Subject::Unnamed.is_journal_api());
    }

    #[test]
    fn logs_are_journal_apis_only_on_its_paths_and_cloudwatch_names_the_front() {
        use crate::workload::source::cloudwatch::Resources;
        let journal = [
            "GET /api/v1/entries/{id}",
            "POST /api/v1/auth/login",
            "GET /health",
        ];
        assert_eq!(Subject::of_routes(journal), Subject::JournalApi);
        assert_eq!(
            Subject::of_routes(["GET /api/v1/entries", "GET /pets/{petId}"]),
            Subject::Unnamed
        );
        assert_eq!(Subject::of_routes(["$default"]), Subject::Unnamed);
        let r = Resources {
            lambda_function: Some("notes-fn".into()),
            http_api_id: Some("a1b2c3".into()),
            ..Resources::default()
        };
        assert_eq!(
            Subject::of_resources(&r).phrase(),
            "Lambda function notes-fn"
        );
        let r = Resources {
            http_api_id: Some("a1b2c3".into()),
            rds_instance: Some("db".into()),
            ..Resources::default()
        };
        assert_eq!(Subject::of_resources(&r).phrase(), "HTTP API a1b2c3");
        let db_only = Resources {
            rds_instance: Some("db".into()),
            ..Resources::default()
        };
        assert_eq!(Subject::of_resources(&db_only), Subject::Unnamed);
    }

    #[test]
    fn journal_apis_routes_cover_its_measured_profile() {
        // The committed profile is a run of journal-api's own scenario: an older summary of it
        // must still be taken for journal-api's.
        let profile: serde_json::Value =
            serde_json::from_str(include_str!("../../profiles/journal-api.json")).unwrap();
        let routes: Vec<&str> = profile["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["route"].as_str().unwrap())
            .collect();
        assert!(routes.len() >= 5, "{routes:?}");
        for r in &routes {
            assert!(JOURNAL_API_ROUTES.contains(r), "{r}");
        }
    }

    #[test]
    fn a_sweeps_name_beats_the_runs_and_a_name_beats_journal_api() {
        let named = |n: &str| Subject::Named(n.into());
        let j = Subject::JournalApi;
        assert_eq!(
            Subject::of_run_and_tune(Some(named("run")), Some(named("cmd"))),
            named("cmd")
        );
        assert_eq!(
            Subject::of_run_and_tune(Some(named("run")), Some(j.clone())),
            named("run")
        );
        assert_eq!(
            Subject::of_run_and_tune(Some(Subject::Unnamed), Some(j.clone())),
            Subject::Unnamed
        );
        assert_eq!(
            Subject::of_run_and_tune(None, Some(named("cmd"))),
            named("cmd")
        );
        assert_eq!(Subject::of_run_and_tune(Some(j.clone()), None), j);
        assert_eq!(Subject::of_run_and_tune(None, None), j);
    }

    #[test]
    fn a_compare_name_names_the_api_and_journal_api_is_the_reference() {
        assert_eq!(Subject::named("journal-api"), Subject::JournalApi);
        assert_eq!(Subject::named("fastapi").phrase(), "fastapi");
        assert_eq!(Subject::JournalApi.phrase(), "the journal API");
    }

    #[test]
    fn a_sweep_names_the_api_by_its_scenario_then_its_command() {
        // journal-api's binary on the embedded scenario, as `loadgen tune` writes it.
        let own = Subject::of_tune(
            "target/release/journal-api",
            Some("journal.toml (embedded)"),
        );
        assert_eq!(own, Subject::JournalApi);
        // v1.0 files have no scenario: the binary alone says it.
        assert_eq!(
            Subject::of_tune("/opt/x/journal-api", None),
            Subject::JournalApi
        );
        assert_eq!(
            Subject::of_tune("journal-api", Some("scenarios/fastapi-journal.toml")),
            Subject::Named("fastapi-journal".into())
        );
        // A runtime interface client on the embedded scenario: the command, its program by name.
        assert_eq!(
            Subject::of_tune(
                ".venv/peer/bin/python -m awslambdaric fastapi_lambda.api",
                Some("journal.toml (embedded)")
            )
            .phrase(),
            "`python -m awslambdaric fastapi_lambda.api`"
        );
    }
}
