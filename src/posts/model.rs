//! Posts as plain types, and the pure rules: a post's state, who may read, edit, submit,
//! review, pin, like and comment, how long a comment stays editable, what a slug and an
//! incident timeline look like, and how two versions differ.

use serde::Deserialize;
use similar::{ChangeTag, TextDiff};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime};

use crate::auth::model::{is_valid_login, login_problem};
use crate::error::AppError;
use crate::web::dates::parse_date;
use crate::web::form::FormErrors;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const TIMELINE_MAX: usize = 20_000;
pub const TIMELINE_EVENTS_MAX: usize = 100;
pub const EVENT_MAX: usize = 500;
pub const MEMBERS_MAX: usize = 1_000;
pub const LINKS_MAX: usize = 30;
pub const COMMENT_MAX: usize = 5_000;
pub const REVIEW_COMMENT_MAX: usize = 4_000;
pub const ACTION_MAX: usize = 500;
pub const SLUG_MAX: usize = 60;
/// Posts on a page of `/posts`, and entries in a feed.
pub const PAGE_SIZE: i64 = 10;
pub const FEED_SIZE: i64 = 30;
/// How long after writing it a person may still edit their comment.
pub const COMMENT_EDIT_WINDOW: Duration = Duration::minutes(15);

/// A person writes at most this many comments in [`COMMENT_RATE_WINDOW`].
pub const COMMENT_RATE: i64 = 10;
pub const COMMENT_RATE_WINDOW: Duration = Duration::minutes(10);

/// Refuses a comment from someone who wrote `recent` comments in the last
/// [`COMMENT_RATE_WINDOW`]: a message for the form, or nothing.
pub fn comment_rate_problem(recent: i64) -> Option<String> {
    (recent >= COMMENT_RATE).then(|| {
        format!(
            "You wrote {recent} comments in the last {} minutes; please wait a few minutes before writing more.",
            COMMENT_RATE_WINDOW.whole_minutes()
        )
    })
}

/// Where a post stands. Follows from its times: never stored as a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostState {
    Draft,
    InReview,
    Published,
}

impl PostState {
    pub fn of(submitted_at: Option<OffsetDateTime>, published_at: Option<OffsetDateTime>) -> Self {
        match (submitted_at, published_at) {
            (_, Some(_)) => PostState::Published,
            (Some(_), None) => PostState::InReview,
            (None, None) => PostState::Draft,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PostState::Draft => "Draft",
            PostState::InReview => "In review",
            PostState::Published => "Published",
        }
    }
}

/// A post as the rooms' pages read it.
#[derive(Clone, Debug)]
pub struct Post {
    pub id: i64,
    pub team_id: i64,
    pub team_slug: String,
    pub team_name: String,
    pub author_id: i64,
    pub author_login: String,
    pub author_name: Option<String>,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub version: i32,
    pub submitted_at: Option<OffsetDateTime>,
    pub published_at: Option<OffsetDateTime>,
    pub approved_by: Option<String>,
    pub pinned_at: Option<OffsetDateTime>,
    /// When the last edit after publication was made, if there was one.
    pub edited_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Post {
    pub fn state(&self) -> PostState {
        PostState::of(self.submitted_at, self.published_at)
    }

    pub fn path(&self) -> String {
        format!("/posts/{}/{}", self.team_slug, self.slug)
    }

    pub fn author_display(&self) -> &str {
        self.author_name.as_deref().unwrap_or(&self.author_login)
    }
}

/// Who is looking at a post: their id, and whether they are a current member of its team.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub is_member: bool,
}

impl Viewer {
    fn is(&self, id: i64) -> bool {
        self.user_id == Some(id)
    }
}

fn refuse(viewer: &Viewer, why: &'static str) -> Result<(), AppError> {
    if viewer.user_id.is_some() {
        Err(AppError::Forbidden(why))
    } else {
        Err(AppError::SignInRequired)
    }
}

