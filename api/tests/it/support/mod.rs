//! What the test modules share: fresh databases, the router in process, the real binary.

pub mod app;
pub mod db;
pub mod server;

pub use app::{PASSWORD, SECRET, TestApp, backdate_rotations};
pub use db::{Backend, direct_url, fresh_postgres_url, proxied};

/// Runs one test body once per database: `both_dbs!(name, |app| async { ... });`
macro_rules! both_dbs {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::support::TestApp::new($crate::support::Backend::Sqlite).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $app = $crate::support::TestApp::new($crate::support::Backend::Postgres).await;
                $body
            }
        }
    };
}
