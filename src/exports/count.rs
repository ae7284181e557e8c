//! How many contributions an export selects, before it is made: the
//! console shows it beside the download links.

use super::request::selection;
use crate::db::contributions::{self as queries, ModerationFilter};
use crate::db::{Db, DbError};

/// The rows an export of `filter` would write now (in any format).
pub async fn count(db: &Db, filter: ModerationFilter) -> Result<u64, DbError> {
    let filter = selection(filter);
    let rows = db
        .read(move |conn| queries::count_matching(conn, &filter))
        .await?;
    Ok(u64::try_from(rows).unwrap_or_default())
}