/// Published posts are public. Drafts and posts in review are for their author and the
/// team's members only: anyone else is told there is nothing here.
pub fn require_reader(post: &Post, viewer: &Viewer) -> Result<(), AppError> {
    if post.state() == PostState::Published || viewer.is_member || viewer.is(post.author_id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Members of a team draft its posts.
pub fn require_writer(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_member {
        Ok(())
    } else {
        refuse(viewer, "only the team's members write its posts")
    }
}

/// Before publication only the author edits (a member who still belongs to the team);
/// after publication the author and the team's members do, and every edit is kept.
pub fn require_editor(post: &Post, viewer: &Viewer) -> Result<(), AppError> {
    let allowed = match post.state() {
        PostState::Draft | PostState::InReview => viewer.is(post.author_id) && viewer.is_member,
        PostState::Published => viewer.is_member || viewer.is(post.author_id),
    };
    if allowed {
        Ok(())
    } else {
        refuse(
            viewer,
            "before publication only the author edits a post; after it, the author and the team's members",
        )
    }
}

/// The author, still a member, submits a draft for review.
pub fn require_submitter(post: &Post, viewer: &Viewer) -> Result<(), AppError> {
    if !(viewer.is(post.author_id) && viewer.is_member) {
        return refuse(viewer, "only the post's author submits it for review");
    }
    match post.state() {
        PostState::Draft => Ok(()),
        PostState::InReview => Err(AppError::Conflict("The post is already in review.".into())),
        PostState::Published => Err(AppError::Conflict("The post is already published.".into())),
    }
}

/// Four eyes: another current member of the team reviews a post in review. The author
/// never reviews their own post, whatever the request says.
pub fn require_reviewer(post: &Post, viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is(post.author_id) {
        return Err(AppError::Forbidden(
            "the author cannot approve or review their own post; another member of the team must",
        ));
    }
    if !viewer.is_member {
        return refuse(viewer, "only the team's members review its posts");
    }
    match post.state() {
        PostState::InReview => Ok(()),
        PostState::Draft => Err(AppError::Conflict(
            "The post is not in review: its author has not submitted it.".into(),
        )),
        PostState::Published => Err(AppError::Conflict("The post is already published.".into())),
    }
}

/// The team's members pin and unpin its published posts.
pub fn require_pinner(post: &Post, viewer: &Viewer) -> Result<(), AppError> {
    if !viewer.is_member {
        return refuse(viewer, "only the team's members pin its posts");
    }
    require_published(post)
}

/// The team's members (and the post's author) keep an incident's action items.
pub fn require_action_keeper(post: &Post, viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_member || (viewer.is(post.author_id) && post.state() != PostState::Published) {
        Ok(())
    } else {
        refuse(viewer, "only the team's members keep its action items")
    }
}

/// Likes and comments are for published posts.
pub fn require_published(post: &Post) -> Result<(), AppError> {
    if post.state() == PostState::Published {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "The post is not published yet; likes and comments open when it is.".into(),
        ))
    }
}

/// A comment as the rules see it.
#[derive(Clone, Debug)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub author_id: i64,
    pub author_login: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub deleted_at: Option<OffsetDateTime>,
    pub deleted_by: Option<String>,
    /// Whoever deleted it was its author.
    pub deleted_by_author: bool,
}

impl Comment {
    /// Until when its author may still edit it.
    pub fn editable_until(&self) -> OffsetDateTime {
        self.created_at + COMMENT_EDIT_WINDOW
    }
}

/// Its author edits a comment within [`COMMENT_EDIT_WINDOW`] of writing it.
pub fn require_comment_editor(
    comment: &Comment,
    user_id: i64,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    if comment.author_id != user_id {
        return Err(AppError::Forbidden("only its author edits a comment"));
    }
    if comment.deleted_at.is_some() {
        return Err(AppError::Conflict("The comment was deleted.".into()));
    }
    if now >= comment.editable_until() {
        return Err(AppError::Conflict(format!(
            "A comment can be edited for {} minutes after it is written; that time has passed.",
            COMMENT_EDIT_WINDOW.whole_minutes()
        )));
    }
    Ok(())
}

