//! Scale data for benchmarks: `concord seed-scale` fills an empty database with what a
//! large community accumulates over years of use, so pages can be measured against it.
//!
//! Rules of this room:
//! - Only fictional, generated people and teams; only an empty database is filled.
//! - Every row goes through the schema's constraints, foreign keys and triggers: nothing
//!   is disabled. Rows are generated on the server (`generate_series`) in chunks, so the
//!   "large" size (100,000 people, 1,000,000 pieces of feedback, 2,000,000 likes) loads in
//!   minutes; a progress bar on stderr shows how far it is.
//! - The data looks like use: a ledger with leads, people on leave and alumni; decisions
//!   with positions, changed positions, concerns and outcomes; nominations with consent;
//!   RFCs with revisions, windows, public and private feedback and dispositions; published
//!   posts with likes, comments and edits; posts waiting for review; audit entries. A few
//!   objects are extreme on purpose: team 1 has `big_team` members, RFC 1 has
//!   `big_rfc_feedback` pieces of feedback, post 1 has `big_post` likes and comments.
//! - It never runs in `cargo test` at the large size; a test seeds a tiny one.

pub mod db;

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use sqlx::PgPool;
use time::OffsetDateTime;

/// How much to generate. `large` is the issue's community; `small` is ten times smaller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub people: i64,
    pub teams: i64,
    pub big_team: i64,
    pub calls: i64,
    pub nominations: i64,
    pub decisions: i64,
    pub rfcs: i64,
    pub feedback_per_rfc: i64,
    pub big_rfc_feedback: i64,
    pub posts: i64,
    pub likes_per_post: i64,
    pub comments_per_post: i64,
    pub big_post: i64,
}

impl Sizes {
    /// 100,000 people, 300 teams, 20,000 nominations, 5,000 decisions, 5,000 RFCs with
    /// 1,000,000 pieces of feedback, 20,000 posts with 2,000,000 likes and 500,000 comments.
    pub const LARGE_PEOPLE: i64 = 100_000;

    /// Everything in proportion to the number of people, the large size at 100,000;
    /// small floors keep a tiny seed meaningful.
    pub fn for_people(people: i64) -> Sizes {
        let people = people.max(100);
        let scaled = |large: i64, floor: i64| {
            { ((large as f64) * (people as f64) / (Self::LARGE_PEOPLE as f64)).round() as i64 }
                .max(floor)
        };
        // Every team needs 50 distinct slots of people.
        let teams = scaled(300, 3).min(people / 50).max(1);
        let rfcs = scaled(5_000, 4);
        let big_rfc_feedback = scaled(5_000, 50).min(5_000);
        let feedback = scaled(1_000_000, 200);
        let posts = scaled(20_000, 4);
        Sizes {
            people,
            teams,
            big_team: scaled(2_000, 120).min(people / 2),
            calls: scaled(600, 2),
            nominations: scaled(20_000, 20),
            decisions: scaled(5_000, 10),
            rfcs,
            feedback_per_rfc: ((feedback - big_rfc_feedback) / (rfcs - 1).max(1)).max(1),
            big_rfc_feedback,
            posts,
            likes_per_post: (scaled(2_000_000, 40) / posts).clamp(1, people / 2),
            comments_per_post: (scaled(500_000, 20) / posts).max(1),
            big_post: scaled(5_000, 60).min(5_000).min(people / 2),
        }
    }

    pub fn feedback(&self) -> i64 {
        self.big_rfc_feedback + (self.rfcs - 1) * self.feedback_per_rfc
    }

    pub fn likes(&self) -> i64 {
        (self.posts - 1) * self.likes_per_post + self.big_post
    }

    pub fn comments(&self) -> i64 {
        (self.posts - 1) * self.comments_per_post + self.big_post
    }

    /// Posts waiting for review: one per team, after the published ones.
    fn posts_in_review(&self) -> i64 {
        self.teams
    }
}

