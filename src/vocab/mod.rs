//! The report's vocabulary, used by every layer: verdicts, severities, risk codes, the gate's
//! actions and decisions, clause kinds, and the finding types (`Evidence`, `Risk`). A leaf: it
//! depends on no other module of the crate, so the core's modules depend on it and never on
//! each other in a cycle.

mod clause;
mod date;
mod finding;
mod gate;
mod risk_code;
mod verdict;

pub use clause::{Clause, ClauseKind, Effect};
pub use date::Date;
pub use finding::{Evidence, Risk, Severity};
pub use gate::{Action, Decision, PolicyResult};
pub use risk_code::RiskCode;
pub use verdict::Verdict;
