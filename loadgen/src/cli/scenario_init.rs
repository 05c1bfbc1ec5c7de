//! `loadgen scenario init --openapi SPEC`: a starter scenario from an OpenAPI 3.x or Swagger 2.0
//! document ([`crate::openapi`]), checked as `scenario check` would before it is written.

use super::exit::{EXIT_BAD_FILE, EXIT_ERROR};
use crate::openapi::{self, MAX_SPEC_BYTES};
use crate::scenario::{self, CheckOptions, read_bounded};
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The OpenAPI 3.x or Swagger 2.0 document (JSON or YAML, at most 16 MiB)
    #[arg(long, value_name = "SPEC")]
    pub openapi: PathBuf,
    /// Write the scenario here (default: standard output)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out when it exists
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// `loadgen scenario init`: returns the process exit status.
pub fn main(args: &InitArgs) -> i32 {
    let label = args.openapi.display().to_string();
    let text = match read_bounded(&args.openapi, MAX_SPEC_BYTES) {
        Ok(t) => t,
        Err(e) => {
            errln!("{label}: {e}");
            return EXIT_BAD_FILE;
        }
    };
    let starter = match openapi::starter(&text) {
        Ok(s) => s,
        Err(e) => {
            errln!("{label}: {}", e.to_string().replace('\n', " "));
            return EXIT_BAD_FILE;
        }
    };
    // The promise is a file `scenario check` passes: a starter that does not is loadgen's bug.
    let out_label = args
        .out
        .as_ref()
        .map_or("the starter".into(), |p| p.display().to_string());
    let base = args
        .out
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    if let Err(errors) = scenario::parse(&out_label, base, &starter.toml, CheckOptions::default()) {
        let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
        errln!(
            "loadgen: error: the starter from {label} does not pass check (a bug in loadgen): {first}"
        );
        return EXIT_ERROR;
    }
    if let Err(e) = write(args, &starter.toml) {
        errln!("{e}");
        return if e.contains("--force") {
            EXIT_BAD_FILE
        } else {
            EXIT_ERROR
        };
    }
    let mut note = format!(
        "{}: {} journeys, {} steps; {} TODO lines to review",
        args.out
            .as_ref()
            .map_or("stdout".into(), |p| p.display().to_string()),
        starter.journeys,
        starter.steps,
        starter.todos
    );
    if starter.unresolved > 0 {
        note.push_str(&format!(
            "; {} references not followed (values left out)",
            starter.unresolved
        ));
    }
    errln!("{note}");
    0
}

fn write(args: &InitArgs, text: &str) -> Result<(), String> {
    let Some(path) = &args.out else {
        let mut out = std::io::stdout();
        return out
            .write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| format!("loadgen: error: cannot write to standard output: {e}"));
    };
    let mut open = std::fs::OpenOptions::new();
    open.write(true);
    if args.force {
        open.create(true).truncate(true);
    } else {
        open.create_new(true);
    }
    let mut file = open.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!("{}: exists: pass --force to overwrite it", path.display())
        }
        _ => format!("{}: cannot write it: {e}", path.display()),
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: cannot write it: {e}", path.display()))
}
