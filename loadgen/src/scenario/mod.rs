//! Scenarios: journeys as data (`FILE.toml`), so loadgen can drive any HTTP API. Pure: the types,
//! the parser and `check`, templates, captures and data sets; the engine (sessions pool, open
//! model, summary) plays them. The only I/O is reading the scenario and its CSV files
//! ([`load`]). Imports nothing else of the crate; `plan` uses its word list ([`words`]) and JWT
//! decoding ([`jwt_lifetime_s`]), so each has one owner.
//!
//! # The format
//!
//! ```toml
//! [setup]                      # optional: once per pool account, before the clock starts; what
//!                              # it saves, the account's pool sessions start with ({seeded})
//! steps = [{ method = "POST", path = "/register", json = { email = "{account.email}" }, save = { seeded = "/id" } }]
//!
//! [data.users]                 # a CSV file (relative to this file), one row per session
//! file = "users.csv"
//! cycle = false                # true: wrap around instead of failing when rows run out
//!
//! [sessions.member]
//! account = "pool"             # "pool" (setup's accounts), "new" (one per session) or "none"
//! vars = { tag = "{uuid}" }    # rendered once per session
//! auth_header = "Authorization: Bearer {token}"
//! token = "token"              # the saved name holding the access token (default: token)
//! [[sessions.member.sign_in]]
//! method = "POST"
//! path = "/login"
//! form = { username = "{csv.users.email}", password = "{csv.users.password}" }
//! save = { token = "/access_token", refresh = "/refresh_token" }
//! [sessions.member.refresh]    # when the token nears expiry (JWT exp - iat), or on a 401
//! margin = "60s"               # before expiry (at most a tenth of the lifetime)
//! lifetime = "900s"            # assumed when the token is not a JWT
//! steps = [{ method = "POST", path = "/refresh", json = { refresh_token = "{refresh}" }, save = { token = "/access_token" } }]
//! [sessions.member.logout]
//! share = 25                   # percent of sessions
//! steps = [{ method = "POST", path = "/logout", expect = [204] }]
//!
//! [journeys.writer]
//! weight = 9                   # share of sessions; --mix writer=1,... overrides
//! session = "member"           # omit for an API without sign-in
//! session_requests = "geo:12"  # N | geo:MEAN | MIN..MAX (default geo:12)
//! think_time = "20s"           # default 20s
//! [[journeys.writer.steps]]    # cycled until the session has sent its requests
//! method = "POST"
//! path = "/items"
//! json = { title = "{words:2..5}", count = "{int:1..9}" }
//! expect = [201]               # default: any 2xx
//! save = { id = "/id" }        # later steps may use {id}
//! [[journeys.writer.steps]]
//! method = "GET"
//! path = "/items/{id}"         # route (for reports) defaults to this text
//! query = { fields = "all" }
//! ```
//!
//! A step also takes `headers`, `form` (instead of `json`), `route`, `unset = ["id"]` (forget a
//! value: a later step needing it is skipped), `auth = false` (no auth header) and `opening`
//! steps on a journey (played once, before the cycle). Sign-in steps, refresh steps and setup
//! steps carry no auth header unless `auth = true`; journey and logout steps carry it.
//!
//! # Templates
//!
//! Any string of a path, query, header, body or var. `{{` and `}}` are literal braces.
//! - `{name}`: a value saved by an earlier step (`save`) or a session `vars` entry;
//! - `{account.email}`, `{account.password}`: the session's account (`account = pool | new`);
//! - `{env.NAME}`: an environment variable; `{csv.DATA.COLUMN}`: the session's row of a data set;
//! - generators: `{words:MIN..MAX}` (plain words, at most 256 characters), `{int:MIN..MAX}`
//!   (both included, within +-2^53), `{pick:a|b|c}`, `{email}`, `{uuid}` (version 4).
//!
//! In a JSON body, a string that is exactly one `{int:..}` or one saved number stays a number.
//!
//! # Captures
//!
//! `save = { NAME = SOURCE }`, SOURCE being an RFC 6901 JSON pointer (`/access_token`,
//! `/items/0/id`; extension: `-1` is an array's last element), `header:Name` or `status`; or
//! `{ from = SOURCE, optional = true }` to unset the name instead of failing. A capture that
//! finds nothing is a failure with a [`Reason`] (counted by route and reason), and the session
//! signs in again; it never stops silently.
//!
//! # How a run plays it (for the engine)
//!
//! A session renders its `vars`, signs in (`sign_in`, later `sign_in_again`), then sends its
//! number of requests from its journey's `opening` and `steps`. A step whose templates name a value
//! the session lacks ([`Missing`]) is skipped for the next one. An answer whose status is not
//! expected is a failure and unsets that step's `save` names; an expected answer whose capture
//! fails is a failure by [`Reason`] and sends the session back to sign-in. The token is refreshed
//! at [`Refresh::due_at_age_s`] of [`Refresh::lifetime_of`], and on a 401 when `on_401` (else a
//! 401 signs in again); a refused refresh signs in again.
//!
//! # Check
//!
//! [`load`] and [`parse`] report every problem as `FILE:LINE:COLUMN: message`: TOML syntax,
//! unknown keys, unknown variables, variables used before a step saves them (a `[setup]` step's
//! saves are visible to every step of a pool session, which starts with its account's values;
//! sign-in saves to every journey step, a step's saves to the later steps of its journey), bad
//! generators, ranges and numbers (all bounded), a `--mix` journey the file lacks, missing CSV
//! files or columns. Files: at most 1 MiB (CSV 16 MiB), regular files only.

mod capture;
mod check;
mod compile;
mod data;
mod model;
mod numbers;
mod play;
mod raw;
mod step;
mod template;
mod walk;

pub use capture::{
    Capture, CaptureFailure, Reason, Response, Saved, Source, apply, base64url_decode, jwt_exp,
    jwt_lifetime_s, pointer,
};
pub use check::{
    CheckError, CheckOptions, JOURNAL_TOML, MAX_ROUTES, journal, line_col, load, mix_weights, parse,
};
pub use data::{DataSet, Exhausted, MAX_DATA_BYTES, MAX_SCENARIO_BYTES, read_bounded};
pub use model::{
    AccountSource, Body, JourneySpec, JsonTemplate, Logout, MAX_NAME_CHARS, Provenance, Refresh,
    RenderedBody, Request, Scenario, SessionRequests, SessionSpec, Step, form_encode,
    percent_encode,
};
pub use numbers::{MAX_WEIGHT, duration_s, session_requests};
pub use play::{Next, Now, Outcome, Phase, Player};
pub use template::{
    Generator, Missing, Part, RESERVED, Template, TemplateError, Values, WORDS_MAX_CHARS, is_name,
    words,
};

#[cfg(test)]
mod tests;
