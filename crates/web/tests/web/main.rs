//! The web interface's integration tests: one binary (each test file is another link).
//! HTTP tests run in process against real SQLite and, where a server is configured
//! (pg_virtualenv), real PostgreSQL; the browser test drives Debian's headless Chromium.

// Test code: failing loudly is its job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod authz;
mod browser;
mod disclosures;
mod episodes;
mod episodes_http;
mod escalation;
mod http;
mod i18n;
mod inspections;
mod learning;
mod limits;
mod lists;
mod missing_policies;
mod openapi;
mod pack;
mod patterns;
mod people;
mod people_api;
mod photos;
mod settings;
mod support;
mod tokens;
