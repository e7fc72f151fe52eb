//! The pages of `templates/posts/` and the Atom feeds, with every view field computed
//! here so the templates only loop and print.

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::db::{CommentVersion, LinkRow, Listed, ReviewRow, Revision, TeamActionItem};
use super::model::{
    self, ActionItem, ActionItemForm, Comment, Post, PostForm, PostState, TimelineEvent, diff_lines,
};
use crate::teams::model::Team;
use crate::web::dates::{format_date, format_day, format_utc, rfc3339};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use crate::web::markdown;

/// A text field with its label, what was typed, a hint and the error, if any.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
    pub error: Option<String>,
    pub max: usize,
}

impl Field {
    pub fn new(
        name: &'static str,
        label: &'static str,
        value: &str,
        max: usize,
        errors: &FormErrors,
    ) -> Self {
        Field {
            name,
            label,
            value: value.to_string(),
            hint: "",
            error: errors.get(name).map(str::to_string),
            max,
        }
    }

    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    /// The ids of the hint and the error message, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

/// An option of a select.
#[derive(Clone, Debug)]
pub struct Choosable {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn problems(errors: &FormErrors) -> Vec<String> {
    errors.iter().map(|(_, message)| message.clone()).collect()
}

fn team_options(teams: &[Team], selected: &str) -> Vec<Choosable> {
    teams
        .iter()
        .map(|t| Choosable {
            value: t.slug.clone(),
            label: t.name.clone(),
            selected: t.slug == selected,
        })
        .collect()
}

/// The first line of a text, without Markdown marks, at most 200 characters.
fn excerpt(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let plain: String = line
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '#' | '<' | '>' | '[' | ']'))
        .collect();
    match plain.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &plain[..i]),
        None => plain,
    }
}

// ----- lists -----

/// A published post in a list.
#[derive(Clone, Debug)]
pub struct PostItem {
    pub path: String,
    pub title: String,
    pub team_slug: String,
    pub team_name: String,
    pub author: String,
    pub published: String,
    pub excerpt: String,
    pub likes: i64,
    pub comments: i64,
    pub pinned: bool,
    pub edited: bool,
}

impl PostItem {
    pub fn of(listed: &Listed) -> Self {
        let post = &listed.post;
        PostItem {
            path: post.path(),
            title: post.title.clone(),
            team_slug: post.team_slug.clone(),
            team_name: post.team_name.clone(),
            author: post.author_display().to_string(),
            published: post.published_at.map(format_day).unwrap_or_default(),
            excerpt: excerpt(&post.body),
            likes: listed.likes,
            comments: listed.comments,
            pinned: post.pinned_at.is_some(),
            edited: post.edited_at.is_some(),
        }
    }
}

/// A draft or a post in review, as its author or a reviewer finds it.
#[derive(Clone, Debug)]
pub struct PendingItem {
    pub path: String,
    pub title: String,
    pub team_name: String,
    pub author: String,
    pub state: &'static str,
    pub since: String,
}

impl PendingItem {
    pub fn of(post: &Post) -> Self {
        PendingItem {
            path: post.path(),
            title: post.title.clone(),
            team_name: post.team_name.clone(),
            author: post.author_display().to_string(),
            state: post.state().label(),
            since: format_utc(post.submitted_at.unwrap_or(post.updated_at)),
        }
    }
}

/// Posts awaiting the person's review, as `/posts` shows them above the list.
#[derive(Clone, Debug, Default)]
pub struct ReviewQueue {
    pub items: Vec<PendingItem>,
}

