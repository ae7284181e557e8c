//! One export as a use case: the pseudonym key, the rows, and the audit
//! event of an export with personal data, for the API and the command line
//! alike.

use super::{record_personal_export, Export, ExportError, ExportRequest, Pseudonymiser};
use crate::clock;
use crate::db::Db;
use crate::domain::Actor;

/// Runs the export described by `request`, writing it with `write`. With
/// personal data the event is audited once the export has ended, with the
/// rows actually written and whether it ran to its end. Answers how many
/// rows were written.
pub fn run(
    db: &Db,
    configured_key: Option<&str>,
    actor: Actor,
    request: ExportRequest,
    write: impl FnOnce(&Db, &mut Export) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let pseudonymiser = Pseudonymiser::load(db, configured_key)?;
    let include_personal_data = request.include_personal_data;
    let mut export = Export::new(request, pseudonymiser);
    let result = write(db, &mut export);
    if let Err(error) = &result {
        tracing::warn!(%error, rows = export.rows(), "export stopped");
    }
    if include_personal_data {
        db.write_blocking(|conn| {
            record_personal_export(
                conn,
                actor,
                export.request(),
                export.rows(),
                result.is_ok(),
                clock::now().naive_utc(),
            )
        })
        .inspect_err(|error| tracing::error!(%error, "export with personal data not audited"))?;
    }
    result.map(|()| export.rows())
}
