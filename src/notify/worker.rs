//! The worker that empties the outbox: it claims due rows with `for update skip locked`
//! (so any number of instances may run it), sends each, and records the attempt; a daily
//! digest gathers a person's waiting notices into one mail; and once a minute it looks for
//! the reminders the clock has made due (`super::reminders`). Sending happens inside the
//! claiming transaction, so a row is marked sent only once the mail server took it; an
//! instance that dies mid-send leaves the row to be sent again (at least once, never lost).

use askama::Template;

use time::OffsetDateTime;

use super::db::{self, Due};
use super::mail::{self, DigestItem, Mail};
use super::model::{self, Kind, Notice};
use crate::app::AppState;

/// Rows claimed per transaction.
const BATCH: i64 = 20;

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed_attempts: usize,
    pub digests: usize,
    pub reminders: u64,
}

/// Runs until the process ends: a pass, then a pause when there was nothing to do.
pub async fn run(state: AppState) {
    if !state.mailer.sends() {
        tracing::warn!(
            "no mail server configured (CONCORD_SMTP_URL): notifications wait in the outbox"
        );
    }
    let mut last_scan: Option<OffsetDateTime> = None;
    loop {
        let now = state.clock.now();
        let scan = last_scan.is_none_or(|at| now - at >= time::Duration::minutes(1));
        match pass(&state, now, scan).await {
            Ok(done) => {
                if scan {
                    last_scan = Some(now);
                }
                if done.sent + done.failed_attempts + done.digests > 0 {
                    continue;
                }
            }
            Err(e) => tracing::warn!(error = %e, "the notification worker's pass failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

/// One pass at `now`: the reminders due (when `scan`), every notice due, every digest due.
pub async fn pass(state: &AppState, now: OffsetDateTime, scan: bool) -> sqlx::Result<Pass> {
    let mut done = Pass::default();
    if scan {
        done.reminders = super::reminders::scan(&state.pool, now).await?;
    }
    loop {
        let (sent, failed, claimed) = deliver_batch(state, now).await?;
        done.sent += sent;
        done.failed_attempts += failed;
        if claimed < BATCH as usize {
            break;
        }
    }
    if state.mailer.sends() {
        done.digests = send_digests(state, now).await?;
    }
    Ok(done)
}

async fn deliver_batch(
    state: &AppState,
    now: OffsetDateTime,
) -> sqlx::Result<(usize, usize, usize)> {
    let mut tx = state.pool.begin().await?;
    let due = db::claim_due(&mut tx, now, BATCH, state.mailer.sends()).await?;
    // Every mail is built first (its one-click link is written in this transaction), then
    // the whole batch goes out at once, over the mail server's pooled connections
    // (`mail::POOL`) and to the webhooks: each answer takes a while (lettre's SMTP client
    // waits about 40 ms for a delayed ACK on every message), so one at a time would hold a
    // worker to some 20 mails a second (docs/BENCHMARKS.md, the notifications row).
    let mut mails = Vec::with_capacity(due.len());
    for row in &due {
        mails.push(match row.webhook_id {
            Some(_) => None,
            None => Some(build_mail(state, &mut tx, row, now).await?),
        });
    }
    let answers =
        futures_util::future::join_all(due.iter().zip(mails).map(|(row, mail)| async move {
            match mail {
                None => deliver_webhook(state, row).await,
                Some(Ok(mail)) => state
                    .mailer
                    .send(&state.pool, &mail, now)
                    .await
                    .map(|()| None)
                    .map_err(|e| (None, e)),
                Some(Err(why)) => Err((None, why)),
            }
        }))
        .await;
    let mut sent = Vec::with_capacity(due.len());
    let mut failed = 0;
    for (row, answer) in due.iter().zip(answers) {
        match answer {
            Ok(status) => {
                if let Some(status) = status {
                    db::record_status(&mut tx, row.id, status).await?;
                }
                sent.push(row.id);
            }
            Err((status, why)) => {
                let next = (!model::gives_up(row.created_at, now))
                    .then(|| now + model::backoff(row.attempts));
                tracing::warn!(outbox = row.id, error = %why, gave_up = next.is_none(), "a notification was not delivered");
                db::mark_failed_attempt(&mut tx, row.id, &why, status, next, now).await?;
                failed += 1;
            }
        }
    }
    if !sent.is_empty() {
        db::mark_sent(&mut tx, &sent, now).await?;
    }
    tx.commit().await?;
    Ok((sent.len(), failed, due.len()))
}

/// Posts one row to its webhook: the status it answered, or (with its status, if any)
/// why it did not take it.
async fn deliver_webhook(
    state: &AppState,
    row: &Due,
) -> Result<Option<u16>, (Option<u16>, String)> {
    let (Some(url), Some(secret)) = (&row.url, &row.secret) else {
        return Err((None, "the webhook was removed".into()));
    };
    let event: super::webhooks::Event =
        serde_json::from_value(row.payload.clone()).map_err(|e| (None, e.to_string()))?;
    let body = event.body(&state.config);
    let production = state.config.environment == crate::config::Environment::Production;
    super::webhooks::post(
        &state.webhook_client,
        url,
        secret,
        row.id,
        &body,
        production,
    )
    .await
    .map(Some)
}

/// Builds one row's mail. The outer error is the database's; the inner one is why this
/// mail cannot go.
async fn build_mail(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    row: &Due,
    now: OffsetDateTime,
) -> sqlx::Result<Result<Mail, String>> {
    let config = &state.config;
    let mail = if row.kind == db::VERIFY_KIND {
        let Some(id) = row.payload.get("verification_id").and_then(|v| v.as_i64()) else {
            return Ok(Err("the verification is missing".into()));
        };
        let (token, hash) = model::new_token();
        let Some(address) = db::set_verification_token(tx, id, &hash).await? else {
            return Ok(Err("the verification was used or withdrawn".into()));
        };
        let url = config.absolute(&format!("/settings/email/verify?token={token}"));
        Mail {
            to: address,
            subject: "Confirm your address for Concord".into(),
            text: render(&mail::VerifyText { url: &url }),
            html: render(&mail::VerifyHtml { url: &url }),
            unsubscribe: None,
        }
    } else {
        let (Some(to), Some(user_id), Some(kind), Ok(notice)) = (
            row.email.clone(),
            row.user_id,
            Kind::parse(&row.kind),
            serde_json::from_value::<Notice>(row.payload.clone()),
        ) else {
            return Ok(Err(
                "no verified address, or a notice that cannot be read".into()
            ));
        };
        let unsubscribe = unsubscribe_url(state, tx, user_id, Some(kind), now).await?;
        let url = config.absolute(&notice.path);
        let settings = config.absolute("/settings/notifications");
        Mail {
            to,
            text: render(&mail::NoticeText {
                text: &notice.text,
                url: &url,
                why: kind.why(),
                unsubscribe: &unsubscribe,
                settings: &settings,
            }),
            html: render(&mail::NoticeHtml {
                subject: &notice.subject,
                text: &notice.text,
                url: &url,
                why: kind.why(),
                unsubscribe: &unsubscribe,
                settings: &settings,
            }),
            subject: notice.subject,
            unsubscribe: Some(unsubscribe),
        }
    };
    Ok(Ok(mail))
}

/// A fresh one-click unsubscribe link for a mail (the token's hash is stored).
async fn unsubscribe_url(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: i64,
    kind: Option<Kind>,
    now: OffsetDateTime,
) -> sqlx::Result<String> {
    let (token, hash) = model::new_token();
    db::add_unsubscribe_token(tx, &hash, user_id, kind.map(Kind::as_str), now).await?;
    Ok(state
        .config
        .absolute(&format!("/unsubscribe?token={token}")))
}

/// Sends each digest that is due: one mail per person and day with every waiting notice.
async fn send_digests(state: &AppState, now: OffsetDateTime) -> sqlx::Result<usize> {
    let mut sent = 0;
    for (user_id, hour) in db::digest_candidates(&state.pool, now).await? {
        if !model::digest_due(hour, now) {
            continue;
        }
        let mut tx = state.pool.begin().await?;
        let rows = db::claim_digest(&mut tx, user_id, now).await?;
        if rows.is_empty() {
            continue; // another instance has it: rolled back
        }
        let Some(to) = rows[0].email.clone() else {
            // The address was removed since: these notices go nowhere.
            for row in &rows {
                db::mark_failed_attempt(&mut tx, row.id, "no verified address", None, None, now)
                    .await?;
            }
            tx.commit().await?;
            continue;
        };
        let items: Vec<DigestItem> = rows
            .iter()
            .filter_map(|r| serde_json::from_value::<Notice>(r.payload.clone()).ok())
            .map(|n| DigestItem {
                url: state.config.absolute(&n.path),
                subject: n.subject,
                text: n.text,
            })
            .collect();
        let unsubscribe = unsubscribe_url(state, &mut tx, user_id, None, now).await?;
        let settings = state.config.absolute("/settings/notifications");
        let mail = Mail {
            to,
            subject: format!("Your Concord digest: {} new", items.len()),
            text: render(&mail::DigestText {
                items: &items,
                unsubscribe: &unsubscribe,
                settings: &settings,
            }),
            html: render(&mail::DigestHtml {
                items: &items,
                unsubscribe: &unsubscribe,
                settings: &settings,
            }),
            unsubscribe: Some(unsubscribe),
        };
        match state.mailer.send(&state.pool, &mail, now).await {
            Ok(()) => {
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                db::mark_sent(&mut tx, &ids, now).await?;
                tx.commit().await?;
                sent += 1;
            }
            // Rolled back: the day's row goes too, so the next pass tries again.
            Err(why) => tracing::warn!(user = user_id, error = %why, "a digest was not delivered"),
        }
    }
    Ok(sent)
}

fn render(template: &impl Template) -> String {
    template
        .render()
        .unwrap_or_else(|e| format!("(this mail could not be rendered: {e})"))
}