/// What was made, for the summary line.
#[derive(Debug, Default)]
pub struct Report {
    pub rows: u64,
    pub seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database is not empty; seed-scale only fills an empty one")]
    NotEmpty,
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// Fills the empty database behind `pool`. `show_progress` draws the bar on stderr.
pub async fn seed(
    pool: &PgPool,
    sizes: Sizes,
    now: OffsetDateTime,
    show_progress: bool,
) -> Result<Report, SeedError> {
    let started = Instant::now();
    let mut conn = pool.acquire().await?;
    if !db::is_empty(&mut conn).await? {
        return Err(SeedError::NotEmpty);
    }
    let s = sizes;
    let steps = s.people + s.decisions + s.nominations + s.rfcs + s.feedback() + s.posts * 3;
    let bar = if show_progress {
        ProgressBar::new(u64::try_from(steps).unwrap_or(0))
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {percent:>3}% {msg} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut rows = 0u64;
    let advance = |bar: &ProgressBar, n: i64| bar.inc(u64::try_from(n).unwrap_or(0));

    bar.set_message("people");
    for (lo, hi) in chunks(s.people, 50_000) {
        rows += db::insert_users(&mut conn, lo, hi, now).await?;
        advance(&bar, hi - lo + 1);
    }
    bar.set_message("teams and the ledger");
    rows += db::insert_teams(&mut conn, s.teams, s.people, now).await?;
    rows += db::insert_memberships(&mut conn, s.teams, s.people, s.big_team, now).await?;
    bar.set_message("decisions");
    for (lo, hi) in chunks(s.decisions, 1_000) {
        rows +=
            db::insert_decisions(&mut conn, lo, hi, s.decisions, s.teams, s.people, now).await?;
        advance(&bar, hi - lo + 1);
    }
    bar.set_message("calls and nominations");
    rows += db::insert_calls(&mut conn, s.calls, s.teams, s.people, now).await?;
    for (lo, hi) in chunks(s.nominations, 10_000) {
        rows += db::insert_nominations(&mut conn, lo, hi, s.calls, s.people).await?;
        advance(&bar, hi - lo + 1);
    }
    bar.set_message("RFCs");
    for (lo, hi) in chunks(s.rfcs, 1_000) {
        rows += db::insert_rfcs(&mut conn, lo, hi, s.rfcs, s.teams, s.people, now).await?;
        advance(&bar, hi - lo + 1);
    }
    bar.set_message("feedback");
    for (lo, hi) in chunks(s.feedback(), 100_000) {
        rows += db::insert_feedback(
            &mut conn,
            lo,
            hi,
            s.big_rfc_feedback,
            s.feedback_per_rfc,
            s.people,
        )
        .await?;
        advance(&bar, hi - lo + 1);
    }
    rows += db::insert_dispositions(&mut conn).await?;
    bar.set_message("posts");
    let all_posts = s.posts + s.posts_in_review();
    for (lo, hi) in chunks(all_posts, 5_000) {
        rows += db::insert_posts(&mut conn, lo, hi, s.posts, s.teams, s.people, now).await?;
        advance(&bar, (hi.min(s.posts) - lo + 1).max(0));
    }
    bar.set_message("likes");
    for (lo, hi) in chunks(s.posts, 1_000) {
        rows += db::insert_likes(&mut conn, lo, hi, s.likes_per_post, s.big_post, s.people).await?;
        advance(&bar, hi - lo + 1);
    }
    bar.set_message("comments");
    for (lo, hi) in chunks(s.posts, 2_000) {
        rows += db::insert_comments(&mut conn, lo, hi, s.comments_per_post, s.big_post, s.people)
            .await?;
        advance(&bar, hi - lo + 1);
    }
    bar.set_message("audit log, statistics");
    rows += db::insert_audit(&mut conn).await?;
    db::reset_sequences(&mut conn).await?;
    db::analyze(&mut conn).await?;
    bar.finish_with_message("done");
    Ok(Report {
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `1..=total` in inclusive ranges of at most `size`.
fn chunks(total: i64, size: i64) -> impl Iterator<Item = (i64, i64)> {
    (0..)
        .map(move |n| (1 + n * size, ((n + 1) * size).min(total)))
        .take_while(move |(lo, _)| *lo <= total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_is_the_issues_community() {
        let s = Sizes::for_people(Sizes::LARGE_PEOPLE);
        assert_eq!(s.teams, 300);
        assert_eq!(s.big_team, 2_000);
        assert_eq!(s.nominations, 20_000);
        assert_eq!(s.decisions, 5_000);
        assert_eq!(s.rfcs, 5_000);
        assert!(s.feedback() >= 999_000, "{}", s.feedback());
        assert_eq!(s.big_rfc_feedback, 5_000);
        assert_eq!(s.posts, 20_000);
        assert!(s.likes() >= 2_000_000, "{}", s.likes());
        assert!(s.comments() >= 500_000, "{}", s.comments());
    }

    #[test]
    fn small_is_ten_times_smaller() {
        let s = Sizes::for_people(10_000);
        assert_eq!(s.teams, 30);
        assert_eq!(s.rfcs, 500);
        assert_eq!(s.posts, 2_000);
        assert!(
            (99_000..=101_000).contains(&s.feedback()),
            "{}",
            s.feedback()
        );
    }

    #[test]
    fn chunks_cover_the_range_once() {
        let all: Vec<_> = chunks(25, 10).collect();
        assert_eq!(all, vec![(1, 10), (11, 20), (21, 25)]);
        assert_eq!(chunks(0, 10).count(), 0);
    }

    #[test]
    fn tiny_sizes_fit_the_people() {
        let s = Sizes::for_people(200);
        assert!(s.teams * 50 <= s.people);
        assert!(s.big_team + 15 <= s.people);
        assert!(s.likes_per_post < s.people && s.big_post <= s.people);
    }
}