impl ReviewQueue {
    pub fn of(posts: &[Post]) -> Self {
        ReviewQueue {
            items: posts.iter().map(PendingItem::of).collect(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "posts/index.html")]
pub struct PostsPage {
    pub layout: Layout,
    pub heading: String,
    pub team_filter: Option<String>,
    pub teams: Vec<Choosable>,
    pub posts: Vec<PostItem>,
    pub newer: Option<String>,
    pub older: Option<String>,
    pub page: i64,
    pub feed: String,
    pub may_write: bool,
    pub review_queue: ReviewQueue,
    pub drafts: Vec<PendingItem>,
}

/// What the list of posts shows beyond the posts.
pub struct ListContext<'a> {
    pub teams: &'a [Team],
    pub team: Option<&'a Team>,
    pub page: i64,
    /// Whether an older page exists.
    pub older: bool,
    pub may_write: bool,
    pub awaiting: &'a [Post],
    pub drafts: &'a [Post],
}

impl PostsPage {
    pub fn new(layout: Layout, listed: &[Listed], c: ListContext<'_>) -> Self {
        let filter = c
            .team
            .map(|t| format!("team={}&", t.slug))
            .unwrap_or_default();
        PostsPage {
            layout,
            heading: match c.team {
                Some(team) => format!("Updates from {}", team.name),
                None => "Team updates".into(),
            },
            team_filter: c.team.map(|t| t.slug.clone()),
            teams: team_options(c.teams, c.team.map(|t| t.slug.as_str()).unwrap_or_default()),
            posts: listed.iter().map(PostItem::of).collect(),
            newer: (c.page > 1).then(|| format!("/posts?{filter}page={}", c.page - 1)),
            older: c
                .older
                .then(|| format!("/posts?{filter}page={}", c.page + 1)),
            page: c.page,
            feed: match c.team {
                Some(team) => format!("/posts/{}/feed.xml", team.slug),
                None => "/posts/feed.xml".into(),
            },
            may_write: c.may_write,
            review_queue: ReviewQueue::of(c.awaiting),
            drafts: c.drafts.iter().map(PendingItem::of).collect(),
        }
    }
}

// ----- the form -----

#[derive(Template, WebTemplate)]
#[template(path = "posts/form.html")]
pub struct PostFormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub cancel: String,
    /// The team to choose, when creating.
    pub teams: Option<Vec<Choosable>>,
    pub team_error: Option<String>,
    pub problems: Vec<String>,
    pub title: Field,
    pub body: Field,
    pub timeline: Field,
    pub members: Field,
    pub decisions: Field,
    pub nonce: String,
    pub preview_html: Option<String>,
    pub note: Option<&'static str>,
    pub save_label: &'static str,
}

impl PostFormPage {
    /// The form for a new post (`teams` the person may write for) or for `post`.
    pub fn new(
        layout: Layout,
        post: Option<&Post>,
        teams: &[Team],
        form: &PostForm,
        errors: &FormErrors,
        preview: bool,
    ) -> Self {
        let (heading, action, cancel) = match post {
            Some(post) => (
                format!("Edit “{}”", post.title),
                format!("{}/edit", post.path()),
                post.path(),
            ),
            None => (
                "Write a team update".to_string(),
                "/posts".to_string(),
                "/posts".to_string(),
            ),
        };
        let note = post.and_then(|p| match p.state() {
            PostState::Draft => None,
            PostState::InReview => Some(
                "This post is in review. Saving a change returns it to draft: submit it again, so the approval covers the text as it is.",
            ),
            PostState::Published => Some(
                "This post is published. Every change is kept in its public history and the post is marked as edited.",
            ),
        });
        PostFormPage {
            layout,
            heading,
            action,
            cancel,
            teams: post.is_none().then(|| team_options(teams, &form.team)),
            team_error: errors.get("team").map(str::to_string),
            problems: problems(errors),
            title: Field::new("title", "Title", &form.title, model::TITLE_MAX, errors),
            body: Field::new("body", "Text", &form.body, model::BODY_MAX, errors)
                .hint("Markdown: **bold**, _italic_, [links](https://example.org), lists, tables. Use Preview to see it."),
            timeline: Field::new("timeline", "Incident timeline (optional)", &form.timeline, model::TIMELINE_MAX, errors)
                .hint("For an incident report: one event per line, “YYYY-MM-DD HH:MM what happened”, in UTC. Add action items on the post's page."),
            members: Field::new("members", "Announced members (optional)", &form.members, model::MEMBERS_MAX, errors)
                .hint("GitHub logins of new members this update announces, separated by spaces or commas. They must be current members of the team."),
            decisions: Field::new("decisions", "Decisions (optional)", &form.decisions, model::MEMBERS_MAX, errors)
                .hint("Numbers of the team's public decisions this update reports, e.g. 12 15."),
            nonce: form.nonce.clone(),
            preview_html: preview.then(|| markdown::render(&form.body)),
            note,
            save_label: match post.map(Post::state) {
                None | Some(PostState::Draft) => "Save the draft",
                Some(_) => "Save the changes",
            },
        }
    }
}

