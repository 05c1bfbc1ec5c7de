//! What a run will send, decided before anything is sent. All pure and seeded, so every rule is
//! unit-tested without a server: [`profile`] (rate curves), [`timeline`] (seeded arrivals),
//! [`shard`] (the part of a timeline one machine plays), [`dispatch`] (which arrival a user
//! sends next, which are dropped as too late), [`journey`] (which journey of the scenario a new
//! session plays), [`session`] (one session of a scenario, as the engine keeps it), and
//! [`routes`], [`nnls`] and [`mix_fit`] (a `--mix` fitted to logged route shares).

pub mod dispatch;
pub mod journey;
pub mod mix_fit;
pub mod nnls;
pub mod profile;
pub mod routes;
pub mod session;
pub mod shard;
pub mod timeline;