/// Its author or a member of the post's team deletes a comment; the record stays.
pub fn require_comment_deleter(comment: &Comment, viewer: &Viewer) -> Result<(), AppError> {
    if comment.deleted_at.is_some() {
        return Err(AppError::Conflict(
            "The comment was already deleted.".into(),
        ));
    }
    if viewer.is(comment.author_id) || viewer.is_member {
        Ok(())
    } else {
        refuse(
            viewer,
            "only its author and the team's members delete a comment",
        )
    }
}

/// A permalink slug from a title: lowercase ASCII letters and digits joined by single
/// hyphens, at most [`SLUG_MAX`] characters; `post` when nothing is left.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    let mut gap = false;
    for c in title.chars() {
        let c = match c {
            'ä' | 'Ä' => 'a',
            'ö' | 'Ö' => 'o',
            'ü' | 'Ü' => 'u',
            'é' | 'è' | 'ê' | 'É' => 'e',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            let hyphen = gap && !slug.is_empty();
            if slug.len() + usize::from(hyphen) + 1 > SLUG_MAX {
                break;
            }
            if hyphen {
                slug.push('-');
            }
            gap = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() { "post".into() } else { slug }
}

/// The `n`th slug to try for a title: `slug`, `slug-2`, `slug-3`, ...
pub fn numbered_slug(base: &str, n: u32) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}-{n}")
    }
}

/// One event of an incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEvent {
    pub at: OffsetDateTime,
    pub event: String,
}

/// Reads a timeline typed as one `YYYY-MM-DD HH:MM event` line per event, in UTC.
/// Empty lines are skipped; the first bad line is named in the message.
pub fn parse_timeline(text: &str) -> Result<Vec<TimelineEvent>, String> {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]");
    let mut events = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || {
            format!(
                "Line {} of the timeline should read “YYYY-MM-DD HH:MM what happened” (UTC), for example “2026-03-01 14:05 Mirrors stopped syncing”.",
                number + 1
            )
        };
        let mut parts = line.splitn(3, char::is_whitespace);
        let (Some(day), Some(clock), Some(event)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let at = PrimitiveDateTime::parse(&format!("{day} {clock}"), &format)
            .map_err(|_| bad())?
            .assume_utc();
        let event = event.trim();
        if event.is_empty() {
            return Err(bad());
        }
        if event.chars().count() > EVENT_MAX {
            return Err(format!(
                "Line {} of the timeline is too long: at most {EVENT_MAX} characters per event.",
                number + 1
            ));
        }
        events.push(TimelineEvent {
            at,
            event: event.to_string(),
        });
        if events.len() > TIMELINE_EVENTS_MAX {
            return Err(format!(
                "A timeline has at most {TIMELINE_EVENTS_MAX} events."
            ));
        }
    }
    Ok(events)
}

/// A timeline written back as the form and the history show it.
pub fn timeline_text(events: &[TimelineEvent]) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]");
    events
        .iter()
        .map(|e| format!("{} {}", e.at.format(&format).unwrap_or_default(), e.event))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the announced members field: GitHub logins separated by spaces, commas or lines,
/// with or without `@`, each once.
pub fn parse_logins(text: &str) -> Result<Vec<String>, String> {
    let mut logins: Vec<String> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',') {
        let login = word.trim().trim_start_matches('@');
        if login.is_empty() {
            continue;
        }
        if !is_valid_login(login) {
            return Err(format!(
                "“{login}”: {}",
                login_problem(login).unwrap_or("not a GitHub login.")
            ));
        }
        if !logins.iter().any(|l| l.eq_ignore_ascii_case(login)) {
            logins.push(login.to_string());
        }
    }
    if logins.len() > LINKS_MAX {
        return Err(format!("Name at most {LINKS_MAX} members."));
    }
    Ok(logins)
}

