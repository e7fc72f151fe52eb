//! Each person's inbox, kept in memory while it stays what awaits them: until a change is
//! recorded in one of the teams it is made from ([`db::Version`]) or the minute turns
//! (the clock moves items in and out: windows closing, nominations going stale). The
//! inbox page lists the kept rows and every other page's header counts them, so a person
//! going from page to page costs an index lookup per team (in the statement that reads
//! who is signed in), not the inbox's statement.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use moka::ops::compute::{CompResult, Op};
use time::OffsetDateTime;

use super::db::{self, Row};
use super::model::SECTION_LIMIT;
use crate::app::AppState;

/// At most this many rows are kept, over everyone (a few hundred bytes each).
const ROWS_KEPT: u64 = 100_000;

/// The kept inboxes, by person.
pub struct Kept(Cache<i64, Arc<Entry>>);

struct Entry {
    key: Key,
    rows: Arc<Vec<Row>>,
}

struct Key {
    version: db::Version,
    minute: i64,
}

impl Default for Kept {
    fn default() -> Self {
        Kept(
            Cache::builder()
                .weigher(|_, entry: &Arc<Entry>| {
                    u32::try_from(entry.rows.len() + 1).unwrap_or(u32::MAX)
                })
                .max_capacity(ROWS_KEPT)
                // An entry serves its minute only; this frees it soon after.
                .time_to_live(Duration::from_secs(60))
                .build(),
        )
    }
}

/// The rows of `user_id`'s inbox at `now` ([`db::items`]): the kept ones while `version`
/// (read with the person, `auth::db::find_for_page`) and the minute stand, else read again
/// and kept.
pub async fn rows(
    state: &AppState,
    user_id: i64,
    version: &db::Version,
    now: OffsetDateTime,
) -> sqlx::Result<Arc<Vec<Row>>> {
    let minute = now.unix_timestamp().div_euclid(60);
    // Compared in place: the version is copied only into a new entry.
    let stands = |key: &Key| key.minute == minute && key.version == *version;
    let kept = &state.inbox.0;
    if let Some(entry) = kept.get(&user_id).await
        && stands(&entry.key)
    {
        return Ok(entry.rows.clone());
    }
    // One build per person at a time: whoever waited gets the rows just built.
    let built = kept
        .entry(user_id)
        .and_try_compute_with(|kept| async move {
            if let Some(kept) = kept
                && stands(&kept.value().key)
            {
                return Ok(Op::Nop);
            }
            let rows = db::items(&state.pool, user_id, now, SECTION_LIMIT).await?;
            let key = Key {
                version: version.clone(),
                minute,
            };
            Ok::<_, sqlx::Error>(Op::Put(Arc::new(Entry {
                key,
                rows: Arc::new(rows),
            })))
        })
        .await?;
    Ok(match built {
        CompResult::Inserted(entry)
        | CompResult::ReplacedWith(entry)
        | CompResult::Unchanged(entry) => entry.into_value().rows.clone(),
        // Never: the closure either finds the entry or puts one.
        CompResult::StillNone(_) | CompResult::Removed(_) => Arc::default(),
    })
}
