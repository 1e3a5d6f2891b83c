//! Homeward's domain: the types and rules every other layer builds on.
//!
//! Nothing here performs I/O, awaits, or reads the system clock; time comes in through
//! [`time::Clock`]. That keeps every rule testable with plain values, and most tests live here.

pub mod access;
pub mod audit;
pub mod disclosure;
pub mod duties;
pub mod email;
pub mod episode;
pub mod escalation;
pub mod forms;
pub mod ids;
pub mod inspection;
pub mod learning;
pub mod locale;
pub mod missing_policy;
pub mod organisation;
pub mod password;
pub mod person;
pub mod role;
pub mod rollup;
pub mod session;
pub mod settings;
pub mod text;
pub mod throttle;
pub mod time;
pub mod time_entry;
pub mod totp;