/// Reads the decisions field: decision numbers separated by spaces or commas, with or
/// without `#`, each once.
pub fn parse_decision_numbers(text: &str) -> Result<Vec<i64>, String> {
    let mut ids: Vec<i64> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',') {
        let word = word.trim().trim_start_matches('#');
        if word.is_empty() {
            continue;
        }
        match word.parse::<i64>() {
            Ok(id) if id > 0 => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            _ => {
                return Err(format!(
                    "“{word}” is not a decision number; write numbers such as 12 or #12."
                ));
            }
        }
    }
    if ids.len() > LINKS_MAX {
        return Err(format!("Name at most {LINKS_MAX} decisions."));
    }
    Ok(ids)
}

/// What a post links to. Each kind names its target its own way and has its own column in
/// `post_links`; RFCs become one more variant when that room lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// A member the post announces, by login; a current member of the post's team.
    Member { login: String },
    /// A decision the post reports, by number; a public decision of the post's team.
    Decision { id: i64 },
}

impl LinkTarget {
    pub fn kind(&self) -> &'static str {
        match self {
            LinkTarget::Member { .. } => "member",
            LinkTarget::Decision { .. } => "decision",
        }
    }

    /// Names the target: two links are the same when their keys are.
    pub fn key(&self) -> String {
        match self {
            LinkTarget::Member { login } => format!("member:{}", login.to_lowercase()),
            LinkTarget::Decision { id } => format!("decision:{id}"),
        }
    }
}

/// A post's content as the form holds it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PostForm {
    /// The team's slug (only when creating).
    pub team: String,
    pub title: String,
    pub body: String,
    pub timeline: String,
    pub members: String,
    pub decisions: String,
    /// Makes a repeated submission harmless: the form's idempotency key (`web::idempotency`, field `idempotency_key`).
    #[serde(rename = "idempotency_key")]
    pub nonce: String,
    /// `preview` re-renders the form with the rendered text; anything else saves.
    pub action: String,
}

/// A post's content, validated.
#[derive(Clone, Debug)]
pub struct PostContent {
    pub title: String,
    pub body: String,
    pub timeline: Vec<TimelineEvent>,
    pub links: Vec<LinkTarget>,
}

impl PostForm {
    pub fn is_preview(&self) -> bool {
        self.action == "preview"
    }

    pub fn validate(&self) -> Result<PostContent, FormErrors> {
        let mut errors = FormErrors::default();
        let title = errors.required("title", "Title", &self.title, TITLE_MAX);
        let body = errors.required("body", "Text", &self.body, BODY_MAX);
        let mut timeline = Vec::new();
        if errors
            .optional("timeline", "Timeline", &self.timeline, TIMELINE_MAX)
            .is_some()
        {
            match parse_timeline(&self.timeline) {
                Ok(events) => timeline = events,
                Err(message) => errors.add("timeline", message),
            }
        }
        let mut links = Vec::new();
        if errors
            .optional("members", "Announced members", &self.members, MEMBERS_MAX)
            .is_some()
        {
            match parse_logins(&self.members) {
                Ok(logins) => {
                    links = logins
                        .into_iter()
                        .map(|login| LinkTarget::Member { login })
                        .collect()
                }
                Err(message) => errors.add("members", message),
            }
        }
        if errors
            .optional("decisions", "Decisions", &self.decisions, MEMBERS_MAX)
            .is_some()
        {
            match parse_decision_numbers(&self.decisions) {
                Ok(ids) => links.extend(ids.into_iter().map(|id| LinkTarget::Decision { id })),
                Err(message) => errors.add("decisions", message),
            }
        }
        if errors.is_empty() {
            Ok(PostContent {
                title,
                body,
                timeline,
                links,
            })
        } else {
            Err(errors)
        }
    }
}

/// The reviewer's form: the version they read, and a comment (required to ask for changes).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub version: String,
    pub comment: String,
}

impl ReviewForm {
    /// The version the reviewer read must be the post's current one.
    pub fn require_current(&self, post: &Post) -> Result<(), AppError> {
        match self.version.trim().parse::<i32>() {
            Ok(v) if v == post.version => Ok(()),
            _ => Err(AppError::Conflict(
                "The post changed since you opened it; read it again before reviewing.".into(),
            )),
        }
    }
}

/// `on` likes, `off` takes the like back: sending the same twice changes nothing.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LikeForm {
    pub like: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PinForm {
    pub pin: String,
}

