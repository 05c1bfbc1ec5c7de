//! What a run will send, decided before anything is sent. All pure and seeded, so every rule is
//! unit-tested without a server: [`profile`] (rate curves), [`timeline`] (seeded arrivals),
//! [`shard`] (the part of a timeline one machine plays), [`dispatch`] (which arrival a user
//! sends next, which are dropped as too late), [`journey`] (what each request of a user journey
//! is, with [`text`] for its bodies) and [`session`] (sign in once, refresh, log out).

pub mod dispatch;
pub mod journey;
pub mod profile;
pub mod session;
pub mod shard;
pub mod text;
pub mod timeline;
