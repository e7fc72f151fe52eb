//! Exports of the record, for people and for archives.
//!
//! - `/teams/{slug}/ledger.csv` and `/teams/{slug}/ledger.json`: a team's whole
//!   membership ledger (person, role, joined, left, reasons, the decision behind a row),
//!   public as it is on the team page.
//! - `/decisions/{id}/record.json`: a decision's full record (question, body, rule,
//!   deciders, every position, concerns, the computed outcome, the recorded statement),
//!   for whoever may see the decision (`decisions::model::require_viewer`).
//! - `/rfcs/{id}/record.json`: an RFC with every revision and its public feedback with the
//!   published dispositions, for whoever may read the RFC (`rfcs::model::require_reader`);
//!   private feedback is never exported.
//! - `concord export --out DIR` (`archive`): the whole public record as JSON Lines, read in
//!   batches so memory stays flat.

pub mod archive;
mod handlers;
pub mod model;

use crate::web::routes::{Routes, get};

pub fn routes() -> Routes {
    Routes::new()
        .route("/teams/{slug}/ledger.csv", get(handlers::ledger_csv))
        .route("/teams/{slug}/ledger.json", get(handlers::ledger_json))
        .route("/decisions/{id}/record.json", get(handlers::decision_json))
        .route("/rfcs/{id}/record.json", get(handlers::rfc_json))
}