/// `on`/`off` to a wanted state; anything else is a tampered request.
pub fn switch(value: &str) -> Result<bool, AppError> {
    match value {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(AppError::BadRequest("The form could not be read.".into())),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub body: String,
    /// The form's idempotency key (`web::idempotency`, field `idempotency_key`).
    #[serde(rename = "idempotency_key")]
    pub nonce: String,
}

impl CommentForm {
    pub fn validate(&self) -> Result<String, FormErrors> {
        let mut errors = FormErrors::default();
        let body = errors.required("body", "Comment", &self.body, COMMENT_MAX);
        if errors.is_empty() {
            Ok(body)
        } else {
            Err(errors)
        }
    }
}

/// An incident's action item, as shown.
#[derive(Clone, Debug)]
pub struct ActionItem {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
    pub owner_login: String,
    pub due_on: Date,
    pub done_at: Option<OffsetDateTime>,
}

impl ActionItem {
    pub fn is_open(&self) -> bool {
        self.done_at.is_none()
    }

    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        self.is_open() && self.due_on < now.date()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionItemForm {
    pub text: String,
    pub owner: String,
    pub due_on: String,
    /// `open` or `done`; absent when adding (a new item is open).
    pub status: String,
    /// The form's idempotency key (`web::idempotency`, field `idempotency_key`).
    #[serde(rename = "idempotency_key")]
    pub nonce: String,
}

/// An action item, validated.
#[derive(Clone, Debug)]
pub struct ActionItemFields {
    pub text: String,
    pub owner: String,
    pub due_on: Date,
    pub done: bool,
}

impl ActionItemForm {
    pub fn validate(&self) -> Result<ActionItemFields, FormErrors> {
        let mut errors = FormErrors::default();
        let text = errors.required("text", "Action", &self.text, ACTION_MAX);
        let owner = self.owner.trim().trim_start_matches('@').to_string();
        if let Some(problem) = login_problem(&owner) {
            errors.add("owner", problem);
        }
        let due_on = parse_date(&self.due_on);
        if due_on.is_none() {
            errors.add(
                "due_on",
                "Enter the due date as YYYY-MM-DD, for example 2027-01-31.",
            );
        }
        let done = match self.status.as_str() {
            "" | "open" => false,
            "done" => true,
            _ => {
                errors.add("status", "Choose open or done.");
                false
            }
        };
        match due_on {
            Some(due_on) if errors.is_empty() => Ok(ActionItemFields {
                text,
                owner,
                due_on,
                done,
            }),
            _ => Err(errors),
        }
    }
}

/// Which page of a list, from `?page=`: anything unreadable is the first page.
pub fn page_number(text: Option<&str>) -> i64 {
    text.and_then(|t| t.trim().parse::<i64>().ok())
        .filter(|n| (1..=10_000).contains(n))
        .unwrap_or(1)
}

/// One line of a diff between two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    /// `added`, `removed` or `same`.
    pub kind: &'static str,
    pub text: String,
}

/// What changed from `old` to `new`, line by line.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Insert => "added",
                ChangeTag::Delete => "removed",
                ChangeTag::Equal => "same",
            },
            text: change.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect()
}

