//! Every SQL statement of notifications: the outbox, the digests, people's choices,
//! verification and unsubscribe tokens, and the mails kept in development.

use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use super::model::{Delivery, Kind, Notice};

/// Queues one notice for each recipient who has a verified address and has not turned
/// the kind off, at once or for the digest as each chose, in the caller's transaction.
/// `event` names what happened (`nomination:12:received`); with the recipient it makes
/// the unique key, so the same event never reaches a person twice.
pub async fn enqueue(
    tx: &mut Transaction<'_, Postgres>,
    kind: Kind,
    event: &str,
    notice: &Notice,
    recipients: &[i64],
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    if recipients.is_empty() {
        return Ok(0);
    }
    let payload = serde_json::to_value(notice).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let done = sqlx::query!(
        "insert into outbox (kind, dedupe_key, user_id, digest, payload, created_at, next_attempt_at)
         select $1, $2 || ':' || u.id, u.id, coalesce(c.delivery, $3) = 'digest', $4, $5, $5
         from users u
         left join notification_choices c on c.user_id = u.id and c.kind = $1
         where u.id = any($6) and u.email is not null and u.removed_at is null
           and coalesce(c.delivery, $3) <> 'off'
         on conflict (dedupe_key) do nothing",
        kind.as_str(),
        event,
        kind.default_delivery().as_str(),
        payload,
        now,
        recipients
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// The kind of an outbox row that carries an address's verification link.
pub const VERIFY_KIND: &str = "verify_email";

/// Starts verifying `email` for `user_id`: the link goes out through the outbox.
pub async fn start_verification(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    email: &str,
    now: OffsetDateTime,
) -> sqlx::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into email_verifications (user_id, email, created_at, expires_at)
         values ($1, $2, $3, $4) returning id",
        user_id,
        email,
        now,
        now + super::model::VERIFICATION_LIFETIME
    )
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into outbox (kind, dedupe_key, user_id, digest, payload, created_at, next_attempt_at)
         values ($1, 'verify:' || $2::bigint, $3, false, jsonb_build_object('verification_id', $2::bigint), $4, $4)",
        VERIFY_KIND,
        id,
        user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The newest verification still waiting for its link to be clicked.
pub async fn pending_verification(
    db: impl PgExecutor<'_>,
    user_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Option<(String, OffsetDateTime)>> {
    Ok(sqlx::query!(
        "select email, expires_at from email_verifications
         where user_id = $1 and used_at is null and expires_at > $2
         order by id desc limit 1",
        user_id,
        now
    )
    .fetch_optional(db)
    .await?
    .map(|r| (r.email, r.expires_at)))
}

/// Gives a verification its token (made as its mail is sent); returns the address.
pub async fn set_verification_token(
    tx: &mut Transaction<'_, Postgres>,
    verification_id: i64,
    hash: &[u8],
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "update email_verifications set token_hash = $2
         where id = $1 and used_at is null returning email",
        verification_id,
        hash
    )
    .fetch_optional(&mut **tx)
    .await
}

pub struct Verification {
    pub id: i64,
    pub user_id: i64,
    pub email: String,
}

/// The verification a link's token belongs to, while it may still be used.
pub async fn find_verification(
    db: impl PgExecutor<'_>,
    hash: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<Option<Verification>> {
    sqlx::query_as!(
        Verification,
        "select id, user_id, email from email_verifications
         where token_hash = $1 and used_at is null and expires_at > $2",
        hash,
        now
    )
    .fetch_optional(db)
    .await
}

/// Uses a verification once: the address becomes the person's. False if it was used or
/// expired meanwhile.
pub async fn complete_verification(
    tx: &mut Transaction<'_, Postgres>,
    verification: &Verification,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let used = sqlx::query!(
        "update email_verifications set used_at = $2
         where id = $1 and used_at is null and expires_at > $2",
        verification.id,
        now
    )
    .execute(&mut **tx)
    .await?;
    if used.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "update users set email = $2, email_verified_at = $3, updated_at = $3 where id = $1",
        verification.user_id,
        verification.email,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Forgets the person's address; pending verifications end with it.
pub async fn remove_address(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set email = null, email_verified_at = null, updated_at = $2 where id = $1",
        user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update email_verifications set expires_at = $2 where user_id = $1 and used_at is null and expires_at > $2",
        user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A person's address and digest hour.
pub struct Address {
    pub email: Option<String>,
    pub digest_hour: i16,
    /// The public address GitHub showed at sign-in: a suggestion, never used unverified.
    pub github_email: Option<String>,
}

pub async fn address(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Address> {
    sqlx::query_as!(
        Address,
        "select email, digest_hour, github_email from users where id = $1",
        user_id
    )
    .fetch_one(db)
    .await
}

/// The choices a person made (kind, delivery); kinds without a row take their default.
pub async fn choices(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<(String, String)>> {
    Ok(sqlx::query!(
        "select kind, delivery from notification_choices where user_id = $1",
        user_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.kind, r.delivery))
    .collect())
}

pub async fn set_choices(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    choices: &[(Kind, Delivery)],
    digest_hour: i16,
) -> sqlx::Result<()> {
    let kinds: Vec<&str> = choices.iter().map(|(k, _)| k.as_str()).collect();
    let deliveries: Vec<&str> = choices.iter().map(|(_, d)| d.as_str()).collect();
    sqlx::query!(
        "insert into notification_choices (user_id, kind, delivery)
         select $1, k, d from unnest($2::text[], $3::text[]) as c (k, d)
         on conflict (user_id, kind) do update set delivery = excluded.delivery",
        user_id,
        &kinds as &[&str],
        &deliveries as &[&str]
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update users set digest_hour = $2 where id = $1",
        user_id,
        digest_hour
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An outbox row claimed for delivery: a mail to a person (`user_id`, their address) or
/// a delivery to a webhook (`webhook_id`, its URL and secret).
pub struct Due {
    pub id: i64,
    pub kind: String,
    pub user_id: Option<i64>,
    pub email: Option<String>,
    pub webhook_id: Option<i64>,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub payload: serde_json::Value,
    pub created_at: OffsetDateTime,
    pub attempts: i32,
}

/// Claims up to `limit` rows due at `now` (not for the digest; mail only when `mail`, so
/// that without a mail server mail waits), locked until the caller's transaction ends;
/// rows another instance holds are skipped.
pub async fn claim_due(
    tx: &mut Transaction<'_, Postgres>,
    now: OffsetDateTime,
    limit: i64,
    mail: bool,
) -> sqlx::Result<Vec<Due>> {
    sqlx::query_as!(
        Due,
        r#"select o.id, o.kind, o.user_id, u.email as "email?", o.webhook_id,
                  w.url as "url?", w.secret as "secret?", o.payload, o.created_at, o.attempts
           from outbox o
           left join users u on u.id = o.user_id
           left join webhooks w on w.id = o.webhook_id and w.removed_at is null
           where o.sent_at is null and o.failed_at is null and not o.digest and o.next_attempt_at <= $1
             and (o.webhook_id is not null or $3)
           order by o.next_attempt_at, o.id
           limit $2
           for update of o skip locked"#,
        now,
        limit,
        mail
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn mark_sent(
    tx: &mut Transaction<'_, Postgres>,
    ids: &[i64],
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update outbox set sent_at = $2, attempts = attempts + 1, last_error = null where id = any($1)",
        ids,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a webhook's answer on a delivered row.
pub async fn record_status(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    status: u16,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update outbox set last_status = $2 where id = $1",
        id,
        i32::from(status)
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a failed attempt (and a webhook's answer, if there was one): tried again at
/// `next`, or given up (`next` is `None`).
pub async fn mark_failed_attempt(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    error: &str,
    status: Option<u16>,
    next: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let error: String = error.chars().take(1000).collect();
    sqlx::query!(
        "update outbox set attempts = attempts + 1, last_error = $2, last_status = $5,
             next_attempt_at = coalesce($3, next_attempt_at),
             failed_at = case when $3::timestamptz is null then $4::timestamptz end
         where id = $1",
        id,
        error,
        next,
        now,
        status.map(i32::from)
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// People with notices waiting for their digest whose hour has come today and who have
/// had no digest today (notify::model::digest_due, checked by the caller, says the same of
/// one person; this narrows the list in the index).
pub async fn digest_candidates(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<(i64, i16)>> {
    Ok(sqlx::query!(
        r#"select distinct o.user_id as "user_id!", u.digest_hour
         from outbox o join users u on u.id = o.user_id
         where o.digest and o.sent_at is null and o.failed_at is null
           and not exists (select 1 from digests d where d.user_id = o.user_id and d.day = ($1 at time zone 'UTC')::date)"#,
        now
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.user_id, r.digest_hour))
    .collect())
}

/// Takes today's digest for the person: the day's row (so no other instance sends it)
/// and their waiting notices, locked. Empty if another instance has it.
pub async fn claim_digest(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<Due>> {
    let taken = sqlx::query!(
        "insert into digests (user_id, day, sent_at) values ($1, ($2 at time zone 'UTC')::date, $2)
         on conflict do nothing",
        user_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    if taken.rows_affected() == 0 {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        Due,
        r#"select o.id, o.kind, o.user_id, u.email, o.webhook_id, null::text as url,
                  null::text as secret, o.payload, o.created_at, o.attempts
           from outbox o join users u on u.id = o.user_id
           where o.user_id = $1 and o.digest and o.sent_at is null and o.failed_at is null
           order by o.id
           for update of o skip locked"#,
        user_id
    )
    .fetch_all(&mut **tx)
    .await
}

/// Stores an unsubscribe token's hash for a mail: one kind, or (`None`) the digest.
pub async fn add_unsubscribe_token(
    tx: &mut Transaction<'_, Postgres>,
    hash: &[u8],
    user_id: i64,
    kind: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into unsubscribe_tokens (token_hash, user_id, kind, expires_at) values ($1, $2, $3, $4)",
        hash,
        user_id,
        kind,
        now + super::model::UNSUBSCRIBE_LIFETIME
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct Unsubscribe {
    pub user_id: i64,
    pub login: String,
    pub kind: Option<String>,
}

pub async fn find_unsubscribe(
    db: impl PgExecutor<'_>,
    hash: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<Option<Unsubscribe>> {
    sqlx::query_as!(
        Unsubscribe,
        "select t.user_id, u.login, t.kind from unsubscribe_tokens t join users u on u.id = t.user_id
         where t.token_hash = $1 and t.expires_at > $2",
        hash,
        now
    )
    .fetch_optional(db)
    .await
}

/// Turns kinds off for a person.
pub async fn turn_off(
    tx: &mut Transaction<'_, Postgres>,
    user_id: i64,
    kinds: &[Kind],
) -> sqlx::Result<()> {
    let off: Vec<(Kind, Delivery)> = kinds.iter().map(|k| (*k, Delivery::Off)).collect();
    let kinds: Vec<&str> = off.iter().map(|(k, _)| k.as_str()).collect();
    sqlx::query!(
        "insert into notification_choices (user_id, kind, delivery)
         select $1, k, 'off' from unnest($2::text[]) as k
         on conflict (user_id, kind) do update set delivery = 'off'",
        user_id,
        &kinds as &[&str]
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A mail kept in development instead of sent.
pub struct KeptMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub list_unsubscribe: Option<String>,
    pub kept_at: OffsetDateTime,
}

pub async fn keep_mail(
    db: impl PgExecutor<'_>,
    mail: &super::mail::Mail,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into dev_mail (to_address, subject, text_body, html_body, list_unsubscribe, kept_at)
         values ($1, $2, $3, $4, $5, $6)",
        mail.to,
        mail.subject,
        mail.text,
        mail.html,
        mail.unsubscribe,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The newest mails kept for one address.
pub async fn kept_mails(db: impl PgExecutor<'_>, address: &str) -> sqlx::Result<Vec<KeptMail>> {
    sqlx::query_as!(
        KeptMail,
        "select id, to_address, subject, text_body, html_body, list_unsubscribe, kept_at
         from dev_mail where lower(to_address) = lower($1) order by id desc limit 200",
        address
    )
    .fetch_all(db)
    .await
}

pub async fn kept_mail(
    db: impl PgExecutor<'_>,
    id: i64,
    address: &str,
) -> sqlx::Result<Option<KeptMail>> {
    sqlx::query_as!(
        KeptMail,
        "select id, to_address, subject, text_body, html_body, list_unsubscribe, kept_at
         from dev_mail where id = $1 and lower(to_address) = lower($2)",
        id,
        address
    )
    .fetch_optional(db)
    .await
}

/// Team members now (not on leave), for notices to a team.
pub async fn team_members(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select user_id from memberships where team_id = $1 and left_at is null and role <> 'on_leave'",
        team_id
    )
    .fetch_all(db)
    .await
}

/// Queues a public event of a team for each of its webhooks, in the caller's transaction.
pub async fn enqueue_webhooks(
    tx: &mut Transaction<'_, Postgres>,
    team_id: i64,
    event: &super::webhooks::Event,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let payload = serde_json::to_value(event).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let done = sqlx::query!(
        "insert into outbox (kind, dedupe_key, webhook_id, digest, payload, created_at, next_attempt_at)
         select $1, $2 || ':webhook:' || w.id, w.id, false, $3, $4, $4
         from webhooks w where w.team_id = $5 and w.removed_at is null
         on conflict (dedupe_key) do nothing",
        event.event,
        event.id,
        payload,
        now,
        team_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// A webhook as its team's page lists it.
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

pub async fn webhooks(db: impl PgExecutor<'_>, team_id: i64) -> sqlx::Result<Vec<Webhook>> {
    sqlx::query_as!(
        Webhook,
        "select w.id, w.url, u.login as created_by, w.created_at
         from webhooks w join users u on u.id = w.created_by
         where w.team_id = $1 and w.removed_at is null order by w.id",
        team_id
    )
    .fetch_all(db)
    .await
}

pub async fn add_webhook(
    tx: &mut Transaction<'_, Postgres>,
    team_id: i64,
    url: &str,
    secret: &str,
    by: i64,
    now: OffsetDateTime,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into webhooks (team_id, url, secret, created_by, created_at)
         values ($1, $2, $3, $4, $5) returning id",
        team_id,
        url,
        secret,
        by,
        now
    )
    .fetch_one(&mut **tx)
    .await
}

/// Removes a webhook; what was queued for it is dropped with it.
pub async fn remove_webhook(
    tx: &mut Transaction<'_, Postgres>,
    team_id: i64,
    webhook_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let removed = sqlx::query!(
        "update webhooks set removed_at = $3 where id = $1 and team_id = $2 and removed_at is null",
        webhook_id,
        team_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update outbox set failed_at = $2, last_error = 'the webhook was removed'
         where webhook_id = $1 and sent_at is null and failed_at is null",
        webhook_id,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// A delivery as the team's log shows it.
pub struct WebhookDelivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub created_at: OffsetDateTime,
    pub attempts: i32,
    pub sent_at: Option<OffsetDateTime>,
    pub failed_at: Option<OffsetDateTime>,
    pub next_attempt_at: OffsetDateTime,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
}

/// The latest deliveries to a team's webhooks.
pub async fn deliveries(
    db: impl PgExecutor<'_>,
    team_id: i64,
) -> sqlx::Result<Vec<WebhookDelivery>> {
    sqlx::query_as!(
        WebhookDelivery,
        r#"select o.id, o.webhook_id as "webhook_id!", o.kind as event, o.created_at, o.attempts,
                  o.sent_at, o.failed_at, o.next_attempt_at, o.last_status, o.last_error
           from webhooks w
           join lateral (select * from outbox o where o.webhook_id = w.id order by o.id desc limit 50) o on true
           where w.team_id = $1
           order by o.id desc limit 50"#,
        team_id
    )
    .fetch_all(db)
    .await
}
