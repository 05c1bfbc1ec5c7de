//! Which API a report prices, in its title and its words. The project's reference API,
//! journal-api, is what a figure nobody measured describes (its profile, the defaults); anything
//! else is named by its input: the `--compare` NAME, or the memory sweep's scenario or function.
//! Only journal-api's wording may speak of its internals (argon2 logins): another API's report
//! never claims them.

/// The API a report is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Subject {
    /// journal-api: the defaults and its measured profile describe it, and so does a run that
    /// names nothing else.
    #[default]
    JournalApi,
    /// Another implementation, by the name its input gives.
    Named(String),
}

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

    /// The title's words: "the journal API", or the name.
    pub fn phrase(&self) -> String {
        match self {
            Subject::JournalApi => "the journal API".into(),
            Subject::Named(n) => n.clone(),
        }
    }

    pub fn is_journal_api(&self) -> bool {
        matches!(self, Subject::JournalApi)
    }
}

#[cfg(test)]
mod tests {
    use super::Subject;

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