/// A published version as the history compares it: title, text and timeline together.
pub fn revision_text(title: &str, body: &str, timeline: &str) -> String {
    let mut text = format!("# {title}\n\n{body}\n");
    if !timeline.is_empty() {
        text.push_str("\nTimeline (UTC):\n");
        text.push_str(timeline);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn post(author: i64, submitted: bool, published: bool) -> Post {
        let at = datetime!(2026-03-01 10:00 UTC);
        Post {
            id: 1,
            team_id: 7,
            team_slug: "core".into(),
            team_name: "Core".into(),
            author_id: author,
            author_login: "ann".into(),
            author_name: None,
            slug: "hello".into(),
            title: "Hello".into(),
            body: "Text".into(),
            version: 3,
            submitted_at: submitted.then_some(at),
            published_at: published.then_some(at),
            approved_by: published.then(|| "bob".into()),
            pinned_at: None,
            edited_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    const MEMBER: Viewer = Viewer {
        user_id: Some(2),
        is_member: true,
    };
    const AUTHOR: Viewer = Viewer {
        user_id: Some(1),
        is_member: true,
    };
    const OUTSIDER: Viewer = Viewer {
        user_id: Some(3),
        is_member: false,
    };
    const VISITOR: Viewer = Viewer {
        user_id: None,
        is_member: false,
    };

    #[test]
    fn state_follows_from_the_times() {
        assert_eq!(post(1, false, false).state(), PostState::Draft);
        assert_eq!(post(1, true, false).state(), PostState::InReview);
        assert_eq!(post(1, true, true).state(), PostState::Published);
    }

    #[test]
    fn drafts_are_for_the_author_and_the_team() {
        let draft = post(1, true, false);
        assert!(require_reader(&draft, &AUTHOR).is_ok());
        assert!(require_reader(&draft, &MEMBER).is_ok());
        assert!(matches!(
            require_reader(&draft, &OUTSIDER),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            require_reader(&draft, &VISITOR),
            Err(AppError::NotFound)
        ));
        assert!(require_reader(&post(1, true, true), &VISITOR).is_ok());
    }

    #[test]
    fn the_author_never_reviews_their_own_post() {
        let in_review = post(1, true, false);
        assert!(matches!(
            require_reviewer(&in_review, &AUTHOR),
            Err(AppError::Forbidden(_))
        ));
        assert!(require_reviewer(&in_review, &MEMBER).is_ok());
        assert!(matches!(
            require_reviewer(&in_review, &OUTSIDER),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            require_reviewer(&in_review, &VISITOR),
            Err(AppError::SignInRequired)
        ));
        assert!(matches!(
            require_reviewer(&post(1, false, false), &MEMBER),
            Err(AppError::Conflict(_))
        ));
        assert!(matches!(
            require_reviewer(&post(1, true, true), &MEMBER),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn only_the_author_edits_before_publication_and_the_team_after() {
        let draft = post(1, false, false);
        assert!(require_editor(&draft, &AUTHOR).is_ok());
        assert!(require_editor(&draft, &MEMBER).is_err());
        let published = post(1, true, true);
        assert!(require_editor(&published, &AUTHOR).is_ok());
        assert!(require_editor(&published, &MEMBER).is_ok());
        assert!(require_editor(&published, &OUTSIDER).is_err());
        assert!(require_submitter(&draft, &AUTHOR).is_ok());
        assert!(require_submitter(&draft, &MEMBER).is_err());
        assert!(require_submitter(&post(1, true, false), &AUTHOR).is_err());
    }

    #[test]
    fn comments_are_editable_for_a_while_and_deletable_by_author_or_team() {
        let written = datetime!(2026-03-01 10:00 UTC);
        let comment = Comment {
            id: 1,
            post_id: 1,
            author_id: 3,
            author_login: "olga".into(),
            body: "Nice".into(),
            created_at: written,
            edited_at: None,
            deleted_at: None,
            deleted_by: None,
            deleted_by_author: false,
        };
        assert!(require_comment_editor(&comment, 3, written + Duration::minutes(14)).is_ok());
        assert!(require_comment_editor(&comment, 3, written + COMMENT_EDIT_WINDOW).is_err());
        assert!(require_comment_editor(&comment, 2, written).is_err());
        assert!(require_comment_deleter(&comment, &OUTSIDER).is_ok());
        assert!(require_comment_deleter(&comment, &MEMBER).is_ok());
        let stranger = Viewer {
            user_id: Some(9),
            is_member: false,
        };
        assert!(require_comment_deleter(&comment, &stranger).is_err());
        let deleted = Comment {
            deleted_at: Some(written),
            ..comment
        };
        assert!(require_comment_deleter(&deleted, &MEMBER).is_err());
        assert!(require_comment_editor(&deleted, 3, written).is_err());
    }

    #[test]
    fn comments_are_rate_limited() {
        assert_eq!(comment_rate_problem(0), None);
        assert_eq!(comment_rate_problem(COMMENT_RATE - 1), None);
        assert!(comment_rate_problem(COMMENT_RATE).is_some());
    }

    #[test]
    fn slugs_are_plain() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  Über 2 — Things  "), "uber-2-things");
        assert_eq!(slugify("日本語"), "post");
        assert_eq!(slugify(&"a ".repeat(100)).len(), SLUG_MAX - 1);
        assert!(!slugify(&"ab ".repeat(40)).ends_with('-'));
        assert_eq!(numbered_slug("x", 1), "x");
        assert_eq!(numbered_slug("x", 3), "x-3");
    }

    #[test]
    fn timelines_read_line_by_line() {
        let events =
            parse_timeline("2026-03-01 14:05 Mirrors stopped\n\n 2026-03-01 15:00  Fixed \n")
                .expect("valid");
        assert_eq!(
            events,
            vec![
                TimelineEvent {
                    at: datetime!(2026-03-01 14:05 UTC),
                    event: "Mirrors stopped".into()
                },
                TimelineEvent {
                    at: datetime!(2026-03-01 15:00 UTC),
                    event: "Fixed".into()
                },
            ]
        );
        assert_eq!(
            timeline_text(&events),
            "2026-03-01 14:05 Mirrors stopped\n2026-03-01 15:00 Fixed"
        );
        for bad in [
            "yesterday it broke",
            "2026-02-30 10:00 x",
            "2026-03-01 25:00 x",
            "2026-03-01 10:00",
        ] {
            let message = parse_timeline(bad).expect_err(bad);
            assert!(message.contains("Line 1"), "{message}");
        }
    }

    #[test]
    fn logins_are_checked() {
        assert_eq!(
            parse_logins("@ann, bob\nAnn  carl-d").expect("valid"),
            vec!["ann", "bob", "carl-d"]
        );
        assert!(parse_logins("ann -bad").is_err());
        assert!(parse_logins("<script>").is_err());
    }

    #[test]
    fn decision_numbers_are_checked() {
        assert_eq!(
            parse_decision_numbers("#12, 7 12").expect("valid"),
            vec![12, 7]
        );
        assert!(parse_decision_numbers("12 x").is_err());
        assert!(parse_decision_numbers("0").is_err());
        assert_eq!(
            LinkTarget::Member {
                login: "Ann".into()
            }
            .key(),
            LinkTarget::Member {
                login: "ann".into()
            }
            .key()
        );
        assert_ne!(
            LinkTarget::Decision { id: 1 }.key(),
            LinkTarget::Decision { id: 2 }.key()
        );
    }

    #[test]
    fn action_items_need_owner_and_due_date() {
        let form = ActionItemForm {
            text: "Add monitoring".into(),
            owner: "@ann".into(),
            due_on: "2026-04-01".into(),
            status: "done".into(),
            nonce: String::new(),
        };
        let item = form.validate().expect("valid");
        assert_eq!(item.owner, "ann");
        assert_eq!(item.due_on, date!(2026 - 04 - 01));
        assert!(item.done);
        let bad = ActionItemForm {
            text: " ".into(),
            owner: "no way".into(),
            due_on: "soon".into(),
            status: "maybe".into(),
            nonce: String::new(),
        };
        let errors = bad.validate().expect_err("invalid");
        for field in ["text", "owner", "due_on", "status"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn diffs_mark_lines() {
        let lines = diff_lines("a\nb\nc\n", "a\nB\nc\n");
        let kinds: Vec<&str> = lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, vec!["same", "removed", "added", "same"]);
        assert_eq!(lines[2].text, "B");
    }

    #[test]
    fn pages_are_forgiving() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(page_number(Some("-1")), 1);
        assert_eq!(page_number(Some("99999999999999999999")), 1);
        assert_eq!(page_number(Some("x")), 1);
    }

    #[test]
    fn switches_are_on_or_off() {
        assert_eq!(switch("on").ok(), Some(true));
        assert_eq!(switch("off").ok(), Some(false));
        assert!(switch("toggle").is_err());
    }
}