// ----- one post -----

#[derive(Clone, Debug)]
pub struct LinkView {
    pub login: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct DecisionLinkView {
    pub url: String,
    pub number: i64,
    pub question: String,
}

#[derive(Clone, Debug)]
pub struct EventView {
    pub at: String,
    pub datetime: String,
    pub event: String,
}

fn event_views(events: &[TimelineEvent]) -> Vec<EventView> {
    events
        .iter()
        .map(|e| EventView {
            at: format_utc(e.at),
            datetime: rfc3339(e.at),
            event: e.event.clone(),
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct ActionView {
    pub text: String,
    pub owner: String,
    pub due: String,
    pub status: &'static str,
    pub open: bool,
    pub overdue: bool,
    pub edit_path: String,
    /// Where the item belongs, on lists that gather items from several posts.
    pub post_path: String,
    pub post_title: String,
}

fn action_view(
    item: &ActionItem,
    post_path: &str,
    post_title: &str,
    now: OffsetDateTime,
) -> ActionView {
    ActionView {
        text: item.text.clone(),
        owner: item.owner_login.clone(),
        due: format_date(item.due_on),
        status: if item.is_open() { "open" } else { "done" },
        open: item.is_open(),
        overdue: item.is_overdue(now),
        edit_path: format!("{post_path}/actions/{}", item.id),
        post_path: post_path.to_string(),
        post_title: post_title.to_string(),
    }
}

#[derive(Clone, Debug)]
pub struct EarlierVersion {
    pub written: String,
    pub body_html: String,
}

#[derive(Clone, Debug)]
pub struct CommentView {
    pub anchor: String,
    pub author: String,
    pub at: String,
    pub body_html: String,
    pub edited: Option<String>,
    pub earlier: Vec<EarlierVersion>,
    /// The tombstone of a deleted comment, instead of its text.
    pub deleted: Option<String>,
    pub may_edit: bool,
    pub may_delete: bool,
    pub edit_path: String,
    pub delete_path: String,
}

#[derive(Clone, Debug)]
pub struct ReviewView {
    pub reviewer: String,
    pub verdict: &'static str,
    pub comment_html: Option<String>,
    pub at: String,
    pub version: i32,
}

/// What the viewer may do on the post's page; each flag mirrors a `require_*` rule the
/// server enforces on the action itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Allowed {
    pub edit: bool,
    pub submit: bool,
    pub review: bool,
    pub pin: bool,
    pub like: bool,
    pub comment: bool,
    pub keep_actions: bool,
    pub see_reviews: bool,
}

/// Everything the post's page shows, loaded by the handler.
pub struct PostData {
    pub post: Post,
    pub links: Vec<LinkRow>,
    pub timeline: Vec<TimelineEvent>,
    pub actions: Vec<ActionItem>,
    pub likes: i64,
    pub liked: bool,
    pub comments: Vec<Comment>,
    /// The first shown comment, when earlier comments exist (the next page's cursor).
    pub earlier: Option<i64>,
    /// Whether this is an earlier page (not the latest comments).
    pub paged: bool,
    pub versions: Vec<CommentVersion>,
    pub reviews: Vec<ReviewRow>,
}

/// What the forms on the post's page hold (typed values and messages on a re-render).
#[derive(Clone, Debug, Default)]
pub struct PostInputs {
    pub comment: String,
    pub comment_nonce: String,
    pub review_comment: String,
    pub action: ActionItemForm,
    pub errors: FormErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "posts/show.html")]
pub struct PostPage {
    pub layout: Layout,
    pub path: String,
    pub title: String,
    pub team_slug: String,
    pub team_name: String,
    pub author: String,
    pub author_login: String,
    pub state: &'static str,
    pub published: Option<String>,
    pub approved_by: Option<String>,
    pub edited: Option<String>,
    pub pinned: bool,
    pub body_html: String,
    pub links: Vec<LinkView>,
    pub decisions: Vec<DecisionLinkView>,
    pub timeline: Vec<EventView>,
    pub actions: Vec<ActionView>,
    pub likes: i64,
    pub liked: bool,
    pub comments: Vec<CommentView>,
    /// Link to the page of earlier comments, if there are any.
    pub earlier_href: Option<String>,
    /// Whether this page shows earlier comments (then it links back to the latest).
    pub paged: bool,
    pub reviews: Vec<ReviewView>,
    pub version: i32,
    pub may: Allowed,
    pub problems: Vec<String>,
    pub comment: Field,
    pub comment_nonce: String,
    pub review_comment: Field,
    pub action_text: Field,
    pub action_owner: Field,
    pub action_due: Field,
    pub action_nonce: String,
}

impl PostPage {
    pub fn new(
        layout: Layout,
        data: &PostData,
        may: Allowed,
        viewer_id: Option<i64>,
        inputs: &PostInputs,
        now: OffsetDateTime,
    ) -> Self {
        let post = &data.post;
        let path = post.path();
        let comments = data
            .comments
            .iter()
            .map(|c| {
                let earlier = data
                    .versions
                    .iter()
                    .filter(|v| v.comment_id == c.id)
                    .map(|v| EarlierVersion {
                        written: format_utc(v.written_at),
                        body_html: markdown::render(&v.body),
                    })
                    .collect();
                let deleted = c.deleted_at.map(|at| {
                    if c.deleted_by_author {
                        format!("Deleted by its author on {}.", format_utc(at))
                    } else {
                        format!(
                            "Deleted by {}, a member of the team, on {}.",
                            c.deleted_by.clone().unwrap_or_default(),
                            format_utc(at)
                        )
                    }
                });
                let mine = viewer_id == Some(c.author_id);
                CommentView {
                    anchor: format!("comment-{}", c.id),
                    author: c.author_login.clone(),
                    at: format_utc(c.created_at),
                    body_html: if deleted.is_some() {
                        String::new()
                    } else {
                        markdown::render(&c.body)
                    },
                    edited: c.edited_at.map(format_utc),
                    earlier,
                    may_edit: deleted.is_none()
                        && viewer_id
                            .is_some_and(|id| model::require_comment_editor(c, id, now).is_ok()),
                    may_delete: deleted.is_none() && (mine || may.keep_actions),
                    deleted,
                    edit_path: format!("{path}/comments/{}/edit", c.id),
                    delete_path: format!("{path}/comments/{}/delete", c.id),
                }
            })
            .collect();
        let errors = &inputs.errors;
        PostPage {
            layout,
            title: post.title.clone(),
            team_slug: post.team_slug.clone(),
            team_name: post.team_name.clone(),
            author: post.author_display().to_string(),
            author_login: post.author_login.clone(),
            state: post.state().label(),
            published: post.published_at.map(format_utc),
            approved_by: post.approved_by.clone(),
            edited: post.edited_at.map(format_utc),
            pinned: post.pinned_at.is_some(),
            body_html: markdown::render(&post.body),
            links: data
                .links
                .iter()
                .filter_map(|l| {
                    let login = l.login.clone()?;
                    Some(LinkView {
                        name: l.name.clone().unwrap_or_else(|| login.clone()),
                        login,
                    })
                })
                .collect(),
            decisions: data
                .links
                .iter()
                .filter_map(|l| {
                    let number = l.decision_id?;
                    Some(DecisionLinkView {
                        url: format!("/decisions/{number}"),
                        number,
                        question: l.question.clone().unwrap_or_default(),
                    })
                })
                .collect(),
            timeline: event_views(&data.timeline),
            actions: data
                .actions
                .iter()
                .map(|a| action_view(a, &path, &post.title, now))
                .collect(),
            likes: data.likes,
            liked: data.liked,
            comments,
            earlier_href: data
                .earlier
                .map(|first| format!("{path}?before={first}#comments-heading")),
            paged: data.paged,
            reviews: if may.see_reviews {
                data.reviews
                    .iter()
                    .map(|r| ReviewView {
                        reviewer: r.reviewer_login.clone(),
                        verdict: if r.verdict == "approved" {
                            "approved"
                        } else {
                            "asked for changes"
                        },
                        comment_html: r.comment.as_deref().map(markdown::render),
                        at: format_utc(r.at),
                        version: r.post_version,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            version: post.version,
            may,
            problems: problems(errors),
            comment: Field::new(
                "body",
                "Your comment",
                &inputs.comment,
                model::COMMENT_MAX,
                errors,
            )
            .hint("Markdown. You can edit it for 15 minutes after posting."),
            comment_nonce: inputs.comment_nonce.clone(),
            review_comment: Field::new(
                "comment",
                "What should change",
                &inputs.review_comment,
                model::REVIEW_COMMENT_MAX,
                errors,
            )
            .hint("Markdown. Required to ask for changes; the author and the team see it."),
            action_text: Field::new(
                "text",
                "Action",
                &inputs.action.text,
                model::ACTION_MAX,
                errors,
            ),
            action_owner: Field::new(
                "owner",
                "Owner (GitHub login)",
                &inputs.action.owner,
                39,
                errors,
            ),
            action_due: Field::new("due_on", "Due date", &inputs.action.due_on, 10, errors)
                .hint("YYYY-MM-DD"),
            action_nonce: inputs.action.nonce.clone(),
            path,
        }
    }
}

// ----- history -----

#[derive(Clone, Debug)]
pub struct RevisionView {
    pub number: i32,
    pub at: String,
    pub editor: String,
    pub title: String,
    /// What changed from the revision before; empty for the first.
    pub diff: Vec<model::DiffLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "posts/history.html")]
pub struct HistoryPage {
    pub layout: Layout,
    pub path: String,
    pub title: String,
    pub revisions: Vec<RevisionView>,
}

impl HistoryPage {
    pub fn new(layout: Layout, post: &Post, revisions: &[Revision]) -> Self {
        let mut views: Vec<RevisionView> = revisions
            .iter()
            .enumerate()
            .map(|(i, r)| RevisionView {
                number: r.number,
                at: format_utc(r.at),
                editor: r.editor_login.clone(),
                title: r.title.clone(),
                diff: match i.checked_sub(1).and_then(|p| revisions.get(p)) {
                    Some(previous) => diff_lines(&previous.text(), &r.text()),
                    None => Vec::new(),
                },
            })
            .collect();
        views.reverse();
        HistoryPage {
            layout,
            path: post.path(),
            title: post.title.clone(),
            revisions: views,
        }
    }
}

// ----- comment and action item forms -----

#[derive(Template, WebTemplate)]
#[template(path = "posts/comment_edit.html")]
pub struct CommentEditPage {
    pub layout: Layout,
    pub post_path: String,
    pub post_title: String,
    pub action: String,
    pub until: String,
    pub problems: Vec<String>,
    pub body: Field,
}

impl CommentEditPage {
    pub fn new(
        layout: Layout,
        post: &Post,
        comment: &Comment,
        body: &str,
        errors: &FormErrors,
    ) -> Self {
        CommentEditPage {
            layout,
            post_path: post.path(),
            post_title: post.title.clone(),
            action: format!("{}/comments/{}/edit", post.path(), comment.id),
            until: format_utc(comment.editable_until()),
            problems: problems(errors),
            body: Field::new("body", "Comment", body, model::COMMENT_MAX, errors)
                .hint("Markdown. The earlier text stays in the comment's history."),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "posts/action_edit.html")]
pub struct ActionItemPage {
    pub layout: Layout,
    pub post_path: String,
    pub post_title: String,
    pub action: String,
    pub problems: Vec<String>,
    pub text: Field,
    pub owner: Field,
    pub due_on: Field,
    pub done: bool,
    pub status_error: Option<String>,
}

impl ActionItemPage {
    pub fn new(
        layout: Layout,
        post: &Post,
        item: &ActionItem,
        form: &ActionItemForm,
        errors: &FormErrors,
    ) -> Self {
        ActionItemPage {
            layout,
            post_path: post.path(),
            post_title: post.title.clone(),
            action: format!("{}/actions/{}", post.path(), item.id),
            problems: problems(errors),
            text: Field::new("text", "Action", &form.text, model::ACTION_MAX, errors),
            owner: Field::new("owner", "Owner (GitHub login)", &form.owner, 39, errors),
            due_on: Field::new("due_on", "Due date", &form.due_on, 10, errors).hint("YYYY-MM-DD"),
            done: form.status == "done",
            status_error: errors.get("status").map(str::to_string),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "posts/team_actions.html")]
pub struct TeamActionsPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    pub open: Vec<ActionView>,
    pub done: Vec<ActionView>,
}

/// Views of a team's action items (for its actions page and the team page).
pub fn team_action_views(
    items: &[TeamActionItem],
    team_slug: &str,
    now: OffsetDateTime,
) -> Vec<ActionView> {
    items
        .iter()
        .map(|t| {
            let path = format!("/posts/{team_slug}/{}", t.post_slug);
            action_view(&t.item, &path, &t.post_title, now)
        })
        .collect()
}

impl TeamActionsPage {
    pub fn new(layout: Layout, team: &Team, items: &[TeamActionItem], now: OffsetDateTime) -> Self {
        let (open, done): (Vec<ActionView>, Vec<ActionView>) =
            team_action_views(items, &team.slug, now)
                .into_iter()
                .partition(|a| a.open);
        TeamActionsPage {
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            open,
            done,
        }
    }
}

// ----- feeds -----

#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub id: String,
    pub url: String,
    pub title: String,
    pub author: String,
    pub published: String,
    pub updated: String,
    pub team: String,
    pub content_html: String,
}

/// An Atom feed of published posts, with absolute links.
#[derive(Template)]
#[template(path = "posts/feed.xml")]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub self_url: String,
    pub alternate_url: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

impl Feed {
    /// `absolute` turns a local path into an absolute URL; `at` is when the feed was
    /// made, used as its time when it has no entries.
    pub fn new(
        title: String,
        self_path: &str,
        alternate_path: &str,
        listed: &[Listed],
        absolute: impl Fn(&str) -> String,
        at: OffsetDateTime,
    ) -> Self {
        let updated_of = |post: &Post| {
            post.edited_at
                .or(post.published_at)
                .unwrap_or(post.updated_at)
        };
        let entries: Vec<FeedEntry> = listed
            .iter()
            .map(|l| {
                let post = &l.post;
                let url = absolute(&post.path());
                FeedEntry {
                    id: url.clone(),
                    url,
                    title: post.title.clone(),
                    author: post.author_display().to_string(),
                    published: post.published_at.map(rfc3339).unwrap_or_default(),
                    updated: rfc3339(updated_of(post)),
                    team: post.team_name.clone(),
                    content_html: markdown::render(&post.body),
                }
            })
            .collect();
        let updated = listed
            .iter()
            .map(|l| updated_of(&l.post))
            .max()
            .unwrap_or(at);
        Feed {
            id: absolute(self_path),
            title,
            self_url: absolute(self_path),
            alternate_url: absolute(alternate_path),
            updated: rfc3339(updated),
            entries,
        }
    }
}
